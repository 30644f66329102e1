package io.mezzo.master.allocator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The hierarchical DRF sorter. Roles form a tree by their {@code /} paths; each node keeps
 * its children in a set ordered by weighted dominant share, and the frameworks subscribed
 * directly to a role sit in the role's virtual leaf (as in Mesos's hierarchical sorter), which
 * is ordered among the role's children like another child. Only entries with an eligible
 * framework below them are in the ordered sets.
 *
 * <p>Shares are incremental: a change of allocation re-positions just the entries on the path
 * from that framework role to the root. A change of the cluster total (the share denominator)
 * marks the tree stale; {@link #refresh()} then re-computes every share once, before a round.
 */
final class RoleTree {

  /** Anything kept in an ordered set: its cached share and a key that breaks ties. */
  abstract static class Sorted {
    final String key;
    double share;
    boolean inSet;
    /** Eligible framework roles at or below this entry. */
    int eligible;

    Sorted(String key) {
      this.key = key;
    }
  }

  static final Comparator<Sorted> BY_SHARE = (a, b) -> {
    int c = Double.compare(a.share, b.share);
    return c != 0 ? c : a.key.compareTo(b.key);
  };

  /** A role: its subtree's allocation, weight, quota and ordered children. */
  static final class RoleNode extends Sorted {
    final RoleTree tree;
    final String path;
    final RoleNode parent;
    final Map<String, RoleNode> children = new LinkedHashMap<>();
    final TreeSet<Sorted> sorted = new TreeSet<>(BY_SHARE);
    final Leaf leaf;
    double weight = 1.0;
    /** Everything allocated in the subtree. */
    final double[] allocated = ScalarKinds.dense();
    /** The part of {@link #allocated} that came from reservations. */
    final double[] allocatedReserved = ScalarKinds.dense();
    /** Everything reserved for roles in the subtree, allocated or not. */
    final double[] reserved = ScalarKinds.dense();
    /** Quota; null when none. */
    double[] guarantee;
    double[] limit;

    RoleNode(RoleTree tree, String path, RoleNode parent) {
      super(path);
      this.tree = tree;
      this.path = path;
      this.parent = parent;
      this.leaf = new Leaf(this);
    }

    /** Quota consumption as Mesos counts it: reservations plus unreserved allocation. */
    double consumed(int k) {
      return reserved[k] + allocated[k] - allocatedReserved[k];
    }

    boolean isRoot() {
      return parent == null;
    }
  }

  /** The frameworks subscribed directly to a role, ordered by their share in it. */
  static final class Leaf extends Sorted {
    final RoleNode role;
    final TreeSet<FrameworkRole> clients = new TreeSet<>(BY_SHARE);
    final double[] allocated = ScalarKinds.dense();
    /** Moves when a framework of the leaf may take what it refused before ({@link LeafMisses}). */
    long epoch;

    Leaf(RoleNode role) {
      super(role.path);
      this.role = role;
    }

    /** A framework of the leaf may now take what it refused: moves this leaf's epoch and the tree's. */
    void moved() {
      epoch++;
      role.tree.epoch++;
    }
  }

  private final RoleNode root = new RoleNode(this, "", null);
  private final Map<String, RoleNode> byPath = new LinkedHashMap<>();
  private final List<FrameworkRole> clients = new ArrayList<>();
  private final double[] total = ScalarKinds.dense();
  private final double[] inverseTotal = new double[ScalarKinds.SHARE_KINDS];
  private boolean stale = true;
  /** Moves with every leaf's {@link Leaf#epoch}: while it stands still, no framework may take what any refused. */
  private long epoch;

  RoleNode root() {
    return root;
  }

  /** The sum of the leaves' moves; see {@link LeafMisses#quiet}. */
  long epoch() {
    return epoch;
  }

  RoleNode find(String path) {
    return byPath.get(path);
  }

  Iterable<RoleNode> roles() {
    return byPath.values();
  }

  /** The role's node, creating it and its ancestors on first use. */
  RoleNode node(String path) {
    RoleNode node = byPath.get(path);
    if (node != null) {
      return node;
    }
    int slash = path.lastIndexOf('/');
    RoleNode parent = slash < 0 ? root : node(path.substring(0, slash));
    node = new RoleNode(this, path, parent);
    node.share = 0;
    parent.children.put(path, node);
    byPath.put(path, node);
    return node;
  }

  /** True when {@code ancestor} is {@code role} or one of its ancestors. */
  static boolean isSelfOrAncestor(String ancestor, String role) {
    return role.equals(ancestor) || (role.startsWith(ancestor) && role.charAt(ancestor.length()) == '/');
  }

  // ------------------------------------------------------------ shares

  double[] total() {
    return total;
  }

  /** The share denominator changed (agents added, removed, (de)activated). */
  void totalChanged() {
    stale = true;
    for (int k = 0; k < ScalarKinds.SHARE_KINDS; k++) {
      inverseTotal[k] = total[k] > ScalarKinds.EPSILON ? 1.0 / total[k] : 0;
    }
  }

  double dominantShare(double[] allocated) {
    double share = 0;
    for (int k = 0; k < ScalarKinds.SHARE_KINDS; k++) {
      double s = allocated[k] * inverseTotal[k];
      if (s > share) {
        share = s;
      }
    }
    return share;
  }

  /** Re-computes every share and rebuilds the ordered sets, if the total changed since the last time. */
  void refresh() {
    if (!stale) {
      return;
    }
    stale = false;
    rebuild(root);
    for (FrameworkRole c : clients) {
      c.share = dominantShare(c.allocated);
      if (c.inSet) {
        c.leaf.clients.add(c);
      }
    }
  }

  private void rebuild(RoleNode node) {
    node.sorted.clear();
    for (RoleNode child : node.children.values()) {
      rebuild(child);
      child.share = dominantShare(child.allocated) / child.weight;
      if (child.inSet) {
        node.sorted.add(child);
      }
    }
    Leaf leaf = node.leaf;
    leaf.clients.clear();
    leaf.share = dominantShare(leaf.allocated) / node.weight;
    if (leaf.inSet) {
      node.sorted.add(leaf);
    }
  }

  // ------------------------------------------------------------ membership

  FrameworkRole addClient(FrameworkRole.FrameworkSlot framework, String role) {
    RoleNode node = node(role);
    FrameworkRole client = new FrameworkRole(framework, role, node.leaf);
    clients.add(client);
    return client;
  }

  void removeClient(FrameworkRole client) {
    setEligible(client, false);
    clients.remove(client);
  }

  List<FrameworkRole> clients() {
    return clients;
  }

  /** Puts a framework role in or out of its leaf's order (active and not suppressed, or not). */
  void setEligible(FrameworkRole client, boolean eligible) {
    if (client.inSet == eligible) {
      return;
    }
    Leaf leaf = client.leaf;
    leaf.moved();
    if (eligible) {
      client.share = dominantShare(client.allocated);
      client.inSet = true;
      leaf.clients.add(client);
    } else {
      leaf.clients.remove(client);
      client.inSet = false;
    }
    int delta = eligible ? 1 : -1;
    changeEligible(leaf, leaf.role, delta);
    for (RoleNode node = leaf.role; !node.isRoot(); node = node.parent) {
      changeEligible(node, node.parent, delta);
    }
    root.eligible += delta;
  }

  private void changeEligible(Sorted entry, RoleNode parent, int delta) {
    entry.eligible += delta;
    if (entry.eligible > 0 && !entry.inSet) {
      entry.inSet = true;
      parent.sorted.add(entry);
    } else if (entry.eligible == 0 && entry.inSet) {
      parent.sorted.remove(entry);
      entry.inSet = false;
    }
  }

  // ------------------------------------------------------------ allocation changes

  /**
   * Adds ({@code sign} 1) or removes (-1) an allocation of a framework role, of which
   * {@code fromReservations} came out of reserved pools, and re-positions the path to the root.
   */
  void changeAllocation(FrameworkRole client, double[] amount, double[] fromReservations, double sign, int kinds) {
    Leaf leaf = client.leaf;
    if (client.inSet) {
      leaf.clients.remove(client);
    }
    ScalarKinds.addInto(client.allocated, amount, sign, kinds);
    client.share = dominantShare(client.allocated);
    if (client.inSet) {
      leaf.clients.add(client);
    }
    RoleNode role = leaf.role;
    if (leaf.inSet) {
      role.sorted.remove(leaf);
    }
    ScalarKinds.addInto(leaf.allocated, amount, sign, kinds);
    leaf.share = dominantShare(leaf.allocated) / role.weight;
    if (leaf.inSet) {
      role.sorted.add(leaf);
    }
    for (RoleNode node = role; !node.isRoot(); node = node.parent) {
      if (node.inSet) {
        node.parent.sorted.remove(node);
      }
      ScalarKinds.addInto(node.allocated, amount, sign, kinds);
      if (fromReservations != null) {
        ScalarKinds.addInto(node.allocatedReserved, fromReservations, sign, kinds);
      }
      node.share = dominantShare(node.allocated) / node.weight;
      if (node.inSet) {
        node.parent.sorted.add(node);
      }
    }
  }

  /** Reservations for {@code role} grew (sign 1) or shrank (-1) by {@code amount}: quota consumption of its path. */
  void changeReserved(String role, double[] amount, double sign, int kinds) {
    for (RoleNode node = node(role); !node.isRoot(); node = node.parent) {
      ScalarKinds.addInto(node.reserved, amount, sign, kinds);
    }
  }

  void setWeight(RoleNode node, double weight) {
    if (node.inSet) {
      node.parent.sorted.remove(node);
    }
    Leaf leaf = node.leaf;
    if (leaf.inSet) {
      node.sorted.remove(leaf);
    }
    node.weight = weight;
    node.share = dominantShare(node.allocated) / weight;
    leaf.share = dominantShare(leaf.allocated) / weight;
    if (leaf.inSet) {
      node.sorted.add(leaf);
    }
    if (node.inSet) {
      node.parent.sorted.add(node);
    }
  }
}
