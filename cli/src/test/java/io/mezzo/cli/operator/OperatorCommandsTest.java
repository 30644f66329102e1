package io.mezzo.cli.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.cli.cluster.ClusterFile;
import io.mezzo.cli.cluster.ClusterHome;
import io.mezzo.master.Master;
import io.mezzo.master.MasterConfig;
import io.mezzo.master.spi.Resources;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator commands against a real master on an in-process ZooKeeper, found through a
 * local cluster file named {@code demo} (MEZZO_HOME points into target/), so these are the
 * exact command lines docs/cli.md shows.
 */
class OperatorCommandsTest {
  private TestingServer zk;
  private Vertx vertx;
  private Master master;
  private final QuotaAllocator allocator = new QuotaAllocator();

  @BeforeEach
  void start() throws Exception {
    zk = new TestingServer(true);
    vertx = Vertx.vertx();
    String zkUrl = "zk://" + zk.getConnectString() + "/mezzo";
    master = new Master(MasterConfig.builder().zk(zkUrl).port(0).build(), vertx, Clock.systemUTC(), () -> allocator);
    master.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(master::isLeader);
    ClusterHome home = ClusterHome.fromEnvironment();
    assertThat(home.clustersDir().toString()).as("MEZZO_HOME from the surefire configuration").contains("target");
    // Written as a user might (trailing '/'): the CLI reads zk:// URLs as the master does.
    home.save(new ClusterFile("demo", zkUrl + "/", false, "2026-01-01T00:00:00Z", List.of()));
  }

  @AfterEach
  void stop() throws Exception {
    master.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    zk.close();
  }

  @Test
  void quotaIsSetAndShown() {
    Cli set = Cli.run("quota", "set", "--cluster", "demo", "--role", "eng", "--guarantee", "cpus:2;mem:1024",
        "--limit", "cpus:4;mem:4096", "--force");
    assertThat(set.exitCode()).as(set.err()).isZero();
    assertThat(set.out()).contains("Quota of role eng: guarantees cpus:2;mem:1024, limits cpus:4;mem:4096");
    assertThat(allocator.limits).containsExactly(Map.entry("eng", Resources.cpusMem(4, 4096)));

    Cli table = Cli.run("quota", "get", "--cluster", "demo");
    assertThat(table.exitCode()).isZero();
    assertThat(table.out()).containsPattern("ROLE +GUARANTEES +LIMITS")
        .containsPattern("eng +cpus:2;mem:1024 +cpus:4;mem:4096");

    Cli json = Cli.run("quota", "get", "--cluster", "demo", "-o", "json");
    JsonObject config = new JsonObject(json.out()).getJsonObject("status").getJsonArray("configs").getJsonObject(0);
    assertThat(config.getString("role")).isEqualTo("eng");
    assertThat(config.getJsonObject("limits").getJsonObject("mem").getDouble("value")).isEqualTo(4096.0);

    Cli removed = Cli.run("quota", "remove", "--cluster", "demo", "--role", "eng");
    assertThat(removed.exitCode()).isZero();
    assertThat(Cli.run("quota", "get", "--cluster", "demo").out()).doesNotContain("eng");
  }

  @Test
  void theMastersRefusalIsShownWithExit1() {
    // No agent has registered, so a guarantee without --force exceeds the cluster.
    Cli cli = Cli.run("quota", "set", "--cluster", "demo", "--role", "eng", "--guarantee", "cpus:2");
    assertThat(cli.exitCode()).isEqualTo(1);
    assertThat(cli.err()).contains("The master answered 409").contains("use force");
    assertThat(allocator.limits).isEmpty();

    Cli reserve = Cli.run("reserve", "--cluster", "demo", "--agent", "no-such-agent", "--role", "eng", "cpus:1;mem:512");
    assertThat(reserve.exitCode()).isEqualTo(1);
    assertThat(reserve.err()).contains("The master answered 400: Agent no-such-agent is not registered");
  }

  @Test
  void weightsAreSetAndShownThroughEitherMasterForm() {
    Cli set = Cli.run("weights", "set", "--cluster", "demo", "eng=2", "batch=1");
    assertThat(set.exitCode()).as(set.err()).isZero();
    assertThat(allocator.weights).containsExactlyInAnyOrderEntriesOf(Map.of("eng", 2.0, "batch", 1.0));

    Cli byUrl = Cli.run("weights", "get", "--master", master.url());
    assertThat(byUrl.exitCode()).isZero();
    assertThat(byUrl.out()).containsPattern("batch +1").containsPattern("eng +2");
    JsonObject json = new JsonObject(Cli.run("weights", "get", "--cluster", "demo", "-o", "json").out());
    assertThat(json.getJsonArray("weight_infos")).hasSize(2);
  }

  /** Opens a RecordIO stream (agent REGISTER or scheduler SUBSCRIBE) and returns its first event. */
  private <E extends com.google.protobuf.Message> E firstEvent(String path, com.google.protobuf.Message call,
      E prototype, List<java.io.InputStream> open) throws Exception {
    java.net.http.HttpResponse<java.io.InputStream> response = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(master.url() + path))
            .header("Content-Type", "application/x-protobuf").header("Accept", "application/x-protobuf")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(call.toByteArray())).build(),
        java.net.http.HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    open.add(response.body());
    io.mezzo.protocol.RecordIO.Decoder decoder = new io.mezzo.protocol.RecordIO.Decoder();
    byte[] buf = new byte[8192];
    int n;
    while ((n = response.body().read(buf)) > 0) {
      List<byte[]> records = decoder.feed(buf, 0, n);
      if (!records.isEmpty()) {
        return io.mezzo.protocol.Codec.PROTOBUF.decode(records.get(0), prototype);
      }
    }
    throw new AssertionError("stream ended before its first event");
  }

  @Test
  void reservationsAndExplainAgainstARegisteredAgentAndFramework() throws Exception {
    List<java.io.InputStream> open = new java.util.ArrayList<>();
    try {
      io.mezzo.protocol.internal.AgentChannel.AgentEvent registered = firstEvent(io.mezzo.protocol.Wire.AGENT_CHANNEL_PATH,
          io.mezzo.protocol.internal.AgentChannel.AgentCall.newBuilder()
              .setType(io.mezzo.protocol.internal.AgentChannel.AgentCall.Type.REGISTER)
              .setRegister(io.mezzo.protocol.internal.AgentChannel.AgentCall.Register.newBuilder().setAgentInfo(
                  io.mezzo.v1.Protos.AgentInfo.newBuilder().setHostname("127.0.0.1").setPort(5051)
                      .addAllResources(ResourceSpec.parse("cpus:4;mem:4096")))).build(),
          io.mezzo.protocol.internal.AgentChannel.AgentEvent.getDefaultInstance(), open);
      String agentId = registered.getRegistered().getAgentId().getValue();

      Cli reserve = Cli.run("reserve", "--cluster", "demo", "--agent", agentId, "--role", "eng", "--principal", "ops",
          "cpus:1;mem:512");
      assertThat(reserve.exitCode()).as(reserve.err()).isZero();
      assertThat(reserve.out()).contains("Reserved cpus:1;mem:512 for role eng on agent " + agentId);
      assertThat(allocator.reservations).containsExactly(Map.entry(agentId + "/eng", Resources.cpusMem(1, 512)));
      Cli unreserve = Cli.run("unreserve", "--cluster", "demo", "--agent", agentId, "--role", "eng", "cpus:1;mem:512");
      assertThat(unreserve.exitCode()).as(unreserve.err()).isZero();
      assertThat(allocator.reservations).isEmpty();
      Cli again = Cli.run("unreserve", "--cluster", "demo", "--agent", agentId, "--role", "eng", "cpus:1;mem:512");
      assertThat(again.exitCode()).isEqualTo(1);
      assertThat(again.err()).contains("The master answered 409").contains("nothing is dynamically reserved for it");

      io.mezzo.v1.scheduler.Protos.Event subscribed = firstEvent(io.mezzo.protocol.Wire.SCHEDULER_PATH,
          io.mezzo.v1.scheduler.Protos.Call.newBuilder().setType(io.mezzo.v1.scheduler.Protos.Call.Type.SUBSCRIBE)
              .setSubscribe(io.mezzo.v1.scheduler.Protos.Call.Subscribe.newBuilder().setFrameworkInfo(
                  io.mezzo.v1.Protos.FrameworkInfo.newBuilder().setUser("u").setName("f").setRole("eng"))).build(),
          io.mezzo.v1.scheduler.Protos.Event.getDefaultInstance(), open);
      String frameworkId = subscribed.getSubscribed().getFrameworkId().getValue();
      Cli explain = Cli.run("explain", "--cluster", "demo", "--framework", frameworkId);
      assertThat(explain.exitCode()).as(explain.err()).isZero();
      assertThat(explain.out()).containsPattern("ROLE +REASON +DETAILS").containsPattern("eng +quota-limit +resource=cpus");
      JsonObject json = new JsonObject(Cli.run("explain", "--cluster", "demo", "--framework", frameworkId, "-o", "json")
          .out());
      assertThat(json.getString("framework_id")).isEqualTo(frameworkId);
      assertThat(json.getJsonArray("why_not").getJsonObject(0).getString("reason")).isEqualTo("quota-limit");
    } finally {
      for (java.io.InputStream in : open) {
        in.close();
      }
    }
  }

  @Test
  void explainNamesAnUnknownFramework() {
    Cli cli = Cli.run("explain", "--cluster", "demo", "--framework", "no-such-framework");
    assertThat(cli.exitCode()).isEqualTo(1);
    assertThat(cli.err()).contains("The master answered 404: Framework no-such-framework is not known");
  }
}
