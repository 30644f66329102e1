package io.mezzo.agent.http;

import io.mezzo.agent.executors.ExecutorApi;
import io.mezzo.agent.files.FilesHandler;
import io.mezzo.agent.metrics.AgentMetrics;
import io.mezzo.agent.support.CallerPrincipal;
import io.mezzo.agent.support.Timers;
import io.mezzo.node.http.BodyBudget;
import io.mezzo.node.http.BoundedBody;
import io.mezzo.node.http.HeadDeadline;
import io.mezzo.node.tls.NodeTls;
import io.vertx.core.Future;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The agent's own HTTP API: {@code /health}, {@code /state}, the files API, the v1 executor API
 * the v1 operator API, and {@code /metrics/snapshot} and {@code /metrics}. Every request body is read within its endpoint's cap, the agent's
 * {@link BodyBudget} and the read timeout ({@link HttpLimits}), before a handler sees it.
 */
public final class AgentHttpServer {
  /** The operator API's path, as on a Mesos agent. */
  public static final String OPERATOR_PATH = "/api/v1";

  static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private final Vertx vertx;
  private final String host;
  private final int port;
  private final FilesHandler files;
  private final ExecutorApi executorApi;
  private final Handler<RoutingContext> operatorApi;
  private final Function<Optional<String>, Future<JsonObject>> state;
  private final HttpLimits limits;
  private final Timers timers;
  private final BodyBudget budget;
  private final AgentMetrics metrics;
  private HttpServer server;
  private NodeTls tls = NodeTls.OFF;
  private AgentSecurity security = AgentSecurity.NONE;

  /**
   * @param host the address to listen on
   * @param port the port, 0 for any free one
   * @param state renders {@code /state}; called on the server's context
   */
  public AgentHttpServer(Vertx vertx, String host, int port, FilesHandler files, Supplier<Future<JsonObject>> state) {
    this(vertx, host, port, files, null, null, caller -> state.get(), HttpLimits.defaults(), Timers.vertx(vertx), null);
  }

  /**
   * @param executorApi the executor API to serve, or null for none
   * @param operatorApi the operator API ({@code POST /api/v1}) to serve, or null for none; it reads
   *     the call from {@link BoundedBody#body}
   * @param state renders {@code /state} for the authenticated caller (empty: none), which it may
   *     filter by the view ACLs; called on the server's context
   * @param timers arms the body read timeouts
   * @param metrics served on {@code /metrics/snapshot} (Mesos's JSON) and {@code /metrics} (Prometheus text); null for none
   */
  public AgentHttpServer(Vertx vertx, String host, int port, FilesHandler files, ExecutorApi executorApi,
      Handler<RoutingContext> operatorApi, Function<Optional<String>, Future<JsonObject>> state, HttpLimits limits,
      Timers timers,
      AgentMetrics metrics) {
    this.metrics = metrics;
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.host = Objects.requireNonNull(host, "host");
    this.port = port;
    this.files = Objects.requireNonNull(files, "files");
    this.executorApi = executorApi;
    this.operatorApi = operatorApi;
    this.state = Objects.requireNonNull(state, "state");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.timers = Objects.requireNonNull(timers, "timers");
    this.budget = new BodyBudget(limits.inflightBodyBytes());
  }

  /**
   * Serve every endpoint over TLS with {@code tls}'s certificate (plain HTTP when it has none).
   * Clients are not asked for certificates: executors, the CLI and browsers connect with none.
   * Call before {@link #listen()}.
   */
  public AgentHttpServer tls(NodeTls tls) {
    this.tls = Objects.requireNonNull(tls, "tls");
    return this;
  }

  /**
   * Put {@code /state}, {@code /files/*}, the metrics and the operator API behind {@code security}'s
   * authentication ({@code /health} and the executor API stay as they are). Call before {@link #listen()}.
   */
  public AgentHttpServer security(AgentSecurity security) {
    this.security = Objects.requireNonNull(security, "security");
    return this;
  }

  /** What the request bodies in flight take now and at most; for tests and metrics. */
  public BodyBudget bodyBudget() {
    return budget;
  }

  /** Starts listening; completes with the actual port. Call once, from the owning context. */
  public Future<Integer> listen() {
    Router router = io.mezzo.node.http.PlainErrors.mount(Router.router(vertx));
    BoundedBody noBody = bounded(0);
    router.route("/health").handler(noBody);
    router.get("/health").handler(ctx -> json(ctx.response(), new JsonObject().put("healthy", true)));
    Handler<RoutingContext> readonly = security.readonly();
    router.route("/state").handler(noBody).handler(readonly);
    router.get("/state").handler(ctx -> state.apply(CallerPrincipal.of(ctx)).onComplete(result -> {
      if (result.succeeded()) {
        json(ctx.response(), result.result());
      } else {
        ctx.fail(result.cause());
      }
    }));
    router.route("/files/*").handler(noBody).handler(readonly);
    if (metrics != null) {
      router.route("/metrics*").handler(noBody).handler(readonly);
      router.get("/metrics/snapshot").handler(ctx -> metrics.snapshot().onComplete(result -> {
        if (result.succeeded()) {
          JsonObject body = new JsonObject();
          result.result().forEach(body::put);
          json(ctx.response(), body);
        } else {
          ctx.fail(result.cause());
        }
      }));
      router.get("/metrics").handler(ctx -> metrics.scrape().onComplete(result -> {
        if (result.succeeded()) {
          ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE).end(result.result());
        } else {
          ctx.fail(result.cause());
        }
      }));
    }
    files.mount(router);
    if (executorApi != null) {
      executorApi.mount(router, bounded(limits.executorBodyBytes()));
    }
    if (operatorApi != null) {
      router.route(OPERATOR_PATH).handler(bounded(limits.operatorBodyBytes())).handler(readonly).handler(operatorApi);
    }
    // gzip (or deflate) when the client asks, as Mesos does; executor event streams opt out (identity).
    // A request's head must arrive within the body read timeout too (slowloris; see HeadDeadline).
    HeadDeadline heads = new HeadDeadline(limits.bodyReadTimeout(), (delay, action) -> timers.schedule(delay, action)::cancel);
    return heads.server(vertx, tls.server(
            new io.vertx.core.http.HttpServerOptions().setCompressionSupported(true), ClientAuth.NONE), router)
        .listen(port, host)
        .map(started -> {
          server = started;
          return started.actualPort();
        });
  }

  public Future<Void> close() {
    files.close();
    return server == null ? Future.succeededFuture() : server.close();
  }

  private BoundedBody bounded(long cap) {
    return new BoundedBody(budget, cap, limits.bodyReadTimeout(),
        (delay, action) -> timers.schedule(delay, action)::cancel);
  }

  private static void json(HttpServerResponse response, JsonObject body) {
    response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
  }
}
