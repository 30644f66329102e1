package io.mezzo.agent.testing;

import io.mezzo.agent.support.Timers;
import io.mezzo.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Timers that fire when the test moves a {@link ManualClock}, on the test's thread. */
public final class ManualTimers implements Timers {
  private final ManualClock clock;
  private final List<Scheduled> scheduled = new ArrayList<>();
  private long sequence;

  public ManualTimers(ManualClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Timer schedule(Duration delay, Runnable action) {
    Scheduled timer = new Scheduled(clock.instant().plus(delay), sequence++, action);
    scheduled.add(timer);
    return () -> {
      synchronized (ManualTimers.this) {
        scheduled.remove(timer);
      }
    };
  }

  /** Moves the clock forward and runs every action that is due, in due order. */
  public void advance(Duration duration) {
    clock.advance(duration);
    for (Scheduled due; (due = nextDue()) != null; ) {
      due.action.run();
    }
  }

  /** How many timers are armed and due within {@code horizon} from now. */
  public synchronized long armedWithin(Duration horizon) {
    Instant limit = clock.instant().plus(horizon);
    return scheduled.stream().filter(s -> !s.due.isAfter(limit)).count();
  }

  private synchronized Scheduled nextDue() {
    Instant now = clock.instant();
    Scheduled next = scheduled.stream()
        .filter(s -> !s.due.isAfter(now))
        .min(Comparator.comparing((Scheduled s) -> s.due).thenComparingLong(s -> s.sequence))
        .orElse(null);
    if (next != null) {
      scheduled.remove(next);
    }
    return next;
  }

  private record Scheduled(Instant due, long sequence, Runnable action) {}
}
