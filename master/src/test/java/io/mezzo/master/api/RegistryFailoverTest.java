package io.mezzo.master.api;

import static io.mezzo.master.api.OperatorApiTest.post;
import static io.mezzo.master.api.OperatorApiTest.quota;
import static io.mezzo.master.api.OperatorApiTest.AGENT_RESOURCES;
import static io.mezzo.master.api.OperatorApiTest.reserve;
import static io.mezzo.master.api.OperatorApiTest.reserved;
import static io.mezzo.master.api.OperatorApiTest.updateQuota;
import static io.mezzo.master.api.OperatorApiTest.updateWeights;
import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.Master;
import io.mezzo.master.MasterConfig;
import io.mezzo.master.spi.Resources;
import io.mezzo.protocol.Codec;
import io.mezzo.testkit.TestVertx;
import io.mezzo.v1.Protos.WeightInfo;
import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.master.Protos.Response;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The registry across leaders: two masters on one in-process ZooKeeper. */
class RegistryFailoverTest {
  @RegisterExtension
  final TestVertx vertxes = new TestVertx();
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private TestingServer zk;
  private Vertx vertx;

  @BeforeEach
  void start() throws Exception {
    zk = new TestingServer(true);
    vertx = vertxes.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    zk.close();
  }

  private Master master(RecordingAllocator allocator) throws Exception {
    Master master = new Master(MasterConfig.builder().zk("zk://" + zk.getConnectString() + "/mezzo").port(0).build(),
        vertx, Clock.systemUTC(), () -> allocator);
    master.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return master;
  }

  private Response get(Master master, Call.Type type) throws Exception {
    HttpResponse<byte[]> response = post(http, master.url(), Codec.PROTOBUF.mediaType(), null,
        Codec.PROTOBUF.encode(Call.newBuilder().setType(type).build()));
    assertThat(response.statusCode()).isEqualTo(200);
    return Codec.PROTOBUF.decode(response.body(), Response.getDefaultInstance());
  }

  private int send(Master master, Call call) throws Exception {
    return post(http, master.url(), Codec.JSON.mediaType(), null, Codec.JSON.encode(call)).statusCode();
  }

  @Test
  void quotaWeightsAndDynamicReservationsSurviveAMasterFailover() throws Exception {
    RecordingAllocator firstAllocator = new RecordingAllocator();
    RecordingAllocator secondAllocator = new RecordingAllocator();
    Master first = master(firstAllocator);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(first::isLeader);
    Master second = master(secondAllocator);

    String agentId;
    try (FakeAgent agent = FakeAgent.register(http, first.url(), null, AGENT_RESOURCES)) {
      agentId = agent.id();
      assertThat(send(first, updateQuota(true, quota("eng", 2, 4)))).isEqualTo(200);
      assertThat(send(first, updateWeights("eng", 2.5))).isEqualTo(200);
      assertThat(send(first, reserve(agentId, reserved("cpus", 1, "eng"), reserved("mem", 512, "eng"))))
          .isEqualTo(202);
      first.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(second::isLeader);

    assertThat(get(second, Call.Type.GET_QUOTA).getGetQuota().getStatus().getConfigsList())
        .containsExactly(quota("eng", 2, 4));
    assertThat(get(second, Call.Type.GET_WEIGHTS).getGetWeights().getWeightInfosList())
        .containsExactly(WeightInfo.newBuilder().setRole("eng").setWeight(2.5).build());
    assertThat(secondAllocator.quotas).containsExactly(Map.entry("eng", "cpus:2.0|cpus:4.0;mem:4096.0"));
    assertThat(secondAllocator.weights).containsExactly(Map.entry("eng", 2.5));
    assertThat(secondAllocator.reservations).as("applied only when the agent comes back").isEmpty();

    try (FakeAgent back = FakeAgent.register(http, second.url(), agentId, AGENT_RESOURCES)) {
      assertThat(back.id()).isEqualTo(agentId);
      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(secondAllocator.reservations)
          .containsExactly(Map.entry(agentId + "/eng", Resources.cpusMem(1, 512))));
      // The recovered reservation still counts: 4 cpus - 1 reserved leaves 3.
      assertThat(send(second, reserve(agentId, reserved("cpus", 4, "batch")))).isEqualTo(409);
    }
    second.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void anAgentMarkedGoneStaysGoneAfterAMasterFailover() throws Exception {
    Master first = master(new RecordingAllocator());
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(first::isLeader);
    Master second = master(new RecordingAllocator());
    String agentId;
    try (FakeAgent agent = FakeAgent.register(http, first.url(), null, AGENT_RESOURCES)) {
      agentId = agent.id();
      assertThat(send(first, OperatorReadsTest.markGone(agentId))).isEqualTo(200);
      first.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(second::isLeader);

    io.mezzo.protocol.internal.AgentChannel.AgentCall register = io.mezzo.protocol.internal.AgentChannel.AgentCall
        .newBuilder().setType(io.mezzo.protocol.internal.AgentChannel.AgentCall.Type.REGISTER)
        .setRegister(io.mezzo.protocol.internal.AgentChannel.AgentCall.Register.newBuilder().setAgentInfo(
            io.mezzo.v1.Protos.AgentInfo.newBuilder().setHostname("127.0.0.1").setPort(5051)
                .setId(io.mezzo.v1.Protos.AgentID.newBuilder().setValue(agentId)).addAllResources(
                    java.util.List.of(AGENT_RESOURCES))))
        .build();
    try (EventStream<io.mezzo.protocol.internal.AgentChannel.AgentEvent> back = new EventStream<>(http,
        second.url() + io.mezzo.protocol.Wire.AGENT_CHANNEL_PATH, register, Codec.PROTOBUF,
        io.mezzo.protocol.internal.AgentChannel.AgentEvent.getDefaultInstance())) {
      var refused = back.next();
      assertThat(refused.getType()).isEqualTo(io.mezzo.protocol.internal.AgentChannel.AgentEvent.Type.ERROR);
      assertThat(refused.getError().getMessage()).contains("marked gone");
    }
    assertThat(get(second, Call.Type.GET_AGENTS).getGetAgents().getAgentsList()).isEmpty();
    assertThat(send(second, OperatorReadsTest.markGone(agentId))).as("marking it again").isEqualTo(200);
    second.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void anElectedMasterAnswers503UntilItHasReadTheRegistry() throws Exception {
    try (CuratorFramework curator = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      curator.start();
      curator.create().creatingParentsIfNeeded().forPath("/mezzo/registry", new byte[] {(byte) 0xff, 0x01});
      Master master = master(new RecordingAllocator());

      Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        HttpResponse<String> operator = http.send(HttpRequest.newBuilder(URI.create(master.url() + "/api/v1"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"GET_QUOTA\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(operator.statusCode()).isEqualTo(503);
        assertThat(operator.body()).isEqualTo("Master has not finished recovery");
      });
      HttpResponse<String> scheduler = http.send(HttpRequest.newBuilder(URI.create(master.url() + "/api/v1/scheduler"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"SUBSCRIBE\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(scheduler.statusCode()).isEqualTo(503);
      assertThat(scheduler.body()).isEqualTo("Master has not finished recovery");
      HttpResponse<String> state = http.send(HttpRequest.newBuilder(URI.create(master.url() + "/state")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(state.statusCode()).isEqualTo(503);
      assertThat(master.isLeader()).isFalse();

      // Once the record is readable, the master finishes recovery on its next attempt and leads.
      curator.setData().forPath("/mezzo/registry", new byte[0]);
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(master::isLeader);
      assertThat(get(master, Call.Type.GET_QUOTA).getGetQuota().getStatus().getConfigsCount()).isZero();
      master.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void reservationsAFrameworkMadeThroughAcceptSurviveAFailover() throws Exception {
    java.util.function.Supplier<Master> real = () -> new Master(MasterConfig.builder()
        .zk("zk://" + zk.getConnectString() + "/mezzo").port(0).build(), vertx, Clock.systemUTC());
    Master first = real.get();
    first.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(first::isLeader);
    Master second = real.get();
    second.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    io.mezzo.v1.Protos.FrameworkInfo eng = io.mezzo.v1.Protos.FrameworkInfo.newBuilder().setUser("u").setName("eng")
        .setRole("eng").build();
    String agentId;
    try (FakeAgent agent = FakeAgent.register(http, first.url(), null, AGENT_RESOURCES);
        EventStream<io.mezzo.v1.scheduler.Protos.Event> scheduler = new EventStream<>(http,
            first.url() + io.mezzo.protocol.Wire.SCHEDULER_PATH, MasterFixture.subscribe(eng), Codec.PROTOBUF,
            io.mezzo.v1.scheduler.Protos.Event.getDefaultInstance())) {
      agentId = agent.id();
      var frameworkId = scheduler.next().getSubscribed().getFrameworkId();
      var offer = scheduler.next(e -> e.getType() == io.mezzo.v1.scheduler.Protos.Event.Type.OFFERS)
          .getOffers().getOffers(0);
      var reserve = io.mezzo.v1.Protos.Offer.Operation.newBuilder()
          .setType(io.mezzo.v1.Protos.Offer.Operation.Type.RESERVE)
          .setReserve(io.mezzo.v1.Protos.Offer.Operation.Reserve.newBuilder().addResources(
              MasterFixture.scalar("cpus", 1).toBuilder().addReservations(
                  io.mezzo.v1.Protos.Resource.ReservationInfo.newBuilder()
                      .setType(io.mezzo.v1.Protos.Resource.ReservationInfo.Type.DYNAMIC).setRole("eng"))));
      var accept = io.mezzo.v1.scheduler.Protos.Call.newBuilder()
          .setType(io.mezzo.v1.scheduler.Protos.Call.Type.ACCEPT).setFrameworkId(frameworkId)
          .setAccept(io.mezzo.v1.scheduler.Protos.Call.Accept.newBuilder().addOfferIds(offer.getId())
              .addOperations(reserve))
          .build();
      HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(first.url()
              + io.mezzo.protocol.Wire.SCHEDULER_PATH))
          .header("Content-Type", Codec.PROTOBUF.mediaType())
          .header(io.mezzo.protocol.Wire.MESOS_STREAM_ID, scheduler.header(io.mezzo.protocol.Wire.MESOS_STREAM_ID))
          .POST(HttpRequest.BodyPublishers.ofByteArray(Codec.PROTOBUF.encode(accept))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(accepted.statusCode()).isEqualTo(202);
      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(registryRecord().getReservationsList()).singleElement().satisfies(r -> {
            assertThat(r.getAgentId()).isEqualTo(agentId);
            assertThat(r.getResourcesList()).singleElement()
                .satisfies(res -> assertThat(res.getScalar().getValue()).isEqualTo(1.0));
          }));
    }
    first.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(second::isLeader);

    try (FakeAgent back = FakeAgent.register(http, second.url(), agentId, AGENT_RESOURCES);
        EventStream<io.mezzo.v1.scheduler.Protos.Event> scheduler = new EventStream<>(http,
            second.url() + io.mezzo.protocol.Wire.SCHEDULER_PATH, MasterFixture.subscribe(eng), Codec.PROTOBUF,
            io.mezzo.v1.scheduler.Protos.Event.getDefaultInstance())) {
      var offer = scheduler.next(e -> e.getType() == io.mezzo.v1.scheduler.Protos.Event.Type.OFFERS)
          .getOffers().getOffers(0);
      // Pre-refinement format for a framework without RESERVATION_REFINEMENT: role "eng" and an empty reservation.
      assertThat(offer.getResourcesList()).anySatisfy(r -> {
        assertThat(r.getName()).isEqualTo("cpus");
        assertThat(r.getRole()).isEqualTo("eng");
        assertThat(r.hasReservation()).isTrue();
        assertThat(r.getScalar().getValue()).isEqualTo(1.0);
      });
    }
    second.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private io.mezzo.protocol.internal.RegistryRecords.Registry registryRecord() throws Exception {
    try (CuratorFramework curator = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      curator.start();
      return io.mezzo.protocol.internal.RegistryRecords.Registry.parseFrom(curator.getData().forPath("/mezzo/registry"));
    }
  }
}
