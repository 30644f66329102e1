package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.Master;
import io.mezzo.master.MasterConfig;
import io.mezzo.master.spi.Resources;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.Wire;
import io.mezzo.protocol.internal.RegistryRecords;
import io.mezzo.testkit.TestVertx;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Value;
import io.mezzo.v1.Protos.WeightInfo;
import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.master.Protos.Response;
import io.mezzo.v1.quota.Protos.QuotaConfig;
import io.mezzo.v1.scheduler.Protos.Event;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The operator API of a real master on an in-process ZooKeeper, driven over plain HTTP. */
class OperatorApiTest {
  @RegisterExtension
  final TestVertx vertxes = new TestVertx();
  private TestingServer zk;
  private Vertx vertx;
  private Master master;
  private RecordingAllocator allocator;
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeEach
  void startZooKeeper() throws Exception {
    zk = new TestingServer(true);
    vertx = vertxes.vertx();
  }

  private void startMaster(Supplier<io.mezzo.master.spi.Allocator> allocators) throws Exception {
    master = new Master(MasterConfig.builder().zk("zk://" + zk.getConnectString() + "/mezzo").port(0)
        .allocationInterval(Duration.ofMillis(50)).build(), vertx, Clock.systemUTC(), allocators);
    master.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(master::isLeader);
  }

  private void startRecordingMaster() throws Exception {
    allocator = new RecordingAllocator();
    startMaster(() -> allocator);
  }

  @AfterEach
  void stop() throws Exception {
    if (master != null) {
      master.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    zk.close();
  }

  // ---------------------------------------------------------------- helpers

  static HttpResponse<byte[]> post(HttpClient http, String url, String contentType, String accept, byte[] body)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/api/v1"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (accept != null) {
      request.header("Accept", accept);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> call(Call call, Codec codec) throws Exception {
    return post(http, master.url(), codec.mediaType(), null, codec.encode(call));
  }

  private static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  static Value.Scalar scalar(double v) {
    return Value.Scalar.newBuilder().setValue(v).build();
  }

  static Call updateQuota(boolean force, QuotaConfig... configs) {
    Call.UpdateQuota.Builder update = Call.UpdateQuota.newBuilder().setForce(force);
    for (QuotaConfig c : configs) {
      update.addQuotaConfigs(c);
    }
    return Call.newBuilder().setType(Call.Type.UPDATE_QUOTA).setUpdateQuota(update).build();
  }

  static QuotaConfig quota(String role, double guaranteeCpus, double limitCpus) {
    return QuotaConfig.newBuilder().setRole(role).putGuarantees("cpus", scalar(guaranteeCpus))
        .putLimits("cpus", scalar(limitCpus)).putLimits("mem", scalar(4096)).build();
  }

  static Call updateWeights(String role, double weight) {
    return Call.newBuilder().setType(Call.Type.UPDATE_WEIGHTS).setUpdateWeights(Call.UpdateWeights.newBuilder()
        .addWeightInfos(WeightInfo.newBuilder().setRole(role).setWeight(weight))).build();
  }

  static Resource reserved(String name, double value, String role) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR).setScalar(scalar(value))
        .addReservations(Resource.ReservationInfo.newBuilder().setType(Resource.ReservationInfo.Type.DYNAMIC)
            .setRole(role).setPrincipal("ops"))
        .build();
  }

  static Call reserve(String agentId, Resource... resources) {
    Call.ReserveResources.Builder reserve = Call.ReserveResources.newBuilder()
        .setAgentId(AgentID.newBuilder().setValue(agentId));
    for (Resource r : resources) {
      reserve.addResources(r);
    }
    return Call.newBuilder().setType(Call.Type.RESERVE_RESOURCES).setReserveResources(reserve).build();
  }

  static Call unreserve(String agentId, Resource... resources) {
    Call.UnreserveResources.Builder unreserve = Call.UnreserveResources.newBuilder()
        .setAgentId(AgentID.newBuilder().setValue(agentId));
    for (Resource r : resources) {
      unreserve.addResources(r);
    }
    return Call.newBuilder().setType(Call.Type.UNRESERVE_RESOURCES).setUnreserveResources(unreserve).build();
  }

  private Response get(Call.Type type, Codec codec) throws Exception {
    HttpResponse<byte[]> response = call(Call.newBuilder().setType(type).build(), codec);
    assertThat(response.statusCode()).as(text(response)).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains(codec.mediaType());
    return codec.decode(response.body(), Response.getDefaultInstance());
  }

  private Response quotas() throws Exception {
    return get(Call.Type.GET_QUOTA, Codec.JSON);
  }

  private Response weights() throws Exception {
    return get(Call.Type.GET_WEIGHTS, Codec.JSON);
  }

  private RegistryRecords.Registry registryInZooKeeper() throws Exception {
    try (CuratorFramework curator = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      curator.start();
      if (curator.checkExists().forPath("/mezzo/registry") == null) {
        return RegistryRecords.Registry.getDefaultInstance();
      }
      return RegistryRecords.Registry.parseFrom(curator.getData().forPath("/mezzo/registry"));
    }
  }

  /** What the fake agents of these tests offer: 4 cpus and 4 GiB. */
  static final Resource[] AGENT_RESOURCES = {FakeAgent.scalar("cpus", 4), FakeAgent.scalar("mem", 4096)};

  // ---------------------------------------------------------------- quota and weights

  @ParameterizedTest
  @EnumSource(Codec.class)
  void quotaIsSetAndReadBackInEitherEncoding(Codec codec) throws Exception {
    startRecordingMaster();
    HttpResponse<byte[]> set = call(updateQuota(true, quota("eng", 2, 4)), codec);

    assertThat(set.statusCode()).as(text(set)).isEqualTo(200);
    assertThat(set.body()).isEmpty();
    Response response = get(Call.Type.GET_QUOTA, codec);
    assertThat(response.getType()).isEqualTo(Response.Type.GET_QUOTA);
    assertThat(response.getGetQuota().getStatus().getConfigsList()).containsExactly(quota("eng", 2, 4));
    assertThat(allocator.quotas).containsExactly(Map.entry("eng", "cpus:2.0|cpus:4.0;mem:4096.0"));
    assertThat(registryInZooKeeper().getQuotasList()).containsExactly(quota("eng", 2, 4));
  }

  @Test
  void quotaJsonHasMesosShape() throws Exception {
    startRecordingMaster();
    String body = "{\"type\":\"UPDATE_QUOTA\",\"update_quota\":{\"force\":true,\"quota_configs\":[{\"role\":\"eng\","
        + "\"guarantees\":{\"cpus\":{\"value\":1}},\"limits\":{\"cpus\":{\"value\":2}}}]}}";
    HttpResponse<byte[]> set = post(http, master.url(), "application/json", null, body.getBytes(StandardCharsets.UTF_8));
    assertThat(set.statusCode()).as(text(set)).isEqualTo(200);

    HttpResponse<byte[]> got = post(http, master.url(), "application/json", "application/json",
        "{\"type\":\"GET_QUOTA\"}".getBytes(StandardCharsets.UTF_8));
    JsonObject config = new JsonObject(text(got)).getJsonObject("get_quota").getJsonObject("status")
        .getJsonArray("configs").getJsonObject(0);
    assertThat(config.getString("role")).isEqualTo("eng");
    assertThat(config.getJsonObject("guarantees").getJsonObject("cpus").getDouble("value")).isEqualTo(1.0);
    assertThat(config.getJsonObject("limits").getJsonObject("cpus").getDouble("value")).isEqualTo(2.0);
  }

  @Test
  void aQuotaWithoutGuaranteesOrLimitsRemovesIt() throws Exception {
    startRecordingMaster();
    assertThat(call(updateQuota(true, quota("eng", 2, 4), quota("batch", 1, 1)), Codec.JSON).statusCode()).isEqualTo(200);
    assertThat(call(updateQuota(false, QuotaConfig.newBuilder().setRole("eng").build()), Codec.JSON).statusCode())
        .isEqualTo(200);
    assertThat(quotas().getGetQuota().getStatus().getConfigsList()).containsExactly(quota("batch", 1, 1));
    assertThat(allocator.quotas).containsOnlyKeys("batch");
  }

  @Test
  void guaranteesBeyondTheClusterNeedForce() throws Exception {
    startRecordingMaster();
    try (FakeAgent agent = FakeAgent.register(http, master.url(), null, AGENT_RESOURCES)) {
      assertThat(call(updateQuota(false, quota("eng", 4, 4)), Codec.JSON).statusCode()).isEqualTo(200);
      HttpResponse<byte[]> over = call(updateQuota(false, quota("batch", 1, 2)), Codec.JSON);
      assertThat(over.statusCode()).isEqualTo(409);
      assertThat(text(over)).contains("exceed the cluster's resources").contains("force");
      assertThat(quotas().getGetQuota().getStatus().getConfigsList()).containsExactly(quota("eng", 4, 4));
      assertThat(allocator.quotas).containsOnlyKeys("eng");
    }
  }

  @Test
  void weightsAreSetAndReadBack() throws Exception {
    startRecordingMaster();
    assertThat(call(updateWeights("eng", 2), Codec.PROTOBUF).statusCode()).isEqualTo(200);
    assertThat(call(updateWeights("batch", 0.5), Codec.JSON).statusCode()).isEqualTo(200);
    assertThat(call(updateWeights("eng", 3), Codec.JSON).statusCode()).isEqualTo(200);

    assertThat(get(Call.Type.GET_WEIGHTS, Codec.PROTOBUF).getGetWeights().getWeightInfosList()).containsExactly(
        WeightInfo.newBuilder().setRole("batch").setWeight(0.5).build(),
        WeightInfo.newBuilder().setRole("eng").setWeight(3).build());
    assertThat(allocator.weights).containsExactlyInAnyOrderEntriesOf(Map.of("eng", 3.0, "batch", 0.5));
  }

  /** Each refused call: its status and message, and nothing changed in the master, the allocator or ZooKeeper. */
  @Test
  void badCallsAreRefusedWithAMessageAndChangeNothing() throws Exception {
    startRecordingMaster();
    assertThat(call(updateQuota(true, quota("eng", 1, 2)), Codec.JSON).statusCode()).isEqualTo(200);
    assertThat(call(updateWeights("eng", 2), Codec.JSON).statusCode()).isEqualTo(200);
    RegistryRecords.Registry before = registryInZooKeeper();
    Map<String, String> allocatorQuotas = Map.copyOf(allocator.quotas);

    record Bad(Call call, int status, String message) {}
    Bad[] bad = {
        new Bad(updateQuota(true, quota("eng", 5, 2)), 400, "guarantee cpus:5.0 is greater than limit cpus:2.0"),
        new Bad(updateQuota(true, quota("*", 1, 2)), 400, "default '*' role"),
        new Bad(updateQuota(true, quota("eng/web", 1, 2)), 400, "nested roles"),
        new Bad(updateQuota(true, quota("bad role", 1, 2)), 400, "whitespace"),
        new Bad(updateQuota(true, quota("-eng", 1, 2)), 400, "invalid component"),
        new Bad(updateQuota(true, quota("eng", -1, 2)), 400, "must be a non-negative finite number"),
        new Bad(updateQuota(true, quota("eng", 1, 2), quota("eng", 1, 3)), 400, "more than once"),
        new Bad(updateQuota(true), 400, "quota_configs"),
        new Bad(Call.newBuilder().setType(Call.Type.UPDATE_QUOTA).build(), 400, "Expecting 'update_quota'"),
        new Bad(updateWeights("eng", 0), 400, "must be a positive number"),
        new Bad(updateWeights("eng", -2), 400, "must be a positive number"),
        new Bad(updateWeights("", 2), 400, "must not be empty"),
        new Bad(updateWeights("*", 2), 400, "default '*' role"),
        new Bad(Call.newBuilder().setType(Call.Type.LIST_FILES).build(), 501, "LIST_FILES is not supported"),
        new Bad(Call.newBuilder().setType(Call.Type.UNKNOWN).build(), 501, "unknown call type"),
    };
    for (Bad b : bad) {
      for (Codec codec : Codec.values()) {
        HttpResponse<byte[]> response = call(b.call(), codec);
        assertThat(response.statusCode()).as(b.call() + " in " + codec).isEqualTo(b.status());
        assertThat(text(response)).as(b.call() + " in " + codec).contains(b.message());
      }
    }
    assertThat(registryInZooKeeper()).isEqualTo(before);
    assertThat(quotas().getGetQuota().getStatus().getConfigsList()).containsExactly(quota("eng", 1, 2));
    assertThat(weights().getGetWeights().getWeightInfosList())
        .containsExactly(WeightInfo.newBuilder().setRole("eng").setWeight(2).build());
    assertThat(allocator.quotas).isEqualTo(allocatorQuotas);
    assertThat(allocator.weights).containsExactly(Map.entry("eng", 2.0));
  }

  @Test
  void transportErrorsFollowMesos() throws Exception {
    startRecordingMaster();
    byte[] getQuota = "{\"type\":\"GET_QUOTA\"}".getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> noType = post(http, master.url(), null, null, getQuota);
    assertThat(noType.statusCode()).isEqualTo(400);
    assertThat(text(noType)).contains("Content-Type");
    HttpResponse<byte[]> unsupported = post(http, master.url(), "text/plain", null, getQuota);
    assertThat(unsupported.statusCode()).isEqualTo(415);
    HttpResponse<byte[]> badJson = post(http, master.url(), "application/json", null,
        "{\"type\":".getBytes(StandardCharsets.UTF_8));
    assertThat(badJson.statusCode()).isEqualTo(400);
    assertThat(text(badJson)).contains("mesos.v1.master.Call");
    HttpResponse<byte[]> notAcceptable = post(http, master.url(), "application/json", "text/html", getQuota);
    assertThat(notAcceptable.statusCode()).isEqualTo(406);
    HttpResponse<String> getMethod = http.send(HttpRequest.newBuilder(URI.create(master.url() + "/api/v1")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(getMethod.statusCode()).isEqualTo(405);
    assertThat(getMethod.headers().firstValue("Allow")).contains("POST");
    HttpResponse<byte[]> libprocessPath = http.send(HttpRequest.newBuilder(URI.create(master.url() + "/master/api/v1"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(getQuota)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(libprocessPath.statusCode()).isEqualTo(200);
    assertThat(Codec.JSON.decode(libprocessPath.body(), Response.getDefaultInstance()).getType())
        .isEqualTo(Response.Type.GET_QUOTA);
  }

  // ---------------------------------------------------------------- reservations

  @Test
  void dynamicReservationsAreAppliedKeptAndGivenBack() throws Exception {
    startRecordingMaster();
    try (FakeAgent agent = FakeAgent.register(http, master.url(), null, AGENT_RESOURCES)) {
      HttpResponse<byte[]> reserved = call(reserve(agent.id(), reserved("cpus", 1, "eng"), reserved("mem", 512, "eng")),
          Codec.JSON);
      assertThat(reserved.statusCode()).as(text(reserved)).isEqualTo(202);
      assertThat(call(reserve(agent.id(), reserved("cpus", 1, "eng")), Codec.PROTOBUF).statusCode()).isEqualTo(202);
      assertThat(allocator.reservations).containsExactly(
          Map.entry(agent.id() + "/eng", Resources.cpusMem(2, 512)));
      assertThat(registryInZooKeeper().getReservationsList()).singleElement().satisfies(r -> {
        assertThat(r.getAgentId()).isEqualTo(agent.id());
        assertThat(r.getResourcesList()).containsExactlyInAnyOrder(reserved("cpus", 2, "eng"), reserved("mem", 512, "eng"));
      });

      HttpResponse<byte[]> unreserved = call(unreserve(agent.id(), reserved("cpus", 2, "eng")), Codec.JSON);
      assertThat(unreserved.statusCode()).as(text(unreserved)).isEqualTo(202);
      assertThat(allocator.reservations).containsExactly(Map.entry(agent.id() + "/eng", Resources.cpusMem(0, 512)));
      assertThat(registryInZooKeeper().getReservations(0).getResourcesList())
          .containsExactly(reserved("mem", 512, "eng"));
    }
  }

  @Test
  void badReservationsAreRefusedWithAMessageAndChangeNothing() throws Exception {
    startRecordingMaster();
    try (FakeAgent agent = FakeAgent.register(http, master.url(), null, AGENT_RESOURCES)) {
      assertThat(call(reserve(agent.id(), reserved("cpus", 3, "eng")), Codec.JSON).statusCode()).isEqualTo(202);
      RegistryRecords.Registry before = registryInZooKeeper();
      Resource unreservedCpus = Resource.newBuilder().setName("cpus").setType(Value.Type.SCALAR).setScalar(scalar(1))
          .build();
      Resource staticCpus = reserved("cpus", 1, "eng").toBuilder().setReservations(0,
          Resource.ReservationInfo.newBuilder().setType(Resource.ReservationInfo.Type.STATIC).setRole("eng")).build();

      record Bad(Call call, int status, String message) {}
      Bad[] bad = {
          new Bad(reserve(agent.id(), reserved("cpus", 2, "batch")), 409, "only 'cpus:1.0;mem:4096.0'"),
          new Bad(reserve("no-such-agent", reserved("cpus", 1, "eng")), 400, "Agent no-such-agent is not registered"),
          new Bad(reserve(agent.id(), reserved("cpus", 1, "*")), 400, "cannot be reserved for '*'"),
          new Bad(reserve(agent.id(), reserved("cpus", 1, "a b")), 400, "whitespace"),
          new Bad(reserve(agent.id(), unreservedCpus), 400, "exactly one entry in 'reservations'"),
          new Bad(reserve(agent.id(), staticCpus), 400, "must be DYNAMIC"),
          new Bad(reserve(agent.id(), reserved("cpus", -1, "eng")), 400, "must be positive"),
          new Bad(reserve(agent.id()), 400, "'resources' to be present"),
          new Bad(reserve(agent.id(), reserved("cpus", 1, RecordingAllocator.REFUSED_ROLE)), 409,
              "The allocator refused the change: role 'refused' cannot reserve (nothing changed)"),
          new Bad(unreserve(agent.id(), reserved("cpus", 4, "eng")), 409, "only 'cpus:3.0' is dynamically reserved"),
          new Bad(unreserve(agent.id(), reserved("cpus", 1, "batch")), 409, "for role 'batch'"),
          new Bad(unreserve("no-such-agent", reserved("cpus", 1, "eng")), 400, "not registered"),
      };
      for (Bad b : bad) {
        HttpResponse<byte[]> response = call(b.call(), Codec.JSON);
        assertThat(response.statusCode()).as(b.call().toString()).isEqualTo(b.status());
        assertThat(text(response)).as(b.call().toString()).contains(b.message());
      }
      assertThat(registryInZooKeeper()).isEqualTo(before);
      assertThat(allocator.reservations).containsExactly(Map.entry(agent.id() + "/eng", Resources.cpusMem(3, 0)));
    }
  }

  /** The JSON bodies docs/operations.md shows, sent as they are written there. */
  @Test
  void theDocumentedJsonBodiesWork() throws Exception {
    startRecordingMaster();
    try (FakeAgent agent = FakeAgent.register(http, master.url(), null, AGENT_RESOURCES)) {
      String[][] documented = {
          {"{\"type\": \"UPDATE_WEIGHTS\", \"update_weights\": {\"weight_infos\": [{\"role\": \"eng\", \"weight\": 2.0}]}}",
              "200"},
          {"{\"type\": \"UPDATE_QUOTA\", \"update_quota\": {\"force\": false, \"quota_configs\": [{\"role\": \"eng\","
              + " \"guarantees\": {\"cpus\": {\"value\": 2}}, \"limits\": {\"cpus\": {\"value\": 4}, \"mem\": {\"value\": 4096}}}]}}",
              "200"},
          {"{\"type\": \"RESERVE_RESOURCES\", \"reserve_resources\": {\"agent_id\": {\"value\": \"AGENT\"}, \"resources\": ["
              + "{\"name\": \"cpus\", \"type\": \"SCALAR\", \"scalar\": {\"value\": 1},"
              + " \"reservations\": [{\"type\": \"DYNAMIC\", \"role\": \"eng\", \"principal\": \"ops\"}]}]}}", "202"},
          {"{\"type\": \"UNRESERVE_RESOURCES\", \"unreserve_resources\": {\"agent_id\": {\"value\": \"AGENT\"}, \"resources\": ["
              + "{\"name\": \"cpus\", \"type\": \"SCALAR\", \"scalar\": {\"value\": 1},"
              + " \"reservations\": [{\"type\": \"DYNAMIC\", \"role\": \"eng\", \"principal\": \"ops\"}]}]}}", "202"},
      };
      for (String[] call : documented) {
        HttpResponse<byte[]> response = post(http, master.url(), "application/json", null,
            call[0].replace("AGENT", agent.id()).getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).as(call[0] + ": " + text(response)).isEqualTo(Integer.parseInt(call[1]));
      }
      HttpResponse<byte[]> weights = post(http, master.url(), "application/json", null,
          "{\"type\": \"GET_WEIGHTS\"}".getBytes(StandardCharsets.UTF_8));
      assertThat(new JsonObject(text(weights))).isEqualTo(new JsonObject(
          "{\"type\": \"GET_WEIGHTS\", \"get_weights\": {\"weight_infos\": [{\"weight\": 2.0, \"role\": \"eng\"}]}}"));
      assertThat(allocator.quotas).containsKey("eng");
      assertThat(allocator.reservations).isEmpty();
    }
  }

  // ---------------------------------------------------------------- failures

  @Test
  void anAllocatorWithoutTheCapabilityGivesAClearErrorAndChangesNothing() throws Exception {
    startMaster(BasicAllocator::new);
    try (FakeAgent agent = FakeAgent.register(http, master.url(), null, AGENT_RESOURCES)) {
      record Refused(Call call, String message) {}
      Refused[] refused = {
          new Refused(updateWeights("eng", 2), "This allocator does not support weights"),
          new Refused(updateQuota(true, quota("eng", 1, 2)), "This allocator does not support quota"),
          new Refused(reserve(agent.id(), reserved("cpus", 1, "eng")), "This allocator does not support reservations"),
      };
      for (Refused r : refused) {
        HttpResponse<byte[]> response = call(r.call(), Codec.JSON);
        assertThat(response.statusCode()).isEqualTo(501);
        assertThat(text(response)).contains(r.message()).contains("nothing changed");
      }
      RegistryRecords.Registry registry = registryInZooKeeper();
      assertThat(registry.getWeightsCount() + registry.getQuotasCount() + registry.getReservationsCount()).isZero();
      assertThat(weights().getGetWeights().getWeightInfosList()).isEmpty();
      assertThat(quotas().getGetQuota().getStatus().getConfigsList()).isEmpty();
    }
  }

  @Test
  void aFailedRegistryWriteAnswers503AndChangesNothing() throws Exception {
    startRecordingMaster();
    assertThat(call(updateWeights("eng", 2), Codec.JSON).statusCode()).isEqualTo(200);
    // Another writer bumps the node's version: the leader's compare-and-set must fail.
    try (CuratorFramework curator = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      curator.start();
      curator.setData().forPath("/mezzo/registry", curator.getData().forPath("/mezzo/registry"));
    }
    HttpResponse<byte[]> response = call(updateWeights("eng", 5), Codec.JSON);

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(text(response)).contains("Nothing changed").contains("changed by another master");
    assertThat(allocator.weights).containsExactly(Map.entry("eng", 2.0));
    assertThat(weights().getGetWeights().getWeightInfos(0).getWeight()).isEqualTo(2.0);
  }

  // ---------------------------------------------------------------- explain

  @Test
  void explainReturnsTheAllocatorsReasonsAsJson() throws Exception {
    startRecordingMaster();
    io.mezzo.v1.scheduler.Protos.Call subscribe = io.mezzo.v1.scheduler.Protos.Call.newBuilder()
        .setType(io.mezzo.v1.scheduler.Protos.Call.Type.SUBSCRIBE)
        .setSubscribe(io.mezzo.v1.scheduler.Protos.Call.Subscribe.newBuilder().setFrameworkInfo(
            FrameworkInfo.newBuilder().setUser("u").setName("explained").addRoles("eng")
                .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.MULTI_ROLE))))
        .build();
    try (EventStream<Event> scheduler = new EventStream<>(http, master.url() + Wire.SCHEDULER_PATH, subscribe,
        Codec.JSON, Event.getDefaultInstance())) {
      String id = scheduler.next().getSubscribed().getFrameworkId().getValue();
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
          URI.create(master.url() + "/api/v1/explain?framework_id=" + id)).GET().build(), HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
      JsonObject json = new JsonObject(response.body());
      assertThat(json.getString("framework_id")).isEqualTo(id);
      JsonObject why = json.getJsonArray("why_not").getJsonObject(0);
      assertThat(why.getString("role")).isEqualTo("eng");
      assertThat(why.getString("reason")).isEqualTo("quota-limit");
      assertThat(why.getJsonObject("details").getDouble("limit")).isEqualTo(4.0);
    }
    HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(
        URI.create(master.url() + "/api/v1/explain?framework_id=nope")).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("Framework nope is not known");
    HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(master.url() + "/api/v1/explain")).GET()
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("framework_id");
  }
}
