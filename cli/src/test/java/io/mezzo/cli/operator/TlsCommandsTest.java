package io.mezzo.cli.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.agent.Agent;
import io.mezzo.agent.AgentConfig;
import io.mezzo.agent.resources.ResourceSpec;
import io.mezzo.agent.support.MasterUrl;
import io.mezzo.cli.cluster.ClusterFile;
import io.mezzo.cli.cluster.ClusterHome;
import io.mezzo.master.Master;
import io.mezzo.master.MasterConfig;
import io.mezzo.node.tls.CertificateAuthority;
import io.mezzo.node.tls.CertificateAuthority.Purpose;
import io.mezzo.node.tls.NodeTls;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client commands against a master and an agent that serve TLS only: with {@code --cluster} they
 * trust the CA in the cluster's directory, with {@code --master} they need {@code --ca-cert}.
 */
class TlsCommandsTest {
  private static final String CLUSTER = "tls-commands";
  @TempDir static Path dir;
  private static TestingServer zk;
  private static Vertx vertx;
  private static Master master;
  private static Agent agent;
  private static String zkUrl;
  private static Path caPem;

  @BeforeAll
  static void start() throws Exception {
    Path clusterDir = ClusterHome.fromEnvironment().dir(CLUSTER);
    Files.createDirectories(clusterDir.resolve("tls"));
    CertificateAuthority ca = CertificateAuthority.create("cli-test-ca");
    caPem = clusterDir.resolve("tls/ca.pem");
    ca.write(caPem, dir.resolve("ca-key.pem"));
    List<String> names = List.of("127.0.0.1", "localhost");
    ca.issue("master", names, Purpose.SERVER).write(dir.resolve("master.pem"), dir.resolve("master-key.pem"));
    ca.issue("agent", names, Purpose.SERVER_AND_CLIENT).write(dir.resolve("agent.pem"), dir.resolve("agent-key.pem"));
    zk = new TestingServer(true);
    vertx = Vertx.vertx();
    zkUrl = "zk://" + zk.getConnectString() + "/mezzo";
    master = new Master(MasterConfig.builder().zk(zkUrl).port(0).allocationInterval(Duration.ofMillis(100))
        .tls(new NodeTls(dir.resolve("master.pem"), dir.resolve("master-key.pem"), caPem)).build(), vertx,
        Clock.systemUTC());
    master.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    agent = new Agent(AgentConfig.builder().master(MasterUrl.parse(zkUrl)).port(0).workDir(dir.resolve("agent"))
        .resources(ResourceSpec.parseResources("cpus:1;mem:512;disk:512")).runtimes("process")
        .tls(new NodeTls(dir.resolve("agent.pem"), dir.resolve("agent-key.pem"), caPem)).build(), Clock.systemUTC());
    agent.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> master.isLeader() && agent.agentId() != null);
    ClusterHome.fromEnvironment().save(new ClusterFile(CLUSTER, zkUrl, false, "2026-01-01T00:00:00Z", List.of()));
  }

  @AfterAll
  static void stop() throws Exception {
    agent.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    master.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    zk.close();
    ClusterHome.fromEnvironment().remove(CLUSTER);
  }

  @Test
  void withTheClusterItsCaIsTrusted() throws Exception {
    Cli agents = Cli.run("agents", "--cluster", CLUSTER);
    assertThat(agents.exitCode()).as(agents.err()).isZero();
    assertThat(agents.out()).contains(agent.agentId());
  }

  @Test
  void aMasterUrlNeedsTheCa() throws Exception {
    Cli untrusted = Cli.run("agents", "--master", zkUrl);
    assertThat(untrusted.exitCode()).isEqualTo(1);
    assertThat(untrusted.err()).contains("give its CA with --ca-cert");
    // A CA that did not sign the master's certificate is refused.
    Path otherCa = dir.resolve("other-ca.pem");
    CertificateAuthority.create("other").write(otherCa, dir.resolve("other-ca-key.pem"));
    Cli wrongCa = Cli.run("agents", "--master", zkUrl, "--ca-cert", otherCa.toString());
    assertThat(wrongCa.exitCode()).isEqualTo(1);
    assertThat(wrongCa.err()).containsIgnoringCase("certification path");

    Cli trusted = Cli.run("agents", "--master", zkUrl, "--ca-cert", caPem.toString());
    assertThat(trusted.exitCode()).as(trusted.err()).isZero();
    assertThat(trusted.out()).contains(agent.agentId());
    // An http:// URL is spoken to over HTTPS once a CA is given.
    Cli upgraded = Cli.run("agents", "--master", master.url().replace("https://", "http://"), "--ca-cert",
        caPem.toString());
    assertThat(upgraded.exitCode()).as(upgraded.err()).isZero();
  }

  @Test
  void runStartsATaskAndPrintsItsOutputFromTheAgentOverTls() throws Exception {
    Cli run = Cli.run("run", "--cluster", CLUSTER, "--cpus", "0.1", "--mem", "32", "--", "echo", "hello over tls");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("hello over tls");
  }
}
