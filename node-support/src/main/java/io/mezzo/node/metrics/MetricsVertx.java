package io.mezzo.node.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/** A Vert.x instance whose own metrics (HTTP server and client, pools, ...) go to a node's registry. */
public final class MetricsVertx {
  private MetricsVertx() {}

  /** A new Vert.x instance reporting into {@code registry}, not into Micrometer's global one. */
  public static Vertx create(MeterRegistry registry) {
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }
}
