package io.mezzo.master.api;

import io.mezzo.master.auth.HttpAuthentication;
import io.mezzo.master.auth.HttpAuthentication.Realm;
import io.mezzo.master.auth.Security;
import io.mezzo.master.auth.ViewFilter;
import io.mezzo.master.metrics.MasterMetrics;
import io.mezzo.master.spi.Authorizer;
import io.mezzo.master.state.StateView;
import io.mezzo.master.state.Timers;
import io.mezzo.node.http.BodyBudget;
import io.mezzo.node.http.BoundedBody;
import io.mezzo.node.http.ReadTimer;
import io.mezzo.node.tls.NodeTls;
import io.mezzo.protocol.Wire;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.List;

/**
 * The master's HTTP routes, in one table: each API family behind the {@link LeaderGate}, the
 * endpoints that answer on any master ({@code /health}, {@code /redirect}), the web UI, and the
 * router's failure handler that turns {@link io.mezzo.master.state.CallRejected} into its answer.
 *
 * <p>The web UI is static files from the classpath: {@code GET /} is its page; a standby that knows
 * the leader sends the browser to the leader's {@code /}, and while none is known it serves the
 * page, which waits for one ({@link LeaderGate#page}). Its modules under {@code /ui/} and the chart
 * library's WebJar under {@code /webjars/} are served by any master. {@code /masters}
 * ({@link MastersEndpoint}) tells the page which masters the cluster has and which one leads.
 * {@code /agents/<id>/files/...} ({@link AgentFilesProxy}) lets the page read sandboxes from its
 * own origin.
 */
public final class MasterRoutes {
  /** The API families behind the leader gate, each with its paths (Mesos's, and libprocess's under /master). */
  enum Family {
    SCHEDULER(Wire.SCHEDULER_PATH, Wire.SCHEDULER_PATH_LIBPROCESS),
    OPERATOR("/api/v1", "/master/api/v1"),
    EXPLAIN("/api/v1/explain", "/master/api/v1/explain"),
    AGENT_CHANNEL(Wire.AGENT_CHANNEL_PATH),
    /** The v0 JSON state for old tools (GET only). */
    STATE("/state", "/state.json", "/master/state", "/master/state.json"),
    /** An agent's files API, passed on for the web UI (GET only; {@link AgentFilesProxy}). */
    AGENT_FILES(AgentFilesProxy.PATHS);

    final List<String> paths;

    Family(String... paths) {
      this(List.of(paths));
    }

    Family(List<String> paths) {
      this.paths = paths;
    }
  }

  /** Answered by every master, leading or not. */
  static final List<String> HEALTH = List.of("/health", "/master/health");
  /** Where the leader is: 307 to it without a path (Mesos's {@code /master/redirect}). */
  static final List<String> REDIRECT = List.of("/redirect", "/master/redirect");
  /** Metrics, answered by every master: a standby shows {@code master/elected} 0 (see {@link MetricsEndpoints}). */
  static final List<String> METRICS = List.of(MetricsEndpoints.SNAPSHOT, MetricsEndpoints.PROMETHEUS);

  /** The web UI's page: a standby that knows the leader sends the browser to the leader's. */
  static final String UI_PAGE = "/";
  /** The web UI's modules and the WebJars: static files any master serves (route paths, with the {@code *}). */
  static final List<String> UI_ASSETS = List.of("/ui/*", "/webjars/*");
  /** The UI's files on the classpath (master/src/main/resources/webui). */
  static final String UI_ROOT = "webui";
  /** Where WebJars keep their files on the classpath. */
  static final String WEBJARS_ROOT = "META-INF/resources/webjars";

  private MasterRoutes() {}

  /**
   * The router of a master.
   *
   * @param gate this master's leader gate
   * @param allocationTrigger asks for a whole allocation round soon (after a subscribe, a revive, a framework update);
   *     resources freed on agents start rounds of their own (see {@code ClusterState#onResourcesFreed})
   * @param limits the body caps per endpoint, the body read timeout and the stream queue size
   * @param budget what the request bodies in flight may take together (see {@link ApiLimits#inflightBodyBytes()})
   */
  public static Router router(Vertx vertx, LeaderGate gate, Runnable allocationTrigger, ApiLimits limits,
      BodyBudget budget) {
    Timers timers = contextTimers(vertx);
    return router(vertx, gate, allocationTrigger, limits, budget,
        OperatorOptions.defaults(java.time.Clock.systemUTC(), new LoggingLevels(timers)), timers,
        new MasterMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), java.time.Clock.systemUTC(),
            () -> false, () -> io.mezzo.master.state.StateGauges.NONE));
  }

  /**
   * The router of a master, with what its operator API answers, counting its calls in
   * {@code metrics} and serving them on {@code /metrics/snapshot} (Mesos's flat JSON) and
   * {@code /metrics} (Prometheus text).
   *
   * @param operatorOptions the master's facts and the operator stream's settings
   * @param timers timers on the caller's context, for the operator stream's heartbeats
   */
  public static Router router(Vertx vertx, LeaderGate gate, Runnable allocationTrigger, ApiLimits limits,
      BodyBudget budget, OperatorOptions operatorOptions, Timers timers, MasterMetrics metrics) {
    return router(vertx, gate, allocationTrigger, limits, budget, operatorOptions, timers, metrics,
        MastersEndpoint.alone(""), Security.NONE);
  }

  /**
   * The router of a master, as above, answering {@code /masters} with {@code masters}, with
   * {@code security}'s authentication and authorization.
   *
   * @param security which realms require credentials, and what each principal may do
   */
  public static Router router(Vertx vertx, LeaderGate gate, Runnable allocationTrigger, ApiLimits limits,
      BodyBudget budget, OperatorOptions operatorOptions, Timers timers, MasterMetrics metrics,
      MastersEndpoint masters, Security security) {
    return router(vertx, gate, allocationTrigger, limits, budget, operatorOptions, timers, metrics, masters, security,
        NodeTls.OFF);
  }

  /**
   * The router of a master, as above, reaching agents for the web UI's sandbox reads
   * ({@link AgentFilesProxy}) with {@code tls}'s client settings.
   *
   * @param tls the master's TLS: with a CA, agents are reached over TLS verified against it
   */
  public static Router router(Vertx vertx, LeaderGate gate, Runnable allocationTrigger, ApiLimits limits,
      BodyBudget budget, OperatorOptions operatorOptions, Timers timers, MasterMetrics metrics,
      MastersEndpoint masters, Security security, NodeTls tls) {
    HttpAuthentication authentication = security.authentication();
    Router router = Router.router(vertx);
    ReadTimer readTimer = ReadTimer.vertx(vertx);
    BoundedBody callBody = new BoundedBody(budget, limits.callBodyBytes(), limits.bodyReadTimeout(), readTimer);
    BoundedBody operatorBody = new BoundedBody(budget, limits.operatorBodyBytes(), limits.bodyReadTimeout(), readTimer);
    BoundedBody noBody = new BoundedBody(budget, 0, limits.bodyReadTimeout(), readTimer);
    SubscriptionCap streamsPerPrincipal = new SubscriptionCap(limits.subscriptionsPerPrincipal());
    SchedulerApi scheduler = new SchedulerApi(gate, allocationTrigger, limits.streamQueueBytes(), metrics,
        security.authorizer(), streamsPerPrincipal);
    OperatorApi operator = new OperatorApi(vertx, operatorOptions,
        new OperatorStream(vertx, gate, timers, limits.streamQueueBytes(), operatorOptions, streamsPerPrincipal),
        metrics, security.authorizer());
    AgentChannelApi agentChannel = new AgentChannelApi(gate, limits.streamQueueBytes(), metrics,
        new AgentCallQueue(timers, System::nanoTime));
    Handler<RoutingContext> readOnly = Authentication.in(authentication, Realm.READONLY);
    AgentFilesProxy agentFiles = new AgentFilesProxy(vertx, tls);
    for (Family family : Family.values()) {
      for (String path : family.paths) {
        // Bodies are read before the gate: a follower answers once the whole request is in, and too
        // large a body gets 413 (too many at once 503) from any master.
        switch (family) {
          case SCHEDULER -> router.route(path).handler(callBody)
              .handler(Authentication.in(authentication, Realm.SCHEDULER)).handler(gate).handler(scheduler);
          case OPERATOR -> router.route(path).handler(operatorBody)
              .handler(Authentication.operator(authentication)).handler(gate).handler(operator);
          case EXPLAIN -> router.route(path).handler(noBody).handler(readOnly).handler(gate).handler(operator::explain);
          case AGENT_CHANNEL -> router.route(path).handler(callBody)
              .handler(Authentication.clientCertificate(security.agentCertificates()))
              .handler(gate.holdingWhileRecovering()).handler(agentChannel);
          case STATE -> router.get(path).handler(noBody).handler(readOnly).handler(gate)
              .handler(ctx -> state(vertx, ctx, metrics, security.authorizer())).failureHandler(RejectionHandler.BARE);
          case AGENT_FILES -> router.get(path).handler(noBody).handler(readOnly).handler(gate).handler(agentFiles);
          default -> throw new IllegalStateException("No handler for " + family);
        }
      }
    }
    for (String path : HEALTH) {
      router.get(path).handler(ctx -> ctx.response().setStatusCode(200).end());
    }
    MetricsEndpoints.mount(router, metrics, readOnly);
    for (String path : REDIRECT) {
      router.get(path).handler(gate::redirectEndpoint).failureHandler(RejectionHandler.BARE);
    }
    for (String path : MastersEndpoint.PATHS) {
      router.get(path).handler(noBody).handler(masters);
    }
    webUi(router, gate, noBody);
    router.route().failureHandler(RejectionHandler.PLAIN_TEXT);
    return io.mezzo.node.http.PlainErrors.mount(router);
  }

  private static void webUi(Router router, LeaderGate gate, BoundedBody noBody) {
    router.get(UI_PAGE).handler(noBody).handler(gate.page(ctx -> ctx.response()
        .putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-cache")
        .sendFile(UI_ROOT + "/index.html")));
    // max-age 0: the modules are revalidated (Last-Modified) on each load, so an upgraded master
    // never runs a page on last version's modules; the WebJar's paths carry its version.
    router.get(UI_ASSETS.get(0)).handler(noBody)
        .handler(StaticHandler.create(UI_ROOT + "/ui").setMaxAgeSeconds(0).setDirectoryListing(false));
    router.get(UI_ASSETS.get(1)).handler(noBody)
        .handler(StaticHandler.create(WEBJARS_ROOT).setDirectoryListing(false));
  }

  /**
   * The snapshot is taken on the context; cutting it to what the caller may see, rendering and
   * encoding a large state run on a worker.
   */
  private static void state(Vertx vertx, RoutingContext ctx, MasterMetrics metrics, Authorizer authorizer) {
    StateView view = metrics.timeSnapshot(LeaderGate.leading(ctx).state()::view);
    ViewFilter visible = ViewFilter.of(authorizer, Authentication.principal(ctx));
    vertx.executeBlocking(() -> view.cut(visible::state).json().encode(), false).onComplete(json -> {
      if (json.succeeded()) {
        ctx.response().putHeader("Content-Type", "application/json").end(json.result());
      } else {
        ctx.fail(json.cause());
      }
    });
  }

  /** Vert.x timers, fired on the context that schedules them. */
  public static Timers contextTimers(Vertx vertx) {
    return new Timers() {
      @Override
      public long schedule(java.time.Duration delay, Runnable action) {
        return vertx.setTimer(Math.max(1, delay.toMillis()), id -> action.run());
      }

      @Override
      public void cancel(long timerId) {
        vertx.cancelTimer(timerId);
      }
    };
  }
}
