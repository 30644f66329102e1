package io.mezzo.agent.channel;

import java.time.Duration;
import java.util.random.RandomGenerator;

/** Exponential backoff with jitter: each delay is drawn from [d/2, d], d doubling from min up to max. */
public final class ReconnectBackoff {
  public static final Duration MIN = Duration.ofSeconds(1);
  public static final Duration MAX = Duration.ofSeconds(30);

  private final Duration min;
  private final Duration max;
  private final RandomGenerator random;
  private int attempts;

  public ReconnectBackoff(Duration min, Duration max, RandomGenerator random) {
    if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException("Backoff needs 0 < min <= max, got " + min + " and " + max);
    }
    this.min = min;
    this.max = max;
    this.random = random;
  }

  public static ReconnectBackoff standard() {
    return new ReconnectBackoff(MIN, MAX, RandomGenerator.getDefault());
  }

  /** The next delay; each call doubles the ceiling until {@link #reset}. */
  public Duration next() {
    long ceiling = max.toMillis();
    if (attempts < 30) {
      ceiling = Math.min(ceiling, min.toMillis() << attempts);
    }
    attempts++;
    long half = ceiling / 2;
    return Duration.ofMillis(half + random.nextLong(ceiling - half + 1));
  }

  public void reset() {
    attempts = 0;
  }
}
