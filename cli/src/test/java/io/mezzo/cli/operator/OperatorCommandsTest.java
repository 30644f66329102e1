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
    master = new Master(MasterConfig.defaults(zkUrl, "127.0.0.1", 0), vertx, Clock.systemUTC(), () -> allocator);
    master.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(master::isLeader);
    ClusterHome home = ClusterHome.fromEnvironment();
    assertThat(home.clustersDir().toString()).as("MEZZO_HOME from the surefire configuration").contains("target");
    home.save(new ClusterFile("demo", zkUrl, false, "2026-01-01T00:00:00Z", List.of()));
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

  @Test
  void explainNamesAnUnknownFramework() {
    Cli cli = Cli.run("explain", "--cluster", "demo", "--framework", "no-such-framework");
    assertThat(cli.exitCode()).isEqualTo(1);
    assertThat(cli.err()).contains("The master answered 404: Framework no-such-framework is not known");
  }
}
