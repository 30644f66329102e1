package io.mezzo.master.allocator;

import io.mezzo.master.allocator.FrameworkRole.FrameworkSlot;
import io.mezzo.master.allocator.RoleTree.RoleNode;
import io.mezzo.master.spi.AgentResources;
import io.mezzo.master.spi.Allocation;
import io.mezzo.master.spi.Allocator;
import io.mezzo.master.spi.Resources;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Hierarchical weighted Dominant Resource Fairness, in the manner of Mesos's hierarchical
 * allocator: roles form a tree ({@code eng}, {@code eng/web}); at every level the sibling with
 * the lowest weighted dominant share (over cpus, mem, disk, gpus; ports do not count) goes
 * first, and within a role the framework with the lowest share. Quota guarantees are offered
 * first and held back from others while unmet; quota limits are never exceeded; reserved
 * resources go only to their role's subtree.
 *
 * <p>This class takes the facts ({@code addAgent}, {@code addFramework}, {@code recover}, quota,
 * reservations, ...) into its books; one round ({@link #allocate}) is the {@link AllocationRound},
 * which reads as its steps: expire filters, order roles, fit guarantees per agent, fit fair shares
 * per agent, emit. Bookkeeping is incremental and dense
 * (a {@code double[]} per resource kind): a grant re-positions only the winner's path in the
 * {@link RoleTree}, so a round costs about agents × log(frameworks). Pools and holdings per agent
 * live in the {@link AgentBook}, quota in the {@link QuotaBook}, refusals in {@link DeclineFilters};
 * {@link WhyNotReport} answers {@link #explain}.
 *
 * <p>Not thread-safe: the master calls it on its state context only.
 */
public final class DrfAllocator implements Allocator {
  /** The allocator's name for the master's {@code --allocator} flag. */
  public static final String NAME = "drf";

  private static final double INFINITY = Double.POSITIVE_INFINITY;

  private final ScalarKinds kinds = new ScalarKinds();
  private final RoleTree tree = new RoleTree();
  private final QuotaBook quota = new QuotaBook();
  private final DeclineFilters filters = new DeclineFilters();
  private final MinimumAllocatable defaultMinimum;
  private final double[][] defaultMin;
  private final AgentBook agents = new AgentBook(kinds, tree);
  private final Map<String, FrameworkSlot> frameworks = new HashMap<>();
  private final AllocationRound rounds;

  public DrfAllocator() {
    this(new Random(), MinimumAllocatable.DEFAULT);
  }

  /** With a seeded random, agents are visited in a reproducible order. */
  public DrfAllocator(Random random) {
    this(random, MinimumAllocatable.DEFAULT);
  }

  /** {@code minimum}: the master's {@code --min-allocatable-resources}. */
  public DrfAllocator(Random random, MinimumAllocatable minimum) {
    this.defaultMinimum = minimum;
    this.defaultMin = minimum.dense(kinds);
    this.rounds = new AllocationRound(random, kinds, tree, quota, filters, agents, defaultMin);
  }

  // ================================================================ facts: agents

  @Override
  public void addAgent(String agentId, AgentResources total, AgentResources used) {
    removeAgent(agentId);
    agents.add(agentId, total, used);
  }

  @Override
  public void removeAgent(String agentId) {
    AgentSlot removed = agents.remove(agentId);
    if (removed != null) {
      filters.forgetAgent(removed);
    }
  }

  @Override
  public void setAgentActive(String agentId, boolean active) {
    agents.setActive(agentId, active);
  }

  // ================================================================ facts: frameworks

  @Override
  public void addFramework(String frameworkId, Set<String> roles, Set<String> suppressedRoles,
      Map<String, List<Resources>> minAllocatable) {
    FrameworkSlot framework = frameworks.computeIfAbsent(frameworkId, FrameworkSlot::new);
    framework.active = true;
    for (FrameworkRole client : framework.roles.values()) {
      client.subscribed = roles.contains(client.role);
    }
    for (String role : roles) {
      FrameworkRole client = framework.roles.computeIfAbsent(role, r -> tree.addClient(framework, r));
      client.subscribed = true;
      client.suppressed = suppressedRoles.contains(role);
      List<Resources> min = minAllocatable.get(role);
      rounds.countCustomMinimum(client, -1);
      client.minimum = min == null ? null : new MinimumAllocatable(min).dense(kinds);
      client.leaf.moved(); // a lower minimum may take what the old one refused
      rounds.countCustomMinimum(client, +1);
    }
    framework.roles.values().forEach(c -> tree.setEligible(c, c.eligible()));
  }

  @Override
  public void removeFramework(String frameworkId) {
    FrameworkSlot framework = frameworks.remove(frameworkId);
    if (framework == null) {
      return;
    }
    agents.releaseAll(framework);
    for (FrameworkRole client : framework.roles.values()) {
      tree.removeClient(client);
      filters.clear(client);
      rounds.countCustomMinimum(client, -1);
    }
  }

  @Override
  public void setFrameworkActive(String frameworkId, boolean active) {
    FrameworkSlot framework = frameworks.get(frameworkId);
    if (framework != null) {
      framework.active = active;
      framework.roles.values().forEach(c -> tree.setEligible(c, c.eligible()));
    }
  }

  @Override
  public void suppress(String frameworkId, Set<String> roles) {
    forRoles(frameworkId, roles, c -> {
      c.suppressed = true;
      tree.setEligible(c, c.eligible());
    });
  }

  @Override
  public void revive(String frameworkId, Set<String> roles) {
    forRoles(frameworkId, roles, c -> {
      c.suppressed = false;
      filters.clear(c);
      tree.setEligible(c, c.eligible());
    });
  }

  private void forRoles(String frameworkId, Set<String> roles, java.util.function.Consumer<FrameworkRole> action) {
    FrameworkSlot framework = frameworks.get(frameworkId);
    if (framework == null) {
      return;
    }
    for (FrameworkRole c : framework.roles.values()) {
      if (c.subscribed && (roles.isEmpty() || roles.contains(c.role))) {
        action.accept(c);
      }
    }
  }

  // ================================================================ facts: holdings

  @Override
  public void addUsed(String frameworkId, String role, String agentId, AgentResources resources) {
    AgentSlot agent = agents.get(agentId);
    FrameworkRole client = client(frameworkId, role);
    if (agent != null && client != null) {
      agents.addUsed(agent, client, resources);
    }
  }

  @Override
  public void recover(String frameworkId, String role, String agentId, AgentResources resources, double refuseSeconds,
      Instant now) {
    AgentSlot agent = agents.get(agentId);
    FrameworkRole client = client(frameworkId, role);
    if (agent == null || client == null) {
      return;
    }
    agents.recover(agent, client, resources);
    if (refuseSeconds > 0) {
      Resources all = resources.total();
      filters.refuse(client, agent, kinds.toDense(all), all.ranges(),
          now.toEpochMilli() + (long) (refuseSeconds * 1000), n());
    }
  }

  // ================================================================ facts: quota, weights, reservations

  @Override
  public void updateWeights(Map<String, Double> weights) {
    weights.forEach((role, w) -> {
      if (!(w > 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException("Weight of role '" + role + "' must be a positive number, got " + w);
      }
    });
    weights.forEach((role, w) -> tree.setWeight(tree.node(role), w));
  }

  @Override
  public void updateQuota(String role, Resources guarantees, Resources limits) {
    if (!guarantees.ranges().isEmpty() || !limits.ranges().isEmpty()) {
      throw new IllegalArgumentException("Quota of role '" + role + "' may name scalar resources only");
    }
    for (String name : guarantees.scalars().keySet()) {
      double limit = limits.scalars().getOrDefault(name, INFINITY);
      if (guarantees.scalar(name) > limit) {
        throw new IllegalArgumentException("Quota of role '" + role + "': guarantee of " + name + " ("
            + guarantees.scalar(name) + ") exceeds its limit (" + limit + ")");
      }
    }
    double[] limit = null;
    if (!limits.isEmpty()) {
      limit = ScalarKinds.dense();
      Arrays.fill(limit, Double.NaN);
      for (Map.Entry<String, Double> e : limits.scalars().entrySet()) {
        limit[kinds.indexOf(e.getKey())] = e.getValue();
      }
    }
    quota.set(tree.node(role), guarantees.isEmpty() ? null : kinds.toDense(guarantees), limit);
  }

  @Override
  public void reserve(String agentId, String role, Resources resources) {
    agents.reserve(agentId, role, resources);
  }

  @Override
  public void unreserve(String agentId, String role, Resources resources) {
    agents.unreserve(agentId, role, resources);
  }

  @Override
  public void reserveAllocated(String frameworkId, String role, String agentId, String reservationRole,
      Resources resources) {
    AgentBook.checkReservable(reservationRole);
    if (!RoleTree.isSelfOrAncestor(reservationRole, role)) {
      throw new IllegalStateException("A framework in role '" + role + "' cannot reserve for role '" + reservationRole + "'");
    }
    agents.convertHeld(client(frameworkId, role), frameworkId, role, agentId, null, reservationRole, resources);
  }

  @Override
  public void unreserveAllocated(String frameworkId, String role, String agentId, String reservationRole,
      Resources resources) {
    agents.convertHeld(client(frameworkId, role), frameworkId, role, agentId, reservationRole, null, resources);
  }

  // ================================================================ the round

  @Override
  public List<Allocation> allocate(Instant now) {
    return rounds.run(now, agents.all());
  }

  /** A round over these agents only; the others keep what they have free for the next round. */
  @Override
  public List<Allocation> allocate(Instant now, java.util.Collection<String> agentIds) {
    List<AgentSlot> some = new java.util.ArrayList<>(agentIds.size());
    for (String id : agentIds) {
      AgentSlot agent = agents.get(id);
      if (agent != null) {
        some.add(agent);
      }
    }
    return rounds.run(now, some);
  }

  // ================================================================ why not

  @Override
  public List<WhyNot> explain(String frameworkId) {
    FrameworkSlot framework = frameworks.get(frameworkId);
    if (framework == null) {
      return List.of();
    }
    return new WhyNotReport(this, framework).reasons();
  }

  // ================================================================ views for tests, metrics and the report

  /** The unweighted dominant share of a role's subtree right now. */
  public double roleShare(String role) {
    RoleNode node = tree.find(role);
    return node == null ? 0 : tree.dominantShare(node.allocated);
  }

  /** The dominant share of some resources in the current cluster. */
  public double dominantShare(Resources resources) {
    return tree.dominantShare(kinds.toDense(resources));
  }

  /** What a framework holds in a role, over all agents. */
  public Resources allocated(String frameworkId, String role) {
    FrameworkRole c = client(frameworkId, role);
    return c == null ? Resources.EMPTY : kinds.toResources(c.allocated, null);
  }

  /** What a role's subtree holds, over all agents. */
  public Resources roleAllocated(String role) {
    RoleNode node = tree.find(role);
    return node == null ? Resources.EMPTY : kinds.toResources(node.allocated, null);
  }

  /** Quota consumption of a role's subtree: its reservations plus its unreserved allocation. */
  public Resources quotaConsumed(String role) {
    RoleNode node = tree.find(role);
    if (node == null) {
      return Resources.EMPTY;
    }
    double[] c = ScalarKinds.dense();
    for (int k = 0; k < n(); k++) {
      c[k] = Math.max(0, node.consumed(k));
    }
    return kinds.toResources(c, null);
  }

  // ================================================================ helpers shared with WhyNotReport

  FrameworkRole client(String frameworkId, String role) {
    FrameworkSlot framework = frameworks.get(frameworkId);
    return framework == null ? null : framework.roles.get(role);
  }

  int n() {
    return kinds.size();
  }

  ScalarKinds kinds() {
    return kinds;
  }

  RoleTree tree() {
    return tree;
  }

  long round() {
    return rounds.number();
  }

  /** Agents the rounds so far passed by without walking the role tree (see {@link LeafMisses#quiet}). */
  long quietSkips() {
    return rounds.quietSkips();
  }

  int activeAgents() {
    return agents.activeAgents();
  }

  List<AgentSlot> agentList() {
    return agents.all();
  }

  Iterable<FrameworkSlot> frameworkSlots() {
    return frameworks.values();
  }

  MinimumAllocatable defaultMinimum() {
    return defaultMinimum;
  }

  /** Drafts the offer a role could get from an agent in the fair stage, for the report. */
  OfferDraft draftForReport(RoleNode role, AgentSlot agent) {
    return rounds.draftForReport(role, agent);
  }

  double[][] minimumOf(FrameworkRole client) {
    return client.minimum == null ? defaultMin : client.minimum;
  }


}
