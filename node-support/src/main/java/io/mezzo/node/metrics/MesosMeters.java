package io.mezzo.node.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Meters named by their Mesos key ({@code master/tasks_running}), registered in a node's
 * Micrometer registry under the Prometheus name {@link #prometheusName} gives, and read back by
 * key for {@code /metrics/snapshot} and GET_METRICS, so that both show the same values.
 * Registration happens once, at construction of the node's metrics; reads are thread-safe.
 */
public final class MesosMeters {
  private final MeterRegistry registry;
  private final Map<String, DoubleSupplier> byKey = new LinkedHashMap<>();

  public MesosMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** A gauge whose value is set on the node's context and read from anywhere. */
  public GaugeValue gauge(String key) {
    GaugeValue value = new GaugeValue();
    Gauge.builder(meterName(key, false), value, GaugeValue::get).description(help(key)).register(registry);
    byKey.put(key, value::get);
    return value;
  }

  /** A gauge computed when read; {@code value} must be thread-safe. */
  public void gauge(String key, DoubleSupplier value) {
    Gauge.builder(meterName(key, false), value, DoubleSupplier::getAsDouble).description(help(key)).register(registry);
    byKey.put(key, value);
  }

  public Counter counter(String key) {
    Counter counter = Counter.builder(meterName(key, true)).description(help(key)).register(registry);
    byKey.put(key, counter::count);
    return counter;
  }

  /** A value in the snapshot only (a Mesos timer's statistics, which Prometheus gets as one summary). */
  public void snapshotOnly(String key, DoubleSupplier value) {
    byKey.put(key, value);
  }

  /** Every Mesos key with its value now, in registration order. */
  public Map<String, Double> snapshot() {
    Map<String, Double> values = new LinkedHashMap<>();
    byKey.forEach((key, value) -> values.put(key, value.getAsDouble()));
    return Collections.unmodifiableMap(values);
  }

  /**
   * The Prometheus name of a Mesos key: {@code mezzo_} + the key with {@code /} as {@code _}
   * ({@code master/tasks_running} → {@code mezzo_master_tasks_running}); counters get
   * {@code _total}; a gauge whose key ends in {@code _total} ends in {@code _capacity} instead,
   * since Prometheus keeps {@code _total} for counters.
   */
  public static String prometheusName(String key, boolean counter) {
    String name = meterName(key, counter).replace('.', '_');
    return counter ? name + "_total" : name;
  }

  private static String meterName(String key, boolean counter) {
    String name = "mezzo." + key.replace('/', '.');
    if (!counter && name.endsWith("_total")) {
      name = name.substring(0, name.length() - "_total".length()) + "_capacity";
    }
    return name;
  }

  private static String help(String key) {
    return "Mesos metric " + key;
  }

  /** A gauge's current value, written on one thread and read on any. */
  public static final class GaugeValue {
    private volatile double value;

    public void set(double value) {
      this.value = value;
    }

    public double get() {
      return value;
    }
  }
}
