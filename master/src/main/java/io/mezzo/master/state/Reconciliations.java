package io.mezzo.master.state;

import io.mezzo.v1.scheduler.Protos.Event;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * RECONCILE calls answered in slices: at most {@link #SLICE} tasks and about {@link #TURN_MILLIS}
 * per turn of the master's context, the next slice on a timer, so that a call naming tens of
 * thousands of tasks does not hold the context (and with it {@code /health}, heartbeats and every
 * other call) while its updates are made and encoded (JSON encoding is most of the time: about
 * 1 s for 20,000 updates on a cold JVM, 50 to 150 ms warm). Each framework's calls are answered in
 * the order they came, each one's tasks in the order it named them; frameworks take turns. Each
 * answer is made when its slice runs, so it is never older than an update the framework already
 * got. A framework whose stream is not {@link EventSink#ready() ready} (its reader is far behind)
 * is passed over until it is, so that 100,000 answers wait for the reader instead of overrunning
 * its stream's queue, and a reader that does not read holds up no other framework; while every
 * waiting framework's stream is behind, the slices look again every {@link #BEHIND_RETRY}. A
 * stream that stays behind for {@link #STALLED_AFTER} (its reader read nothing meanwhile) is
 * abandoned, as one that falls its whole queue behind is: the master keeps no answers for a reader
 * that stopped. What is left of a call is dropped when its framework's stream changes or closes:
 * the answers would have gone nowhere, and a scheduler reconciles again on resubscribing.
 */
final class Reconciliations {
  /** Tasks answered per turn of the context. */
  static final int SLICE = 500;
  /** A slice ends early once it has taken this long, so that a busy or slow machine still gets turns. */
  static final long TURN_MILLIS = 10;
  /** How many answers between looks at the clock. */
  private static final int CLOCK_EVERY = 25;
  /** Task ids a framework may have waiting for an answer; a RECONCILE beyond that is refused with 503. */
  static final int MAX_PENDING_PER_FRAMEWORK = 200_000;
  /** How soon the slices look again while every waiting framework's stream is behind. */
  static final Duration BEHIND_RETRY = Duration.ofMillis(20);
  /** How long a stream may stay behind, with answers waiting for it, before it is abandoned. */
  static final Duration STALLED_AFTER = Duration.ofSeconds(20);

  private final Timers timers;
  private final Clock clock;
  /** Each framework's calls waiting, in order; frameworks in the order of their turns. */
  private final LinkedHashMap<String, ArrayDeque<Pending<?>>> queues = new LinkedHashMap<>();
  private final Map<String, Integer> pendingByFramework = new HashMap<>();
  /** When each framework's stream was first found behind, while it stays so. */
  private final Map<String, Long> behindSince = new HashMap<>();
  private boolean scheduled;
  /** The timer of a look again while every waiting framework is behind, or -1. */
  private long retryTimer = -1;

  Reconciliations(Timers timers, Clock clock) {
    this.timers = timers;
    this.clock = clock;
  }

  /**
   * Queues the answers to one call and makes the first slice now.
   *
   * @param answer makes and sends the answer about one item on the framework's stream
   * @throws CallRejected 503 when the framework already has {@link #MAX_PENDING_PER_FRAMEWORK} tasks waiting
   */
  <T> void submit(FrameworkRecord framework, List<T> items, Consumer<T> answer) {
    if (items.isEmpty() || framework.stream == null) {
      return;
    }
    int waiting = pendingByFramework.getOrDefault(framework.id, 0);
    if (waiting >= MAX_PENDING_PER_FRAMEWORK) {
      throw new CallRejected(503, "Framework " + framework.id + " already has " + waiting
          + " tasks waiting for reconciliation; retry later");
    }
    pendingByFramework.put(framework.id, waiting + items.size());
    queues.computeIfAbsent(framework.id, id -> new ArrayDeque<>())
        .add(new Pending<>(framework, framework.stream, items, answer));
    if (retryTimer >= 0) {
      // Only waiting for readers that are behind: this call's framework may go on now.
      timers.cancel(retryTimer);
      retryTimer = -1;
      scheduled = false;
    }
    if (!scheduled) {
      runSlice();
    }
  }

  /** Task ids waiting to be answered, all frameworks together. */
  int pending() {
    return pendingByFramework.values().stream().mapToInt(Integer::intValue).sum();
  }

  private void runSlice() {
    scheduled = false;
    retryTimer = -1;
    long deadline = clock.millis() + TURN_MILLIS;
    int budget = SLICE;
    boolean answeredAny = true;
    // Rounds over the frameworks until the slice's budget or time is spent, or none can go on.
    while (budget > 0 && !queues.isEmpty() && answeredAny) {
      answeredAny = false;
      for (String frameworkId : new ArrayList<>(queues.keySet())) {
        if (budget <= 0 || (budget < SLICE && clock.millis() >= deadline)) {
          budget = 0;
          break;
        }
        ArrayDeque<Pending<?>> calls = queues.get(frameworkId);
        Pending<?> head = calls.peek();
        if (!head.stillWanted()) {
          settle(frameworkId, head.remaining());
          calls.poll();
          answeredAny = true;
        } else if (head.stream.ready()) {
          behindSince.remove(frameworkId);
          int answered = head.answer(Math.min(budget, CLOCK_EVERY));
          budget -= answered;
          settle(frameworkId, answered);
          answeredAny = true;
          if (head.remaining() == 0) {
            calls.poll();
          }
        } else {
          long since = behindSince.computeIfAbsent(frameworkId, id -> clock.millis());
          if (clock.millis() - since >= STALLED_AFTER.toMillis()) {
            behindSince.remove(frameworkId);
            head.stream.abandon("its reader read nothing for " + STALLED_AFTER.toSeconds() + " s while "
                + pendingByFramework.getOrDefault(frameworkId, 0) + " reconciliation answers waited");
          }
          continue;
        }
        // It had its turn: to the back of the line, or out of it when it has nothing left.
        queues.remove(frameworkId);
        if (!calls.isEmpty()) {
          queues.put(frameworkId, calls);
        } else {
          behindSince.remove(frameworkId);
        }
      }
    }
    if (!queues.isEmpty()) {
      scheduled = true;
      if (answeredAny || budget <= 0) {
        timers.schedule(Duration.ZERO, this::runSlice);
      } else {
        retryTimer = timers.schedule(BEHIND_RETRY, this::runSlice);
      }
    }
  }

  private void settle(String frameworkId, int answered) {
    pendingByFramework.computeIfPresent(frameworkId, (id, n) -> n - answered > 0 ? n - answered : null);
  }

  private static final class Pending<T> {
    final FrameworkRecord framework;
    final EventSink<Event> stream;
    final List<T> items;
    final Consumer<T> answer;
    int next;

    Pending(FrameworkRecord framework, EventSink<Event> stream, List<T> items, Consumer<T> answer) {
      this.framework = framework;
      this.stream = stream;
      this.items = items;
      this.answer = answer;
    }

    boolean stillWanted() {
      return framework.stream == stream;
    }

    int remaining() {
      return items.size() - next;
    }

    /** Answers up to {@code max} items and returns how many. */
    int answer(int max) {
      int end = Math.min(items.size(), next + max);
      int answered = end - next;
      for (; next < end; next++) {
        answer.accept(items.get(next));
      }
      return answered;
    }
  }
}
