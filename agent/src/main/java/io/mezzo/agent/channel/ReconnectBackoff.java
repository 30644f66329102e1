package io.mezzo.agent.channel;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When an agent tries its master again: the one policy the real agent's {@link MasterLink} and the
 * benchmarks' simulated agents share.
 *
 * <p>Against a master that does not answer, exponential backoff with jitter: each delay is drawn
 * from [d/2, d], d doubling from min up to max, so that a cluster without a leader is not hammered.
 *
 * <p>A <b>new leader</b> is different ({@link #newLeader()}): the backoff that grew while there was
 * none is forgotten, and the first attempt is drawn from [0, window], so that thousands of agents
 * reach the new leader within the window, spread out rather than in the same millisecond. A leader
 * that was just elected answers 503 while it reads its registry; the next
 * {@link #LEADER_ATTEMPTS} attempts at it are drawn from [window/2, window], so each agent is in
 * within a window of the leader starting to serve. Only after those does the exponential backoff
 * take over again, from min (a leader that stays unable to serve is not hammered either).
 *
 * <p>Not thread-safe: one per agent, used on the agent's context.
 */
public final class ReconnectBackoff {
  public static final Duration MIN = Duration.ofSeconds(1);
  public static final Duration MAX = Duration.ofSeconds(30);
  /** The window over which agents spread their attempts at a new leader. */
  public static final Duration LEADER_WINDOW = Duration.ofSeconds(1);
  /** Attempts at a new leader kept within the window: about 11 s of a leader recovering. */
  public static final int LEADER_ATTEMPTS = 15;

  private final Duration min;
  private final Duration max;
  private final Duration window;
  private final RandomGenerator random;
  private int attempts;
  private int leaderAttemptsLeft;

  public ReconnectBackoff(Duration min, Duration max, RandomGenerator random) {
    this(min, max, LEADER_WINDOW, random);
  }

  /** @param window the window over which attempts at a new leader are spread */
  public ReconnectBackoff(Duration min, Duration max, Duration window, RandomGenerator random) {
    if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException("Backoff needs 0 < min <= max, got " + min + " and " + max);
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("The new leader's window must be positive, got " + window);
    }
    this.min = min;
    this.max = max;
    this.window = window;
    this.random = random;
  }

  public static ReconnectBackoff standard() {
    return new ReconnectBackoff(MIN, MAX, LEADER_WINDOW, RandomGenerator.getDefault());
  }

  /** The delay before the next attempt after a failed one; see the class comment. */
  public Duration next() {
    if (leaderAttemptsLeft > 0) {
      leaderAttemptsLeft--;
      return between(window.toMillis() / 2, window.toMillis());
    }
    long ceiling = max.toMillis();
    if (attempts < 30) {
      ceiling = Math.min(ceiling, min.toMillis() << attempts);
    }
    attempts++;
    return between(ceiling / 2, ceiling);
  }

  /**
   * A new leader was detected: forgets the backoff so far and answers the delay before the first
   * attempt at it, in [0, window].
   */
  public Duration newLeader() {
    attempts = 0;
    leaderAttemptsLeft = LEADER_ATTEMPTS;
    return between(0, window.toMillis());
  }

  /** Registered: the next failure starts the exponential backoff from min again. */
  public void reset() {
    attempts = 0;
    leaderAttemptsLeft = 0;
  }

  private Duration between(long low, long high) {
    return Duration.ofMillis(low + random.nextLong(high - low + 1));
  }
}
