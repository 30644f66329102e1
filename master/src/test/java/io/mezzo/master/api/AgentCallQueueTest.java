package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.state.Timers;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Queued agent calls run in slices of at most {@link AgentCallQueue#SLICE}, each on a timer of its
 * own, so the event loop reads other calls between slices. A fake clock moves as each
 * call "takes" its time.
 */
class AgentCallQueueTest {
  /** Timers that run only when told to, in the order they were set. */
  static final class StepTimers implements Timers {
    final ArrayDeque<Runnable> due = new ArrayDeque<>();

    @Override
    public long schedule(Duration delay, Runnable action) {
      due.add(action);
      return due.size();
    }

    @Override
    public void cancel(long timerId) {
      throw new UnsupportedOperationException();
    }

    void runNext() {
      due.poll().run();
    }
  }

  private final StepTimers timers = new StepTimers();
  private long nanos;
  private final AgentCallQueue queue = new AgentCallQueue(timers, () -> nanos);
  private final List<Integer> ran = new ArrayList<>();

  private void addTaking(int id, Duration takes) {
    queue.add(() -> {
      ran.add(id);
      nanos += takes.toNanos();
    });
  }

  @Test
  void aCallWaitsForItsSliceRatherThanRunningAsItArrives() {
    addTaking(1, Duration.ofMillis(1));

    assertThat(ran).isEmpty();
    assertThat(timers.due).hasSize(1);
    timers.runNext();
    assertThat(ran).containsExactly(1);
    assertThat(timers.due).as("nothing left, no timer").isEmpty();
  }

  @Test
  void aSliceGivesTheLoopBackOnceItsTimeIsUpAndTheRestFollowInOrder() {
    for (int i = 0; i < 10; i++) {
      addTaking(i, Duration.ofMillis(8));
    }
    assertThat(timers.due).as("one timer for the whole queue").hasSize(1);

    timers.runNext();

    assertThat(ran).as("8 + 8 + 8 ms reaches the 20 ms slice").containsExactly(0, 1, 2);
    assertThat(queue.size()).isEqualTo(7);
    assertThat(timers.due).as("the next slice waits for a timer, after what the loop read meanwhile").hasSize(1);
    addTaking(10, Duration.ofMillis(8));
    while (!timers.due.isEmpty()) {
      timers.runNext();
    }
    assertThat(ran).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(queue.slices()).isEqualTo(4);
  }

  @Test
  void aFailingCallDoesNotStopTheOthers() {
    queue.add(() -> {
      throw new IllegalStateException("boom");
    });
    addTaking(2, Duration.ZERO);

    timers.runNext();

    assertThat(ran).containsExactly(2);
  }
}
