package io.mezzo.master.allocator;

import io.mezzo.master.allocator.AgentSlot.Holding;
import io.mezzo.master.allocator.AgentSlot.Pool;
import io.mezzo.master.allocator.FrameworkRole.FrameworkSlot;
import io.mezzo.master.allocator.OfferDraft.Grant;
import io.mezzo.master.allocator.RoleTree.Leaf;
import io.mezzo.master.allocator.RoleTree.RoleNode;
import io.mezzo.master.allocator.RoleTree.Sorted;
import io.mezzo.master.spi.AgentResources;
import io.mezzo.master.spi.Allocation;
import io.mezzo.master.spi.Allocator;
import io.mezzo.master.spi.RangeSet;
import io.mezzo.master.spi.Resources;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 * <p>One round ({@link #allocate}) reads as its steps: expire filters, order roles, fit
 * guarantees per agent, fit fair shares per agent, emit. Bookkeeping is incremental and dense
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

  private final Random random;
  private final ScalarKinds kinds = new ScalarKinds();
  private final RoleTree tree = new RoleTree();
  private final QuotaBook quota = new QuotaBook();
  private final DeclineFilters filters = new DeclineFilters();
  private final MinimumAllocatable defaultMinimum;
  private double[][] defaultMin;
  private final AgentBook agents = new AgentBook(kinds, tree);
  private final Map<String, FrameworkSlot> frameworks = new HashMap<>();
  /** The agents' free unreserved resources (active agents): the headroom for guarantees. */
  private final double[] freeUnreserved = agents.freeUnreserved;
  private double[] requiredHeadroom = ScalarKinds.dense();
  private final OfferDraft draft = new OfferDraft();
  private long round;
  private long visit;
  /** Framework roles with their own minimum; while there are none, drafts below the default are skipped whole. */
  private int customMinimums;

  public DrfAllocator() {
    this(new Random(), MinimumAllocatable.DEFAULT);
  }

  /** With a seeded random, agents are visited in a reproducible order. */
  public DrfAllocator(Random random) {
    this(random, MinimumAllocatable.DEFAULT);
  }

  /** {@code minimum}: the master's {@code --min-allocatable-resources}. */
  public DrfAllocator(Random random, MinimumAllocatable minimum) {
    this.random = random;
    this.defaultMinimum = minimum;
    this.defaultMin = minimum.dense(kinds);
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
      customMinimums -= client.minimum == null ? 0 : 1;
      client.minimum = min == null ? null : new MinimumAllocatable(min).dense(kinds);
      customMinimums += client.minimum == null ? 0 : 1;
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
      customMinimums -= client.minimum == null ? 0 : 1;
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
    round++;
    long nowMillis = now.toEpochMilli();
    filters.expire(nowMillis);
    tree.refresh();
    List<AgentSlot> order = agentsInRandomOrder();
    List<Grant> grants = new ArrayList<>();
    if (quota.hasGuarantees()) {
      requiredHeadroom = quota.requiredHeadroom(n());
      fitGuarantees(order, grants, nowMillis);
    }
    fitFairShares(order, grants, nowMillis);
    return emit(grants);
  }

  private List<AgentSlot> agentsInRandomOrder() {
    List<AgentSlot> order = new ArrayList<>(agents.all());
    Collections.shuffle(order, random);
    return order;
  }

  /** First stage: roles with unmet guarantees get, agent by agent, what they still miss. */
  private void fitGuarantees(List<AgentSlot> order, List<Grant> grants, long nowMillis) {
    List<RoleNode> needy = new ArrayList<>();
    for (RoleNode role : quota.guaranteedRoles()) {
      if (QuotaBook.isUnmet(role, n()) && role.eligible > 0) {
        needy.add(role);
      }
    }
    needy.sort(RoleTree.BY_SHARE);
    for (AgentSlot agent : order) {
      if (needy.isEmpty()) {
        return;
      }
      if (!agent.active) {
        continue;
      }
      visit++;
      for (RoleNode role : needy) {
        FrameworkRole pick;
        while (QuotaBook.isUnmet(role, n()) && (pick = pick(role, agent, role, nowMillis)) != null) {
          grant(pick, agent, grants);
        }
      }
      needy.removeIf(role -> !QuotaBook.isUnmet(role, n()));
    }
  }

  /** Second stage: each agent's free resources, pick by pick, to the lowest share that can take them. */
  private void fitFairShares(List<AgentSlot> order, List<Grant> grants, long nowMillis) {
    RoleNode root = tree.root();
    for (AgentSlot agent : order) {
      if (!agent.active || root.eligible == 0) {
        continue;
      }
      visit++;
      FrameworkRole pick;
      while (hasFree(agent) && (pick = pick(root, agent, null, nowMillis)) != null) {
        grant(pick, agent, grants);
      }
    }
  }

  /**
   * Walks the role tree in share order from {@code node} and returns the first framework role
   * that can take something of the agent (its draft is left in {@link #draft}), or null.
   * {@code guaranteeOf}: in the guarantee stage, the role whose guarantee is being filled.
   */
  private FrameworkRole pick(RoleNode node, AgentSlot agent, RoleNode guaranteeOf, long nowMillis) {
    for (Sorted entry : node.sorted) {
      if (entry instanceof RoleNode child) {
        FrameworkRole found = pick(child, agent, guaranteeOf, nowMillis);
        if (found != null) {
          return found;
        }
      } else {
        Leaf leaf = (Leaf) entry;
        if (!draftFor(leaf.role, agent, guaranteeOf)) {
          continue;
        }
        boolean meetsDefault = MinimumAllocatable.isMet(defaultMin, draft.total, n(), draft.ranges != null);
        if (!meetsDefault && customMinimums == 0) {
          continue;
        }
        for (FrameworkRole client : leaf.clients) {
          if (client.lastVisit != visit
              && (client.minimum == null ? meetsDefault
                  : MinimumAllocatable.isMet(client.minimum, draft.total, n(), draft.ranges != null))
              && !DeclineFilters.isRefused(client, agent, draft.total, draft.ranges, nowMillis, n())) {
            return client;
          }
        }
      }
    }
    return null;
  }

  /**
   * Drafts what {@code role} could get from the agent now: unreserved resources within its
   * limits and outside the headroom held for others' guarantees, plus what is reserved for the
   * role or an ancestor. False when that is nothing.
   */
  private boolean draftFor(RoleNode role, AgentSlot agent, RoleNode guaranteeOf) {
    OfferDraft d = draft;
    d.clear();
    int n = n();
    Arrays.fill(d.cap, 0, n, INFINITY);
    if (quota.hasLimits()) {
      QuotaBook.capByLimits(role, d.cap, n);
    }
    if (guaranteeOf != null) {
      QuotaBook.unmet(guaranteeOf, d.unmet, n);
      for (int k = 0; k < n; k++) {
        if (guaranteeOf.guarantee[k] > 0) {
          d.cap[k] = Math.min(d.cap[k], d.unmet[k]);
        }
      }
    } else if (quota.hasGuarantees()) {
      QuotaBook.unmetAlongPath(role, d.unmet, d.scratch, n);
      for (int k = 0; k < n; k++) {
        if (requiredHeadroom[k] > 0) {
          d.cap[k] = Math.min(d.cap[k], Math.max(0, freeUnreserved[k] - requiredHeadroom[k]) + d.unmet[k]);
        }
      }
    }
    double[] free = agent.unreserved.free;
    boolean guaranteeProgress = false;
    for (int k = 0; k < n; k++) {
      double v = Math.min(free[k], d.cap[k]);
      v = v > ScalarKinds.EPSILON ? v : 0;
      d.unreserved[k] = v;
      d.total[k] = v;
      d.fromReserved[k] = 0;
      guaranteeProgress |= guaranteeOf != null && guaranteeOf.guarantee[k] > 0 && v > 0;
    }
    if (agent.unreserved.hasFreeRanges()) {
      d.addRanges(agent.unreserved.freeRanges);
    }
    if (!agent.reserved.isEmpty()) {
      for (Map.Entry<String, Pool> e : agent.reserved.entrySet()) {
        Pool pool = e.getValue();
        if (RoleTree.isSelfOrAncestor(e.getKey(), role.path)
            && (ScalarKinds.anyPositive(pool.free, n) || pool.hasFreeRanges())) {
          d.poolRoles.add(e.getKey());
          d.poolAmounts.add(pool.free.clone());
          ScalarKinds.addInto(d.total, pool.free, 1, n);
          ScalarKinds.addInto(d.fromReserved, pool.free, 1, n);
          d.addRanges(pool.freeRanges);
          d.anyReserved = true;
          guaranteeProgress |= guaranteeOf != null;
        }
      }
    }
    if (guaranteeOf != null && !guaranteeProgress) {
      return false;
    }
    return ScalarKinds.anyPositive(d.total, n) || d.ranges != null;
  }

  private boolean hasFree(AgentSlot agent) {
    if (ScalarKinds.anyPositive(agent.unreserved.free, n()) || agent.unreserved.hasFreeRanges()) {
      return true;
    }
    for (Pool pool : agent.reserved.values()) {
      if (ScalarKinds.anyPositive(pool.free, n()) || pool.hasFreeRanges()) {
        return true;
      }
    }
    return false;
  }

  /** Hands the current draft to the framework role: out of the agent's free pools, into its holding and shares. */
  private void grant(FrameworkRole client, AgentSlot agent, List<Grant> grants) {
    OfferDraft d = draft;
    int n = n();
    Holding h = agent.holding(client, true);
    Grant g = h.grantRound == round ? h.grant : null;
    if (g == null) {
      g = new Grant(client, agent);
      h.grant = g;
      h.grantRound = round;
      grants.add(g);
    }
    ScalarKinds.addInto(agent.unreserved.free, d.unreserved, -1, n);
    ScalarKinds.addInto(h.unreserved, d.unreserved, 1, n);
    ScalarKinds.addInto(g.unreserved, d.unreserved, 1, n);
    ScalarKinds.addInto(freeUnreserved, d.unreserved, -1, n);
    if (agent.unreserved.hasFreeRanges()) {
      takeRanges(agent.unreserved, h.ranges(null), g.ranges(null));
    }
    for (int i = 0; i < d.poolRoles.size(); i++) {
      String role = d.poolRoles.get(i);
      double[] amount = d.poolAmounts.get(i);
      Pool pool = agent.reserved.get(role);
      ScalarKinds.addInto(pool.free, amount, -1, n);
      ScalarKinds.addInto(h.pool(role), amount, 1, n);
      ScalarKinds.addInto(g.reserved(role), amount, 1, n);
      if (pool.hasFreeRanges()) {
        takeRanges(pool, h.ranges(role), g.ranges(role));
      }
    }
    tree.changeAllocation(client, d.total, d.anyReserved ? d.fromReserved : null, 1, n);
    client.lastVisit = visit;
    client.lastOfferRound = round;
    if (quota.hasGuarantees()) {
      requiredHeadroom = quota.requiredHeadroom(n);
    }
  }

  private static void takeRanges(Pool pool, Map<String, RangeSet> held, Map<String, RangeSet> granted) {
    pool.freeRanges.forEach((name, set) -> {
      held.merge(name, set, RangeSet::union);
      granted.merge(name, set, RangeSet::union);
    });
    pool.freeRanges.clear();
  }

  /** Converts the round's grants to the SPI's allocations, the only place Resources are built. */
  private List<Allocation> emit(List<Grant> grants) {
    List<Allocation> out = new ArrayList<>(grants.size());
    for (Grant g : grants) {
      Resources unreserved = kinds.toResources(g.unreserved, g.ranges == null ? null : g.ranges.get(""));
      Map<String, Resources> reserved = Map.of();
      if (g.reserved != null) {
        reserved = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : g.reserved.entrySet()) {
          reserved.put(e.getKey(), kinds.toResources(e.getValue(), g.ranges == null ? null : g.ranges.get(e.getKey())));
        }
      }
      out.add(new Allocation(g.client.frameworkId, g.client.role, g.agent.id, AgentResources.of(unreserved, reserved)));
    }
    return out;
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
    return round;
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
    draftFor(role, agent, null);
    return draft;
  }

  double[][] minimumOf(FrameworkRole client) {
    return client.minimum == null ? defaultMin : client.minimum;
  }


}
