package io.mezzo.master.api;

import io.mezzo.master.api.Leadership.Leading;
import io.mezzo.master.metrics.MasterMetrics;
import io.mezzo.master.state.CallRejected;
import io.mezzo.master.state.ClusterState;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.Wire;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.UUID;

/**
 * The Mesos v1 scheduler API ({@code POST /api/v1/scheduler}), checking each request in
 * the order Mesos does (see the status-code table of mesos-v1-api.md §1.5) and answering
 * with the same HTTP status and a readable message. Behind the {@link LeaderGate}; refusals
 * are thrown as {@link CallRejected} for the router's {@link RejectionHandler}.
 */
final class SchedulerApi implements Handler<RoutingContext> {
  private final LeaderGate gate;
  private final Runnable allocationTrigger;
  private final long streamQueueBytes;
  private final MasterMetrics metrics;

  /**
   * @param allocationTrigger asks for an allocation round soon (after a subscribe or revive)
   * @param streamQueueBytes the unsent bytes a subscription may queue before it is closed
   */
  SchedulerApi(LeaderGate gate, Runnable allocationTrigger, long streamQueueBytes, MasterMetrics metrics) {
    this.metrics = metrics;
    this.gate = gate;
    this.allocationTrigger = allocationTrigger;
    this.streamQueueBytes = streamQueueBytes;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Leading leading = LeaderGate.leading(ctx);
    HttpServerRequest request = ctx.request();
    Call call = Negotiation.decodePost(ctx, Call.getDefaultInstance());
    Optional<String> invalid = CallValidation.validate(call);
    if (invalid.isPresent()) {
      throw new CallRejected(400, "Failed to validate scheduler::Call: " + invalid.get());
    }
    if (call.getType() == Call.Type.UNKNOWN) {
      throw new CallRejected(501, "Received an unknown call type");
    }
    if (call.getType() == Call.Type.SUBSCRIBE) {
      subscribe(leading, request, call);
      return;
    }
    ClusterState state = leading.state();
    state.checkCaller(call.getFrameworkId().getValue(), request.getHeader(Wire.MESOS_STREAM_ID));
    metrics.schedulerCall(call);
    int status = dispatch(state, call);
    request.response().setStatusCode(status).end();
  }

  private void subscribe(Leading leading, HttpServerRequest request, Call call) {
    Optional<Codec> streamCodec = Negotiation.accepted(request.getHeader("Accept"));
    if (streamCodec.isEmpty()) {
      throw new CallRejected(406, "Expecting 'Accept' to allow application/json or application/x-protobuf");
    }
    if (request.getHeader(Wire.MESOS_STREAM_ID) != null) {
      throw new CallRejected(400, "Subscribe calls should not include the '" + Wire.MESOS_STREAM_ID + "' header");
    }
    metrics.schedulerCall(call);
    String streamId = UUID.randomUUID().toString();
    HttpServerResponse response = request.response()
        .setStatusCode(200)
        .setChunked(true)
        // Never compressed, whatever Accept-Encoding says (as Mesos streams): each event must go out whole, now.
        .putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY)
        .putHeader("Content-Type", streamCodec.get().mediaType())
        .putHeader(Wire.MESOS_STREAM_ID, streamId)
        .putHeader("Cache-Control", "no-cache");
    HttpEventSink<Event> sink = new HttpEventSink<>(response, request.connection(), streamCodec.get(), streamId, streamQueueBytes);
    ClusterState state = leading.state();
    String frameworkId = state.subscribe(call.getSubscribe(), sink);
    if (frameworkId != null) {
      sink.readBy("framework=" + frameworkId);
      response.closeHandler(v -> {
        sink.markClosed();
        if (gate.isCurrent(leading)) {
          state.frameworkDisconnected(frameworkId, streamId);
        }
      });
      allocationTrigger.run();
    }
  }

  /** Runs one accepted call and returns its success status. */
  private int dispatch(ClusterState state, Call call) {
    String frameworkId = call.getFrameworkId().getValue();
    switch (call.getType()) {
      case TEARDOWN -> state.teardown(frameworkId);
      case ACCEPT -> state.accept(frameworkId, call.getAccept());
      case DECLINE -> state.decline(frameworkId, call.getDecline());
      case REVIVE -> {
        state.revive(frameworkId, call.getRevive().getRolesList());
        allocationTrigger.run();
      }
      case SUPPRESS -> state.suppress(frameworkId, call.getSuppress().getRolesList());
      case KILL -> state.kill(frameworkId, call.getKill());
      case ACKNOWLEDGE -> state.acknowledge(frameworkId, call.getAcknowledge());
      case RECONCILE -> state.reconcile(frameworkId, call.getReconcile());
      case REQUEST -> {
        // Mesos's default allocator ignores requests too.
      }
      case UPDATE_FRAMEWORK -> {
        state.updateFramework(frameworkId, call.getUpdateFramework());
        allocationTrigger.run();
        return 200;
      }
      case SHUTDOWN -> state.shutdown(frameworkId, call.getShutdown());
      case MESSAGE -> state.message(frameworkId, call.getMessage());
      case ACCEPT_INVERSE_OFFERS, DECLINE_INVERSE_OFFERS, RECONCILE_OPERATIONS, ACKNOWLEDGE_OPERATION_STATUS ->
          throw new CallRejected(501, call.getType() + " is not supported yet by Mezzo");
      default -> throw new CallRejected(501, "Unsupported call type " + call.getType());
    }
    return 202;
  }
}
