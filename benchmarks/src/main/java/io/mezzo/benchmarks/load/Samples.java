package io.mezzo.benchmarks.load;

import java.util.Arrays;

/** Latency samples (with the time each was taken), appended from any thread. */
final class Samples {
  private long[] at = new long[1024];
  private long[] nanos = new long[1024];
  private int size;

  synchronized void add(long atNanos, long latencyNanos) {
    if (size == nanos.length) {
      at = Arrays.copyOf(at, size * 2);
      nanos = Arrays.copyOf(nanos, size * 2);
    }
    at[size] = atNanos;
    nanos[size++] = latencyNanos;
  }

  synchronized int size() {
    return size;
  }

  /** The latencies, sorted, in milliseconds. */
  synchronized double[] sortedMillis() {
    return sorted(i -> true);
  }

  /** The latencies of the samples taken at or after {@code fromNanos} (System.nanoTime), sorted, in milliseconds. */
  synchronized double[] sortedMillisFrom(long fromNanos) {
    return sorted(i -> at[i] - fromNanos >= 0);
  }

  private double[] sorted(java.util.function.IntPredicate taken) {
    double[] millis = java.util.stream.IntStream.range(0, size).filter(taken).mapToDouble(i -> nanos[i] / 1e6).toArray();
    Arrays.sort(millis);
    return millis;
  }

  /**
   * One line per sample in the order added: seconds since {@code originNanos} (System.nanoTime)
   * when it was taken, and its latency in milliseconds, under a header line.
   */
  synchronized String csv(long originNanos) {
    StringBuilder out = new StringBuilder("seconds,millis\n");
    for (int i = 0; i < size; i++) {
      out.append(String.format(java.util.Locale.ROOT, "%.3f,%.3f%n", (at[i] - originNanos) / 1e9, nanos[i] / 1e6));
    }
    return out.toString();
  }

  /** When each sample was taken (System.nanoTime), in the order added. */
  synchronized long[] times() {
    return Arrays.copyOf(at, size);
  }

  /** The p-th percentile (0-100) of sorted values, nearest rank; NaN when empty. */
  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
