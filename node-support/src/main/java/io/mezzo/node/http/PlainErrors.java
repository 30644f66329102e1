package io.mezzo.node.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The router's own refusals (no such path 404, a method the path does not take 405) with a
 * message in {@code text/plain} saying what was refused, as every other 4xx of the nodes has,
 * rather than Vert.x's empty body.
 */
public final class PlainErrors {
  private PlainErrors() {}

  /** Sets {@code router}'s handlers for 404 and 405. */
  public static Router mount(Router router) {
    router.errorHandler(404, ctx -> answer(ctx, 404, "No route for '" + path(ctx) + "'"));
    router.errorHandler(405, ctx -> answer(ctx, 405, "'" + path(ctx) + "' does not take '" + ctx.request().method()
        + "'"));
    return router;
  }

  private static String path(RoutingContext ctx) {
    String path = ctx.request().path();
    return path == null ? "" : path.length() > 256 ? path.substring(0, 256) + "..." : path;
  }

  private static void answer(RoutingContext ctx, int status, String message) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.headWritten()) {
      return;
    }
    response.setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8")
        .end(HttpResponseStatus.valueOf(status).reasonPhrase() + ": " + message);
  }
}
