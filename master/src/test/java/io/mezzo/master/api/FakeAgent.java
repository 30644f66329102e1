package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.Wire;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.protocol.internal.AgentChannel.StatusUpdate;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.Protos.Value;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The master tests' one fake agent: registers on a real master's agent channel over plain HTTP
 * (or re-registers under its old id), keeps the event stream the master answers on, and sends
 * agent calls on that stream.
 */
final class FakeAgent implements AutoCloseable {
  private final HttpClient http;
  private final String masterUrl;
  private final EventStream<AgentEvent> events;
  private final String id;

  private FakeAgent(HttpClient http, String masterUrl, EventStream<AgentEvent> events, String id) {
    this.http = http;
    this.masterUrl = masterUrl;
    this.events = events;
    this.id = id;
  }

  /** A new agent with 2 cpus and 1 GiB; the REGISTERED event is consumed. */
  static FakeAgent register(HttpClient http, String masterUrl) throws Exception {
    return register(http, masterUrl, null, scalar("cpus", 2), scalar("mem", 1024));
  }

  /**
   * An agent with these resources; with an {@code agentId} it re-registers as that agent. The
   * REGISTERED event is consumed.
   */
  static FakeAgent register(HttpClient http, String masterUrl, String agentId, Resource... resources)
      throws Exception {
    return register(http, masterUrl, agentId, 5051, resources);
  }

  /** As above, saying its HTTP API is at {@code 127.0.0.1:port}. */
  static FakeAgent register(HttpClient http, String masterUrl, String agentId, int port, Resource... resources)
      throws Exception {
    AgentInfo.Builder info = AgentInfo.newBuilder().setHostname("127.0.0.1").setPort(port)
        .addAllResources(List.of(resources));
    if (agentId != null) {
      info.setId(AgentID.newBuilder().setValue(agentId));
    }
    AgentCall register = AgentCall.newBuilder().setType(AgentCall.Type.REGISTER)
        .setRegister(AgentCall.Register.newBuilder().setAgentInfo(info)).build();
    EventStream<AgentEvent> events = new EventStream<>(http, masterUrl + Wire.AGENT_CHANNEL_PATH, register,
        Codec.PROTOBUF, AgentEvent.getDefaultInstance());
    AgentEvent registered = events.next();
    assertThat(registered.getType()).isEqualTo(AgentEvent.Type.REGISTERED);
    return new FakeAgent(http, masterUrl, events, registered.getRegistered().getAgentId().getValue());
  }

  static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  /** A STATUS_UPDATE call of this agent's, with a fresh uuid. */
  AgentCall statusUpdate(FrameworkID frameworkId, String taskId, TaskState state) {
    UUID uuid = UUID.randomUUID();
    ByteString bytes = ByteString.copyFrom(ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits()).array());
    return AgentCall.newBuilder().setType(AgentCall.Type.STATUS_UPDATE)
        .setAgentId(AgentID.newBuilder().setValue(id))
        .setStatusUpdate(StatusUpdate.newBuilder().setFrameworkId(frameworkId)
            .setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId)).setState(state)
                .setUuid(bytes)))
        .build();
  }

  /** The id the master gave (or gave back to) this agent. */
  String id() {
    return id;
  }

  /** The next event from the master, failing the test if none comes within the bound. */
  AgentEvent next() throws InterruptedException {
    return events.next();
  }

  /** The next event that satisfies the predicate, skipping others (heartbeats, ...). */
  AgentEvent next(Predicate<AgentEvent> wanted) throws InterruptedException {
    return events.next(wanted);
  }

  /** True once the master ended this agent's stream (waits a bounded time for it). */
  boolean ended() throws InterruptedException {
    return events.ended();
  }

  /** True if the master has ended this agent's stream by now (no waiting). */
  boolean endedNow() {
    return events.endedNow();
  }

  /** Sends an agent call on this agent's registration stream. */
  HttpResponse<String> call(AgentCall call) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(masterUrl + Wire.AGENT_CHANNEL_PATH))
        .header("Content-Type", Codec.PROTOBUF.mediaType())
        .header(Wire.AGENT_STREAM_ID, events.header(Wire.AGENT_STREAM_ID))
        .POST(HttpRequest.BodyPublishers.ofByteArray(Codec.PROTOBUF.encode(call))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    events.close();
  }
}
