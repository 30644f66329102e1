package io.mezzo.master.state;

import io.mezzo.master.spi.AgentResources;
import io.mezzo.master.spi.Allocation;
import io.mezzo.master.spi.Allocator;
import io.mezzo.master.spi.Resources;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An allocator whose every call asserts that it runs on the {@link StateOwner}, then passes it
 * on unchanged, optional capabilities included (a delegate without one still throws its
 * {@code UnsupportedOperationException}). The master wraps whichever allocator is plugged in, so
 * the check does not depend on the plug-in; the allocator package stays free of Vert.x.
 */
public final class ConfinedAllocator implements Allocator {
  private final Allocator delegate;
  private final StateOwner owner;

  public ConfinedAllocator(Allocator delegate, StateOwner owner) {
    this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
    this.owner = java.util.Objects.requireNonNull(owner, "owner");
  }

  private Allocator checked() {
    assert owner.isCurrent() : "The allocator was called off the master's context, on " + Thread.currentThread().getName();
    return delegate;
  }

  @Override
  public void addAgent(String agentId, AgentResources total, AgentResources used) {
    checked().addAgent(agentId, total, used);
  }

  @Override
  public void addAgent(String agentId, Resources total, Resources used) {
    checked().addAgent(agentId, total, used);
  }

  @Override
  public void removeAgent(String agentId) {
    checked().removeAgent(agentId);
  }

  @Override
  public void setAgentActive(String agentId, boolean active) {
    checked().setAgentActive(agentId, active);
  }

  @Override
  public void addFramework(String frameworkId, Set<String> roles, Set<String> suppressedRoles,
      Map<String, List<Resources>> minAllocatable) {
    checked().addFramework(frameworkId, roles, suppressedRoles, minAllocatable);
  }

  @Override
  public void addFramework(String frameworkId, Set<String> roles, Set<String> suppressedRoles) {
    checked().addFramework(frameworkId, roles, suppressedRoles);
  }

  @Override
  public void removeFramework(String frameworkId) {
    checked().removeFramework(frameworkId);
  }

  @Override
  public void setFrameworkActive(String frameworkId, boolean active) {
    checked().setFrameworkActive(frameworkId, active);
  }

  @Override
  public void addUsed(String frameworkId, String role, String agentId, AgentResources resources) {
    checked().addUsed(frameworkId, role, agentId, resources);
  }

  @Override
  public void addUsed(String frameworkId, String role, String agentId, Resources resources) {
    checked().addUsed(frameworkId, role, agentId, resources);
  }

  @Override
  public void recover(String frameworkId, String role, String agentId, AgentResources resources, double refuseSeconds,
      Instant now) {
    checked().recover(frameworkId, role, agentId, resources, refuseSeconds, now);
  }

  @Override
  public void recover(String frameworkId, String role, String agentId, Resources resources, double refuseSeconds,
      Instant now) {
    checked().recover(frameworkId, role, agentId, resources, refuseSeconds, now);
  }

  @Override
  public void suppress(String frameworkId, Set<String> roles) {
    checked().suppress(frameworkId, roles);
  }

  @Override
  public void revive(String frameworkId, Set<String> roles) {
    checked().revive(frameworkId, roles);
  }

  @Override
  public List<Allocation> allocate(Instant now) {
    return checked().allocate(now);
  }

  @Override
  public List<Allocation> allocate(Instant now, java.util.Collection<String> agentIds) {
    return checked().allocate(now, agentIds);
  }

  @Override
  public void updateWeights(Map<String, Double> weights) {
    checked().updateWeights(weights);
  }

  @Override
  public void updateQuota(String role, Resources guarantees, Resources limits) {
    checked().updateQuota(role, guarantees, limits);
  }

  @Override
  public void reserve(String agentId, String role, Resources resources) {
    checked().reserve(agentId, role, resources);
  }

  @Override
  public void unreserve(String agentId, String role, Resources resources) {
    checked().unreserve(agentId, role, resources);
  }

  @Override
  public void reserveAllocated(String frameworkId, String role, String agentId, String reservationRole,
      Resources resources) {
    checked().reserveAllocated(frameworkId, role, agentId, reservationRole, resources);
  }

  @Override
  public void unreserveAllocated(String frameworkId, String role, String agentId, String reservationRole,
      Resources resources) {
    checked().unreserveAllocated(frameworkId, role, agentId, reservationRole, resources);
  }

  @Override
  public List<WhyNot> explain(String frameworkId) {
    return checked().explain(frameworkId);
  }
}
