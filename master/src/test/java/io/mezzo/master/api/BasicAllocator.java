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

/** An allocator with none of the optional capabilities (weights, quota, reservations): DRF offers only. */
final class BasicAllocator implements Allocator {
  private final DrfAllocator drf = new DrfAllocator();

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
