package io.mezzo.agent.testing;

import io.mezzo.protocol.Codec;
import io.mezzo.protocol.JsonCodec;
import io.mezzo.protocol.RecordIO;
import io.mezzo.protocol.Wire;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.v1.Protos.Address;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A master that speaks the agent channel: records every AgentCall, answers REGISTER with a
 * RecordIO stream that starts with REGISTERED, and streams whatever events the test sends.
 */
public final class FakeMaster implements AutoCloseable {
  private final Vertx vertx;
  private final String agentId;
  private final List<AgentCall> calls = new CopyOnWriteArrayList<>();
  private volatile double heartbeatIntervalSeconds = 15;
  private volatile double pingTimeoutSeconds;
  private final java.util.concurrent.atomic.AtomicInteger acceptedPongs = new java.util.concurrent.atomic.AtomicInteger();
  private volatile HttpServer server;
  private volatile HttpServerResponse stream;
  private volatile Context streamContext;
  private volatile String streamId;
  private volatile FakeMaster redirectTo;
  private volatile boolean recovering;
  private volatile Runnable beforeRegistered = () -> { };

  private FakeMaster(Vertx vertx, String agentId) {
    this.vertx = vertx;
    this.agentId = agentId;
  }

  /** A fake master listening on 127.0.0.1 and a free port; assigns {@code agentId} to new agents. */
  public static FakeMaster start(Vertx vertx, String agentId) throws Exception {
    FakeMaster master = new FakeMaster(vertx, agentId);
    master.server = vertx.createHttpServer()
        .requestHandler(master::handle)
        .listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return master;
  }

  public int port() {
    return server.actualPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  public void heartbeatIntervalSeconds(double seconds) {
    this.heartbeatIntervalSeconds = seconds;
  }

  /** The total ping timeout REGISTERED announces (0: none, as before masters pinged). */
  public void pingTimeoutSeconds(double seconds) {
    this.pingTimeoutSeconds = seconds;
  }

  /** PONG calls that named the agent and carried the current stream id. */
  public int acceptedPongs() {
    return acceptedPongs.get();
  }

  /** Answers REGISTER with 307 to {@code leader}, as a master that is not the leader does. */
  /** While true, REGISTER gets 503, as from a leader that is still reading its registry. */
  public void recovering(boolean recovering) {
    this.recovering = recovering;
  }

  /** Runs on the master's context when a REGISTER arrived, before REGISTERED is written to the agent. */
  public void beforeRegistered(Runnable action) {
    this.beforeRegistered = action;
  }

  public void redirectTo(FakeMaster leader) {
    this.redirectTo = leader;
  }

  /** The MasterInfo a leading master would publish in ZooKeeper, as Mesos JSON. */
  public String masterInfoJson() {
    return JsonCodec.print(MasterInfo.newBuilder()
        .setId("master-" + port())
        .setIp(0x0100007f)
        .setPort(port())
        .setHostname("127.0.0.1")
        .setAddress(Address.newBuilder().setHostname("127.0.0.1").setIp("127.0.0.1").setPort(port()))
        .build());
  }

  public List<AgentCall> calls() {
    return List.copyOf(calls);
  }

  public List<AgentCall> registrations() {
    return calls.stream().filter(c -> c.getType() == AgentCall.Type.REGISTER).toList();
  }

  public List<TaskStatus> statusUpdates() {
    return calls.stream()
        .filter(c -> c.getType() == AgentCall.Type.STATUS_UPDATE)
        .map(c -> c.getStatusUpdate().getStatus())
        .toList();
  }

  public List<TaskStatus> statusUpdates(String taskId) {
    return statusUpdates().stream().filter(s -> s.getTaskId().getValue().equals(taskId)).toList();
  }

  public boolean streaming() {
    return stream != null;
  }

  /** Writes one event on the agent's open stream. */
  public void send(AgentEvent event) {
    HttpServerResponse open = stream;
    if (open == null) {
      throw new IllegalStateException("No agent is registered");
    }
    byte[] frame = RecordIO.encode(Codec.PROTOBUF.encode(event));
    streamContext.runOnContext(v -> open.write(Buffer.buffer(frame)));
  }

  /** Closes the agent's stream, as a master that goes away would. */
  public void dropStream() {
    HttpServerResponse open = stream;
    stream = null;
    if (open != null) {
      streamContext.runOnContext(v -> open.reset());
    }
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void handle(HttpServerRequest request) {
    if (request.method() != HttpMethod.POST || !request.path().equals(Wire.AGENT_CHANNEL_PATH)) {
      request.response().setStatusCode(404).end();
      return;
    }
    if (!Codec.PROTOBUF.mediaType().equals(request.getHeader("Content-Type"))) {
      request.response().setStatusCode(415).end("expected " + Codec.PROTOBUF.mediaType());
      return;
    }
    Context context = Vertx.currentContext();
    request.body().onSuccess(body -> {
      AgentCall call = Codec.PROTOBUF.decode(body.getBytes(), AgentCall.getDefaultInstance());
      calls.add(call);
      if (call.getType() == AgentCall.Type.REGISTER && redirectTo != null) {
        request.response().setStatusCode(307)
            .putHeader("Location", "//127.0.0.1:" + redirectTo.port() + Wire.AGENT_CHANNEL_PATH)
            .end();
      } else if (call.getType() == AgentCall.Type.REGISTER && recovering) {
        request.response().setStatusCode(503).end("Master has not finished recovery");
      } else if (call.getType() == AgentCall.Type.REGISTER) {
        register(request, context, call);
      } else if (streamId == null || !streamId.equals(request.getHeader(Wire.AGENT_STREAM_ID))) {
        request.response().setStatusCode(400).end("wrong or missing " + Wire.AGENT_STREAM_ID);
      } else {
        if (call.getType() == AgentCall.Type.PONG && call.hasAgentId()) {
          acceptedPongs.incrementAndGet();
        }
        request.response().setStatusCode(202).end();
      }
    });
  }

  private void register(HttpServerRequest request, Context context, AgentCall call) {
    String id = UUID.randomUUID().toString();
    HttpServerResponse response = request.response()
        .setChunked(true)
        .setStatusCode(200)
        .putHeader("Content-Type", Codec.PROTOBUF.mediaType())
        .putHeader(Wire.AGENT_STREAM_ID, id);
    streamId = id;
    streamContext = context;
    stream = response;
    beforeRegistered.run();
    AgentID assigned = call.hasAgentId() ? call.getAgentId() : AgentID.newBuilder().setValue(agentId).build();
    AgentEvent registered = AgentEvent.newBuilder()
        .setType(AgentEvent.Type.REGISTERED)
        .setRegistered(AgentEvent.Registered.newBuilder()
            .setAgentId(assigned)
            .setHeartbeatIntervalSeconds(heartbeatIntervalSeconds)
            .setPingTimeoutSeconds(pingTimeoutSeconds))
        .build();
    response.write(Buffer.buffer(RecordIO.encode(Codec.PROTOBUF.encode(registered))));
  }
}
