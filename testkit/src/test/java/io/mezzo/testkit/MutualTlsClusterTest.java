package io.mezzo.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.agent.Agent;
import io.mezzo.agent.AgentConfig;
import io.mezzo.agent.resources.ResourceSpec;
import io.mezzo.agent.support.MasterUrl;
import io.mezzo.master.Master;
import io.mezzo.master.MasterConfig;
import io.mezzo.node.tls.CertificateAuthority;
import io.mezzo.node.tls.CertificateAuthority.Purpose;
import io.mezzo.node.tls.NodeTls;
import io.mezzo.protocol.Wire;
import io.mezzo.sdk.ClusterCa;
import io.mezzo.sdk.Resources;
import io.mezzo.sdk.Scheduler;
import io.mezzo.sdk.SchedulerClient;
import io.mezzo.sdk.SchedulerDriver;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLHandshakeException;
import org.apache.curator.test.TestingServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A master and an agent with certificates from one cluster CA: the agent registers over mutual
 * TLS, a framework on the SDK that trusts the CA runs a task through them, and what lacks the CA's
 * blessing is turned away (an agent without a client certificate, a client that does not trust the CA).
 */
class MutualTlsClusterTest {
  @TempDir static Path dir;
  private static TestingServer zookeeper;
  private static Vertx vertx;
  private static Master master;
  private static Agent agent;
  private static Path caPem;

  @BeforeAll
  static void start() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("mezzo-test-ca");
    caPem = dir.resolve("ca.pem");
    ca.write(caPem, dir.resolve("ca-key.pem"));
    List<String> names = List.of("127.0.0.1", "localhost");
    ca.issue("master-1", names, Purpose.SERVER).write(dir.resolve("master.pem"), dir.resolve("master-key.pem"));
    ca.issue("agent-1", names, Purpose.SERVER_AND_CLIENT).write(dir.resolve("agent.pem"), dir.resolve("agent-key.pem"));

    zookeeper = new TestingServer(true);
    vertx = Vertx.vertx();
    String zk = "zk://" + zookeeper.getConnectString() + "/mezzo";
    master = new Master(MasterConfig.builder().zk(zk).port(0).allocationInterval(Duration.ofMillis(100))
        .tls(new NodeTls(dir.resolve("master.pem"), dir.resolve("master-key.pem"), caPem)).build(),
        vertx, Clock.systemUTC());
    await(master.start());
    agent = new Agent(AgentConfig.builder().master(MasterUrl.parse(zk)).port(0).workDir(dir.resolve("agent-1"))
        .resources(ResourceSpec.parseResources("cpus:2;mem:1024;disk:1024")).runtimes("process")
        .tls(new NodeTls(dir.resolve("agent.pem"), dir.resolve("agent-key.pem"), caPem)).build(), Clock.systemUTC());
    await(agent.start());
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> activatedAgents(trusting()) == 1);
  }

  @AfterAll
  static void stop() throws Exception {
    if (agent != null) {
      await(agent.close());
    }
    if (master != null) {
      await(master.close());
    }
    if (vertx != null) {
      await(vertx.close());
    }
    if (zookeeper != null) {
      zookeeper.close();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static HttpClient trusting() {
    return HttpClient.newBuilder().sslContext(ClusterCa.sslContext(caPem)).build();
  }

  private static int activatedAgents(HttpClient http) throws Exception {
    HttpResponse<String> state = http.send(HttpRequest.newBuilder(URI.create(master.url() + "/state")).build(),
        HttpResponse.BodyHandlers.ofString());
    return state.statusCode() == 200 ? new JsonObject(state.body()).getInteger("activated_slaves") : -1;
  }

  @Test
  void theMasterAndTheAgentServeHttpsOnly() throws Exception {
    assertThat(master.url()).startsWith("https://127.0.0.1:");
    HttpResponse<String> health = trusting().send(HttpRequest.newBuilder(
        URI.create("https://127.0.0.1:" + agent.httpPort() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    String plain = "http://127.0.0.1:" + URI.create(master.url()).getPort() + "/health";
    assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(plain)).build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
  }

  @Test
  void aClientThatDoesNotTrustTheClusterCaIsRefused() {
    assertThatThrownBy(() -> activatedAgents(HttpClient.newHttpClient())).isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void anAgentWithoutAClientCertificateIsRefused() throws Exception {
    // Speaks the agent channel well enough, over TLS that trusts the CA, but presents no certificate.
    String register = "{\"type\":\"REGISTER\",\"register\":{\"agent_info\":{\"hostname\":\"forged\","
        + "\"resources\":[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":64}}]}}}";
    // The body is read only once the status is known: an accepted registration would be an endless stream.
    HttpResponse<java.io.InputStream> answer = trusting().send(
        HttpRequest.newBuilder(URI.create(master.url() + Wire.AGENT_CHANNEL_PATH))
            .header("Content-Type", "application/json").header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(register)).build(), HttpResponse.BodyHandlers.ofInputStream());
    try (java.io.InputStream body = answer.body()) {
      assertThat(answer.statusCode()).isEqualTo(403);
      assertThat(new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
          .contains("client certificate signed by the cluster CA");
    }
    assertThat(activatedAgents(trusting())).isEqualTo(1);
  }

  @Test
  void aFrameworkThatTrustsTheCaRunsATaskOnTheAgent() throws Exception {
    List<TaskStatus> updates = new CopyOnWriteArrayList<>();
    List<String> offerSchemes = new CopyOnWriteArrayList<>();
    AtomicBoolean launched = new AtomicBoolean();
    Scheduler scheduler = new Scheduler() {
      @Override
      public void offers(SchedulerDriver driver, List<Offer> offers) {
        for (Offer offer : offers) {
          offerSchemes.add(offer.getUrl().getScheme());
          if (launched.compareAndSet(false, true)) {
            driver.launch(offer.getId(), List.of(TaskInfo.newBuilder().setName("tls")
                .setTaskId(TaskID.newBuilder().setValue("tls-1")).setAgentId(offer.getAgentId())
                .addAllResources(Resources.allocatedAs(offer, List.of(Resources.cpus(0.1), Resources.mem(16))))
                .setCommand(CommandInfo.newBuilder().setValue("echo over tls")).build()));
          }
        }
      }

      @Override
      public void update(SchedulerDriver driver, TaskStatus status) {
        updates.add(status);
      }
    };
    SchedulerClient client = SchedulerClient.builder()
        .master("zk://" + zookeeper.getConnectString() + "/mezzo")
        .caCertificate(caPem)
        .frameworkInfo(FrameworkInfo.newBuilder().setUser("").setName("tls-test").build())
        .scheduler(scheduler)
        .build().start();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(60))
          .until(() -> updates.stream().anyMatch(s -> s.getState() == TaskState.TASK_FINISHED));
      assertThat(offerSchemes).isNotEmpty().containsOnly("https");
    } finally {
      client.close().get(30, TimeUnit.SECONDS);
    }
  }
}
