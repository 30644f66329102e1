package io.mezzo.benchmarks.load;

import io.mezzo.agent.detector.MasterAddress;
import io.mezzo.agent.detector.MasterDetector;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One leader detector (one ZooKeeper session) shared by the many simulated agents of one
 * context: each agent's {@link #view()} hears every leader change, as its own detector would.
 * Everything runs on that context.
 */
final class SharedDetector {
  private final MasterDetector delegate;
  private final Context context;
  private final List<Consumer<MasterAddress>> listeners = new ArrayList<>();
  private MasterAddress leader;
  private boolean started;

  SharedDetector(MasterDetector delegate, Context context) {
    this.delegate = delegate;
    this.context = context;
  }

  /** A detector for one agent; start it on the shared context. */
  MasterDetector view() {
    return new MasterDetector() {
      private Consumer<MasterAddress> listener;

      @Override
      public Future<Void> start(Consumer<MasterAddress> l) {
        listener = l;
        listeners.add(l);
        if (leader != null) {
          MasterAddress known = leader;
          context.runOnContext(v -> l.accept(known));
        }
        if (!started) {
          started = true;
          return delegate.start(SharedDetector.this::leaderChanged);
        }
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> close() {
        listeners.remove(listener);
        return Future.succeededFuture();
      }
    };
  }

  Future<Void> close() {
    return delegate.close();
  }

  private void leaderChanged(MasterAddress newLeader) {
    leader = newLeader;
    for (Consumer<MasterAddress> listener : List.copyOf(listeners)) {
      listener.accept(newLeader);
    }
  }
}
