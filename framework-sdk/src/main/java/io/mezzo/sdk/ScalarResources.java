package io.mezzo.sdk;

import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Value;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * An immutable bag of scalar resource quantities by name ({@code cpus:1.5;mem:2048}), for
 * the arithmetic a scheduler does on offers: does this offer cover a task, what is left after
 * launching it, how many tasks fit.
 *
 * <p>Quantities use fixed-point arithmetic with three decimal digits, as Mesos does, so
 * {@code 0.1 + 0.2} cpus is exactly {@code 0.3}. Reservations and roles are ignored: the bag
 * sums every scalar resource of a name. Non-scalar resources (ports, sets) are not counted.
 * Quantities are never negative; a name whose quantity is zero is absent.
 *
 * <pre>{@code
 * ScalarResources free = ScalarResources.of(offer);
 * ScalarResources task = ScalarResources.of(Resources.cpus(0.5), Resources.mem(128));
 * int fit = free.fitCount(task);
 * }</pre>
 */
public final class ScalarResources {
  private static final ScalarResources EMPTY = new ScalarResources(new TreeMap<>());
  private static final long MILLIS_PER_UNIT = 1000;

  /** Name → quantity in thousandths, all positive. */
  private final TreeMap<String, Long> quantities;

  private ScalarResources(TreeMap<String, Long> quantities) {
    this.quantities = quantities;
  }

  public static ScalarResources empty() {
    return EMPTY;
  }

  /** The scalar resources of an offer. */
  public static ScalarResources of(Offer offer) {
    return of(offer.getResourcesList());
  }

  /** Sums the scalar resources among {@code resources}, by name. */
  public static ScalarResources of(Iterable<Resource> resources) {
    TreeMap<String, Long> sum = new TreeMap<>();
    for (Resource resource : resources) {
      if (resource.getType() == Value.Type.SCALAR && resource.hasScalar()) {
        long q = toFixed(resource.getName(), resource.getScalar().getValue());
        if (q > 0) {
          sum.merge(resource.getName(), q, Math::addExact);
        }
      }
    }
    return new ScalarResources(sum);
  }

  public static ScalarResources of(Resource... resources) {
    return of(List.of(resources));
  }

  /** One quantity, e.g. {@code of("cpus", 2)}. */
  public static ScalarResources of(String name, double quantity) {
    return EMPTY.with(name, quantity);
  }

  /** A copy with {@code quantity} added to {@code name}. */
  public ScalarResources with(String name, double quantity) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("A resource needs a name");
    }
    long q = toFixed(name, quantity);
    if (q == 0) {
      return this;
    }
    TreeMap<String, Long> copy = new TreeMap<>(quantities);
    copy.merge(name, q, Math::addExact);
    return new ScalarResources(copy);
  }

  /** The quantity of {@code name}, 0 if absent. */
  public double get(String name) {
    return toDouble(quantities.getOrDefault(name, 0L));
  }

  public double cpus() {
    return get("cpus");
  }

  /** Memory in MB. */
  public double mem() {
    return get("mem");
  }

  /** Disk in MB. */
  public double disk() {
    return get("disk");
  }

  public double gpus() {
    return get("gpus");
  }

  /** The names with a positive quantity, sorted. */
  public Set<String> names() {
    return Collections.unmodifiableSet(quantities.keySet());
  }

  public boolean isEmpty() {
    return quantities.isEmpty();
  }

  public ScalarResources plus(ScalarResources other) {
    TreeMap<String, Long> sum = new TreeMap<>(quantities);
    other.quantities.forEach((name, q) -> sum.merge(name, q, Math::addExact));
    return new ScalarResources(sum);
  }

  /**
   * What remains after taking {@code other} away. A quantity that would go below zero becomes
   * zero (and disappears), so check {@link #covers} first when that matters.
   */
  public ScalarResources minus(ScalarResources other) {
    TreeMap<String, Long> rest = new TreeMap<>(quantities);
    other.quantities.forEach((name, q) -> {
      Long have = rest.get(name);
      if (have != null) {
        if (have > q) {
          rest.put(name, have - q);
        } else {
          rest.remove(name);
        }
      }
    });
    return new ScalarResources(rest);
  }

  /** True when every quantity of {@code other} is available here (an empty bag is covered by anything). */
  public boolean covers(ScalarResources other) {
    for (Map.Entry<String, Long> need : other.quantities.entrySet()) {
      if (quantities.getOrDefault(need.getKey(), 0L) < need.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Each quantity multiplied by {@code n >= 0}. */
  public ScalarResources times(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("Cannot multiply resources by a negative number: " + n);
    }
    if (n == 0) {
      return EMPTY;
    }
    TreeMap<String, Long> product = new TreeMap<>();
    quantities.forEach((name, q) -> product.put(name, Math.multiplyExact(q, (long) n)));
    return new ScalarResources(product);
  }

  /**
   * How many copies of {@code unit} fit here, e.g. how many identical tasks an offer can
   * hold.
   *
   * @throws IllegalArgumentException if {@code unit} is empty (infinitely many would fit)
   */
  public int fitCount(ScalarResources unit) {
    if (unit.isEmpty()) {
      throw new IllegalArgumentException("Cannot count how many empty resource bags fit");
    }
    long fit = Long.MAX_VALUE;
    for (Map.Entry<String, Long> need : unit.quantities.entrySet()) {
      fit = Math.min(fit, quantities.getOrDefault(need.getKey(), 0L) / need.getValue());
    }
    return (int) Math.min(fit, Integer.MAX_VALUE);
  }

  /** Unreserved scalar {@link Resource}s holding these quantities, in name order. */
  public List<Resource> toResources() {
    List<Resource> resources = new ArrayList<>(quantities.size());
    quantities.forEach((name, q) -> resources.add(Resources.scalar(name, toDouble(q))));
    return List.copyOf(resources);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScalarResources other && quantities.equals(other.quantities);
  }

  @Override
  public int hashCode() {
    return Objects.hash(quantities);
  }

  /** Mesos resource syntax, e.g. {@code cpus:1.5;mem:2048}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    quantities.forEach((name, q) -> {
      if (out.length() > 0) {
        out.append(';');
      }
      out.append(name).append(':').append(format(q));
    });
    return out.toString();
  }

  private static long toFixed(String name, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("Scalar resource '" + name + "' must be a finite number >= 0, got " + value);
    }
    return Math.round(value * MILLIS_PER_UNIT);
  }

  private static double toDouble(long fixed) {
    return fixed / (double) MILLIS_PER_UNIT;
  }

  private static String format(long fixed) {
    if (fixed % MILLIS_PER_UNIT == 0) {
      return Long.toString(fixed / MILLIS_PER_UNIT);
    }
    return Double.toString(toDouble(fixed));
  }
}
