package io.mezzo.master.api;

import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.spi.ForwardingAllocator;
import io.mezzo.master.spi.Resources;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The DRF allocator for offers, plus the optional capabilities (weights, quota, reservations,
 * explain) recorded in maps a test can read from any thread. It refuses a reservation for
 * the role {@link #REFUSED_ROLE}, so tests can see how the master handles an allocator refusal.
 */
final class RecordingAllocator extends ForwardingAllocator {
  RecordingAllocator() {
    super(new DrfAllocator());
  }

  static final String REFUSED_ROLE = "refused";

  final Map<String, Double> weights = new ConcurrentHashMap<>();
  /** role → "guarantees|limits" as Resources.toString(). */
  final Map<String, String> quotas = new ConcurrentHashMap<>();
  /** agentId + "/" + role → reserved resources. */
  final Map<String, Resources> reservations = new ConcurrentHashMap<>();

  @Override
  public void updateWeights(Map<String, Double> update) {
    weights.putAll(update);
  }

  @Override
  public void updateQuota(String role, Resources guarantees, Resources limits) {
    if (guarantees.isEmpty() && limits.isEmpty()) {
      quotas.remove(role);
    } else {
      quotas.put(role, guarantees + "|" + limits);
    }
  }

  @Override
  public void reserve(String agentId, String role, Resources resources) {
    if (role.equals(REFUSED_ROLE)) {
      throw new IllegalStateException("role '" + REFUSED_ROLE + "' cannot reserve");
    }
    reservations.merge(agentId + "/" + role, resources, Resources::plus);
  }

  @Override
  public void unreserve(String agentId, String role, Resources resources) {
    reservations.computeIfPresent(agentId + "/" + role, (k, r) -> {
      Resources left = r.minus(resources);
      return left.isEmpty() ? null : left;
    });
  }

  @Override
  public List<WhyNot> explain(String frameworkId) {
    return List.of(new WhyNot("eng", "quota-limit", Map.of("resource", "cpus", "limit", 4.0, "allocated", 4.0)));
  }

}
