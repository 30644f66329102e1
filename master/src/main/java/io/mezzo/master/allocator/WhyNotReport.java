package io.mezzo.master.allocator;

import io.mezzo.master.allocator.FrameworkRole.FrameworkSlot;
import io.mezzo.master.allocator.RoleTree.RoleNode;
import io.mezzo.master.spi.Allocator.WhyNot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Why a framework got nothing in a role in the last round, as data. Computed on demand from
 * the allocator's state (the allocation loop records only who got an offer in which round),
 * so asking costs a scan of the agents but the loop pays nothing for it.
 */
final class WhyNotReport {
  private static final int MAX_LISTED = 10;

  private final DrfAllocator allocator;
  private final FrameworkSlot framework;

  WhyNotReport(DrfAllocator allocator, FrameworkSlot framework) {
    this.allocator = allocator;
    this.framework = framework;
  }

  List<WhyNot> reasons() {
    List<WhyNot> out = new ArrayList<>();
    for (FrameworkRole client : framework.roles.values()) {
      if (client.subscribed && client.lastOfferRound != allocator.round()) {
        explain(client, out);
      }
    }
    out.sort(Comparator.comparing(WhyNot::role));
    return out;
  }

  private void explain(FrameworkRole client, List<WhyNot> out) {
    String role = client.role;
    if (!framework.active) {
      out.add(new WhyNot(role, "inactive", Map.of("framework", framework.id)));
      return;
    }
    if (client.suppressed) {
      out.add(new WhyNot(role, "suppressed", Map.of("framework", framework.id)));
      return;
    }
    if (allocator.activeAgents() == 0) {
      out.add(new WhyNot(role, "no-agents", Map.of()));
      return;
    }
    int before = out.size();
    quotaLimit(client, out);
    filtered(client, out);
    boolean couldFit = anyAgentCouldFit(client);
    boolean fitsNow = anyAgentFits(client);
    boolean othersWon = allocator.tree().clients().stream().anyMatch(c -> c.lastOfferRound == allocator.round());
    if (out.size() > before) {
      return;
    }
    if (!couldFit || (!fitsNow && !othersWon)) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("minimum", client.minimum == null ? allocator.defaultMinimum().toString() : "per-role offer filter");
      details.put("why", couldFit ? "nothing free fits the minimum" : "no agent has that much for this role");
      out.add(new WhyNot(role, "below-minimum", details));
    } else {
      out.add(lowerShare(client));
    }
  }

  private void quotaLimit(FrameworkRole client, List<WhyNot> out) {
    ScalarKinds kinds = allocator.kinds();
    for (RoleNode node = client.leaf.role; !node.isRoot(); node = node.parent) {
      if (node.limit == null) {
        continue;
      }
      for (int k = 0; k < allocator.n(); k++) {
        if (!Double.isNaN(node.limit[k]) && node.consumed(k) >= node.limit[k] - ScalarKinds.EPSILON) {
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("quotaRole", node.path);
          details.put("resource", kinds.name(k));
          details.put("limit", node.limit[k]);
          details.put("consumed", round(node.consumed(k)));
          details.put("allocated", round(node.allocated[k]));
          out.add(new WhyNot(client.role, "quota-limit", details));
        }
      }
    }
  }

  private void filtered(FrameworkRole client, List<WhyNot> out) {
    if (client.filters.isEmpty()) {
      return;
    }
    List<Map<String, Object>> listed = new ArrayList<>();
    client.filters.values().stream()
        .sorted(Comparator.comparingLong((DeclineFilters.Filter f) -> f.expiresMillis))
        .limit(MAX_LISTED)
        .forEach(f -> {
          Map<String, Object> one = new LinkedHashMap<>();
          one.put("agent", f.agent.id);
          one.put("until", Instant.ofEpochMilli(f.expiresMillis).toString());
          one.put("refused", allocator.kinds().toResources(f.refused, f.refusedRanges).toString());
          listed.add(one);
        });
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("agents", client.filters.size());
    details.put("filters", listed);
    out.add(new WhyNot(client.role, "filtered", details));
  }

  /** Some active agent has, in total, what the framework's minimum asks for in this role. */
  private boolean anyAgentCouldFit(FrameworkRole client) {
    int n = allocator.n();
    double[] total = ScalarKinds.dense();
    for (AgentSlot agent : allocator.agentList()) {
      if (!agent.active) {
        continue;
      }
      System.arraycopy(agent.unreserved.total, 0, total, 0, n);
      boolean ranges = !agent.unreserved.totalRanges.isEmpty();
      for (Map.Entry<String, AgentSlot.Pool> e : agent.reserved.entrySet()) {
        if (RoleTree.isSelfOrAncestor(e.getKey(), client.role)) {
          ScalarKinds.addInto(total, e.getValue().total, 1, n);
          ranges |= !e.getValue().totalRanges.isEmpty();
        }
      }
      if (MinimumAllocatable.isMet(allocator.minimumOf(client), total, n, ranges)) {
        return true;
      }
    }
    return false;
  }

  /** Some active agent has free resources this role may take that meet the framework's minimum, unfiltered. */
  private boolean anyAgentFits(FrameworkRole client) {
    int n = allocator.n();
    for (AgentSlot agent : allocator.agentList()) {
      if (!agent.active) {
        continue;
      }
      OfferDraft d = allocator.draftForReport(client.leaf.role, agent);
      if (MinimumAllocatable.isMet(allocator.minimumOf(client), d.total, n, d.ranges != null)
          && !client.filters.containsKey(agent)) {
        return true;
      }
    }
    return false;
  }

  private WhyNot lowerShare(FrameworkRole client) {
    List<Map<String, Object>> winners = new ArrayList<>();
    allocator.tree().clients().stream()
        .filter(c -> c.lastOfferRound == allocator.round())
        .sorted(Comparator.comparingDouble((FrameworkRole c) -> c.share))
        .limit(MAX_LISTED)
        .forEach(c -> {
          Map<String, Object> one = new LinkedHashMap<>();
          one.put("framework", c.frameworkId);
          one.put("role", c.role);
          one.put("share", round(c.share));
          one.put("roleShare", round(allocator.roleShare(c.role)));
          winners.add(one);
        });
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("share", round(client.share));
    details.put("roleShare", round(allocator.roleShare(client.role)));
    details.put("winners", winners);
    return new WhyNot(client.role, "lower-share", details);
  }

  private static double round(double v) {
    return Math.round(v * 10000.0) / 10000.0;
  }
}
