package io.mezzo.agent.runtime;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The pauses between looks at something a child process is about to do (write its pid, create
 * its container): short at first, since it is usually done within milliseconds, then doubling up
 * to a cap, so that twenty launches waiting at once on a loaded machine do not each wake a
 * thousand times a second. The cap bounds what the wait adds to a launch.
 *
 * <p>Not thread-safe: one per wait.
 */
public final class PollPauses {
  /** The first pause. */
  public static final Duration FIRST = Duration.ofMillis(1);
  /** The longest pause: what a wait may add to a launch at worst. */
  public static final Duration CAP = Duration.ofMillis(16);

  private final long capNanos;
  private long nextNanos;

  public PollPauses() {
    this(FIRST, CAP);
  }

  public PollPauses(Duration first, Duration cap) {
    if (first.isNegative() || first.isZero() || cap.compareTo(first) < 0) {
      throw new IllegalArgumentException("Bad poll pauses: first " + first + ", cap " + cap);
    }
    this.nextNanos = first.toNanos();
    this.capNanos = cap.toNanos();
  }

  /** The pause to take now; each is twice the one before, up to the cap. */
  public Duration next() {
    long pause = nextNanos;
    nextNanos = Math.min(capNanos, pause * 2);
    return Duration.ofNanos(pause);
  }

  /** Parks the calling thread for {@link #next()}. */
  public void pause() {
    LockSupport.parkNanos(next().toNanos());
  }
}
