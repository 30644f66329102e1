package io.mezzo.master.state;

import java.time.Duration;

/** Timers that fire on the state's context. Production uses Vert.x timers; tests fire them by hand. */
public interface Timers {
  long schedule(Duration delay, Runnable action);

  void cancel(long timerId);
}
