package io.mezzo.agent.files;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the files API's blocking file-system work on a few threads of its own, never on Vert.x's
 * worker pool: that pool also creates sandboxes and launches tasks, and one file that blocks (a
 * FIFO a task made, a hung mount) must not be able to stop either. The queue is bounded, so a
 * saturated executor refuses a call at once (503) instead of queueing it forever, and every call
 * answers within its timeout (504), even when the thread it ran on stays blocked. The threads are
 * daemons and idle ones exit, so a thread stuck in the kernel never keeps the agent alive.
 */
final class FilesExecutor {
  private final Vertx vertx;
  private final Duration timeout;
  private final ThreadPoolExecutor threads;

  FilesExecutor(Vertx vertx, int threadCount, int queued, Duration timeout) {
    this.vertx = vertx;
    this.timeout = timeout;
    AtomicInteger counter = new AtomicInteger();
    this.threads = new ThreadPoolExecutor(threadCount, threadCount, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(queued), work -> {
          Thread thread = new Thread(work, "mezzo-files-" + counter.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        }, new ThreadPoolExecutor.AbortPolicy());
    this.threads.allowCoreThreadTimeOut(true);
  }

  /**
   * Runs {@code work} on the files threads; the future completes on the caller's context with its
   * result, or fails with a {@link FileRequestException}: 503 when every thread and queue slot is
   * taken, 504 after the timeout. Call from a Vert.x context.
   */
  <T> Future<T> submit(Callable<T> work) {
    Context context = vertx.getOrCreateContext();
    Promise<T> promise = Promise.promise();
    AtomicBoolean answered = new AtomicBoolean();
    java.util.concurrent.Future<?> task;
    try {
      task = threads.submit(() -> {
        if (answered.get()) {
          return; // timed out while queued
        }
        try {
          T result = work.call();
          context.runOnContext(v -> {
            if (answered.compareAndSet(false, true)) {
              promise.complete(result);
            }
          });
        } catch (Throwable e) {
          context.runOnContext(v -> {
            if (answered.compareAndSet(false, true)) {
              promise.fail(e);
            }
          });
        }
      });
    } catch (RejectedExecutionException e) {
      return Future.failedFuture(new FileRequestException(503,
          "The files API is busy (" + threads.getActiveCount() + " calls in progress); try again later."));
    }
    long timer = vertx.setTimer(timeout.toMillis(), id -> {
      if (answered.compareAndSet(false, true)) {
        // Interrupts a read; an open() blocked on a FIFO ignores it and keeps its thread until it returns.
        task.cancel(true);
        threads.purge();
        promise.fail(new FileRequestException(504, "The file system did not answer within " + timeout.toMillis() + " ms."));
      }
    });
    return promise.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  void close() {
    threads.shutdownNow();
  }
}
