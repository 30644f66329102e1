package io.mezzo.cli.operator;

import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.spi.ForwardingAllocator;
import io.mezzo.master.spi.Resources;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * DRF for offers, plus weights, quota and reservations kept in maps, so the CLI tests do not depend on what
 * the default allocator supports. {@code explain} gives one fixed reason.
 */
final class QuotaAllocator extends ForwardingAllocator {
  QuotaAllocator() {
    super(new DrfAllocator());
  }

  final Map<String, Double> weights = new ConcurrentHashMap<>();
  final Map<String, Resources> limits = new ConcurrentHashMap<>();

  @Override
  public void updateWeights(Map<String, Double> update) {
    weights.putAll(update);
  }

  @Override
  public void updateQuota(String role, Resources guarantees, Resources limit) {
    limits.put(role, limit);
  }

  /** agentId + "/" + role → reserved. */
  final Map<String, Resources> reservations = new ConcurrentHashMap<>();

  @Override
  public void reserve(String agentId, String role, Resources resources) {
    reservations.merge(agentId + "/" + role, resources, Resources::plus);
  }

  @Override
  public void unreserve(String agentId, String role, Resources resources) {
    reservations.computeIfPresent(agentId + "/" + role, (k, r) -> r.minus(resources).isEmpty() ? null : r.minus(resources));
  }

  @Override
  public List<WhyNot> explain(String frameworkId) {
    return List.of(new WhyNot("eng", "quota-limit", Map.of("resource", "cpus")));
  }

}
