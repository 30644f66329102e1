package io.mezzo.master.allocator;

import io.mezzo.master.allocator.RoleTree.RoleNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Quota per role: guarantees (offered to the role first, and held back from others as
 * headroom while unmet) and limits (never exceeded by the role's subtree). The numbers live
 * on the {@link RoleNode}s; this book knows which roles have guarantees and does the sums.
 */
final class QuotaBook {
  private final List<RoleNode> guaranteed = new ArrayList<>();
  private final double[] requiredHeadroom = ScalarKinds.dense();
  private boolean anyLimit;

  void set(RoleNode role, double[] guarantee, double[] limit) {
    role.guarantee = guarantee;
    role.limit = limit;
    guaranteed.remove(role);
    if (guarantee != null) {
      guaranteed.add(role);
    }
    anyLimit = anyLimit || limit != null;
  }

  boolean hasGuarantees() {
    return !guaranteed.isEmpty();
  }

  List<RoleNode> guaranteedRoles() {
    return guaranteed;
  }

  /** What is still missing of a role's guarantee, per kind (zero where it has none). */
  static void unmet(RoleNode role, double[] out, int kinds) {
    Arrays.fill(out, 0, kinds, 0);
    if (role.guarantee == null) {
      return;
    }
    for (int k = 0; k < kinds; k++) {
      if (role.guarantee[k] > 0) {
        out[k] = Math.max(0, ScalarKinds.clean(role.guarantee[k] - role.consumed(k)));
      }
    }
  }

  static boolean isUnmet(RoleNode role, int kinds) {
    if (role.guarantee == null) {
      return false;
    }
    for (int k = 0; k < kinds; k++) {
      if (role.guarantee[k] > 0 && role.guarantee[k] - role.consumed(k) > ScalarKinds.EPSILON) {
        return true;
      }
    }
    return false;
  }

  /** The sum of unmet guarantees: unreserved free resources that only their roles may take. */
  double[] requiredHeadroom(int kinds) {
    Arrays.fill(requiredHeadroom, 0, kinds, 0);
    double[] scratch = ScalarKinds.dense();
    for (RoleNode role : guaranteed) {
      unmet(role, scratch, kinds);
      ScalarKinds.addInto(requiredHeadroom, scratch, 1, kinds);
    }
    return requiredHeadroom;
  }

  /** The largest unmet guarantee among a role and its ancestors: what it may take out of the headroom. */
  static void unmetAlongPath(RoleNode role, double[] out, double[] scratch, int kinds) {
    Arrays.fill(out, 0, kinds, 0);
    for (RoleNode node = role; !node.isRoot(); node = node.parent) {
      if (node.guarantee != null) {
        unmet(node, scratch, kinds);
        for (int k = 0; k < kinds; k++) {
          out[k] = Math.max(out[k], scratch[k]);
        }
      }
    }
  }

  boolean hasLimits() {
    return anyLimit;
  }

  /** Caps {@code cap} by what the limits of a role and its ancestors still allow. */
  static void capByLimits(RoleNode role, double[] cap, int kinds) {
    for (RoleNode node = role; !node.isRoot(); node = node.parent) {
      if (node.limit != null) {
        for (int k = 0; k < kinds; k++) {
          if (!Double.isNaN(node.limit[k])) {
            cap[k] = Math.min(cap[k], Math.max(0, node.limit[k] - node.consumed(k)));
          }
        }
      }
    }
  }
}
