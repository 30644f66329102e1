package io.mezzo.master.api;

import io.mezzo.master.api.Leadership.Leading;
import io.mezzo.master.metrics.MasterMetrics;
import io.mezzo.master.spi.Authorizer;
import io.mezzo.master.spi.Authorizer.Action;
import io.mezzo.master.state.CallRejected;
import io.mezzo.master.state.ClusterState;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.Wire;
import io.mezzo.v1.Protos.FrameworkInfo;
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
  private final Authorizer authorizer;
  private final SubscriptionCap cap;

  /**
   * @param allocationTrigger asks for an allocation round soon (after a subscribe or revive)
   * @param streamQueueBytes the unsent bytes a subscription may queue before it is closed
   * @param authorizer decides the register_frameworks and run_tasks ACLs
   * @param cap the streams each principal may hold open, shared with the operator stream's
   */
  SchedulerApi(LeaderGate gate, Runnable allocationTrigger, long streamQueueBytes, MasterMetrics metrics,
      Authorizer authorizer, SubscriptionCap cap) {
    this.cap = cap;
    this.authorizer = authorizer;
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
    Optional<String> principal = Authentication.principal(ctx);
    if (call.getType() == Call.Type.SUBSCRIBE) {
      subscribe(leading, request, principal.isPresent() ? withPrincipal(call, principal.get()) : call, principal);
      return;
    }
    ClusterState state = leading.state();
    state.checkCaller(call.getFrameworkId().getValue(), request.getHeader(Wire.MESOS_STREAM_ID), principal);
    metrics.schedulerCall(call);
    int status = dispatch(state, call);
    request.response().setStatusCode(status).end();
  }

  private void subscribe(Leading leading, HttpServerRequest request, Call call, Optional<String> principal) {
    Optional<Codec> streamCodec = Negotiation.accepted(request.getHeader("Accept"));
    if (streamCodec.isEmpty()) {
      throw new CallRejected(406, "Expecting 'Accept' to allow application/json or application/x-protobuf");
    }
    if (request.getHeader(Wire.MESOS_STREAM_ID) != null) {
      throw new CallRejected(400, "Subscribe calls should not include the '" + Wire.MESOS_STREAM_ID + "' header");
    }
    Runnable release = cap.open(principal);
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
    response.endHandler(v -> release.run());
    response.closeHandler(v -> release.run());
    HttpEventSink<Event> sink = new HttpEventSink<>(response, request.connection(), streamCodec.get(), streamId, streamQueueBytes);
    Optional<String> denied = unauthorizedRoles(call.getSubscribe().getFrameworkInfo(),
        call.getSubscribe().getFrameworkInfo().hasPrincipal()
            ? Optional.of(call.getSubscribe().getFrameworkInfo().getPrincipal()) : Optional.empty());
    if (denied.isPresent()) {
      // As Mesos: an authorization failure arrives as an ERROR event on the 200 stream, which then closes.
      sink.send(Event.newBuilder().setType(Event.Type.ERROR)
          .setError(Event.Error.newBuilder().setMessage(denied.get())).build());
      sink.close();
      return;
    }
    ClusterState state = leading.state();
    String frameworkId = state.subscribe(call.getSubscribe(), sink);
    if (frameworkId != null) {
      sink.readBy("framework=" + frameworkId);
      response.closeHandler(v -> {
        release.run();
        sink.markClosed();
        if (gate.isCurrent(leading)) {
          state.frameworkDisconnected(frameworkId, streamId);
        }
      });
      allocationTrigger.run();
    }
  }

  /**
   * A SUBSCRIBE of an authenticated caller: {@code FrameworkInfo.principal} must be the caller's
   * (400 otherwise, as Mesos), and is filled in when it is missing.
   */
  private static Call withPrincipal(Call call, String principal) {
    FrameworkInfo info = call.getSubscribe().getFrameworkInfo();
    if (info.hasPrincipal() && !info.getPrincipal().equals(principal)) {
      throw new CallRejected(400, "Authenticated principal '" + principal + "' does not match principal '"
          + info.getPrincipal() + "' set in `FrameworkInfo`");
    }
    Call.Builder filled = call.toBuilder();
    filled.getSubscribeBuilder().getFrameworkInfoBuilder().setPrincipal(principal);
    return filled.build();
  }

  /** The register_frameworks refusal for the first role of {@code info} its principal may not use, if any. */
  private Optional<String> unauthorizedRoles(FrameworkInfo info, Optional<String> principal) {
    java.util.List<String> roles = info.getRolesCount() > 0 ? info.getRolesList() : java.util.List.of(info.getRole());
    for (String role : roles) {
      if (!authorizer.approved(Action.REGISTER_FRAMEWORK, principal, Optional.of(role))) {
        return Optional.of("Not authorized to use role '" + role + "'"
            + principal.map(p -> " as principal '" + p + "'").orElse(" without a principal"));
      }
    }
    return Optional.empty();
  }

  /** Runs one accepted call and returns its success status. */
  private int dispatch(ClusterState state, Call call) {
    String frameworkId = call.getFrameworkId().getValue();
    switch (call.getType()) {
      case TEARDOWN -> state.teardown(frameworkId);
      case ACCEPT -> {
        // As Mesos, ACLs see the framework's principal (the authenticated one when authentication is on).
        Optional<String> frameworkPrincipal = state.frameworkPrincipal(frameworkId);
        state.accept(frameworkId, call.getAccept(),
            user -> authorizer.approved(Action.RUN_TASK, frameworkPrincipal, Optional.of(user)));
      }
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
        unauthorizedRoles(call.getUpdateFramework().getFrameworkInfo(), state.frameworkPrincipal(frameworkId))
            .ifPresent(denied -> {
          throw new CallRejected(403, denied);
        });
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
