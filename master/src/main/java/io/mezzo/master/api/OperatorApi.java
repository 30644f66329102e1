package io.mezzo.master.api;

import io.mezzo.master.registry.OperatorState;
import io.mezzo.master.spi.Allocator;
import io.mezzo.master.state.CallRejected;
import io.mezzo.protocol.Codec;
import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.master.Protos.Response;
import io.mezzo.v1.quota.Protos.QuotaStatus;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The subset of the Mesos v1 operator API ({@code POST /api/v1}) that Mezzo serves: GET_QUOTA,
 * UPDATE_QUOTA, GET_WEIGHTS, UPDATE_WEIGHTS, RESERVE_RESOURCES and UNRESERVE_RESOURCES, with
 * Mesos's transport checks and status codes (mesos-v1-api.md §6.1, §6.2); other call types
 * get 501. Plus Mezzo's own {@code GET /api/v1/explain?framework_id=ID} (see {@link #explain}).
 */
public final class OperatorApi implements Handler<RoutingContext> {
  private final LeaderGate gate;
  private final Supplier<OperatorState> operator;

  /** @param operator the leader's operator state; not null whenever {@code gate.leading()} is not */
  public OperatorApi(LeaderGate gate, Supplier<OperatorState> operator) {
    this.gate = gate;
    this.operator = operator;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    Call call = Negotiation.leaderPostDecode(ctx, gate, Call.getDefaultInstance());
    if (call == null) {
      return;
    }
    String accept = request.getHeader("Accept");
    Optional<Codec> responseCodec = accept == null || accept.isBlank()
        ? Optional.of(Negotiation.requestCodec(request)) : Negotiation.accepted(accept);
    if (responseCodec.isEmpty()) {
      Negotiation.fail(request, 406, "Expecting 'Accept' to allow application/json or application/x-protobuf");
      return;
    }
    OperatorState op = operator.get();
    Future<Void> done;
    try {
      switch (call.getType()) {
        case GET_QUOTA -> {
          respond(request, responseCodec.get(), Response.newBuilder().setType(Response.Type.GET_QUOTA)
              .setGetQuota(Response.GetQuota.newBuilder()
                  .setStatus(QuotaStatus.newBuilder().addAllConfigs(op.quotas()))).build());
          return;
        }
        case GET_WEIGHTS -> {
          respond(request, responseCodec.get(), Response.newBuilder().setType(Response.Type.GET_WEIGHTS)
              .setGetWeights(Response.GetWeights.newBuilder().addAllWeightInfos(op.weights())).build());
          return;
        }
        case UPDATE_QUOTA -> done = op.updateQuota(required(call.hasUpdateQuota(), "update_quota", call.getUpdateQuota()));
        case UPDATE_WEIGHTS -> done = op.updateWeights(
            required(call.hasUpdateWeights(), "update_weights", call.getUpdateWeights()));
        case RESERVE_RESOURCES -> done = op.reserve(
            required(call.hasReserveResources(), "reserve_resources", call.getReserveResources()));
        case UNRESERVE_RESOURCES -> done = op.unreserve(
            required(call.hasUnreserveResources(), "unreserve_resources", call.getUnreserveResources()));
        case UNKNOWN -> throw new CallRejected(501, "Received an unknown call type");
        default -> throw new CallRejected(501, call.getType() + " is not supported by Mezzo's operator API yet");
      }
    } catch (CallRejected e) {
      Negotiation.fail(request, e.status(), e.getMessage());
      return;
    }
    // Mesos answers the reservation calls with 202 and the others with 200.
    int status = call.getType() == Call.Type.RESERVE_RESOURCES || call.getType() == Call.Type.UNRESERVE_RESOURCES
        ? 202 : 200;
    done.onComplete(result -> {
      if (result.succeeded()) {
        request.response().setStatusCode(status).end();
      } else if (result.cause() instanceof CallRejected e) {
        Negotiation.fail(request, e.status(), e.getMessage());
      } else {
        Negotiation.fail(request, 500, String.valueOf(result.cause()));
      }
    });
  }

  private static <T> T required(boolean present, String field, T value) {
    if (!present) {
      throw new CallRejected(400, "Expecting '" + field + "' to be present");
    }
    return value;
  }

  private static void respond(HttpServerRequest request, Codec codec, Response response) {
    request.response().setStatusCode(200).putHeader("Content-Type", codec.mediaType())
        .end(io.vertx.core.buffer.Buffer.buffer(codec.encode(response)));
  }

  /**
   * {@code GET /api/v1/explain?framework_id=ID}: why a framework got no offers, as JSON
   * {@code {"framework_id": ID, "why_not": [{"role", "reason", "details": {...}}]}} from
   * {@link Allocator#explain}. 400 without framework_id, 404 for an unknown framework,
   * 405 for other methods; 307/503 on a non-leader as the other APIs.
   */
  public void explain(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (gate.leading() == null) {
      if (gate.recovering()) {
        Negotiation.fail(request, 503, "Master has not finished recovery");
      } else {
        Negotiation.redirectToLeader(request, gate.leaderHostPort());
      }
      return;
    }
    if (request.method() != HttpMethod.GET) {
      request.response().putHeader("Allow", "GET");
      Negotiation.fail(request, 405, "Expecting 'GET', received '" + request.method() + "'");
      return;
    }
    String frameworkId = request.getParam("framework_id");
    if (frameworkId == null || frameworkId.isBlank()) {
      Negotiation.fail(request, 400, "Expecting the query parameter 'framework_id'");
      return;
    }
    try {
      JsonArray reasons = new JsonArray();
      for (Allocator.WhyNot why : operator.get().explain(frameworkId)) {
        reasons.add(new JsonObject().put("role", why.role()).put("reason", why.reason())
            .put("details", new JsonObject(new java.util.LinkedHashMap<>(why.details()))));
      }
      request.response().setStatusCode(200).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("framework_id", frameworkId).put("why_not", reasons).encode());
    } catch (CallRejected e) {
      Negotiation.fail(request, e.status(), e.getMessage());
    }
  }
}
