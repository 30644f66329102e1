package io.mezzo.master.api;

import io.mezzo.master.api.Leadership.Leading;
import io.mezzo.master.auth.ViewFilter;
import io.mezzo.master.metrics.MasterMetrics;
import io.mezzo.master.registry.OperatorState;
import io.mezzo.master.spi.Allocator;
import io.mezzo.master.spi.Authorizer;
import io.mezzo.master.spi.Authorizer.Action;
import io.mezzo.master.state.CallRejected;
import io.mezzo.master.state.ClusterState;
import io.mezzo.protocol.Codec;
import io.mezzo.v1.Protos.Flag;
import io.mezzo.v1.Protos.Metric;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Resource.ReservationInfo;
import io.mezzo.v1.Protos.WeightInfo;
import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.master.Protos.Response;
import io.mezzo.v1.quota.Protos.QuotaConfig;
import io.mezzo.v1.quota.Protos.QuotaStatus;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Mesos v1 operator API ({@code POST /api/v1}) that Mezzo serves, with Mesos's transport
 * checks and status codes (mesos-v1-api.md §6.1, §6.2): the read calls (GET_HEALTH, GET_FLAGS,
 * GET_VERSION, GET_METRICS, GET_MASTER, GET_LOGGING_LEVEL, GET_STATE, GET_AGENTS, GET_FRAMEWORKS,
 * GET_EXECUTORS, GET_TASKS, GET_ROLES, GET_QUOTA, GET_WEIGHTS), the writes (SET_LOGGING_LEVEL,
 * UPDATE_QUOTA, UPDATE_WEIGHTS, RESERVE_RESOURCES, UNRESERVE_RESOURCES, TEARDOWN,
 * MARK_AGENT_GONE) and SUBSCRIBE ({@link OperatorStream}); other call types get 501. Responses
 * built from the cluster state are snapshotted on the master's context and encoded on a worker,
 * so that a large GET_STATE does not hold the loop. Plus Mezzo's own
 * {@code GET /api/v1/explain?framework_id=ID} (see {@link #explain}). Behind the
 * {@link LeaderGate}; refusals are thrown as {@link CallRejected} for the router's {@link RejectionHandler}.
 */
final class OperatorApi implements Handler<RoutingContext> {
  private final Vertx vertx;
  private final OperatorOptions options;
  private final OperatorStream stream;
  private final MasterMetrics metrics;

  /** @param authorizer decides the teardown, reservation, quota and weight ACLs */
  OperatorApi(Vertx vertx, OperatorOptions options, OperatorStream stream, MasterMetrics metrics,
      Authorizer authorizer) {
    this.authorizer = authorizer;
    this.vertx = vertx;
    this.options = options;
    this.stream = stream;
    this.metrics = metrics;
  }

  private final Authorizer authorizer;

  @Override
  public void handle(RoutingContext ctx) {
    Leading leading = LeaderGate.leading(ctx);
    HttpServerRequest request = ctx.request();
    Call call = Negotiation.decodePost(ctx, Call.getDefaultInstance());
    String accept = request.getHeader("Accept");
    Optional<Codec> responseCodec = accept == null || accept.isBlank()
        ? Optional.of(Negotiation.requestCodec(request)) : Negotiation.accepted(accept);
    if (responseCodec.isEmpty()) {
      throw new CallRejected(406, "Expecting 'Accept' to allow application/json or application/x-protobuf");
    }
    Codec codec = responseCodec.get();
    ViewFilter view = ViewFilter.of(authorizer, Authentication.principal(ctx));
    if (call.getType() == Call.Type.SUBSCRIBE) {
      // The stream's encoding: JSON unless Accept asks for protobuf, as on the scheduler stream.
      stream.subscribe(request, leading, Negotiation.accepted(accept).orElseThrow(), view.stream(),
          Authentication.principal(ctx));
      return;
    }
    Optional<Response> read = read(leading, call, view);
    if (read.isPresent()) {
      respond(request, codec, read.get());
      return;
    }
    Future<Void> done = write(ctx, leading, call);
    // Mesos answers the reservation calls with 202 and the others with 200.
    int status = call.getType() == Call.Type.RESERVE_RESOURCES || call.getType() == Call.Type.UNRESERVE_RESOURCES
        ? 202 : 200;
    done.onComplete(result -> {
      if (result.succeeded()) {
        request.response().setStatusCode(status).end();
      } else {
        ctx.fail(result.cause() instanceof CallRejected ? result.cause()
            : new CallRejected(500, String.valueOf(result.cause())));
      }
    });
  }

  /**
   * The read calls' responses, built on the context from immutable snapshots and cut to what the
   * caller may see; empty for other calls.
   */
  private Optional<Response> read(Leading leading, Call call, ViewFilter view) {
    ClusterState state = leading.state();
    OperatorState op = leading.operator();
    Response.Builder out = Response.newBuilder();
    switch (call.getType()) {
      case GET_HEALTH -> out.setType(Response.Type.GET_HEALTH)
          .setGetHealth(Response.GetHealth.newBuilder().setHealthy(true));
      case GET_FLAGS -> {
        if (!authorizer.approved(Action.VIEW_FLAGS, view.principal(), Optional.empty())) {
          throw new CallRejected(403, "Not authorized to view the flags"
              + view.principal().map(p -> " as principal '" + p + "'").orElse(" without a principal"));
        }
        Response.GetFlags.Builder flags = Response.GetFlags.newBuilder();
        options.flags().forEach((name, value) -> flags.addFlags(Flag.newBuilder().setName(name).setValue(value)));
        out.setType(Response.Type.GET_FLAGS).setGetFlags(flags);
      }
      case GET_VERSION -> out.setType(Response.Type.GET_VERSION)
          .setGetVersion(Response.GetVersion.newBuilder().setVersionInfo(options.version()));
      case GET_MASTER -> {
        Response.GetMaster.Builder master = Response.GetMaster.newBuilder().setMasterInfo(state.masterInfo())
            .setStartTime(seconds(options.startTime()));
        options.electedTime().get().ifPresent(elected -> master.setElectedTime(seconds(elected)));
        out.setType(Response.Type.GET_MASTER).setGetMaster(master);
      }
      case GET_METRICS -> {
        // The same values as /metrics/snapshot; Mesos's optional timeout has nothing to wait for here.
        Response.GetMetrics.Builder payload = Response.GetMetrics.newBuilder();
        metrics.snapshot().forEach((name, value) -> payload.addMetrics(Metric.newBuilder().setName(name).setValue(value)));
        out.setType(Response.Type.GET_METRICS).setGetMetrics(payload);
      }
      case GET_LOGGING_LEVEL -> out.setType(Response.Type.GET_LOGGING_LEVEL)
          .setGetLoggingLevel(Response.GetLoggingLevel.newBuilder().setLevel(options.logging().level()));
      case GET_STATE -> out.setType(Response.Type.GET_STATE)
          .setGetState(view.state(metrics.timeSnapshot(state::getState)));
      case GET_AGENTS -> out.setType(Response.Type.GET_AGENTS)
          .setGetAgents(view.agents(metrics.timeSnapshot(state::getAgents)));
      case GET_FRAMEWORKS -> out.setType(Response.Type.GET_FRAMEWORKS)
          .setGetFrameworks(view.frameworks(metrics.timeSnapshot(state::getFrameworks)));
      case GET_EXECUTORS -> out.setType(Response.Type.GET_EXECUTORS).setGetExecutors(
          view.executors(metrics.timeSnapshot(state::getExecutors), frameworkUsers(state, view)));
      case GET_TASKS -> out.setType(Response.Type.GET_TASKS)
          .setGetTasks(view.tasks(metrics.timeSnapshot(state::getTasks), frameworkUsers(state, view)));
      case GET_ROLES -> out.setType(Response.Type.GET_ROLES)
          .setGetRoles(metrics.timeSnapshot(() -> roles(state, op)));
      case GET_QUOTA -> out.setType(Response.Type.GET_QUOTA)
          .setGetQuota(Response.GetQuota.newBuilder().setStatus(QuotaStatus.newBuilder().addAllConfigs(op.quotas())));
      case GET_WEIGHTS -> out.setType(Response.Type.GET_WEIGHTS)
          .setGetWeights(Response.GetWeights.newBuilder().addAllWeightInfos(op.weights()));
      default -> {
        return Optional.empty();
      }
    }
    return Optional.of(out.build());
  }

  /** Each framework's user, which the task and executor views need; nothing when nothing is hidden. */
  private static Map<String, String> frameworkUsers(ClusterState state, ViewFilter view) {
    return view.everything() ? Map.of() : state.frameworkUsers();
  }

  private static Response.GetRoles roles(ClusterState state, OperatorState op) {
    Map<String, Double> weights = new TreeMap<>();
    for (WeightInfo weight : op.weights()) {
      weights.put(weight.getRole(), weight.getWeight());
    }
    Set<String> others = new TreeSet<>();
    for (QuotaConfig quota : op.quotas()) {
      others.add(quota.getRole());
    }
    state.dynamicReservations().values().forEach(byRole -> others.addAll(byRole.keySet()));
    return state.getRoles(weights, others);
  }

  /** The calls that change something; completes when the change is applied. */
  private Future<Void> write(RoutingContext ctx, Leading leading, Call call) {
    OperatorState op = leading.operator();
    ClusterState state = leading.state();
    authorize(call, Authentication.principal(ctx), state);
    switch (call.getType()) {
      case UPDATE_QUOTA -> {
        return op.updateQuota(required(call.hasUpdateQuota(), "update_quota", call.getUpdateQuota()));
      }
      case UPDATE_WEIGHTS -> {
        return op.updateWeights(required(call.hasUpdateWeights(), "update_weights", call.getUpdateWeights()));
      }
      case RESERVE_RESOURCES -> {
        return op.reserve(required(call.hasReserveResources(), "reserve_resources", call.getReserveResources()));
      }
      case UNRESERVE_RESOURCES -> {
        return op.unreserve(
            required(call.hasUnreserveResources(), "unreserve_resources", call.getUnreserveResources()));
      }
      case SET_LOGGING_LEVEL -> {
        Call.SetLoggingLevel set = required(call.hasSetLoggingLevel(), "set_logging_level", call.getSetLoggingLevel());
        options.logging().set(set.getLevel(), Duration.ofNanos(set.getDuration().getNanoseconds()));
        return Future.succeededFuture();
      }
      case TEARDOWN -> {
        String frameworkId = required(call.hasTeardown(), "teardown", call.getTeardown()).getFrameworkId().getValue();
        if (!state.hasFramework(frameworkId)) {
          throw new CallRejected(400, "No framework found with specified ID");
        }
        state.teardown(frameworkId);
        return Future.succeededFuture();
      }
      case MARK_AGENT_GONE -> {
        return op.markAgentGone(required(call.hasMarkAgentGone(), "mark_agent_gone", call.getMarkAgentGone()));
      }
      case UNKNOWN -> throw new CallRejected(501, "Received an unknown call type");
      default -> throw new CallRejected(501, call.getType() + " is not supported by Mezzo's operator API yet");
    }
  }

  /** The ACLs of a write call: 403 naming the action and object the principal may not touch. */
  private void authorize(Call call, Optional<String> principal, ClusterState state) {
    switch (call.getType()) {
      case UPDATE_QUOTA -> call.getUpdateQuota().getQuotaConfigsList()
          .forEach(q -> check(Action.UPDATE_QUOTA, principal, Optional.of(q.getRole()), "update quota of role"));
      case UPDATE_WEIGHTS -> call.getUpdateWeights().getWeightInfosList()
          .forEach(w -> check(Action.UPDATE_WEIGHT, principal, Optional.of(w.getRole()), "update weight of role"));
      case RESERVE_RESOURCES -> call.getReserveResources().getResourcesList().forEach(r -> check(
          Action.RESERVE_RESOURCES, principal, reservation(r).map(ReservationInfo::getRole), "reserve for role"));
      case UNRESERVE_RESOURCES -> call.getUnreserveResources().getResourcesList().forEach(r -> check(
          Action.UNRESERVE_RESOURCES, principal,
          reservation(r).filter(ReservationInfo::hasPrincipal).map(ReservationInfo::getPrincipal),
          "unreserve resources reserved by"));
      case TEARDOWN -> {
        String frameworkId = call.getTeardown().getFrameworkId().getValue();
        if (state.hasFramework(frameworkId)) {
          check(Action.TEARDOWN_FRAMEWORK, principal, state.frameworkPrincipal(frameworkId),
              "tear down a framework of principal");
        }
      }
      case SET_LOGGING_LEVEL -> checkAny(Action.SET_LOG_LEVEL, principal, "set_log_level");
      case MARK_AGENT_GONE -> checkAny(Action.MARK_AGENT_GONE, principal, "mark_agents_gone");
      default -> { }
    }
  }

  /** An action whose object Mesos checks as ANY: refused with its ACL's name. */
  private void checkAny(Action action, Optional<String> principal, String acl) {
    if (!authorizer.approved(action, principal, Optional.empty())) {
      throw new CallRejected(403, "Not authorized to " + acl
          + principal.map(p -> " as principal '" + p + "'").orElse(" without a principal"));
    }
  }

  private void check(Action action, Optional<String> principal, Optional<String> object, String what) {
    if (!authorizer.approved(action, principal, object)) {
      throw new CallRejected(403, "Not authorized to " + what + " '" + object.orElse("(any)") + "'"
          + principal.map(p -> " as principal '" + p + "'").orElse(" without a principal"));
    }
  }

  /** The reservation a resource names: the last of its stack, or the pre-1.9 single one. */
  private static Optional<ReservationInfo> reservation(Resource resource) {
    if (resource.getReservationsCount() > 0) {
      return Optional.of(resource.getReservations(resource.getReservationsCount() - 1));
    }
    return resource.hasReservation() ? Optional.of(resource.getReservation()) : Optional.empty();
  }

  private static <T> T required(boolean present, String field, T value) {
    if (!present) {
      throw new CallRejected(400, "Expecting '" + field + "' to be present");
    }
    return value;
  }

  private static double seconds(Instant instant) {
    return instant.toEpochMilli() / 1000.0;
  }

  /** Encodes on a worker: the response is an immutable snapshot, and a large one must not hold the loop. */
  private void respond(HttpServerRequest request, Codec codec, Response response) {
    vertx.executeBlocking(() -> codec.encode(response), false).onComplete(encoded -> {
      if (encoded.succeeded()) {
        request.response().setStatusCode(200).putHeader("Content-Type", codec.mediaType())
            .end(Buffer.buffer(encoded.result()));
      } else {
        Negotiation.fail(request, 500, "Could not encode the response: " + encoded.cause());
      }
    });
  }

  /**
   * {@code GET /api/v1/explain?framework_id=ID}: why a framework got no offers, as JSON
   * {@code {"framework_id": ID, "why_not": [{"role", "reason", "details": {...}}]}} from
   * {@link Allocator#explain}. 400 without framework_id, 404 for an unknown framework,
   * 405 for other methods; behind the leader gate as the other APIs.
   */
  void explain(RoutingContext ctx) {
    Leading leading = LeaderGate.leading(ctx);
    HttpServerRequest request = ctx.request();
    if (request.method() != HttpMethod.GET) {
      request.response().putHeader("Allow", "GET");
      throw new CallRejected(405, "Expecting 'GET', received '" + request.method() + "'");
    }
    String frameworkId = request.getParam("framework_id");
    if (frameworkId == null || frameworkId.isBlank()) {
      throw new CallRejected(400, "Expecting the query parameter 'framework_id'");
    }
    ViewFilter view = ViewFilter.of(authorizer, Authentication.principal(ctx));
    if (!view.everything()) {
      if (leading.state().frameworkInfo(frameworkId).filter(info -> !view.framework(info)).isPresent()) {
        // As for an unknown framework: a hidden one's existence is not told either.
        throw new CallRejected(404, "Framework " + frameworkId + " is not known to this master");
      }
    }
    JsonArray reasons = new JsonArray();
    for (Allocator.WhyNot why : leading.operator().explain(frameworkId)) {
      reasons.add(new JsonObject().put("role", why.role()).put("reason", why.reason())
          .put("details", new JsonObject(new java.util.LinkedHashMap<>(why.details()))));
    }
    request.response().setStatusCode(200).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("framework_id", frameworkId).put("why_not", reasons).encode());
  }
}
