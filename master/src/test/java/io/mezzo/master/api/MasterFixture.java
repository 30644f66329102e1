package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.Master;
import io.mezzo.master.MasterConfig;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.Wire;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.testkit.StrictVertx;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Value;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.awaitility.Awaitility;

/** A real leading master on an in-process ZooKeeper, with plain-HTTP helpers for tests. */
final class MasterFixture implements AutoCloseable {
  final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private final TestingServer zk;
  /** Fails the test at close if the master's Vert.x threads were blocked or a handler threw. */
  private final StrictVertx strictVertx = StrictVertx.start();
  private final Vertx vertx;
  final Master master;

  MasterFixture() throws Exception {
    zk = new TestingServer(true);
    vertx = strictVertx.vertx();
    master = new Master(new MasterConfig("zk://" + zk.getConnectString() + "/mezzo", "127.0.0.1", null, 0,
        Duration.ofMillis(50), Duration.ofMinutes(10), "drf"), vertx, Clock.systemUTC());
    master.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(master::isLeader);
  }

  String url() {
    return master.url();
  }

  HttpResponse<String> post(String path, String contentType, byte[] body, String streamId) throws Exception {
    return post(path, contentType, body, Wire.MESOS_STREAM_ID, streamId);
  }

  HttpResponse<String> post(String path, String contentType, byte[] body, String streamHeader, String streamId)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(master.url() + path))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (streamId != null) {
      request.header(streamHeader, streamId);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Sends a scheduler call on the framework's stream. */
  HttpResponse<String> call(Call call, EventStream<Event> scheduler) throws Exception {
    return post(Wire.SCHEDULER_PATH, Codec.PROTOBUF.mediaType(), Codec.PROTOBUF.encode(call),
        scheduler.header(Wire.MESOS_STREAM_ID));
  }

  /** Sends an agent call on the agent's registration stream. */
  HttpResponse<String> agentCall(AgentCall call, EventStream<AgentEvent> agent) throws Exception {
    return post(Wire.AGENT_CHANNEL_PATH, Codec.PROTOBUF.mediaType(), Codec.PROTOBUF.encode(call),
        Wire.AGENT_STREAM_ID, agent.header(Wire.AGENT_STREAM_ID));
  }

  JsonObject state() throws Exception {
    return new JsonObject(http.send(HttpRequest.newBuilder(URI.create(master.url() + "/state")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  static Call subscribe() {
    return subscribe(FrameworkInfo.newBuilder().setUser("root").setName("test").build());
  }

  static Call subscribe(FrameworkInfo info) {
    return Call.newBuilder().setType(Call.Type.SUBSCRIBE)
        .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info)).build();
  }

  EventStream<Event> subscribeStream(Call subscribe, Codec codec) throws Exception {
    return new EventStream<>(http, master.url() + Wire.SCHEDULER_PATH, subscribe, codec, Event.getDefaultInstance());
  }

  /** A fake agent with 2 cpus and 1 GiB, registered over the agent channel; the REGISTERED event is consumed. */
  EventStream<AgentEvent> registerAgent() throws Exception {
    return registerAgent(scalar("cpus", 2), scalar("mem", 1024));
  }

  EventStream<AgentEvent> registerAgent(Resource... resources) throws Exception {
    AgentCall register = AgentCall.newBuilder().setType(AgentCall.Type.REGISTER)
        .setRegister(AgentCall.Register.newBuilder().setAgentInfo(AgentInfo.newBuilder()
            .setHostname("127.0.0.1").setPort(5051).addAllResources(java.util.List.of(resources))))
        .build();
    EventStream<AgentEvent> agent = new EventStream<>(http, master.url() + Wire.AGENT_CHANNEL_PATH, register,
        Codec.PROTOBUF, AgentEvent.getDefaultInstance());
    assertThat(agent.next().getType()).isEqualTo(AgentEvent.Type.REGISTERED);
    return agent;
  }

  static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  @Override
  public void close() throws Exception {
    master.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    zk.close();
    strictVertx.close();
  }
}
