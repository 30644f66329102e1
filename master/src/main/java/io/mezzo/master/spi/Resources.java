package io.mezzo.master.spi;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * An immutable bag of resources as the allocator sees them: scalar quantities by name
 * (cpus, mem, disk, gpus, custom) and port-like ranges by name. No protobuf inside; the
 * master converts at its edges. Scalars are kept to three decimals, as Mesos does.
 */
public final class Resources {
  private static final String[] NO_NAMES = {};
  private static final double[] NO_VALUES = {};
  public static final Resources EMPTY = new Resources(NO_NAMES, NO_VALUES, Map.of());

  /**
   * One array per distinct set of scalar names ({cpus, mem} …), shared by every value that has
   * those names: the master keeps a {@code Resources} per task, and most tasks name the same few.
   * Bounded, so odd names cannot grow it for ever; past the bound, arrays are simply not shared.
   */
  private static final int MAX_SHARED_NAME_SETS = 1024;
  private static final Map<List<String>, String[]> SHARED_NAMES = new ConcurrentHashMap<>();

  // Scalars sorted by name (as a TreeMap would keep them), each above zero and rounded; parallel arrays.
  private final String[] names;
  private final double[] values;
  private final Map<String, RangeSet> ranges;

  private Resources(String[] names, double[] values, Map<String, RangeSet> ranges) {
    this.names = names;
    this.values = values;
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
    if (s.isEmpty() && r.isEmpty()) {
      return EMPTY;
    }
    double[] values = s.isEmpty() ? NO_VALUES : new double[s.size()];
    int i = 0;
    for (double v : s.values()) {
      values[i++] = v;
    }
    return new Resources(sharedNames(s.keySet()), values, r.isEmpty() ? Map.of() : Collections.unmodifiableMap(r));
  }

  private static String[] sharedNames(Set<String> sorted) {
    if (sorted.isEmpty()) {
      return NO_NAMES;
    }
    List<String> key = List.copyOf(sorted);
    String[] shared = SHARED_NAMES.get(key);
    if (shared != null) {
      return shared;
    }
    String[] names = key.toArray(new String[0]);
    if (SHARED_NAMES.size() >= MAX_SHARED_NAME_SETS) {
      return names;
    }
    String[] raced = SHARED_NAMES.putIfAbsent(key, names);
    return raced == null ? names : raced;
  }

  public static Resources scalars(Map<String, Double> scalars) {
    return of(scalars, Map.of());
  }

  /** Shorthand for tests and defaults: {@code Resources.cpusMem(2, 1024)}. */
  public static Resources cpusMem(double cpus, double mem) {
    return scalars(Map.of("cpus", cpus, "mem", mem));
  }

  public double scalar(String name) {
    int i = indexOf(name);
    return i < 0 ? 0.0 : values[i];
  }

  private int indexOf(Object name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** The scalar quantities by name, sorted by name; an unmodifiable view. */
  public Map<String, Double> scalars() {
    return new ScalarView();
  }

  public RangeSet ranges(String name) {
    return ranges.getOrDefault(name, RangeSet.EMPTY);
  }

  public Map<String, RangeSet> ranges() {
    return ranges;
  }

  public boolean isEmpty() {
    return names.length == 0 && ranges.isEmpty();
  }

  /** Whether this and {@code other} hold their scalar names in one array; for tests. */
  boolean sharesNamesWith(Resources other) {
    return names == other.names;
  }

  public Resources plus(Resources other) {
    TreeMap<String, Double> s = new TreeMap<>(scalars());
    for (int i = 0; i < other.names.length; i++) {
      s.merge(other.names[i], other.values[i], Double::sum);
    }
    TreeMap<String, RangeSet> r = new TreeMap<>(ranges);
    other.ranges.forEach((k, v) -> r.merge(k, v, RangeSet::union));
    return of(s, r);
  }

  /** This minus other; quantities that would go negative stop at zero. */
  public Resources minus(Resources other) {
    TreeMap<String, Double> s = new TreeMap<>(scalars());
    for (int i = 0; i < other.names.length; i++) {
      double v = other.values[i];
      s.computeIfPresent(other.names[i], (key, mine) -> Math.max(0, mine - v));
    }
    TreeMap<String, RangeSet> r = new TreeMap<>(ranges);
    other.ranges.forEach((k, v) -> r.computeIfPresent(k, (key, mine) -> mine.minus(v)));
    return of(s, r);
  }

  /** True when every quantity and range of {@code other} is contained in this. */
  public boolean covers(Resources other) {
    for (int i = 0; i < other.names.length; i++) {
      if (round(scalar(other.names[i]) - other.values[i]) < 0) {
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
    return o instanceof Resources r && Arrays.equals(names, r.names) && Arrays.equals(values, r.values)
        && ranges.equals(r.ranges);
  }

  @Override
  public int hashCode() {
    // From the arrays, as equals compares them: a map view would box every value.
    return Objects.hash(Arrays.hashCode(names), Arrays.hashCode(values), ranges);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    scalars().forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ";").append(k).append(':').append(v));
    ranges.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ";").append(k).append(':').append(v));
    return sb.toString();
  }

  /** {@link #scalars()}: the parallel arrays seen as a sorted, unmodifiable map. */
  private final class ScalarView extends AbstractMap<String, Double> {
    @Override
    public int size() {
      return names.length;
    }

    @Override
    public boolean containsKey(Object key) {
      return indexOf(key) >= 0;
    }

    @Override
    public Double get(Object key) {
      int i = indexOf(key);
      return i < 0 ? null : values[i];
    }

    @Override
    public Double getOrDefault(Object key, Double defaultValue) {
      int i = indexOf(key);
      return i < 0 ? defaultValue : values[i];
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super Double> action) {
      for (int i = 0; i < names.length; i++) {
        action.accept(names[i], values[i]);
      }
    }

    @Override
    public Set<Entry<String, Double>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public int size() {
          return names.length;
        }

        @Override
        public Iterator<Entry<String, Double>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < names.length;
            }

            @Override
            public Entry<String, Double> next() {
              if (next >= names.length) {
                throw new NoSuchElementException();
              }
              int i = next++;
              return new SimpleImmutableEntry<>(names[i], values[i]);
            }
          };
        }
      };
    }
  }
}
