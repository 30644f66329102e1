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
 */
final class AllocationTimer {
  private static final String KEY = "allocator/mesos/allocation_run_ms";
  private final Timer timer;
  private final Counter runs;
  private volatile double lastMs;
  private volatile double minMs = Double.NaN;

  AllocationTimer(MeterRegistry registry, MesosMeters meters, Counter runs, double[] percentiles) {
    this.runs = runs;
    timer = Timer.builder("mezzo.allocator.mesos.allocation_run").description("Mesos metric " + KEY)
        .publishPercentiles(percentiles).register(registry);
    meters.snapshotOnly(KEY, () -> lastMs);
    meters.snapshotOnly(KEY + "/count", () -> timer.count());
    meters.snapshotOnly(KEY + "/min", () -> Double.isNaN(minMs) ? 0 : minMs);
    meters.snapshotOnly(KEY + "/max", () -> timer.max(TimeUnit.MILLISECONDS));
    for (double p : percentiles) {
      meters.snapshotOnly(KEY + "/" + suffix(p), () -> percentile(p));
    }
  }

  /** {@code 0.5} → {@code p50}, {@code 0.9999} → {@code p9999}, as Mesos names them. */
  static String suffix(double percentile) {
    String digits = String.format(Locale.ROOT, "%.4f", percentile).substring(2).replaceAll("0+$", "");
    return "p" + (digits.length() == 1 ? digits + "0" : digits);
  }

  void time(Runnable round) {
    long start = System.nanoTime();
    try {
      round.run();
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
