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
 * framework and role until the master gives them back with {@link #recover}. Resources are
 * split by reservation ({@link AgentResources}): reserved parts are offered only to their
 * role and its descendants, and are given back to the same pool.
 */
public interface Allocator {

  /**
   * Adds an agent with its total resources, of which {@code used} are already held by running
   * tasks (the master then tells who holds them with {@link #addUsed}). Adding a known agent
   * again replaces it.
   */
  void addAgent(String agentId, AgentResources total, AgentResources used);

  /** Shorthand for an agent without reservations. */
  default void addAgent(String agentId, Resources total, Resources used) {
    addAgent(agentId, AgentResources.unreserved(total), AgentResources.unreserved(used));
  }

  /** Removes an agent and forgets everything allocated on it. Idempotent. */
  void removeAgent(String agentId);

  /** Stops or resumes offering an agent (e.g. while it is disconnected). Idempotent. */
  void setAgentActive(String agentId, boolean active);

  /**
   * Adds (or updates, when known) a framework subscribed to {@code roles}; {@code suppressedRoles}
   * start out suppressed. {@code minAllocatable} overrides, per role, the minimum an offer must
   * hold ({@code FrameworkInfo.offer_filters[role].min_allocatable_resources}): the offer must
   * cover one of the listed quantities; an empty list means anything non-empty.
   */
  void addFramework(String frameworkId, Set<String> roles, Set<String> suppressedRoles,
      Map<String, List<Resources>> minAllocatable);

  /** A framework with the master's minimum allocatable resources for every role. */
  default void addFramework(String frameworkId, Set<String> roles, Set<String> suppressedRoles) {
    addFramework(frameworkId, roles, suppressedRoles, Map.of());
  }

  /** Removes a framework and frees everything allocated to it. Idempotent. */
  void removeFramework(String frameworkId);

  /** Stops or resumes offers to a framework (disconnected, failed over). Idempotent. */
  void setFrameworkActive(String frameworkId, boolean active);

  /**
   * Records resources already in use on an agent by a framework in a role (a task found on
   * re-registration, or a task of an agent added with {@code used}). Unknown framework: ignored.
   */
  void addUsed(String frameworkId, String role, String agentId, AgentResources resources);

  default void addUsed(String frameworkId, String role, String agentId, Resources resources) {
    addUsed(frameworkId, role, agentId, AgentResources.unreserved(resources));
  }

  /**
   * Gives resources back: declined, unused by an accept, rescinded or freed by a finished task.
   * Each part goes back to its pool (unreserved or the reservation's role). With
   * {@code refuseSeconds > 0} the framework is not offered them on that agent in that role
   * again before the filter expires (unless more than those resources become free). Giving back
   * more than the framework holds there gives back what it holds.
   */
  void recover(String frameworkId, String role, String agentId, AgentResources resources, double refuseSeconds,
      Instant now);

  default void recover(String frameworkId, String role, String agentId, Resources resources, double refuseSeconds,
      Instant now) {
    recover(frameworkId, role, agentId, AgentResources.unreserved(resources), refuseSeconds, now);
  }

  /** No offers for these roles of the framework until revived. Empty = all its roles. Idempotent. */
  void suppress(String frameworkId, Set<String> roles);

  /** Lifts suppression and clears decline filters for these roles. Empty = all its roles. Idempotent. */
  void revive(String frameworkId, Set<String> roles);

  /**
   * Runs one allocation round and returns the offers to make, at most one per framework, agent
   * and role. {@code now} expires decline filters.
   */
  List<Allocation> allocate(Instant now);

  /**
   * A round over these agents only, for resources that just became free (a task ended, an agent
   * registered): the master runs it soon after, so they need not wait for the next periodic round.
   * Returns what {@link #allocate(Instant)} would offer of these agents; agents it does not know are
   * ignored. The default runs a whole round, which is always correct, only slower.
   */
  default List<Allocation> allocate(Instant now, java.util.Collection<String> agentIds) {
    return allocate(now);
  }

  // Optional capabilities. An allocator that lacks one throws UnsupportedOperationException,
  // which the master turns into a clear "not supported by this allocator" answer.

  /** Sets the weight of each named role (roles not named keep theirs; the default is 1.0). Must be positive. */
  default void updateWeights(Map<String, Double> weights) {
    throw new UnsupportedOperationException("This allocator does not support weights");
  }

  /**
   * Sets a role's quota: {@code guarantees} are offered to the role before others get more and
   * are not handed to others while unmet; {@code limits} are never exceeded by the role's subtree
   * (consumed = its reservations + what it is allocated unreserved, as in Mesos). Empty resources
   * remove that part of the quota. Only scalars count.
   */
  default void updateQuota(String role, Resources guarantees, Resources limits) {
    throw new UnsupportedOperationException("This allocator does not support quota");
  }

  /**
   * Reserves part of an agent's free unreserved resources for a role (dynamic reservation by an
   * operator, or replayed from the registry after failover).
   *
   * @throws IllegalStateException when the agent is unknown or the resources are not free and unreserved
   */
  default void reserve(String agentId, String role, Resources resources) {
    throw new UnsupportedOperationException("This allocator does not support reservations");
  }

  /**
   * Returns a role's free reserved resources on an agent to the unreserved pool.
   *
   * @throws IllegalStateException when the agent is unknown or the resources are not free and reserved for the role
   */
  default void unreserve(String agentId, String role, Resources resources) {
    throw new UnsupportedOperationException("This allocator does not support reservations");
  }

  /**
   * An accepted offer's RESERVE: resources the framework holds on the agent in {@code role},
   * unreserved, become reserved for {@code reservationRole}; the framework still holds them.
   *
   * @throws IllegalStateException when the framework does not hold them there
   */
  default void reserveAllocated(String frameworkId, String role, String agentId, String reservationRole,
      Resources resources) {
    throw new UnsupportedOperationException("This allocator does not support reservations");
  }

  /** An accepted offer's UNRESERVE: the reverse of {@link #reserveAllocated}. */
  default void unreserveAllocated(String frameworkId, String role, String agentId, String reservationRole,
      Resources resources) {
    throw new UnsupportedOperationException("This allocator does not support reservations");
  }

  /**
   * Why the framework got nothing in recent rounds, one entry per role it got nothing in;
   * empty when it was offered something in each of its roles in the last round.
   */
  default List<WhyNot> explain(String frameworkId) {
    return List.of();
  }

  /**
   * One reason, as data: {@code reason} is a stable word (suppressed, inactive, filtered,
   * quota-limit, below-minimum, lower-share, no-agents), {@code details} the numbers behind it
   * (JSON-friendly: strings, numbers, lists and maps of them).
   */
  record WhyNot(String role, String reason, Map<String, Object> details) {}
}
