package io.mezzo.agent.support;

import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * One-shot timers: the seam through which the agent waits (retry backoff, heartbeat
 * timeouts, kill grace periods), so that tests can move time instead of waiting for it.
 */
public interface Timers {

  /** A scheduled action that has not run yet. */
  interface Timer {
    /** Prevents the action from running if it has not run yet; idempotent. */
    void cancel();
  }

  /**
   * Runs {@code action} once, no earlier than {@code delay} from now. The action may run on
   * any thread; callers that own state on a Vert.x context hop back onto it.
   */
  Timer schedule(Duration delay, Runnable action);

  /** Timers backed by {@link Vertx#setTimer}. */
  static Timers vertx(Vertx vertx) {
    return (delay, action) -> {
      long id = vertx.setTimer(Math.max(1, delay.toMillis()), ignored -> action.run());
      return () -> vertx.cancelTimer(id);
    };
  }
}
