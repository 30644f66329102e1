package io.mezzo.master.state;

import java.time.Duration;

/** Timers that fire on the state's context. Production uses Vert.x timers; tests fire them by hand. */
public interface Timers {
  /** Timers that never fire: for a state nobody drives by time (a standby's preload, tests). */
  Timers NEVER = new Timers() {
    @Override
    public long schedule(Duration delay, Runnable action) {
      return 0;
    }

    @Override
    public void cancel(long timerId) {}
  };

  long schedule(Duration delay, Runnable action);

  void cancel(long timerId);
}
