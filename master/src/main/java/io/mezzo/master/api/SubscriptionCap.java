package io.mezzo.master.api;

import io.mezzo.master.state.CallRejected;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many event streams each authenticated principal holds open on this master, framework
 * subscriptions and operator subscriptions together, and the most it may
 * ({@link ApiLimits#subscriptionsPerPrincipal()}). One principal cannot then fill the master with
 * streams, nor push every other operator stream out (the operator streams' own cap closes the
 * oldest). Callers without a principal (a master that does not authenticate) are not counted.
 */
final class SubscriptionCap {
  /** Releases nothing: for a caller that is not counted. */
  private static final Runnable NOTHING = () -> { };
  private final int max;
  private final Map<String, Integer> open = new ConcurrentHashMap<>();

  SubscriptionCap(int max) {
    this.max = max;
  }

  /**
   * Counts one more stream of {@code principal}, or refuses it with 429 when the principal holds
   * {@code max} already.
   *
   * @return what gives the stream back; it may run more than once and counts once
   */
  Runnable open(Optional<String> principal) {
    if (principal.isEmpty()) {
      return NOTHING;
    }
    String who = principal.get();
    boolean[] taken = new boolean[1];
    open.compute(who, (k, count) -> {
      int now = count == null ? 0 : count;
      if (now >= max) {
        return count;
      }
      taken[0] = true;
      return now + 1;
    });
    if (!taken[0]) {
      throw new CallRejected(429, "Principal '" + who + "' already has " + max
          + " event streams open on this master, the most --max-subscriptions-per-principal allows");
    }
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        open.computeIfPresent(who, (k, count) -> count <= 1 ? null : count - 1);
      }
    };
  }

  /** The streams {@code principal} holds open. */
  int openBy(String principal) {
    return open.getOrDefault(principal, 0);
  }
}
