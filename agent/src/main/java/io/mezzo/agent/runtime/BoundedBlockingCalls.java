package io.mezzo.agent.runtime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.Callable;

/** See {@link BlockingCalls#bounded}: calls beyond the limit wait in a queue until one under way ends. */
final class BoundedBlockingCalls implements BlockingCalls {
  private final BlockingCalls calls;
  private final int limit;
  private final Queue<Runnable> waiting = new ArrayDeque<>();
  private int underWay;

  BoundedBlockingCalls(BlockingCalls calls, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, not " + limit);
    }
    this.calls = Objects.requireNonNull(calls, "calls");
    this.limit = limit;
  }

  @Override
  public <T> Future<T> call(Callable<T> work) {
    Promise<T> result = Promise.promise();
    Runnable start = () -> {
      Future<T> called;
      try {
        called = calls.call(work);
      } catch (RuntimeException e) {
        called = Future.failedFuture(e);
      }
      called.onComplete(done -> {
        next();
        result.handle(done);
      });
    };
    boolean now;
    synchronized (this) {
      now = underWay < limit;
      if (now) {
        underWay++;
      } else {
        waiting.add(start);
      }
    }
    if (now) {
      start.run();
    }
    return result.future();
  }

  /** One call has ended: the first waiting one takes its place. */
  private void next() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        underWay--;
      }
    }
    if (next != null) {
      next.run();
    }
  }
}
