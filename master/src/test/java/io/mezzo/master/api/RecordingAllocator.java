package io.mezzo.master.api;

import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.spi.AgentResources;
import io.mezzo.master.spi.Allocation;
import io.mezzo.master.spi.Allocator;
import io.mezzo.master.spi.Resources;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The DRF allocator for offers, plus the optional capabilities (weights, quota, reservations,
 * explain) recorded in maps a test can read from any thread. It refuses a reservation for
 * the role {@link #REFUSED_ROLE}, so tests can see how the master handles an allocator refusal.
 */
final class RecordingAllocator implements Allocator {
  static final String REFUSED_ROLE = "refused";

  private final DrfAllocator drf = new DrfAllocator();
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

  @Override
  public void addAgent(String agentId, AgentResources total, AgentResources used) {
    drf.addAgent(agentId, total, used);
  }

  @Override
  public void removeAgent(String agentId) {
    drf.removeAgent(agentId);
  }

  @Override
  public void setAgentActive(String agentId, boolean active) {
    drf.setAgentActive(agentId, active);
  }

  @Override
  public void addFramework(String frameworkId, Set<String> roles, Set<String> suppressedRoles,
      Map<String, List<Resources>> minAllocatable) {
    drf.addFramework(frameworkId, roles, suppressedRoles, minAllocatable);
  }

  @Override
  public void removeFramework(String frameworkId) {
    drf.removeFramework(frameworkId);
  }

  @Override
  public void setFrameworkActive(String frameworkId, boolean active) {
    drf.setFrameworkActive(frameworkId, active);
  }

  @Override
  public void addUsed(String frameworkId, String role, String agentId, AgentResources resources) {
    drf.addUsed(frameworkId, role, agentId, resources);
  }

  @Override
  public void recover(String frameworkId, String role, String agentId, AgentResources resources, double refuseSeconds,
      Instant now) {
    drf.recover(frameworkId, role, agentId, resources, refuseSeconds, now);
  }

  @Override
  public void suppress(String frameworkId, Set<String> roles) {
    drf.suppress(frameworkId, roles);
  }

  @Override
  public void revive(String frameworkId, Set<String> roles) {
    drf.revive(frameworkId, roles);
  }

  @Override
  public List<Allocation> allocate(Instant now) {
    return drf.allocate(now);
  }
}
