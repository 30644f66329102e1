package io.mezzo.master.allocator;

import io.mezzo.master.spi.RangeSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Refusal filters per framework × role × agent, as Mesos sets them on DECLINE and on the
 * unused part of ACCEPT. A filter lives in its {@link FrameworkRole} (looked up by agent in
 * the allocation loop) and in a queue by expiry, so expiring costs only the expired ones.
 */
final class DeclineFilters {
  /** One filter: what was refused, until when. */
  static final class Filter {
    final FrameworkRole client;
    final AgentSlot agent;
    final double[] refused;
    final Map<String, RangeSet> refusedRanges;
    final long expiresMillis;

    Filter(FrameworkRole client, AgentSlot agent, double[] refused, Map<String, RangeSet> refusedRanges,
        long expiresMillis) {
      this.client = client;
      this.agent = agent;
      this.refused = refused;
      this.refusedRanges = refusedRanges;
      this.expiresMillis = expiresMillis;
    }
  }

  private final PriorityQueue<Filter> byExpiry =
      new PriorityQueue<>(Comparator.comparingLong((Filter f) -> f.expiresMillis));

  /** Adds to an existing filter: the refused resources add up, the later expiry wins. */
  void refuse(FrameworkRole client, AgentSlot agent, double[] refused, Map<String, RangeSet> refusedRanges,
      long expiresMillis, int kinds) {
    Filter old = client.filters.get(agent);
    Filter filter;
    if (old == null) {
      filter = new Filter(client, agent, refused, refusedRanges, expiresMillis);
    } else {
      double[] sum = old.refused.clone();
      ScalarKinds.addInto(sum, refused, 1, kinds);
      Map<String, RangeSet> ranges = new HashMap<>(old.refusedRanges);
      refusedRanges.forEach((k, v) -> ranges.merge(k, v, RangeSet::union));
      filter = new Filter(client, agent, sum, ranges, Math.max(old.expiresMillis, expiresMillis));
    }
    client.filters.put(agent, filter);
    byExpiry.add(filter);
  }

  /** A filter holds while it lasts and only if the offer would hold nothing beyond what was refused. */
  static boolean isRefused(FrameworkRole client, AgentSlot agent, double[] offer, Map<String, RangeSet> offerRanges,
      long nowMillis, int kinds) {
    if (client.filters.isEmpty()) {
      return false;
    }
    Filter f = client.filters.get(agent);
    if (f == null || nowMillis >= f.expiresMillis || !ScalarKinds.covers(f.refused, offer, kinds)) {
      return false;
    }
    if (offerRanges != null) {
      for (Map.Entry<String, RangeSet> e : offerRanges.entrySet()) {
        if (!f.refusedRanges.getOrDefault(e.getKey(), RangeSet.EMPTY).contains(e.getValue())) {
          return false;
        }
      }
    }
    return true;
  }

  void expire(long nowMillis) {
    while (!byExpiry.isEmpty() && byExpiry.peek().expiresMillis <= nowMillis) {
      Filter f = byExpiry.poll();
      if (f.client.filters.remove(f.agent, f)) {
        f.client.leaf.moved();
      }
    }
  }

  void clear(FrameworkRole client) {
    client.filters.clear();
    client.leaf.moved();
  }

  void forgetAgent(AgentSlot agent) {
    List<Filter> gone = new ArrayList<>();
    for (Filter f : byExpiry) {
      if (f.agent == agent) {
        gone.add(f);
      }
    }
    for (Filter f : gone) {
      byExpiry.remove(f);
      f.client.filters.remove(f.agent, f);
    }
  }
}
