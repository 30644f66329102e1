package io.mezzo.master.metrics;

import io.mezzo.node.metrics.MesosMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code allocator/mesos/allocation_run_ms} as Mesos shows a timer: the last run in ms, and
 * {@code /count}, {@code /min}, {@code /max}, {@code /p50} … {@code /p9999}. Percentiles and max
 * come from a Micrometer timer (its decaying window, about two minutes), which Prometheus gets as
 * the summary {@code mezzo_allocator_mesos_allocation_run_seconds}; min is since the master started.
 * The same shape serves Mezzo's own timers (the operator snapshot's), under another key.
 */
final class AllocationTimer {
  static final String KEY = "allocator/mesos/allocation_run_ms";
  private final Timer timer;
  private final Counter runs;
  private volatile double lastMs;
  private volatile double minMs = Double.NaN;

  AllocationTimer(MeterRegistry registry, MesosMeters meters, Counter runs, double[] percentiles) {
    this(registry, meters, KEY, "mezzo.allocator.mesos.allocation_run", runs, percentiles);
  }

  /**
   * @param key the snapshot key, ending in {@code _ms}
   * @param meterName the Micrometer timer's name (Prometheus adds {@code _seconds})
   */
  AllocationTimer(MeterRegistry registry, MesosMeters meters, String key, String meterName, Counter runs,
      double[] percentiles) {
    this.runs = runs;
    timer = Timer.builder(meterName).description((key.equals(KEY) ? "Mesos metric " : "Mezzo metric ") + key)
        .publishPercentiles(percentiles).register(registry);
    meters.snapshotOnly(key, () -> lastMs);
    meters.snapshotOnly(key + "/count", () -> timer.count());
    meters.snapshotOnly(key + "/min", () -> Double.isNaN(minMs) ? 0 : minMs);
    meters.snapshotOnly(key + "/max", () -> timer.max(TimeUnit.MILLISECONDS));
    for (double p : percentiles) {
      meters.snapshotOnly(key + "/" + suffix(p), () -> percentile(p));
    }
  }

  /** {@code 0.5} → {@code p50}, {@code 0.9999} → {@code p9999}, as Mesos names them. */
  static String suffix(double percentile) {
    String digits = String.format(Locale.ROOT, "%.4f", percentile).substring(2).replaceAll("0+$", "");
    return "p" + (digits.length() == 1 ? digits + "0" : digits);
  }

  void time(Runnable round) {
    time(() -> {
      round.run();
      return null;
    });
  }

  <T> T time(java.util.function.Supplier<T> round) {
    long start = System.nanoTime();
    try {
      return round.get();
    } finally {
      long nanos = System.nanoTime() - start;
      timer.record(nanos, TimeUnit.NANOSECONDS);
      runs.increment();
      double ms = nanos / 1e6;
      lastMs = ms;
      if (Double.isNaN(minMs) || ms < minMs) {
        minMs = ms;
      }
    }
  }

  private double percentile(double p) {
    for (ValueAtPercentile value : timer.takeSnapshot().percentileValues()) {
      if (value.percentile() == p) {
        return value.value(TimeUnit.MILLISECONDS);
      }
    }
    return 0;
  }
}
