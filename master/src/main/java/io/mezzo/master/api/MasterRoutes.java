package io.mezzo.master.api;

import io.mezzo.protocol.Wire;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The master's HTTP routes, in one table: each API family behind the {@link LeaderGate}, the
 * endpoints that answer on any master ({@code /health}, {@code /redirect}), and the router's
 * failure handler that turns {@link io.mezzo.master.state.CallRejected} into its answer.
 */
public final class MasterRoutes {
  /** The API families behind the leader gate, each with its paths (Mesos's, and libprocess's under /master). */
  enum Family {
    SCHEDULER(Wire.SCHEDULER_PATH, Wire.SCHEDULER_PATH_LIBPROCESS),
    OPERATOR("/api/v1", "/master/api/v1"),
    EXPLAIN("/api/v1/explain", "/master/api/v1/explain"),
    AGENT_CHANNEL(Wire.AGENT_CHANNEL_PATH),
    /** The v0 JSON state for old tools (GET only). */
    STATE("/state", "/state.json", "/master/state", "/master/state.json");

    final List<String> paths;

    Family(String... paths) {
      this.paths = List.of(paths);
    }
  }

  /** Answered by every master, leading or not. */
  static final List<String> HEALTH = List.of("/health", "/master/health");
  /** Where the leader is: 307 to it without a path (Mesos's {@code /master/redirect}). */
  static final List<String> REDIRECT = List.of("/redirect", "/master/redirect");

  private MasterRoutes() {}

  /**
   * The router of a master.
   *
   * @param gate this master's leader gate
   * @param allocationTrigger asks for an allocation round soon (after a subscribe, revive, ...)
   * @param limits the body caps per endpoint, the body read timeout and the stream queue size
   * @param budget what the request bodies in flight may take together (see {@link ApiLimits#inflightBodyBytes()})
   */
  public static Router router(Vertx vertx, LeaderGate gate, Runnable allocationTrigger, ApiLimits limits,
      BodyBudget budget) {
    Router router = Router.router(vertx);
    BoundedBody callBody = new BoundedBody(budget, limits.callBodyBytes(), limits.bodyReadTimeout());
    BoundedBody operatorBody = new BoundedBody(budget, limits.operatorBodyBytes(), limits.bodyReadTimeout());
    BoundedBody noBody = new BoundedBody(budget, 0, limits.bodyReadTimeout());
    SchedulerApi scheduler = new SchedulerApi(gate, allocationTrigger, limits.streamQueueBytes());
    OperatorApi operator = new OperatorApi();
    AgentChannelApi agentChannel = new AgentChannelApi(gate, allocationTrigger, limits.streamQueueBytes());
    for (Family family : Family.values()) {
      for (String path : family.paths) {
        // Bodies are read before the gate: a follower answers once the whole request is in, and too
        // large a body gets 413 (too many at once 503) from any master.
        switch (family) {
          case SCHEDULER -> router.route(path).handler(callBody).handler(gate).handler(scheduler);
          case OPERATOR -> router.route(path).handler(operatorBody).handler(gate).handler(operator);
          case EXPLAIN -> router.route(path).handler(noBody).handler(gate).handler(operator::explain);
          case AGENT_CHANNEL -> router.route(path).handler(callBody).handler(gate).handler(agentChannel);
          case STATE -> router.get(path).handler(noBody).handler(gate).handler(MasterRoutes::state)
              .failureHandler(RejectionHandler.BARE);
          default -> throw new IllegalStateException("No handler for " + family);
        }
      }
    }
    for (String path : HEALTH) {
      router.get(path).handler(ctx -> ctx.response().setStatusCode(200).end());
    }
    for (String path : REDIRECT) {
      router.get(path).handler(gate::redirectEndpoint).failureHandler(RejectionHandler.BARE);
    }
    router.route().failureHandler(RejectionHandler.PLAIN_TEXT);
    return router;
  }

  private static void state(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/json")
        .end(LeaderGate.leading(ctx).state().view().json().encode());
  }
}
