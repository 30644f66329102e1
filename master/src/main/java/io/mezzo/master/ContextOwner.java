package io.mezzo.master;

import io.mezzo.master.state.StateOwner;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

/**
 * The master's Vert.x context as the owner of its state. Vert.x runs each HTTP request (and the
 * timers and callbacks it starts) on a duplicate of the server's context, on the same event loop,
 * so a duplicate counts as the context itself.
 */
final class ContextOwner implements StateOwner {
  private final Context context;

  ContextOwner(Context context) {
    this.context = ((ContextInternal) context).unwrap();
  }

  @Override
  public boolean isCurrent() {
    return Vertx.currentContext() instanceof ContextInternal current && current.unwrap() == context;
  }
}
