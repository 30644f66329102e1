package io.mezzo.master.allocator;

import io.mezzo.master.spi.RangeSet;
import java.util.HashMap;
import java.util.Map;

/**
 * What one agent remembers of the role leaves whose every framework turned its offer down: the
 * largest draft a leaf could not take, and the leaf's {@link RoleTree.Leaf#epoch} at the time.
 * A framework refuses a draft because a decline filter covers it or its minimum is not met, and
 * both still hold for anything smaller, so while the epoch is unchanged a draft within the
 * remembered one skips the leaf without asking each framework again. Without this a round with
 * thousands of frameworks filtered on every agent (Mesos's DeclineOffers benchmark) asked every
 * filter on every agent, every round.
 *
 * <p>A leaf's epoch moves whenever one of its frameworks could start taking what it refused:
 * a framework becomes eligible or changes its minimum, or a filter expires or is cleared.
 */
final class LeafMisses {
  private record Miss(long epoch, double[] total, Map<String, RangeSet> ranges) {}

  private Map<RoleTree.Leaf, Miss> misses;
  /** The tree's epoch when every leaf last refused all of {@link #quietFree}; -1 when not. */
  private long quietEpoch = -1;
  private double[] quietFree;
  private Map<String, RangeSet> quietRanges;

  /**
   * True when, at the tree's current epoch, every leaf already refused all the agent's free
   * resources (no leaf's epoch moved since, and the agent has nothing free beyond what they
   * refused): a round may then pass the agent by without walking the tree. The leaves that were
   * walked are all there are, since a leaf joins the walk only by an epoch move (a framework
   * becoming eligible). In a round where thousands of frameworks have filtered every agent, this
   * makes an agent cost one comparison instead of a lookup per role.
   */
  boolean quiet(AgentSlot agent, long treeEpoch, int kinds) {
    return quietEpoch == treeEpoch && agent.reserved.isEmpty()
        && ScalarKinds.covers(quietFree, agent.unreserved.free, kinds)
        && holdsAll(quietRanges, agent.unreserved.freeRanges);
  }

  /** After a walk of the whole tree in which every leaf was {@link #knownForAllFree}. */
  void rememberQuiet(AgentSlot agent, long treeEpoch) {
    if (!agent.reserved.isEmpty()) {
      return;
    }
    quietEpoch = treeEpoch;
    if (quietFree == null) {
      quietFree = ScalarKinds.dense();
    }
    System.arraycopy(agent.unreserved.free, 0, quietFree, 0, quietFree.length);
    quietRanges = agent.unreserved.hasFreeRanges() ? Map.copyOf(agent.unreserved.freeRanges) : null;
  }

  private static boolean holdsAll(Map<String, RangeSet> had, Map<String, RangeSet> now) {
    for (Map.Entry<String, RangeSet> e : now.entrySet()) {
      RangeSet held = had == null ? null : had.get(e.getKey());
      if (held == null || !held.contains(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** True when the leaf could take nothing of a draft at least this large since its epoch last moved. */
  boolean known(RoleTree.Leaf leaf, OfferDraft draft, int kinds) {
    Miss miss = misses == null ? null : misses.get(leaf);
    if (miss == null || miss.epoch != leaf.epoch || !ScalarKinds.covers(miss.total, draft.total, kinds)) {
      return false;
    }
    return draft.ranges == null || holdsAll(miss.ranges, draft.ranges);
  }

  /**
   * {@link #known} for any draft the agent could make now, asked before drafting: true when the
   * remembered draft holds all the agent's free resources (and it has no reservations, whose
   * pools a draft may add). Drafting costs the quota caps along the role's path; in a round where
   * every framework is filtered on every agent, that was most of the round.
   */
  boolean knownForAllFree(RoleTree.Leaf leaf, AgentSlot agent, int kinds) {
    Miss miss = misses == null ? null : misses.get(leaf);
    if (miss == null || miss.epoch != leaf.epoch || !agent.reserved.isEmpty()
        || !ScalarKinds.covers(miss.total, agent.unreserved.free, kinds)) {
      return false;
    }
    return holdsAll(miss.ranges, agent.unreserved.freeRanges);
  }

  /** Every framework of the leaf refused this draft (none was only skipped for this visit). */
  void remember(RoleTree.Leaf leaf, OfferDraft draft, int kinds) {
    if (misses == null) {
      misses = new HashMap<>(4);
    }
    // The whole array: a scalar kind added later (an agent with a new resource name) is then 0 here.
    misses.put(leaf, new Miss(leaf.epoch, draft.total.clone(),
        draft.ranges == null ? null : Map.copyOf(draft.ranges)));
  }
}
