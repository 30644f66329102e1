package io.mezzo.master.api;

import io.mezzo.master.api.Leadership.Leading;
import io.mezzo.master.metrics.MasterMetrics;
import io.mezzo.master.state.CallRejected;
import io.mezzo.master.state.ClusterState;
import io.mezzo.node.http.BoundedBody;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.Wire;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The internal agent channel ({@code POST /internal/agent}), shaped like the scheduler API:
 * behind the {@link LeaderGate}, refusals thrown as {@link CallRejected}.
 */
final class AgentChannelApi implements Handler<RoutingContext> {
  private final LeaderGate gate;
  private final long streamQueueBytes;
  private final MasterMetrics metrics;
  private final AgentCallQueue queue;

  /**
   * @param streamQueueBytes the unsent bytes an agent's event stream may queue before it is closed
   * @param queue where REGISTER calls, and the agent calls that arrive while any wait, take their turn
   */
  AgentChannelApi(LeaderGate gate, long streamQueueBytes, MasterMetrics metrics, AgentCallQueue queue) {
    this.metrics = metrics;
    this.queue = queue;
    this.gate = gate;
    this.streamQueueBytes = streamQueueBytes;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Leading leading = LeaderGate.leading(ctx);
    Supplier<AgentCall> call;
    if (queue.size() > 0) {
      // Registrations are waiting: this call takes its turn behind them, decoded only then, so that
      // the loop goes on reading (a storm of registrations after a failover is mostly decoding).
      Codec codec = Negotiation.postCodec(ctx);
      byte[] body = BoundedBody.body(ctx).getBytes();
      call = () -> Negotiation.decode(codec, body, AgentCall.getDefaultInstance());
    } else {
      AgentCall decoded = Negotiation.decodePost(ctx, AgentCall.getDefaultInstance());
      if (decoded.getType() != AgentCall.Type.REGISTER) {
        apply(ctx, leading, decoded);
        return;
      }
      call = () -> decoded;
    }
    // A queued call keeps its body's share of the in-flight budget until its turn.
    Runnable release = BoundedBody.hold(ctx);
    queue.add(() -> {
      release.run();
      inTurn(ctx, leading, call);
    });
  }

  /** A queued call's turn: the agent may have gone, or this master stopped leading, meanwhile. */
  private void inTurn(RoutingContext ctx, Leading leading, Supplier<AgentCall> call) {
    if (ctx.response().closed() || ctx.response().ended()) {
      return;
    }
    if (!gate.isActing(leading)) {
      ctx.fail(new CallRejected(503, "This master stopped leading before it handled the call"));
      return;
    }
    try {
      apply(ctx, leading, call.get());
    } catch (RuntimeException e) {
      ctx.fail(e);
    }
  }

  private void apply(RoutingContext ctx, Leading leading, AgentCall call) {
    HttpServerRequest request = ctx.request();
    ClusterState state = leading.state();
    Codec codec = Negotiation.requestCodec(request);
    metrics.agentCall(call);
    switch (call.getType()) {
      case REGISTER -> register(leading, request, call, codec);
      case STATUS_UPDATE -> {
        if (!call.hasAgentId() || !call.hasStatusUpdate() || call.getStatusUpdate().getStatus().getUuid().size() != 16) {
          throw new CallRejected(400, "STATUS_UPDATE needs 'agent_id' and 'status_update' with a 16-byte uuid");
        }
        state.checkAgentCaller(call.getAgentId().getValue(), request.getHeader(Wire.AGENT_STREAM_ID));
        state.statusUpdate(call.getAgentId().getValue(), call.getStatusUpdate());
        request.response().setStatusCode(202).end();
      }
      case EXECUTOR_MESSAGE -> {
        if (!call.hasAgentId() || !call.hasExecutorMessage()) {
          throw new CallRejected(400, "EXECUTOR_MESSAGE needs 'agent_id' and 'executor_message'");
        }
        state.checkAgentCaller(call.getAgentId().getValue(), request.getHeader(Wire.AGENT_STREAM_ID));
        state.executorMessage(call.getAgentId().getValue(), call.getExecutorMessage());
        request.response().setStatusCode(202).end();
      }
      case EXECUTOR_TERMINATED -> {
        if (!call.hasAgentId() || !call.hasExecutorTerminated()) {
          throw new CallRejected(400, "EXECUTOR_TERMINATED needs 'agent_id' and 'executor_terminated'");
        }
        state.checkAgentCaller(call.getAgentId().getValue(), request.getHeader(Wire.AGENT_STREAM_ID));
        state.executorTerminated(call.getAgentId().getValue(), call.getExecutorTerminated());
        request.response().setStatusCode(202).end();
      }
      case PONG -> {
        if (!call.hasAgentId()) {
          throw new CallRejected(400, "PONG needs 'agent_id'");
        }
        // The check itself counts the call as the agent's sign of life.
        state.checkAgentCaller(call.getAgentId().getValue(), request.getHeader(Wire.AGENT_STREAM_ID));
        request.response().setStatusCode(202).end();
      }
      default -> throw new CallRejected(400, "Unknown agent call type " + call.getType());
    }
  }

  private void register(Leading leading, HttpServerRequest request, AgentCall call, Codec codec) {
    if (!call.hasRegister()) {
      throw new CallRejected(400, "Expecting 'register' to be present");
    }
    String streamId = UUID.randomUUID().toString();
    HttpServerResponse response = request.response()
        .setStatusCode(200)
        .setChunked(true)
        // Never compressed, whatever Accept-Encoding says (as Mesos streams): each event must go out whole, now.
        .putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY)
        .putHeader("Content-Type", codec.mediaType())
        .putHeader(Wire.AGENT_STREAM_ID, streamId);
    HttpEventSink<AgentEvent> sink = new HttpEventSink<>(response, request.connection(), codec, streamId, streamQueueBytes);
    ClusterState state = leading.state();
    String agentId = state.registerAgent(call.getRegister(), sink);
    if (agentId != null) {
      sink.readBy("agent=" + agentId);
      response.closeHandler(v -> {
        sink.markClosed();
        if (gate.isCurrent(leading)) {
          state.agentDisconnected(agentId, streamId);
        }
      });
    }
  }
}
