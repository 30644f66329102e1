package io.mezzo.master.allocator;

import io.mezzo.master.allocator.AgentSlot.Holding;
import io.mezzo.master.allocator.AgentSlot.Pool;
import io.mezzo.master.allocator.OfferDraft.Grant;
import io.mezzo.master.allocator.RoleTree.Leaf;
import io.mezzo.master.allocator.RoleTree.RoleNode;
import io.mezzo.master.allocator.RoleTree.Sorted;
import io.mezzo.master.spi.AgentResources;
import io.mezzo.master.spi.Allocation;
import io.mezzo.master.spi.RangeSet;
import io.mezzo.master.spi.Resources;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The allocation round of the {@link DrfAllocator}, as its named steps ({@link #run}): expire
 * decline filters, order roles by share, order agents (randomly), fit unmet quota guarantees per
 * agent, fit fair shares per agent, emit the grants as allocations. It works on the allocator's
 * books (agents, role tree, quota, filters) and keeps only the round's own scratch: the offer
 * being drafted, the headroom held for guarantees and the round and visit counters.
 */
final class AllocationRound {
  private static final double INFINITY = Double.POSITIVE_INFINITY;

  private final Random random;
  private final ScalarKinds kinds;
  private final RoleTree tree;
  private final QuotaBook quota;
  private final DeclineFilters filters;
  private final AgentBook agents;
  private final double[][] defaultMin;
  /** The agents' free unreserved resources (active agents): the headroom for guarantees. */
  private final double[] freeUnreserved;
  private final OfferDraft draft = new OfferDraft();
  private double[] requiredHeadroom = ScalarKinds.dense();
  private long round;
  private long visit;
  /** Framework roles with their own minimum; while there are none, drafts below the default are skipped whole. */
  private int customMinimums;
  /** Set by {@link #pick} when it asked a leaf rather than skipping it as known to refuse the agent's free resources. */
  private boolean askedALeaf;
  /** Agents a round passed by as {@link LeafMisses#quiet}, for tests. */
  private long quietSkips;

  AllocationRound(Random random, ScalarKinds kinds, RoleTree tree, QuotaBook quota, DeclineFilters filters,
      AgentBook agents, double[][] defaultMin) {
    this.random = random;
    this.kinds = kinds;
    this.tree = tree;
    this.quota = quota;
    this.filters = filters;
    this.agents = agents;
    this.defaultMin = defaultMin;
    this.freeUnreserved = agents.freeUnreserved;
  }

  /** One round over {@code candidates} (every agent, or those whose resources just freed): what each framework role is offered now. */
  List<Allocation> run(Instant now, List<AgentSlot> candidates) {
    round++;
    long nowMillis = now.toEpochMilli();
    filters.expire(nowMillis);
    tree.refresh(); // orders the roles, and the frameworks in each, by share
    List<AgentSlot> order = inRandomOrder(candidates);
    List<Grant> grants = new ArrayList<>();
    if (quota.hasGuarantees()) {
      requiredHeadroom = quota.requiredHeadroom(n());
      fitGuarantees(order, grants, nowMillis);
    }
    fitFairShares(order, grants, nowMillis);
    return emit(grants);
  }

  /** The number of the last round (0 before the first). */
  long number() {
    return round;
  }

  /** A framework role's own minimum comes ({@code +1}) or goes ({@code -1}). */
  void countCustomMinimum(FrameworkRole client, int delta) {
    if (client.minimum != null) {
      customMinimums += delta;
    }
  }

  /** Drafts the offer a role could get from an agent in the fair stage, for the why-not report. */
  OfferDraft draftForReport(RoleNode role, AgentSlot agent) {
    draftFor(role, agent, null);
    return draft;
  }

  private int n() {
    return kinds.size();
  }

  private List<AgentSlot> inRandomOrder(List<AgentSlot> candidates) {
    List<AgentSlot> order = new ArrayList<>(candidates);
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
      if (agent.leafMisses.quiet(agent, tree.epoch(), n())) {
        quietSkips++;
        continue; // every leaf refuses everything it has: no guarantee can grow here either
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
      if (agent.leafMisses.quiet(agent, tree.epoch(), n())) {
        quietSkips++;
        continue;
      }
      visit++;
      FrameworkRole pick;
      askedALeaf = false;
      while (hasFree(agent) && (pick = pick(root, agent, null, nowMillis)) != null) {
        grant(pick, agent, grants);
        askedALeaf = false;
      }
      if (!askedALeaf && hasFree(agent)) {
        agent.leafMisses.rememberQuiet(agent, tree.epoch());
      }
    }
  }

  /** How many times a round passed an agent by as quiet (see {@link LeafMisses#quiet}). */
  long quietSkips() {
    return quietSkips;
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
        if (agent.leafMisses.knownForAllFree(leaf, agent, n())) {
          continue;
        }
        askedALeaf = true;
        if (!draftFor(leaf.role, agent, guaranteeOf)) {
          continue;
        }
        boolean meetsDefault = MinimumAllocatable.isMet(defaultMin, draft.total, n(), draft.ranges != null);
        if ((!meetsDefault && customMinimums == 0) || agent.leafMisses.known(leaf, draft, n())) {
          continue;
        }
        boolean skippedForThisVisit = false;
        for (FrameworkRole client : leaf.clients) {
          if (client.lastVisit == visit) {
            skippedForThisVisit = true;
          } else if ((client.minimum == null ? meetsDefault
                  : MinimumAllocatable.isMet(client.minimum, draft.total, n(), draft.ranges != null))
              && !DeclineFilters.isRefused(client, agent, draft.total, draft.ranges, nowMillis, n())) {
            return client;
          }
        }
        if (!skippedForThisVisit) {
          agent.leafMisses.remember(leaf, draft, n());
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
}
