package io.mezzo.master.api;

import io.mezzo.master.api.Leadership.Leading;
import io.mezzo.master.metrics.MasterMetrics;
import io.mezzo.master.registry.OperatorState;
import io.mezzo.master.spi.Allocator;
import io.mezzo.master.state.CallRejected;
import io.mezzo.protocol.Codec;
import io.mezzo.v1.Protos.Metric;
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

/**
 * The subset of the Mesos v1 operator API ({@code POST /api/v1}) that Mezzo serves: GET_METRICS, GET_QUOTA,
 * UPDATE_QUOTA, GET_WEIGHTS, UPDATE_WEIGHTS, RESERVE_RESOURCES and UNRESERVE_RESOURCES, with
 * Mesos's transport checks and status codes (mesos-v1-api.md §6.1, §6.2); other call types
 * get 501. Plus Mezzo's own {@code GET /api/v1/explain?framework_id=ID} (see {@link #explain}). Behind the
 * {@link LeaderGate}; refusals are thrown as {@link CallRejected} for the router's {@link RejectionHandler}.
 */
final class OperatorApi implements Handler<RoutingContext> {
  private final MasterMetrics metrics;

  OperatorApi(MasterMetrics metrics) {
    this.metrics = metrics;
  }

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
    OperatorState op = leading.operator();
    Future<Void> done;
    switch (call.getType()) {
      case GET_QUOTA -> {
        respond(request, responseCodec.get(), Response.newBuilder().setType(Response.Type.GET_QUOTA)
            .setGetQuota(Response.GetQuota.newBuilder()
                .setStatus(QuotaStatus.newBuilder().addAllConfigs(op.quotas()))).build());
        return;
      }
      case GET_METRICS -> {
        // The same values as /metrics/snapshot; Mesos's optional timeout has nothing to wait for here.
        Response.GetMetrics.Builder payload = Response.GetMetrics.newBuilder();
        metrics.snapshot().forEach((name, value) -> payload.addMetrics(Metric.newBuilder().setName(name).setValue(value)));
        respond(request, responseCodec.get(), Response.newBuilder().setType(Response.Type.GET_METRICS)
            .setGetMetrics(payload).build());
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
    JsonArray reasons = new JsonArray();
    for (Allocator.WhyNot why : leading.operator().explain(frameworkId)) {
      reasons.add(new JsonObject().put("role", why.role()).put("reason", why.reason())
          .put("details", new JsonObject(new java.util.LinkedHashMap<>(why.details()))));
    }
    request.response().setStatusCode(200).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("framework_id", frameworkId).put("why_not", reasons).encode());
  }
}
