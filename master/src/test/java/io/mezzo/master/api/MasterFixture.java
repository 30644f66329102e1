package io.mezzo.master.api;

import io.mezzo.master.Master;
import io.mezzo.master.MasterConfig;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.Wire;
import io.mezzo.testkit.StrictVertx;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Resource;
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
  // HTTP/1.1 as Mesos clients speak it: with h2c a refused large upload ends in GOAWAY before its answer is read.
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER).build();
  private final TestingServer zk;
  /** Fails the test at close if the master's Vert.x threads were blocked or a handler threw. */
  private final StrictVertx strictVertx = StrictVertx.start();
  private final Vertx vertx;
  final Master master;

  MasterFixture() throws Exception {
    this(ApiLimits.defaults());
  }

  MasterFixture(ApiLimits limits) throws Exception {
    this(b -> b.limits(limits));
  }

  /** A master whose configuration {@code configure} changes (e.g. its agent health checks). */
  MasterFixture(java.util.function.UnaryOperator<MasterConfig.Builder> configure) throws Exception {
    zk = new TestingServer(true);
    vertx = strictVertx.vertx();
    master = new Master(configure.apply(MasterConfig.builder().zk("zk://" + zk.getConnectString() + "/mezzo").port(0)
        .allocationInterval(Duration.ofMillis(50))).build(), vertx, Clock.systemUTC());
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

  /** A fake agent with 2 cpus and 1 GiB, registered over the agent channel. */
  FakeAgent registerAgent() throws Exception {
    return FakeAgent.register(http, master.url());
  }

  FakeAgent registerAgent(Resource... resources) throws Exception {
    return FakeAgent.register(http, master.url(), null, resources);
  }

  static Resource scalar(String name, double value) {
    return FakeAgent.scalar(name, value);
  }

  @Override
  public void close() throws Exception {
    master.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    zk.close();
    strictVertx.close();
  }
}
