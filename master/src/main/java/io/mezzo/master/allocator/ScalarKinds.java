package io.mezzo.master.allocator;

import io.mezzo.master.spi.RangeSet;
import io.mezzo.master.spi.Resources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Gives every scalar resource name a slot in a dense {@code double[]}, so the allocation loop
 * adds and compares arrays instead of maps. cpus, mem, disk and gpus come first: they are the
 * kinds a dominant share is taken over. Conversions to and from {@link Resources} happen only
 * at the allocator's edges.
 */
final class ScalarKinds {
  /** Distinct scalar names the allocator can track (the four share kinds plus custom ones). */
  static final int CAPACITY = 32;
  static final int SHARE_KINDS = 4;
  /** Quantities are kept to three decimals, as Mesos does; below this they are zero. */
  static final double EPSILON = 0.0005;

  private final Map<String, Integer> index = new HashMap<>();
  private final List<String> names = new ArrayList<>();

  ScalarKinds() {
    for (String name : List.of("cpus", "mem", "disk", "gpus")) {
      indexOf(name);
    }
  }

  int indexOf(String name) {
    Integer i = index.get(name);
    if (i != null) {
      return i;
    }
    if (names.size() == CAPACITY) {
      throw new IllegalArgumentException("The allocator tracks at most " + CAPACITY
          + " scalar resource names; cannot add '" + name + "'");
    }
    index.put(name, names.size());
    names.add(name);
    return names.size() - 1;
  }

  int size() {
    return names.size();
  }

  String name(int kind) {
    return names.get(kind);
  }

  static double[] dense() {
    return new double[CAPACITY];
  }

  double[] toDense(Resources resources) {
    double[] out = dense();
    add(out, resources, 1);
    return out;
  }

  void add(double[] target, Resources resources, double sign) {
    for (Map.Entry<String, Double> e : resources.scalars().entrySet()) {
      int k = indexOf(e.getKey());
      target[k] = clean(target[k] + sign * e.getValue());
    }
  }

  Resources toResources(double[] dense, Map<String, RangeSet> ranges) {
    TreeMap<String, Double> scalars = new TreeMap<>();
    int n = names.size();
    for (int k = 0; k < n; k++) {
      if (dense[k] > EPSILON) {
        scalars.put(names.get(k), dense[k]);
      }
    }
    return Resources.of(scalars, ranges == null ? Map.of() : ranges);
  }

  Map<String, Double> toMap(double[] dense) {
    TreeMap<String, Double> out = new TreeMap<>();
    for (int k = 0; k < names.size(); k++) {
      if (Math.abs(dense[k]) > EPSILON) {
        out.put(names.get(k), Math.round(dense[k] * 1000.0) / 1000.0);
      }
    }
    return out;
  }

  /** Floating sums drift; anything within EPSILON of zero is zero. */
  static double clean(double v) {
    return Math.abs(v) < EPSILON ? 0 : v;
  }

  static void addInto(double[] target, double[] delta, double sign, int n) {
    for (int k = 0; k < n; k++) {
      target[k] = clean(target[k] + sign * delta[k]);
    }
  }

  static boolean covers(double[] have, double[] want, int n) {
    for (int k = 0; k < n; k++) {
      if (want[k] > have[k] + EPSILON) {
        return false;
      }
    }
    return true;
  }

  static boolean anyPositive(double[] v, int n) {
    for (int k = 0; k < n; k++) {
      if (v[k] > EPSILON) {
        return true;
      }
    }
    return false;
  }
}
