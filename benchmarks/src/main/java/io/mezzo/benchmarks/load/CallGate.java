package io.mezzo.benchmarks.load;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Bounds a framework's calls in flight. The SDK sends every call as its own POST and opens a
 * connection for each call in flight, so thousands of acknowledgements at once would open
 * thousands of sockets; the gate queues them and lets a fixed number go at a time, in order.
 */
final class CallGate {
  private final int limit;
  private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();

  CallGate(int limit) {
    this.limit = limit;
  }

  /** Sends {@code call} once fewer than {@code limit} calls are in flight; the result completes with it. */
  CompletableFuture<Void> submit(Supplier<CompletableFuture<Void>> call) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    waiting.add(() -> call.get().whenComplete((ok, error) -> {
      inFlight.decrementAndGet();
      if (error != null) {
        result.completeExceptionally(error);
      } else {
        result.complete(null);
      }
      pump();
    }));
    pump();
    return result;
  }

  /** Nothing in flight and nothing waiting. */
  boolean idle() {
    return inFlight.get() == 0 && waiting.isEmpty();
  }

  private void pump() {
    while (true) {
      int now = inFlight.get();
      if (now >= limit || waiting.isEmpty()) {
        return;
      }
      if (inFlight.compareAndSet(now, now + 1)) {
        Runnable next = waiting.poll();
        if (next == null) {
          inFlight.decrementAndGet();
          continue;
        }
        next.run();
      }
    }
  }
}
