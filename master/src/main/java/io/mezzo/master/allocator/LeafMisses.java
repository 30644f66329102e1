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

  /** True when the leaf could take nothing of a draft at least this large since its epoch last moved. */
  boolean known(RoleTree.Leaf leaf, OfferDraft draft, int kinds) {
    Miss miss = misses == null ? null : misses.get(leaf);
    if (miss == null || miss.epoch != leaf.epoch || !ScalarKinds.covers(miss.total, draft.total, kinds)) {
      return false;
    }
    if (draft.ranges != null) {
      for (Map.Entry<String, RangeSet> e : draft.ranges.entrySet()) {
        RangeSet had = miss.ranges == null ? null : miss.ranges.get(e.getKey());
        if (had == null || !had.contains(e.getValue())) {
          return false;
        }
      }
    }
    return true;
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
    if (agent.unreserved.hasFreeRanges()) {
      for (Map.Entry<String, RangeSet> e : agent.unreserved.freeRanges.entrySet()) {
        RangeSet had = miss.ranges == null ? null : miss.ranges.get(e.getKey());
        if (had == null || !had.contains(e.getValue())) {
          return false;
        }
      }
    }
    return true;
  }

  /** Every framework of the leaf refused this draft (none was only skipped for this visit). */
  void remember(RoleTree.Leaf leaf, OfferDraft draft, int kinds) {
    if (misses == null) {
      misses = new HashMap<>(4);
    }
    misses.put(leaf, new Miss(leaf.epoch, java.util.Arrays.copyOf(draft.total, kinds),
        draft.ranges == null ? null : Map.copyOf(draft.ranges)));
  }
}
