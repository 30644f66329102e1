package io.mezzo.agent.detector;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.function.Consumer;

/** A master at a fixed address ({@code --master http://host:port}). */
final class FixedMasterDetector implements MasterDetector {
  private final MasterAddress master;
  private final Context context;

  FixedMasterDetector(MasterAddress master, Context context) {
    this.master = master;
    this.context = context;
  }

  @Override
  public Future<Void> start(Consumer<MasterAddress> listener) {
    context.runOnContext(v -> listener.accept(master));
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
