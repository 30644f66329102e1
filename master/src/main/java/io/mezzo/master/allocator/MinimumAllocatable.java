package io.mezzo.master.allocator;

import io.mezzo.master.spi.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mesos's {@code --min_allocatable_resources}: free resources are offered only if they cover
 * one of the sets ({@code cpus:0.01|mem:32}: {@code |} separates sets, {@code ;} joins
 * quantities inside a set). No sets means anything non-empty is offered.
 */
public record MinimumAllocatable(List<Resources> anyOf) {
  /** Mesos's default in its syntax. */
  public static final String MESOS_DEFAULT = "cpus:0.01|mem:32";
  /** Mesos's default, {@code cpus:0.01|mem:32}. */
  public static final MinimumAllocatable DEFAULT = parse(MESOS_DEFAULT);

  public MinimumAllocatable {
    anyOf = List.copyOf(anyOf);
  }

  /**
   * Parses the Mesos syntax.
   *
   * @throws IllegalArgumentException naming the bad part
   */
  public static MinimumAllocatable parse(String text) {
    if (text == null || text.isBlank()) {
      return new MinimumAllocatable(List.of());
    }
    List<Resources> sets = new ArrayList<>();
    for (String set : text.split("\\|", -1)) {
      Map<String, Double> quantities = new TreeMap<>();
      for (String part : set.split(";", -1)) {
        String p = part.trim();
        int colon = p.indexOf(':');
        if (colon <= 0) {
          throw new IllegalArgumentException("Bad minimum allocatable resources '" + text + "': '" + p
              + "' is not name:quantity");
        }
        String name = p.substring(0, colon).trim();
        double value;
        try {
          value = Double.parseDouble(p.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("Bad minimum allocatable resources '" + text + "': '"
              + p.substring(colon + 1).trim() + "' is not a number");
        }
        if (!(value >= 0) || Double.isInfinite(value)) {
          throw new IllegalArgumentException("Bad minimum allocatable resources '" + text + "': " + name
              + " must be a non-negative number");
        }
        quantities.merge(name, value, Double::sum);
      }
      sets.add(Resources.scalars(quantities));
    }
    return new MinimumAllocatable(sets);
  }

  boolean isMet(Resources free) {
    return anyOf.isEmpty() ? !free.isEmpty() : anyOf.stream().anyMatch(free::covers);
  }

  /** The sets as dense quantities for the allocation loop. */
  double[][] dense(ScalarKinds kinds) {
    double[][] out = new double[anyOf.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = kinds.toDense(anyOf.get(i));
    }
    return out;
  }

  /** True when {@code offer} covers one of {@code sets} (or, with no sets, holds anything). */
  static boolean isMet(double[][] sets, double[] offer, int kinds, boolean hasRanges) {
    if (sets.length == 0) {
      return hasRanges || ScalarKinds.anyPositive(offer, kinds);
    }
    for (double[] set : sets) {
      if (ScalarKinds.covers(offer, set, kinds)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Resources r : anyOf) {
      sb.append(sb.length() == 0 ? "" : "|").append(r);
    }
    return sb.toString();
  }
}
