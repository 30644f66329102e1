package io.mezzo.master.allocator;

import io.mezzo.master.spi.RangeSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scratch space for the offer one role could get from one agent right now: reused for every
 * candidate in the allocation loop so the loop allocates nothing until it grants.
 */
final class OfferDraft {
  final double[] cap = ScalarKinds.dense();
  final double[] unmet = ScalarKinds.dense();
  final double[] scratch = ScalarKinds.dense();
  final double[] unreserved = ScalarKinds.dense();
  final double[] total = ScalarKinds.dense();
  final double[] fromReserved = ScalarKinds.dense();
  boolean anyReserved;
  /** Reservation roles whose pools are in the offer, with the amounts taken from each. */
  final List<String> poolRoles = new ArrayList<>();
  final List<double[]> poolAmounts = new ArrayList<>();
  /** All ranges in the offer by name (for decline filters); null when there are none. */
  Map<String, RangeSet> ranges;

  void clear() {
    anyReserved = false;
    poolRoles.clear();
    poolAmounts.clear();
    ranges = null;
  }

  /** Adds a pool's free ranges; the first pool's map is only referenced (drafts never change it), later ones merged. */
  void addRanges(Map<String, RangeSet> more) {
    if (more.isEmpty()) {
      return;
    }
    if (ranges == null) {
      ranges = more;
      return;
    }
    Map<String, RangeSet> merged = new HashMap<>(ranges);
    more.forEach((k, v) -> merged.merge(k, v, RangeSet::union));
    ranges = merged;
  }

  /** What one framework role gets from one agent in one round (both stages merged). */
  static final class Grant {
    final FrameworkRole client;
    final AgentSlot agent;
    final double[] unreserved = ScalarKinds.dense();
    Map<String, double[]> reserved;
    /** Ranges by pool ("" = unreserved). */
    Map<String, Map<String, RangeSet>> ranges;

    Grant(FrameworkRole client, AgentSlot agent) {
      this.client = client;
      this.agent = agent;
    }

    double[] reserved(String role) {
      if (reserved == null) {
        reserved = new HashMap<>(2);
      }
      return reserved.computeIfAbsent(role, r -> ScalarKinds.dense());
    }

    Map<String, RangeSet> ranges(String pool) {
      if (ranges == null) {
        ranges = new HashMap<>(2);
      }
      return ranges.computeIfAbsent(pool == null ? "" : pool, r -> new HashMap<>());
    }
  }
}
