package io.mezzo.master.allocator;

import io.mezzo.master.spi.RangeSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One agent as the allocator sees it: an unreserved pool, a pool per reservation role, and who holds what. */
final class AgentSlot {
  /** Resources of one reservation (or the unreserved ones) on the agent: total and free. */
  static final class Pool {
    final double[] total = ScalarKinds.dense();
    final double[] free = ScalarKinds.dense();
    final Map<String, RangeSet> totalRanges = new HashMap<>();
    final Map<String, RangeSet> freeRanges = new HashMap<>();

    boolean hasFreeRanges() {
      return !freeRanges.isEmpty();
    }
  }

  /** What one framework role holds on this agent, pool by pool (ranges are not counted). */
  static final class Holding {
    final FrameworkRole client;
    final double[] unreserved = ScalarKinds.dense();
    /** Reservation role to quantities; usually empty. */
    final Map<String, double[]> reserved = new HashMap<>(2);
    /** Ranges held, by pool ("" = unreserved); null until some are held. */
    Map<String, Map<String, RangeSet>> ranges;
    /** This round's offer to the same framework role on this agent, to merge a second grant into. */
    OfferDraft.Grant grant;
    long grantRound = -1;

    Holding(FrameworkRole client) {
      this.client = client;
    }

    double[] pool(String reservationRole) {
      return reservationRole == null ? unreserved : reserved.computeIfAbsent(reservationRole, r -> ScalarKinds.dense());
    }

    Map<String, RangeSet> ranges(String reservationRole) {
      if (ranges == null) {
        ranges = new HashMap<>(2);
      }
      return ranges.computeIfAbsent(reservationRole == null ? "" : reservationRole, r -> new HashMap<>());
    }

    boolean isEmpty(int kinds) {
      if (ScalarKinds.anyPositive(unreserved, kinds)) {
        return false;
      }
      for (double[] r : reserved.values()) {
        if (ScalarKinds.anyPositive(r, kinds)) {
          return false;
        }
      }
      if (ranges != null) {
        for (Map<String, RangeSet> r : ranges.values()) {
          if (!r.isEmpty()) {
            return false;
          }
        }
      }
      return true;
    }
  }

  final String id;
  final Pool unreserved = new Pool();
  /** Reservation role to its pool; empty for most agents. */
  final Map<String, Pool> reserved = new LinkedHashMap<>();
  final List<Holding> holdings = new ArrayList<>(2);
  boolean active = true;
  /** Role leaves that refused this agent's drafts (see {@link LeafMisses}). */
  final LeafMisses leafMisses = new LeafMisses();

  AgentSlot(String id) {
    this.id = id;
  }

  Pool pool(String reservationRole) {
    return reservationRole == null ? unreserved : reserved.computeIfAbsent(reservationRole, r -> new Pool());
  }

  Holding holding(FrameworkRole client, boolean create) {
    for (int i = 0; i < holdings.size(); i++) {
      if (holdings.get(i).client == client) {
        return holdings.get(i);
      }
    }
    if (!create) {
      return null;
    }
    Holding h = new Holding(client);
    holdings.add(h);
    return h;
  }
}
