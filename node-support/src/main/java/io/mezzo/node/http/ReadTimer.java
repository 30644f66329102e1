package io.mezzo.node.http;

import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * Arms the read timeouts of {@link BoundedBody}: the seam through which tests move time instead of
 * waiting for it. Servers pass {@link #vertx(Vertx)}.
 */
@FunctionalInterface
public interface ReadTimer {

  /**
   * Runs {@code action} once, no earlier than {@code delay} from now, unless the returned handle
   * is cancelled first. The action may run on any thread; {@link BoundedBody} hops back onto the
   * request's context itself.
   *
   * @return cancels the action if it has not run yet; idempotent
   */
  Runnable arm(Duration delay, Runnable action);

  /** Timeouts on {@link Vertx#setTimer}. */
  static ReadTimer vertx(Vertx vertx) {
    return (delay, action) -> {
      long id = vertx.setTimer(Math.max(1, delay.toMillis()), ignored -> action.run());
      return () -> vertx.cancelTimer(id);
    };
  }
}
