package io.mezzo.master.api;

import io.mezzo.master.metrics.MasterMetrics;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Router;

/**
 * {@code GET /metrics/snapshot}: Mesos's flat JSON of metric keys and numbers; {@code GET
 * /metrics}: the same registry in the Prometheus text format, with Vert.x's HTTP server metrics
 * when the master's Vert.x instance has them. Both answer on any master (a standby shows
 * {@code master/elected} 0 and no cluster state), as Mesos's metrics endpoint does. Handlers run
 * on the master's context, where {@link MasterMetrics} reads the state.
 */
final class MetricsEndpoints {
  static final String SNAPSHOT = "/metrics/snapshot";
  static final String PROMETHEUS = "/metrics";
  static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private MetricsEndpoints() {}

  /** Mounts both endpoints behind {@code authentication} (the read-only realm's check). */
  static void mount(Router router, MasterMetrics metrics, Handler<RoutingContext> authentication) {
    router.get(SNAPSHOT).handler(authentication).handler(ctx -> {
      JsonObject body = new JsonObject();
      metrics.snapshot().forEach(body::put);
      ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
    }).failureHandler(RejectionHandler.BARE);
    router.get(PROMETHEUS).handler(authentication).handler(ctx -> ctx.response().putHeader("Content-Type", PROMETHEUS_CONTENT_TYPE)
        .end(metrics.scrape())).failureHandler(RejectionHandler.BARE);
  }
}
