package io.mezzo.agent.runtime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

/**
 * Where a runtime's blocking work (fork/exec, signals, engine calls, /proc) runs, so that none of
 * it runs on the agent's event loop: Vert.x's worker pool, or threads the runtime owns.
 */
public interface BlockingCalls {

  /** Runs {@code work} off the event loop; the future fails with whatever it throws. */
  <T> Future<T> call(Callable<T> work);

  /** Vert.x's worker pool, unordered ({@code executeBlocking(work, false)}). */
  static BlockingCalls vertx(Vertx vertx) {
    Objects.requireNonNull(vertx, "vertx");
    return new BlockingCalls() {
      @Override
      public <T> Future<T> call(Callable<T> work) {
        return vertx.executeBlocking(work, false);
      }
    };
  }

  /**
   * {@code calls}, with at most {@code limit} of this object's calls under way at once; the others
   * wait their turn, first come first served. A burst of work that forks (a batch of launches)
   * then cannot outnumber the cores and starve the agent's event loop.
   */
  static BlockingCalls bounded(BlockingCalls calls, int limit) {
    return new BoundedBlockingCalls(calls, limit);
  }

  /** The threads of {@code executor}; the future completes on them. */
  static BlockingCalls on(Executor executor) {
    Objects.requireNonNull(executor, "executor");
    return new BlockingCalls() {
      @Override
      public <T> Future<T> call(Callable<T> work) {
        Promise<T> result = Promise.promise();
        executor.execute(() -> {
          try {
            result.complete(work.call());
          } catch (Exception e) {
            result.fail(e);
          }
        });
        return result.future();
      }
    };
  }
}
