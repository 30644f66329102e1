package io.mezzo.master.allocator;

import java.util.HashMap;
import java.util.Map;

/**
 * One framework in one of its roles: the unit the framework sorter orders (MULTI_ROLE
 * frameworks have one per role). Sorted by its dominant share within the role.
 */
final class FrameworkRole extends RoleTree.Sorted {
  final String frameworkId;
  final String role;
  final FrameworkSlot framework;
  final RoleTree.Leaf leaf;
  final double[] allocated = ScalarKinds.dense();
  boolean suppressed;
  /** False once the framework dropped the role (it keeps what it holds until given back). */
  boolean subscribed = true;
  /** Minimum an offer must cover in this role; null = the allocator's default. */
  double[][] minimum;
  /** Decline filters of this framework role, by agent. */
  final Map<AgentSlot, DeclineFilters.Filter> filters = new HashMap<>();
  /** The agent visit in which it last got an offer (so one visit offers it at most once). */
  long lastVisit = -1;
  /** The allocation round in which it last got an offer. */
  long lastOfferRound = -1;

  FrameworkRole(FrameworkSlot framework, String role, RoleTree.Leaf leaf) {
    super(framework.id + "\u0000" + role);
    this.frameworkId = framework.id;
    this.role = role;
    this.framework = framework;
    this.leaf = leaf;
  }

  boolean eligible() {
    return framework.active && subscribed && !suppressed;
  }

  /** A framework known to the allocator, with one {@link FrameworkRole} per role. */
  static final class FrameworkSlot {
    final String id;
    final Map<String, FrameworkRole> roles = new HashMap<>();
    boolean active = true;

    FrameworkSlot(String id) {
      this.id = id;
    }
  }
}
