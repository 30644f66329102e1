package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.Master;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.JsonCodec;
import io.mezzo.protocol.Wire;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.Protos.Value;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The scheduler API of a real master on an in-process ZooKeeper, driven over plain HTTP. */
class SchedulerApiTest {
  private MasterFixture fixture;
  private Master master;
  private HttpClient http;

  @BeforeEach
  void startMaster() throws Exception {
    fixture = new MasterFixture();
    master = fixture.master;
    http = fixture.http;
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  private HttpResponse<String> post(String path, String contentType, byte[] body, String streamId) throws Exception {
    return fixture.post(path, contentType, body, streamId);
  }

  private JsonObject state() throws Exception {
    return fixture.state();
  }

  private static Call subscribe() {
    return MasterFixture.subscribe();
  }

  private FakeAgent registerAgent() throws Exception {
    return fixture.registerAgent();
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void subscribeStreamsSubscribedHeartbeatAndOffers(Codec codec) throws Exception {
    try (FakeAgent agent = registerAgent();
        EventStream<Event> scheduler = new EventStream<>(http, master.url() + Wire.SCHEDULER_PATH, subscribe(), codec,
            Event.getDefaultInstance())) {
      assertThat(scheduler.response.statusCode()).isEqualTo(200);
      assertThat(scheduler.header("Content-Type")).isEqualTo(codec.mediaType());
      assertThat(scheduler.header(Wire.MESOS_STREAM_ID)).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
      Event subscribed = scheduler.next();
      assertThat(subscribed.getType()).isEqualTo(Event.Type.SUBSCRIBED);
      assertThat(subscribed.getSubscribed().getFrameworkId().getValue()).endsWith("-0000");
      assertThat(subscribed.getSubscribed().getHeartbeatIntervalSeconds()).isEqualTo(15.0);
      assertThat(subscribed.getSubscribed().getMasterInfo().getPid()).startsWith("master@127.0.0.1:");
      assertThat(scheduler.next().getType()).isEqualTo(Event.Type.HEARTBEAT);
      Offer offer = scheduler.next(e -> e.getType() == Event.Type.OFFERS).getOffers().getOffers(0);
      assertThat(offer.getHostname()).isEqualTo("127.0.0.1");
      assertThat(offer.getUrl().getAddress().getPort()).isEqualTo(5051);
      assertThat(offer.getResourcesList()).extracting(Resource::getName).containsExactly("cpus", "mem");
    }
  }

  @Test
  void theLibprocessPathServesTheSameApi() throws Exception {
    try (EventStream<Event> scheduler = new EventStream<>(http, master.url() + Wire.SCHEDULER_PATH_LIBPROCESS,
        subscribe(), Codec.JSON, Event.getDefaultInstance())) {
      assertThat(scheduler.next().getType()).isEqualTo(Event.Type.SUBSCRIBED);
    }
  }

  @Test
  void aMalformedBodyIs400AndChangesNothing() throws Exception {
    HttpResponse<String> json = post(Wire.SCHEDULER_PATH, "application/json",
        "{\"type\": \"SUBSCRIBE\", \"subscribe\": ".getBytes(StandardCharsets.UTF_8), null);
    HttpResponse<String> proto = post(Wire.SCHEDULER_PATH, "application/x-protobuf",
        new byte[] {(byte) 0xff, 0x01, 0x02}, null);
    HttpResponse<String> missing = post(Wire.SCHEDULER_PATH, "application/json",
        "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"name\":\"x\"}}}".getBytes(StandardCharsets.UTF_8),
        null);

    assertThat(json.statusCode()).isEqualTo(400);
    assertThat(json.body()).contains("Failed to parse mesos.v1.scheduler.Call");
    assertThat(proto.statusCode()).isEqualTo(400);
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("missing required fields").contains("user");
    assertThat(state().getJsonArray("frameworks")).isEmpty();
  }

  @Test
  void aWrongOrMissingContentTypeIsRefused() throws Exception {
    byte[] body = JsonCodec.print(subscribe()).getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> wrong = post(Wire.SCHEDULER_PATH, "text/plain", body, null);
    HttpResponse<String> missing = post(Wire.SCHEDULER_PATH, null, body, null);

    assertThat(wrong.statusCode()).isEqualTo(415);
    assertThat(wrong.body()).contains("application/json");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).isEqualTo("Expecting 'Content-Type' to be present");
    assertThat(state().getJsonArray("frameworks")).isEmpty();
  }

  @Test
  void otherMethodsAre405WithAllowPost() throws Exception {
    HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(master.url() + Wire.SCHEDULER_PATH)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void callsNeedAKnownFrameworkAndItsStreamId() throws Exception {
    Call teardown = Call.newBuilder().setType(Call.Type.TEARDOWN)
        .setFrameworkId(FrameworkID.newBuilder().setValue("nope")).build();
    assertThat(post(Wire.SCHEDULER_PATH, "application/json", Codec.JSON.encode(teardown), "x").statusCode())
        .isEqualTo(400);
    try (EventStream<Event> scheduler = new EventStream<>(http, master.url() + Wire.SCHEDULER_PATH, subscribe(),
        Codec.JSON, Event.getDefaultInstance())) {
      FrameworkID id = scheduler.next().getSubscribed().getFrameworkId();
      Call revive = Call.newBuilder().setType(Call.Type.REVIVE).setFrameworkId(id).build();
      HttpResponse<String> noStream = post(Wire.SCHEDULER_PATH, "application/json", Codec.JSON.encode(revive), null);
      HttpResponse<String> wrongStream = post(Wire.SCHEDULER_PATH, "application/json", Codec.JSON.encode(revive),
          "00000000-0000-0000-0000-000000000000");
      HttpResponse<String> ok = post(Wire.SCHEDULER_PATH, "application/json", Codec.JSON.encode(revive),
          scheduler.header(Wire.MESOS_STREAM_ID));
      assertThat(noStream.statusCode()).isEqualTo(400);
      assertThat(wrongStream.statusCode()).isEqualTo(400);
      assertThat(wrongStream.body()).contains("didn't match");
      assertThat(ok.statusCode()).isEqualTo(202);
    }
  }

  /** As Mesos 1.11: 202, then TASK_LOST with REASON_INVALID_OFFERS naming the offer; the valid offer named is spent. */
  @Test
  void anUnknownOfferIdIs202AndItsTasksAreLost() throws Exception {
    try (FakeAgent agent = registerAgent();
        EventStream<Event> scheduler = new EventStream<>(http, master.url() + Wire.SCHEDULER_PATH, subscribe(),
            Codec.PROTOBUF, Event.getDefaultInstance())) {
      FrameworkID id = scheduler.next().getSubscribed().getFrameworkId();
      Offer offer = scheduler.next(e -> e.getType() == Event.Type.OFFERS).getOffers().getOffers(0);
      Call accept = Call.newBuilder().setType(Call.Type.ACCEPT).setFrameworkId(id)
          .setAccept(Call.Accept.newBuilder()
              .addOfferIds(offer.getId())
              .addOfferIds(OfferID.newBuilder().setValue("no-such-offer"))
              .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                  .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(TaskInfo.newBuilder().setName("t")
                      .setTaskId(TaskID.newBuilder().setValue("t")).setAgentId(offer.getAgentId())
                      .addResources(offer.getResources(0))
                      .setCommand(CommandInfo.newBuilder().setValue("true"))))))
          .build();

      HttpResponse<String> response = post(Wire.SCHEDULER_PATH, "application/x-protobuf", Codec.PROTOBUF.encode(accept),
          scheduler.header(Wire.MESOS_STREAM_ID));

      assertThat(response.statusCode()).isEqualTo(202);
      TaskStatus lost = scheduler.next(e -> e.getType() == Event.Type.UPDATE).getUpdate().getStatus();
      assertThat(lost.getTaskId().getValue()).isEqualTo("t");
      assertThat(lost.getState()).isEqualTo(TaskState.TASK_LOST);
      assertThat(lost.getReason()).isEqualTo(TaskStatus.Reason.REASON_INVALID_OFFERS);
      assertThat(lost.getMessage()).isEqualTo("Task launched with invalid offers: Offer no-such-offer is no longer valid");
      JsonObject framework = state().getJsonArray("frameworks").getJsonObject(0);
      assertThat(framework.getJsonArray("tasks")).isEmpty();
      assertThat(framework.getJsonArray("offers")).noneSatisfy(
          o -> assertThat(((JsonObject) o).getString("id")).isEqualTo(offer.getId().getValue()));
    }
  }

  @Test
  void anUnknownCallTypeIs501() throws Exception {
    Call unknown = Call.newBuilder().setType(Call.Type.UNKNOWN).setFrameworkId(FrameworkID.newBuilder().setValue("f"))
        .build();
    assertThat(post(Wire.SCHEDULER_PATH, "application/x-protobuf", Codec.PROTOBUF.encode(unknown), null).statusCode())
        .isEqualTo(501);
  }

  @Test
  void aSecondSubscribeWithTheSameIdTakesOverAndTheOldStreamGetsAnError() throws Exception {
    try (EventStream<Event> first = new EventStream<>(http, master.url() + Wire.SCHEDULER_PATH, subscribe(),
        Codec.JSON, Event.getDefaultInstance())) {
      FrameworkID id = first.next().getSubscribed().getFrameworkId();
      Call again = subscribe().toBuilder().setFrameworkId(id)
          .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(
              subscribe().getSubscribe().getFrameworkInfo().toBuilder().setId(id).setFailoverTimeout(60)))
          .build();
      try (EventStream<Event> second = new EventStream<>(http, master.url() + Wire.SCHEDULER_PATH, again, Codec.JSON,
          Event.getDefaultInstance())) {
        assertThat(second.next().getSubscribed().getFrameworkId()).isEqualTo(id);
        Event error = first.next(e -> e.getType() == Event.Type.ERROR);
        assertThat(error.getError().getMessage()).isEqualTo("Framework failed over");
        assertThat(first.ended()).isTrue();
      }
    }
  }
}
