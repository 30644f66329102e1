package io.mezzo.master.allocator;

import io.mezzo.master.spi.Resources;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Refusal filters per framework and agent, as Mesos sets them on DECLINE and on the unused part of ACCEPT. */
final class DeclineFilters {
  private record Key(String frameworkId, String agentId) {}

  private record Filter(Resources refused, Instant expires) {}

  private final Map<Key, Filter> filters = new HashMap<>();

  void refuse(String frameworkId, String agentId, Resources refused, Instant expires) {
    filters.merge(new Key(frameworkId, agentId), new Filter(refused, expires),
        (old, add) -> new Filter(old.refused.plus(add.refused), old.expires.isAfter(add.expires) ? old.expires : add.expires));
  }

  /** A filter applies only while it lasts and only if the offer would hold nothing beyond what was refused. */
  boolean isRefused(String frameworkId, String agentId, Resources offer, Instant now) {
    Filter filter = filters.get(new Key(frameworkId, agentId));
    return filter != null && now.isBefore(filter.expires) && filter.refused.covers(offer);
  }

  void expire(Instant now) {
    filters.values().removeIf(f -> !now.isBefore(f.expires));
  }

  void forgetFramework(String frameworkId) {
    filters.keySet().removeIf(k -> k.frameworkId.equals(frameworkId));
  }

  void forgetAgent(String agentId) {
    filters.keySet().removeIf(k -> k.agentId.equals(agentId));
  }
}
