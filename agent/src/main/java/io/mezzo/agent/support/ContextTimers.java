package io.mezzo.agent.support;

import io.vertx.core.Context;
import java.time.Duration;

/**
 * Timers whose actions run on one Vert.x context, so that the state the context owns is only
 * touched there. A timer cancelled on the context before its action ran does not run, even
 * when the underlying timer had already fired.
 */
public final class ContextTimers implements Timers {
  private final Timers delegate;
  private final Context context;

  public ContextTimers(Timers delegate, Context context) {
    this.delegate = delegate;
    this.context = context;
  }

  @Override
  public Timer schedule(Duration delay, Runnable action) {
    boolean[] cancelled = new boolean[1];
    Timer timer = delegate.schedule(delay, () -> context.runOnContext(v -> {
      if (!cancelled[0]) {
        action.run();
      }
    }));
    return () -> {
      cancelled[0] = true;
      timer.cancel();
    };
  }
}
