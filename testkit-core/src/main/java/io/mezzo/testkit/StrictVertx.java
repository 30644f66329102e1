package io.mezzo.testkit;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.threadchecker.BlockedThreadEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Vert.x for a test that remembers what would otherwise only be logged: an exception that a
 * handler threw on one of its threads, and a thread of it that was blocked past the limit (an
 * event loop for 5 s, a worker for 60 s). Vert.x's own event-loop limit is 2 s; on a 2-core
 * machine running a test suite, first-use work such as loading protobuf descriptors has been
 * seen to take 2.5 s on a loop, which is not the blocking this is here to catch (a synchronous
 * ZooKeeper or disk wait shows up well past 5 s). {@link #close()} closes the Vert.x and then
 * fails with all of them.
 *
 * <p>In a JUnit 5 test, let {@link TestVertx} make and close it; use this class directly where a
 * fixture that is not an extension owns the Vert.x (it is {@link AutoCloseable}).
 */
public final class StrictVertx implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StrictVertx.class);
  /** Enough to see what went wrong; a thread blocked for a minute is reported once a second. */
  private static final int MAX_FAILURES = 20;
  private static final long CLOSE_TIMEOUT_SECONDS = 30;

  private final Vertx vertx;
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Set<Thread> threadsLogged = ConcurrentHashMap.newKeySet();

  private StrictVertx(VertxOptions options) {
    vertx = Vertx.vertx(options);
    vertx.exceptionHandler(this::uncaught);
    // Vert.x only logs a blocked thread; its checker (one per Vert.x) lets us have the event instead,
    // with the thread, so the stack shows where it is stuck and other Vert.x instances are not involved.
    ((VertxInternal) vertx).blockedThreadChecker().setThreadBlockedHandler(this::blocked);
  }

  /** The event-loop limit of {@link #start()}; see the class comment for why it is not Vert.x's 2 s. */
  public static final long EVENT_LOOP_LIMIT_SECONDS = 5;

  /** A Vert.x with default options but the event-loop limit of {@link #EVENT_LOOP_LIMIT_SECONDS}. */
  public static StrictVertx start() {
    return start(new VertxOptions().setMaxEventLoopExecuteTime(EVENT_LOOP_LIMIT_SECONDS)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.SECONDS));
  }

  /** A Vert.x with {@code options}; keep their blocked-thread limits at the defaults unless a test is about them. */
  public static StrictVertx start(VertxOptions options) {
    return new StrictVertx(options);
  }

  public Vertx vertx() {
    return vertx;
  }

  /** What went wrong so far: uncaught exceptions and blocked threads, in order. */
  public List<Throwable> failures() {
    return List.copyOf(failures);
  }

  /**
   * Fails if anything went wrong on this Vert.x's threads, with each failure (and its stack) as a
   * suppressed exception of the {@link AssertionError}; forgets them, so a second call passes.
   */
  public void assertNoFailures() {
    if (failures.isEmpty()) {
      return;
    }
    List<Throwable> seen = new ArrayList<>(failures);
    failures.removeAll(seen);
    AssertionError error = new AssertionError(seen.size() + " failure(s) on the threads of a Vert.x of this test"
        + " (uncaught exceptions and threads blocked past the limit); first: " + seen.get(0));
    seen.forEach(error::addSuppressed);
    throw error;
  }

  /** Closes the Vert.x (waiting up to 30 s), then {@link #assertNoFailures()}. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted while closing Vert.x", e);
      } catch (ExecutionException | TimeoutException e) {
        throw new AssertionError("Vert.x did not close", e);
      }
    }
    assertNoFailures();
  }

  private void uncaught(Throwable failure) {
    log.error("Uncaught exception on a Vert.x thread; the test will fail", failure);
    record(failure);
  }

  private void blocked(BlockedThreadEvent event) {
    BlockedThreadException failure = new BlockedThreadException(event.thread(), event.duration(), event.maxExecTime());
    // The checker reports a stuck thread again at every interval: its stack is logged the first time.
    if (threadsLogged.add(event.thread())) {
      log.warn("{}; the test will fail", failure.getMessage(), failure);
    } else {
      log.warn("{}; the test will fail", failure.getMessage());
    }
    record(failure);
  }

  private void record(Throwable failure) {
    if (failures.size() < MAX_FAILURES) {
      failures.add(failure);
    }
  }

  /** A thread was blocked past its limit; its stack is where the thread was when the checker saw it. */
  static final class BlockedThreadException extends RuntimeException {
    BlockedThreadException(Thread thread, long durationNanos, long limitNanos) {
      super("Thread " + thread.getName() + " has been blocked for " + TimeUnit.NANOSECONDS.toMillis(durationNanos)
          + " ms, time limit is " + TimeUnit.NANOSECONDS.toMillis(limitNanos) + " ms", null, false, true);
      setStackTrace(thread.getStackTrace());
    }
  }
}
