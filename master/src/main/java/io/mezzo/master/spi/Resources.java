package io.mezzo.master.spi;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An immutable bag of resources as the allocator sees them: scalar quantities by name
 * (cpus, mem, disk, gpus, custom) and port-like ranges by name. No protobuf inside; the
 * master converts at its edges. Scalars are kept to three decimals, as Mesos does.
 */
public final class Resources {
  public static final Resources EMPTY = new Resources(Map.of(), Map.of());

  private final Map<String, Double> scalars;
  private final Map<String, RangeSet> ranges;

  private Resources(Map<String, Double> scalars, Map<String, RangeSet> ranges) {
    this.scalars = scalars;
    this.ranges = ranges;
  }

  public static Resources of(Map<String, Double> scalars, Map<String, RangeSet> ranges) {
    TreeMap<String, Double> s = new TreeMap<>();
    scalars.forEach((k, v) -> {
      double rounded = round(v);
      if (rounded < 0) {
        throw new IllegalArgumentException("negative quantity of " + k + ": " + v);
      }
      if (rounded > 0) {
        s.put(k, rounded);
      }
    });
    TreeMap<String, RangeSet> r = new TreeMap<>();
    ranges.forEach((k, v) -> {
      if (!v.isEmpty()) {
        r.put(k, v);
      }
    });
    return new Resources(Collections.unmodifiableMap(s), Collections.unmodifiableMap(r));
  }

  public static Resources scalars(Map<String, Double> scalars) {
    return of(scalars, Map.of());
  }

  /** Shorthand for tests and defaults: {@code Resources.cpusMem(2, 1024)}. */
  public static Resources cpusMem(double cpus, double mem) {
    return scalars(Map.of("cpus", cpus, "mem", mem));
  }

  public double scalar(String name) {
    return scalars.getOrDefault(name, 0.0);
  }

  public Map<String, Double> scalars() {
    return scalars;
  }

  public RangeSet ranges(String name) {
    return ranges.getOrDefault(name, RangeSet.EMPTY);
  }

  public Map<String, RangeSet> ranges() {
    return ranges;
  }

  public boolean isEmpty() {
    return scalars.isEmpty() && ranges.isEmpty();
  }

  public Resources plus(Resources other) {
    TreeMap<String, Double> s = new TreeMap<>(scalars);
    other.scalars.forEach((k, v) -> s.merge(k, v, Double::sum));
    TreeMap<String, RangeSet> r = new TreeMap<>(ranges);
    other.ranges.forEach((k, v) -> r.merge(k, v, RangeSet::union));
    return of(s, r);
  }

  /** This minus other; quantities that would go negative stop at zero. */
  public Resources minus(Resources other) {
    TreeMap<String, Double> s = new TreeMap<>(scalars);
    other.scalars.forEach((k, v) -> s.computeIfPresent(k, (key, mine) -> Math.max(0, mine - v)));
    TreeMap<String, RangeSet> r = new TreeMap<>(ranges);
    other.ranges.forEach((k, v) -> r.computeIfPresent(k, (key, mine) -> mine.minus(v)));
    return of(s, r);
  }

  /** True when every quantity and range of {@code other} is contained in this. */
  public boolean covers(Resources other) {
    for (Map.Entry<String, Double> e : other.scalars.entrySet()) {
      if (round(scalar(e.getKey()) - e.getValue()) < 0) {
        return false;
      }
    }
    for (Map.Entry<String, RangeSet> e : other.ranges.entrySet()) {
      if (!ranges(e.getKey()).contains(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Resources r && scalars.equals(r.scalars) && ranges.equals(r.ranges);
  }

  @Override
  public int hashCode() {
    return Objects.hash(scalars, ranges);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    scalars.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ";").append(k).append(':').append(v));
    ranges.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ";").append(k).append(':').append(v));
    return sb.toString();
  }
}
