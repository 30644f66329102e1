package io.mezzo.master.spi;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which framework is offered which agent's free resources. The master tells it
 * facts and asks one question, {@link #allocate(Instant)}.
 *
 * <p>Threading: every method is called on the master's single state context, never
 * concurrently, so implementations need no locks and must never block. Calls are
 * idempotent where noted; otherwise the master calls them once per fact, in order.
 *
 * <p>Resources the allocator hands out in {@link #allocate} count as allocated to that
 * framework until the master gives them back with {@link #recover}.
 */
public interface Allocator {

  /** Adds an agent with its total resources, of which {@code used} are already held by running tasks. */
  void addAgent(String agentId, Resources total, Resources used);

  /** Removes an agent and forgets everything allocated on it. Idempotent. */
  void removeAgent(String agentId);

  /** Stops or resumes offering an agent (e.g. while it is disconnected). Idempotent. */
  void setAgentActive(String agentId, boolean active);

  /**
   * Adds a framework subscribed to {@code roles}, with resources {@code used} per agent held by
   * its running tasks (re-registration). {@code suppressedRoles} start out suppressed.
   */
  void addFramework(String frameworkId, Set<String> roles, Set<String> suppressedRoles);

  /** Removes a framework and frees everything allocated to it. Idempotent. */
  void removeFramework(String frameworkId);

  /** Stops or resumes offers to a framework (disconnected, failed over). Idempotent. */
  void setFrameworkActive(String frameworkId, boolean active);

  /** Records resources already in use on an agent by a framework (task found on re-registration). */
  void addUsed(String frameworkId, String role, String agentId, Resources resources);

  /**
   * Gives resources back: declined, unused by an accept, rescinded or freed by a finished task.
   * With {@code refuseSeconds > 0} the framework is not offered them on that agent again
   * before the filter expires (unless more than those resources become free).
   */
  void recover(String frameworkId, String role, String agentId, Resources resources, double refuseSeconds, Instant now);

  /** No offers for these roles of the framework until revived. Empty = all its roles. */
  void suppress(String frameworkId, Set<String> roles);

  /** Lifts suppression and clears decline filters for these roles. Empty = all its roles. */
  void revive(String frameworkId, Set<String> roles);

  /** Runs one allocation round and returns the offers to make, at most one per framework, agent and role. */
  List<Allocation> allocate(Instant now);

  // Optional capabilities. An allocator that lacks one throws UnsupportedOperationException,
  // which the master turns into a clear "not supported by this allocator" answer.

  /** Sets the weight of each named role (roles not named keep theirs; the default is 1.0). */
  default void updateWeights(Map<String, Double> weights) {
    throw new UnsupportedOperationException("This allocator does not support weights");
  }

  /**
   * Sets a role's quota: {@code guarantees} are offered to the role before others get more and
   * are not handed to others while unmet; {@code limits} are never exceeded. Empty resources
   * remove that part of the quota.
   */
  default void updateQuota(String role, Resources guarantees, Resources limits) {
    throw new UnsupportedOperationException("This allocator does not support quota");
  }

  /** Reserves part of an agent's unreserved resources for a role (dynamic reservation). */
  default void reserve(String agentId, String role, Resources resources) {
    throw new UnsupportedOperationException("This allocator does not support reservations");
  }

  /** Returns a role's dynamically reserved resources on an agent to the unreserved pool. */
  default void unreserve(String agentId, String role, Resources resources) {
    throw new UnsupportedOperationException("This allocator does not support reservations");
  }

  /** Why the framework got nothing in recent rounds, per role; empty when it was offered what it could take. */
  default List<WhyNot> explain(String frameworkId) {
    return List.of();
  }

  /**
   * One reason, as data: {@code reason} is a stable word (suppressed, filtered, quota-limit,
   * below-minimum, lower-share, no-agents), {@code details} the numbers behind it.
   */
  record WhyNot(String role, String reason, Map<String, Object> details) {}
}
