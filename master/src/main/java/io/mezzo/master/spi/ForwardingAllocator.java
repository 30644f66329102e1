package io.mezzo.master.spi;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An allocator that passes the required calls to another one, for plug-ins that add to an
 * existing allocator (and for test doubles). The optional capabilities (weights, quota,
 * reservations, explain) are not forwarded: a subclass supports those it overrides.
 */
public abstract class ForwardingAllocator implements Allocator {
  private final Allocator delegate;

  protected ForwardingAllocator(Allocator delegate) {
    this.delegate = delegate;
  }

  protected final Allocator delegate() {
    return delegate;
  }

  @Override
  public void addAgent(String agentId, AgentResources total, AgentResources used) {
    delegate.addAgent(agentId, total, used);
  }

  @Override
  public void removeAgent(String agentId) {
    delegate.removeAgent(agentId);
  }

  @Override
  public void setAgentActive(String agentId, boolean active) {
    delegate.setAgentActive(agentId, active);
  }

  @Override
  public void addFramework(String frameworkId, Set<String> roles, Set<String> suppressedRoles,
      Map<String, List<Resources>> minAllocatable) {
    delegate.addFramework(frameworkId, roles, suppressedRoles, minAllocatable);
  }

  @Override
  public void removeFramework(String frameworkId) {
    delegate.removeFramework(frameworkId);
  }

  @Override
  public void setFrameworkActive(String frameworkId, boolean active) {
    delegate.setFrameworkActive(frameworkId, active);
  }

  @Override
  public void addUsed(String frameworkId, String role, String agentId, AgentResources resources) {
    delegate.addUsed(frameworkId, role, agentId, resources);
  }

  @Override
  public void recover(String frameworkId, String role, String agentId, AgentResources resources, double refuseSeconds,
      Instant now) {
    delegate.recover(frameworkId, role, agentId, resources, refuseSeconds, now);
  }

  @Override
  public void suppress(String frameworkId, Set<String> roles) {
    delegate.suppress(frameworkId, roles);
  }

  @Override
  public void revive(String frameworkId, Set<String> roles) {
    delegate.revive(frameworkId, roles);
  }

  @Override
  public List<Allocation> allocate(Instant now) {
    return delegate.allocate(now);
  }

  @Override
  public List<Allocation> allocate(Instant now, java.util.Collection<String> agentIds) {
    return delegate.allocate(now, agentIds);
  }
}
