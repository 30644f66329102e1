package io.mezzo.sdk;

import java.time.Duration;
import java.util.random.RandomGenerator;

/** Exponential backoff with jitter: attempt n waits a random time in [d/2, d], d = min(max, initial * 2^n). */
final class Backoff {
  private final long initialMillis;
  private final long maxMillis;
  private final RandomGenerator random;

  Backoff(Duration initial, Duration max, RandomGenerator random) {
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("The initial backoff must be positive, got " + initial);
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("The maximum backoff " + max + " is below the initial backoff " + initial);
    }
    this.initialMillis = initial.toMillis();
    this.maxMillis = max.toMillis();
    this.random = random;
  }

  /** The delay before retry number {@code attempt} (0-based). */
  Duration delay(int attempt) {
    long ceiling = initialMillis;
    for (int i = 0; i < attempt && ceiling < maxMillis; i++) {
      ceiling *= 2;
    }
    ceiling = Math.max(1, Math.min(ceiling, maxMillis));
    long half = ceiling / 2;
    return Duration.ofMillis(half + random.nextLong(ceiling - half + 1));
  }
}
