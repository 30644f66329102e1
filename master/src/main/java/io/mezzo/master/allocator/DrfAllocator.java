package io.mezzo.master.allocator;

import io.mezzo.master.spi.Allocation;
import io.mezzo.master.spi.Allocator;
import io.mezzo.master.spi.Resources;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Dominant Resource Fairness over one level of roles: each free agent goes to the role
 * with the lowest dominant share, and within it to the framework with the lowest share
 * in that role. Shares are over cpus, mem, disk and gpus of the active cluster (ports
 * are not counted). Not thread-safe: the master calls it on its state context only.
 */
public final class DrfAllocator implements Allocator {
  /** The allocator's name for the master's {@code --allocator} flag. */
  public static final String NAME = "drf";

  static final List<String> SHARE_RESOURCES = List.of("cpus", "mem", "disk", "gpus");

  private final Random random;
  private final Map<String, AgentSlot> agents = new LinkedHashMap<>();
  private final Map<String, FrameworkSlot> frameworks = new HashMap<>();
  private final Map<String, Resources> roleAllocations = new HashMap<>();
  private final DeclineFilters filters = new DeclineFilters();

  public DrfAllocator() {
    this(new Random());
  }

  /** With a seeded random, agents are visited in a reproducible order. */
  public DrfAllocator(Random random) {
    this.random = random;
  }

  private static final class AgentSlot {
    final Resources total;
    Resources allocated = Resources.EMPTY;
    boolean active = true;

    AgentSlot(Resources total) {
      this.total = total;
    }

    Resources free() {
      return total.minus(allocated);
    }
  }

  private static final class FrameworkSlot {
    final Set<String> roles;
    final Set<String> suppressed = new HashSet<>();
    final Map<String, Resources> allocatedByRole = new HashMap<>();
    boolean active = true;

    FrameworkSlot(Set<String> roles) {
      this.roles = roles;
    }
  }

  @Override
  public void addAgent(String agentId, Resources total, Resources used) {
    AgentSlot slot = new AgentSlot(total);
    slot.allocated = used;
    agents.put(agentId, slot);
  }

  @Override
  public void removeAgent(String agentId) {
    agents.remove(agentId);
    filters.forgetAgent(agentId);
  }

  @Override
  public void setAgentActive(String agentId, boolean active) {
    AgentSlot slot = agents.get(agentId);
    if (slot != null) {
      slot.active = active;
    }
  }

  @Override
  public void addFramework(String frameworkId, Set<String> roles, Set<String> suppressedRoles) {
    FrameworkSlot slot = frameworks.computeIfAbsent(frameworkId, id -> new FrameworkSlot(new HashSet<>()));
    slot.roles.clear();
    slot.roles.addAll(roles);
    slot.suppressed.clear();
    slot.suppressed.addAll(suppressedRoles);
    slot.active = true;
  }

  @Override
  public void removeFramework(String frameworkId) {
    FrameworkSlot slot = frameworks.remove(frameworkId);
    if (slot != null) {
      slot.allocatedByRole.forEach((role, r) -> roleAllocations.computeIfPresent(role, (k, v) -> v.minus(r)));
    }
    filters.forgetFramework(frameworkId);
  }

  @Override
  public void setFrameworkActive(String frameworkId, boolean active) {
    FrameworkSlot slot = frameworks.get(frameworkId);
    if (slot != null) {
      slot.active = active;
    }
  }

  @Override
  public void addUsed(String frameworkId, String role, String agentId, Resources resources) {
    FrameworkSlot framework = frameworks.get(frameworkId);
    if (framework != null) {
      framework.allocatedByRole.merge(role, resources, Resources::plus);
      roleAllocations.merge(role, resources, Resources::plus);
    }
  }

  @Override
  public void recover(String frameworkId, String role, String agentId, Resources resources, double refuseSeconds,
      Instant now) {
    AgentSlot agent = agents.get(agentId);
    if (agent != null) {
      agent.allocated = agent.allocated.minus(resources);
    }
    FrameworkSlot framework = frameworks.get(frameworkId);
    if (framework != null) {
      framework.allocatedByRole.computeIfPresent(role, (k, v) -> v.minus(resources));
      roleAllocations.computeIfPresent(role, (k, v) -> v.minus(resources));
      if (refuseSeconds > 0) {
        filters.refuse(frameworkId, agentId, resources, now.plusMillis((long) (refuseSeconds * 1000)));
      }
    }
  }

  @Override
  public void suppress(String frameworkId, Set<String> roles) {
    FrameworkSlot slot = frameworks.get(frameworkId);
    if (slot != null) {
      slot.suppressed.addAll(roles.isEmpty() ? slot.roles : roles);
    }
  }

  @Override
  public void revive(String frameworkId, Set<String> roles) {
    FrameworkSlot slot = frameworks.get(frameworkId);
    if (slot != null) {
      slot.suppressed.removeAll(roles.isEmpty() ? slot.roles : roles);
      filters.forgetFramework(frameworkId);
    }
  }

  @Override
  public List<Allocation> allocate(Instant now) {
    filters.expire(now);
    Resources clusterTotal = activeTotal();
    List<Allocation> result = new ArrayList<>();
    for (Map.Entry<String, AgentSlot> entry : agentsInRandomOrder()) {
      AgentSlot agent = entry.getValue();
      Resources free = agent.free();
      if (!agent.active || !MinimumAllocatable.DEFAULT.isMet(free)) {
        continue;
      }
      pickFramework(entry.getKey(), free, clusterTotal, now).ifPresent(pick -> {
        allocateTo(pick, entry.getKey(), agent, free);
        result.add(new Allocation(pick.frameworkId(), pick.role(), entry.getKey(), free));
      });
    }
    return result;
  }

  /** The role with the lowest dominant share that has an eligible framework, then its lowest framework. */
  private Optional<Candidate> pickFramework(String agentId, Resources free, Resources clusterTotal, Instant now) {
    Candidate best = null;
    double bestRoleShare = Double.MAX_VALUE;
    double bestFrameworkShare = Double.MAX_VALUE;
    for (Map.Entry<String, FrameworkSlot> entry : frameworks.entrySet()) {
      FrameworkSlot framework = entry.getValue();
      if (!framework.active || filters.isRefused(entry.getKey(), agentId, free, now)) {
        continue;
      }
      for (String role : framework.roles) {
        if (framework.suppressed.contains(role)) {
          continue;
        }
        double roleShare = dominantShare(roleAllocations.getOrDefault(role, Resources.EMPTY), clusterTotal);
        double frameworkShare = dominantShare(framework.allocatedByRole.getOrDefault(role, Resources.EMPTY), clusterTotal);
        Candidate candidate = new Candidate(entry.getKey(), role);
        if (roleShare < bestRoleShare
            || (roleShare == bestRoleShare && frameworkShare < bestFrameworkShare)
            || (roleShare == bestRoleShare && frameworkShare == bestFrameworkShare && ORDER.compare(candidate, best) < 0)) {
          best = candidate;
          bestRoleShare = roleShare;
          bestFrameworkShare = frameworkShare;
        }
      }
    }
    return Optional.ofNullable(best);
  }

  private void allocateTo(Candidate pick, String agentId, AgentSlot agent, Resources resources) {
    agent.allocated = agent.allocated.plus(resources);
    frameworks.get(pick.frameworkId()).allocatedByRole.merge(pick.role(), resources, Resources::plus);
    roleAllocations.merge(pick.role(), resources, Resources::plus);
  }

  private record Candidate(String frameworkId, String role) {}

  private static final Comparator<Candidate> ORDER = Comparator.nullsLast(
      Comparator.comparing(Candidate::frameworkId).thenComparing(Candidate::role));

  /** The largest fraction of the cluster's total of any share resource that {@code allocated} holds. */
  static double dominantShare(Resources allocated, Resources clusterTotal) {
    double share = 0;
    for (String name : SHARE_RESOURCES) {
      double total = clusterTotal.scalar(name);
      if (total > 0) {
        share = Math.max(share, allocated.scalar(name) / total);
      }
    }
    return share;
  }

  private Resources activeTotal() {
    Resources total = Resources.EMPTY;
    for (AgentSlot agent : agents.values()) {
      if (agent.active) {
        total = total.plus(agent.total);
      }
    }
    return total;
  }

  private List<Map.Entry<String, AgentSlot>> agentsInRandomOrder() {
    List<Map.Entry<String, AgentSlot>> order = new ArrayList<>(agents.entrySet());
    Collections.shuffle(order, random);
    return order;
  }

  /** The dominant share of a role right now (for tests, metrics and the web UI). */
  public double roleShare(String role) {
    return dominantShare(roleAllocations.getOrDefault(role, Resources.EMPTY), activeTotal());
  }
}
