package io.mezzo.master;

import io.mezzo.master.spi.Allocator;
import io.mezzo.node.http.BodyBudget;
import io.mezzo.node.metrics.MetricsVertx;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One Mezzo master: joins the election in ZooKeeper, and while it leads, owns the cluster
 * state and serves the scheduler API, the agent channel and the read-only endpoints.
 * {@link #start()} runs once; {@link #close()} is idempotent.
 */
public final class Master {
  private final MasterConfig config;
  private final Vertx vertx;
  private final boolean ownsVertx;
  private final Clock clock;
  private final Supplier<Allocator> allocatorFactory;
  /** This master's own registry: several masters may share a JVM (the testkit), never the global one. */
  private final PrometheusMeterRegistry registry;
  private MasterVerticle verticle;
  private Future<Void> closing;

  /** A master with its own Vert.x instance, whose HTTP metrics join the master's on {@code /metrics}. */
  public Master(MasterConfig config) {
    this(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  private Master(MasterConfig config, PrometheusMeterRegistry registry) {
    this(config, MetricsVertx.create(registry), true, Clock.systemUTC(), null, registry);
  }

  /** A master on a shared Vert.x instance (the testkit runs several nodes in one JVM). */
  public Master(MasterConfig config, Vertx vertx, Clock clock) {
    this(config, vertx, false, clock, null, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /**
   * A master on a shared Vert.x instance whose allocator comes from {@code allocatorFactory}
   * instead of the {@code allocator} name in the config (tests and embedders). The factory is
   * called on the master's context each time this master becomes leader.
   */
  public Master(MasterConfig config, Vertx vertx, Clock clock, Supplier<Allocator> allocatorFactory) {
    this(config, vertx, false, clock, Objects.requireNonNull(allocatorFactory, "allocatorFactory"),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  private Master(MasterConfig config, Vertx vertx, boolean ownsVertx, Clock clock,
      Supplier<Allocator> allocatorFactory, PrometheusMeterRegistry registry) {
    this.registry = registry;
    this.config = Objects.requireNonNull(config, "config");
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.clock = clock;
    this.allocatorFactory = allocatorFactory;
  }

  /**
   * Starts serving; completes once the HTTP server listens and the master has joined the election.
   *
   * @throws IllegalStateException when the master was started or closed before
   */
  public synchronized Future<Void> start() {
    if (verticle != null) {
      throw new IllegalStateException("The master was already started");
    }
    if (closing != null) {
      throw new IllegalStateException("The master was closed");
    }
    verticle = new MasterVerticle(config, clock, allocatorFactory, registry);
    return vertx.deployVerticle(verticle).mapEmpty();
  }

  /** The HTTP port the master listens on (known after start). */
  public int port() {
    return verticle.port();
  }

  /** The master's base URL, e.g. {@code http://127.0.0.1:5050} ({@code https} when it serves TLS). */
  public String url() {
    return config.tls().serverScheme() + "://" + config.ip() + ":" + port();
  }

  /** True while this master leads and has recovered the registry (it serves the APIs). Safe to call from any thread. */
  public boolean isLeader() {
    return verticle != null && verticle.isLeader();
  }

  /** This master's ZooKeeper client (known after start): for tests that expire its session. */
  org.apache.curator.framework.CuratorFramework zooKeeperClient() {
    return verticle.curator();
  }

  /** How many elections this master has won: unchanged while a term is suspended and resumed (for tests). */
  long electionsWon() {
    return verticle.electionsWon();
  }

  /** What the request bodies being read take now, and at most: for metrics and tests (known after start). */
  public io.mezzo.node.http.BodyBudget bodyBudget() {
    return verticle.bodyBudget();
  }

  public synchronized Future<Void> close() {
    if (closing != null) {
      return closing;
    }
    Future<Void> undeployed = verticle == null || verticle.deploymentID() == null
        ? Future.succeededFuture()
        : vertx.undeploy(verticle.deploymentID()).recover(t -> Future.succeededFuture());
    if (ownsVertx) {
      // A promise of no context: its listeners run on the thread that completes Vert.x's close,
      // since the event loops a context would need are gone by then.
      Promise<Void> closed = Promise.promise();
      undeployed.onComplete(ignored -> vertx.close().onComplete(closed));
      closing = closed.future();
    } else {
      closing = undeployed;
    }
    return closing;
  }
}
