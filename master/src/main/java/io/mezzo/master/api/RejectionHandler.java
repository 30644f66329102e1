package io.mezzo.master.api;

import io.mezzo.master.state.CallRejected;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * The router's failure handler for {@link CallRejected}: answers with the rejection's status and
 * message, once for every API, instead of each handler answering and returning. A handler
 * throws the rejection (or passes it to {@code ctx.fail} when it comes later, from a future).
 * Any other failure goes on to Vert.x's default answer (500, or the status a handler such as the
 * body handler failed with), as before.
 */
final class RejectionHandler implements Handler<RoutingContext> {
  /** The v1 APIs answer in {@code text/plain}, as Mesos's do. */
  static final RejectionHandler PLAIN_TEXT = new RejectionHandler(true);
  /** The v0 endpoints ({@code /state}, {@code /redirect}) have always answered without a Content-Type. */
  static final RejectionHandler BARE = new RejectionHandler(false);

  private final boolean plainText;

  private RejectionHandler(boolean plainText) {
    this.plainText = plainText;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!(ctx.failure() instanceof CallRejected rejected)) {
      ctx.next();
      return;
    }
    if (plainText) {
      Negotiation.fail(ctx.request(), rejected.status(), rejected.getMessage());
      return;
    }
    HttpServerResponse response = ctx.response();
    if (!response.ended() && !response.headWritten()) {
      response.setStatusCode(rejected.status()).end(rejected.getMessage());
    }
  }
}
