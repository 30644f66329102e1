package io.mezzo.master.allocator;

import io.mezzo.master.allocator.AgentSlot.Holding;
import io.mezzo.master.allocator.AgentSlot.Pool;
import io.mezzo.master.spi.AgentResources;
import io.mezzo.master.spi.RangeSet;
import io.mezzo.master.spi.Resources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The agents' pools and who holds what on them: adding and removing agents, holdings from
 * running tasks and offers, giving back, and moving resources between the unreserved pool and
 * reservations. Keeps the free unreserved total of active agents (the headroom for quota
 * guarantees) and tells the {@link RoleTree} about every change of allocation or reservation.
 */
final class AgentBook {
  private final ScalarKinds kinds;
  private final RoleTree tree;
  private final Map<String, AgentSlot> agents = new HashMap<>();
  private final List<AgentSlot> agentList = new ArrayList<>();
  /** Free unreserved resources of active agents: what headroom for guarantees is taken from. */
  final double[] freeUnreserved = ScalarKinds.dense();
  private int activeAgents;

  AgentBook(ScalarKinds kinds, RoleTree tree) {
    this.kinds = kinds;
    this.tree = tree;
  }

  AgentSlot get(String agentId) {
    return agents.get(agentId);
  }

  List<AgentSlot> all() {
    return agentList;
  }

  int activeAgents() {
    return activeAgents;
  }

  private int n() {
    return kinds.size();
  }

  void add(String agentId, AgentResources total, AgentResources used) {
    AgentSlot agent = new AgentSlot(agentId);
    fillPool(agent.unreserved, total.unreserved(), used.unreserved());
    total.reserved().forEach((role, r) -> {
      Pool pool = agent.pool(role);
      fillPool(pool, r, used.reservedFor(role));
      tree.changeReserved(role, pool.total, 1, n());
    });
    agents.put(agentId, agent);
    agentList.add(agent);
    changeActiveTotals(agent, 1);
  }

  /** Removes an agent, freeing what is held on it; returns it, or null when unknown. */
  AgentSlot remove(String agentId) {
    AgentSlot agent = agents.remove(agentId);
    if (agent == null) {
      return null;
    }
    for (Holding h : new ArrayList<>(agent.holdings)) {
      release(agent, h);
    }
    changeActiveTotals(agent, -1);
    agent.reserved.forEach((role, pool) -> tree.changeReserved(role, pool.total, -1, n()));
    agentList.remove(agent);
    return agent;
  }

  void setActive(String agentId, boolean active) {
    AgentSlot agent = agents.get(agentId);
    if (agent == null || agent.active == active) {
      return;
    }
    changeActiveTotals(agent, -1);
    agent.active = active;
    changeActiveTotals(agent, 1);
  }

  /** Records resources a framework role already uses on the agent (see {@link #hold}). */
  void addUsed(AgentSlot agent, FrameworkRole client, AgentResources resources) {
    Holding h = agent.holding(client, true);
    double[] total = ScalarKinds.dense();
    double[] fromReserved = ScalarKinds.dense();
    hold(agent, h, null, resources.unreserved(), total, null);
    resources.reserved().forEach((r, res) -> {
      if (agent.reserved.containsKey(r)) {
        hold(agent, h, r, res, total, fromReserved);
      } else {
        // A task on a reservation the agent does not have (e.g. a dynamic one not restored yet): count it unreserved.
        hold(agent, h, null, res, total, null);
      }
    });
    tree.changeAllocation(client, total, fromReserved, 1, n());
  }

  /** Gives back what the framework role holds of {@code resources} on the agent, pool by pool. */
  void recover(AgentSlot agent, FrameworkRole client, AgentResources resources) {
    Holding h = agent.holding(client, false);
    if (h == null) {
      return;
    }
    double[] total = ScalarKinds.dense();
    double[] fromReserved = ScalarKinds.dense();
    giveBack(agent, h, null, resources.unreserved(), total, null);
    resources.reserved().forEach((r, res) -> giveBack(agent, h, r, res, total, fromReserved));
    tree.changeAllocation(client, total, fromReserved, -1, n());
    if (h.isEmpty(n())) {
      agent.holdings.remove(h);
    }
  }

  /** Frees everything the framework holds on every agent. */
  void releaseAll(FrameworkRole.FrameworkSlot framework) {
    for (AgentSlot agent : agentList) {
      for (int i = agent.holdings.size() - 1; i >= 0; i--) {
        if (agent.holdings.get(i).client.framework == framework) {
          release(agent, agent.holdings.get(i));
        }
      }
    }
  }

  void reserve(String agentId, String role, Resources resources) {
    AgentSlot agent = knownAgent(agentId);
    checkReservable(role);
    Pool from = agent.unreserved;
    double[] amount = kinds.toDense(resources);
    if (!ScalarKinds.covers(from.free, amount, n()) || !rangesCover(from.freeRanges, resources.ranges())) {
      throw new IllegalStateException("Cannot reserve " + resources + " for role '" + role + "' on agent " + agentId
          + ": only " + kinds.toResources(from.free, from.freeRanges) + " is free and unreserved");
    }
    movePool(agent, null, role, amount, resources.ranges(), true);
  }

  void unreserve(String agentId, String role, Resources resources) {
    AgentSlot agent = knownAgent(agentId);
    Pool from = agent.reserved.get(role);
    double[] amount = kinds.toDense(resources);
    if (from == null || !ScalarKinds.covers(from.free, amount, n()) || !rangesCover(from.freeRanges, resources.ranges())) {
      throw new IllegalStateException("Cannot unreserve " + resources + " of role '" + role + "' on agent " + agentId
          + ": only " + (from == null ? "nothing" : kinds.toResources(from.free, from.freeRanges))
          + " is free and reserved for it");
    }
    movePool(agent, role, null, amount, resources.ranges(), true);
  }

  private void fillPool(Pool pool, Resources total, Resources used) {
    kinds.add(pool.total, total, 1);
    kinds.add(pool.free, total.minus(used), 1);
    pool.totalRanges.putAll(total.ranges());
    total.minus(used).ranges().forEach(pool.freeRanges::put);
    // Used but not yet attributed to a framework (addUsed follows): counted as held by nobody.
  }

  /** Adds (1) or removes (-1) an active agent's resources to the share denominator and the free headroom. */
  private void changeActiveTotals(AgentSlot agent, double sign) {
    if (!agent.active) {
      return;
    }
    activeAgents += (int) sign;
    ScalarKinds.addInto(tree.total(), agent.unreserved.total, sign, n());
    for (Pool pool : agent.reserved.values()) {
      ScalarKinds.addInto(tree.total(), pool.total, sign, n());
    }
    ScalarKinds.addInto(freeUnreserved, agent.unreserved.free, sign, n());
    tree.totalChanged();
  }

  /**
   * Records a holding of resources already in use. The agent's free pool was reduced when it was
   * added with them as used; what is more than the agent's used-but-unattributed is taken from free.
   */
  private void hold(AgentSlot agent, Holding h, String pool, Resources resources, double[] total, double[] fromReserved) {
    double[] amount = kinds.toDense(resources);
    Pool p = agent.pool(pool);
    double[] unattributed = unattributed(agent, p, pool);
    for (int k = 0; k < n(); k++) {
      double fromFree = Math.max(0, amount[k] - unattributed[k]);
      fromFree = Math.min(fromFree, p.free[k]);
      p.free[k] = ScalarKinds.clean(p.free[k] - fromFree);
      if (pool == null && agent.active) {
        freeUnreserved[k] = ScalarKinds.clean(freeUnreserved[k] - fromFree);
      }
    }
    ScalarKinds.addInto(h.pool(pool), amount, 1, n());
    ScalarKinds.addInto(total, amount, 1, n());
    if (fromReserved != null) {
      ScalarKinds.addInto(fromReserved, amount, 1, n());
    }
    resources.ranges().forEach((name, set) -> {
      h.ranges(pool).merge(name, set, RangeSet::union);
      p.freeRanges.computeIfPresent(name, (k, free) -> emptyToNull(free.minus(set)));
    });
  }

  /** Total − free − what holdings account for: in use by tasks whose framework was not told yet. */
  private double[] unattributed(AgentSlot agent, Pool p, String pool) {
    double[] u = p.total.clone();
    ScalarKinds.addInto(u, p.free, -1, n());
    for (Holding other : agent.holdings) {
      double[] held = pool == null ? other.unreserved : other.reserved.get(pool);
      if (held != null) {
        ScalarKinds.addInto(u, held, -1, n());
      }
    }
    return u;
  }

  /** Moves what the holding has of {@code resources} back to the agent's free pool. */
  private void giveBack(AgentSlot agent, Holding h, String pool, Resources resources, double[] total,
      double[] fromReserved) {
    if (pool != null && !agent.reserved.containsKey(pool)) {
      return;
    }
    double[] want = kinds.toDense(resources);
    double[] held = h.pool(pool);
    Pool p = agent.pool(pool);
    for (int k = 0; k < n(); k++) {
      double back = Math.min(want[k], held[k]);
      if (back <= 0) {
        continue;
      }
      held[k] = ScalarKinds.clean(held[k] - back);
      p.free[k] = ScalarKinds.clean(p.free[k] + back);
      total[k] += back;
      if (fromReserved != null) {
        fromReserved[k] += back;
      }
      if (pool == null && agent.active) {
        freeUnreserved[k] = ScalarKinds.clean(freeUnreserved[k] + back);
      }
    }
    if (h.ranges != null) {
      Map<String, RangeSet> heldRanges = h.ranges(pool);
      resources.ranges().forEach((name, set) -> {
        RangeSet back = set.minus(set.minus(heldRanges.getOrDefault(name, RangeSet.EMPTY)));
        if (!back.isEmpty()) {
          heldRanges.computeIfPresent(name, (k, v) -> emptyToNull(v.minus(back)));
          p.freeRanges.merge(name, back, RangeSet::union);
        }
      });
    }
  }

  /** Frees everything a holding has (framework or agent removed). */
  void release(AgentSlot agent, Holding h) {
    double[] total = ScalarKinds.dense();
    double[] fromReserved = ScalarKinds.dense();
    ScalarKinds.addInto(agent.unreserved.free, h.unreserved, 1, n());
    if (agent.active) {
      ScalarKinds.addInto(freeUnreserved, h.unreserved, 1, n());
    }
    ScalarKinds.addInto(total, h.unreserved, 1, n());
    h.reserved.forEach((role, held) -> {
      ScalarKinds.addInto(agent.pool(role).free, held, 1, n());
      ScalarKinds.addInto(total, held, 1, n());
      ScalarKinds.addInto(fromReserved, held, 1, n());
    });
    if (h.ranges != null) {
      h.ranges.forEach((pool, ranges) -> ranges.forEach((name, set) ->
          agent.pool(pool.isEmpty() ? null : pool).freeRanges.merge(name, set, RangeSet::union)));
    }
    tree.changeAllocation(h.client, total, fromReserved, -1, n());
    agent.holdings.remove(h);
  }

  void convertHeld(FrameworkRole client, String frameworkId, String role, String agentId, String fromPool,
      String toPool, Resources resources) {
    AgentSlot agent = knownAgent(agentId);
    Holding h = client == null ? null : agent.holding(client, false);
    double[] amount = kinds.toDense(resources);
    double[] held = h == null ? null : (fromPool == null ? h.unreserved : h.reserved.get(fromPool));
    if (held == null || !ScalarKinds.covers(held, amount, n())
        || (fromPool != null && !agent.reserved.containsKey(fromPool))
        || !rangesCover(h.ranges == null ? Map.of() : h.ranges(fromPool), resources.ranges())) {
      throw new IllegalStateException("Framework " + frameworkId + " in role '" + role + "' does not hold "
          + resources + (fromPool == null ? " unreserved" : " reserved for '" + fromPool + "'") + " on agent " + agentId);
    }
    movePool(agent, fromPool, toPool, amount, resources.ranges(), false);
    ScalarKinds.addInto(held, amount, -1, n());
    ScalarKinds.addInto(h.pool(toPool), amount, 1, n());
    resources.ranges().forEach((name, set) -> {
      h.ranges(fromPool).computeIfPresent(name, (k, v) -> emptyToNull(v.minus(set)));
      h.ranges(toPool).merge(name, set, RangeSet::union);
    });
    // The framework's share is unchanged; only which part of it counts as reserved for quota.
    tree.changeAllocation(client, ScalarKinds.dense(), amount, toPool != null ? 1 : -1, n());
  }

  /** Moves resources between an agent's pools: totals always, free amounts when {@code free}. */
  private void movePool(AgentSlot agent, String fromRole, String toRole, double[] amount, Map<String, RangeSet> ranges,
      boolean free) {
    Pool from = agent.pool(fromRole);
    Pool to = agent.pool(toRole);
    ScalarKinds.addInto(from.total, amount, -1, n());
    ScalarKinds.addInto(to.total, amount, 1, n());
    ranges.forEach((name, set) -> {
      from.totalRanges.computeIfPresent(name, (k, v) -> emptyToNull(v.minus(set)));
      to.totalRanges.merge(name, set, RangeSet::union);
    });
    if (free) {
      ScalarKinds.addInto(from.free, amount, -1, n());
      ScalarKinds.addInto(to.free, amount, 1, n());
      ranges.forEach((name, set) -> {
        from.freeRanges.computeIfPresent(name, (k, v) -> emptyToNull(v.minus(set)));
        to.freeRanges.merge(name, set, RangeSet::union);
      });
      if (agent.active) {
        ScalarKinds.addInto(freeUnreserved, amount, fromRole == null ? -1 : 1, n());
      }
    }
    if (toRole != null) {
      tree.changeReserved(toRole, amount, 1, n());
    }
    if (fromRole != null) {
      tree.changeReserved(fromRole, amount, -1, n());
      if (!ScalarKinds.anyPositive(from.total, n()) && from.totalRanges.isEmpty()) {
        agent.reserved.remove(fromRole);
      }
    }
  }

  static void checkReservable(String role) {
    if (role == null || role.isEmpty() || "*".equals(role)) {
      throw new IllegalArgumentException("Resources cannot be reserved for role '" + role + "'");
    }
  }

  AgentSlot knownAgent(String agentId) {
    AgentSlot agent = agents.get(agentId);
    if (agent == null) {
      throw new IllegalStateException("Unknown agent " + agentId);
    }
    return agent;
  }

  private static RangeSet emptyToNull(RangeSet set) {
    return set.isEmpty() ? null : set;
  }

  private static boolean rangesCover(Map<String, RangeSet> have, Map<String, RangeSet> want) {
    for (Map.Entry<String, RangeSet> e : want.entrySet()) {
      if (!have.getOrDefault(e.getKey(), RangeSet.EMPTY).contains(e.getValue())) {
        return false;
      }
    }
    return true;
  }
}
