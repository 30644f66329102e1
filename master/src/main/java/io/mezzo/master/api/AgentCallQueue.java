package io.mezzo.master.api;

import io.mezzo.master.state.Timers;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agent registrations, and the agent calls that arrive while any wait, handled in slices on the
 * master's context rather than as each request arrives. After a master failover every agent
 * registers again within seconds, and each registration (decoding the agent and its tasks, then
 * the records and the allocator's books) takes the event loop for a millisecond or so; handled as
 * they arrived, the requests read in one turn of the loop held it for a second or more, and every
 * other call (the operator API, a framework's SUBSCRIBE or RECONCILE) waited behind them. Here a
 * slice runs queued calls for at most {@link #SLICE}, then gives the loop back (a 1 ms timer runs
 * the next slice once the loop has read what arrived meanwhile), so another call waits for one
 * slice at most. Calls keep their order, so an agent's calls never overtake its registration.
 * Runs on the master's context only.
 */
final class AgentCallQueue {
  private static final Logger log = LoggerFactory.getLogger(AgentCallQueue.class);
  /** How long one slice may hold the loop. */
  static final Duration SLICE = Duration.ofMillis(20);
  private static final Duration YIELD = Duration.ofMillis(1);

  private final Timers timers;
  private final LongSupplier nanoTime;
  private final ArrayDeque<Runnable> pending = new ArrayDeque<>();
  private boolean scheduled;
  private long slices;

  AgentCallQueue(Timers timers, LongSupplier nanoTime) {
    this.timers = timers;
    this.nanoTime = nanoTime;
  }

  /** Queues a call; it runs in a later slice, after every one queued before it. */
  void add(Runnable call) {
    pending.add(call);
    if (!scheduled) {
      scheduled = true;
      timers.schedule(YIELD, this::slice);
    }
  }

  int size() {
    return pending.size();
  }

  /** The slices run so far. */
  long slices() {
    return slices;
  }

  private void slice() {
    slices++;
    long deadline = nanoTime.getAsLong() + SLICE.toNanos();
    Runnable next;
    while ((next = pending.poll()) != null) {
      try {
        next.run();
      } catch (RuntimeException e) {
        log.error("A queued agent call failed", e);
      }
      if (nanoTime.getAsLong() - deadline >= 0) {
        break;
      }
    }
    if (pending.isEmpty()) {
      scheduled = false;
    } else {
      timers.schedule(YIELD, this::slice);
    }
  }
}
