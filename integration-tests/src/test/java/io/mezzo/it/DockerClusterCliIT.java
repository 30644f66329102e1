package io.mezzo.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.it.nodes.NodeImages;
import io.mezzo.sdk.Credential;
import io.mezzo.sdk.LocalClusters;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;

/**
 * {@code mezzo cluster create --provider docker}, as a user runs it: nodes as containers on a
 * network of the cluster's own, secure as a local cluster (HTTPS with the cluster's CA,
 * credentials, ZooKeeper writable only by the masters), then status, list, start after a node's
 * container stopped, a task run in an agent's container, and delete, which leaves no container and
 * no network behind.
 */
class DockerClusterCliIT {
  private static final String NAME = "dockerit";
  @TempDir
  Path home;
  private Mezzo mezzo;

  @BeforeEach
  void setUp() {
    NodeImages.ensureBuilt();
    mezzo = new Mezzo(home);
  }

  @AfterEach
  void deleteCluster() throws Exception {
    mezzo.run(120, "cluster", "delete", "--name", NAME);
  }

  @Test
  void createStatusStartRunAndDeleteInContainers() throws Exception {
    Mezzo.Result created = mezzo.run(300, "cluster", "create", "--name", NAME, "--provider", "docker",
        "--masters", "1", "--agents", "1", "--agent-resources", "cpus:2;mem:1024", "--timeout", "240s");
    assertThat(created.exitCode()).as(created.toString()).isZero();
    assertThat(created.stdout()).contains("container mezzo-" + NAME + "-master-1", "Web UI:     https://",
        "TLS:        every node serves HTTPS", "Auth:       credentials of 'admin'");

    JsonObject status = new JsonObject(mezzo.run(60, "cluster", "status", "--name", NAME, "-o", "json").stdout());
    assertThat(status.getString("provider")).isEqualTo("docker");
    assertThat(status.getInteger("agents_registered")).isEqualTo(1);
    assertThat(status.getJsonArray("processes")).hasSize(3)
        .allSatisfy(p -> assertThat(((JsonObject) p).getBoolean("alive")).as(p.toString()).isTrue());
    String agentUrl = status.getJsonArray("processes").getJsonObject(2).getString("url");
    assertThat(agentUrl).as("the agent's own address").doesNotContain("127.0.0.1");
    String master = status.getString("master");
    assertThat(master).startsWith("https://");
    assertThat(agentUrl).startsWith("https://");

    // Secure as a local cluster: only the cluster's CA is trusted, and only its credentials get in.
    LocalClusters.Access access = LocalClusters.open(home.resolve("clusters").resolve(NAME));
    HttpClient https = HttpClient.newBuilder().sslContext(access.sslContext().orElseThrow())
        .connectTimeout(Duration.ofSeconds(10)).build();
    Credential admin = access.operatorCredential().orElseThrow();
    assertThat(status(https, master + "/master/state", null)).isEqualTo(401);
    assertThat(status(https, master + "/master/state", Credential.of(LocalClusters.OPERATOR, "wrong"))).isEqualTo(401);
    assertThat(status(https, master + "/master/state", admin)).isEqualTo(200);
    assertThat(status(https, agentUrl + "/state", null)).isEqualTo(401);
    assertThat(status(https, agentUrl + "/state", admin)).isEqualTo(200);
    HttpClient trustsOthers = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    assertThatThrownBy(() -> status(trustsOthers, master + "/health", null))
        .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    String zkHosts = status.getString("zk").replaceFirst("^zk://", "").replaceFirst("/.*$", "");
    try (CuratorFramework stranger = CuratorFrameworkFactory.newClient(zkHosts, new RetryOneTime(200))) {
      stranger.start();
      assertThat(stranger.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
      String leader = stranger.getChildren().forPath("/mezzo").stream().filter(c -> c.startsWith("json.info_"))
          .findFirst().orElseThrow();
      assertThatThrownBy(() -> stranger.setData().forPath("/mezzo/" + leader,
          "{\"hostname\":\"evil\"}".getBytes(StandardCharsets.UTF_8)))
          .isInstanceOf(KeeperException.NoAuthException.class);
    }

    Mezzo.Result ran = mezzo.run(180, "run", "--cluster", NAME, "--", "hostname");
    assertThat(ran.exitCode()).as(ran.toString()).isZero();
    assertThat(ran.stdout()).as("the task runs inside the agent's container").contains("agent-1");

    DockerClientFactory.lazyClient().stopContainerCmd("mezzo-" + NAME + "-agent-1").withTimeout(5).exec();
    assertThat(mezzo.run(60, "cluster", "list").stdout()).containsPattern(NAME + "\\s+degraded\\s+2/3");
    Mezzo.Result started = mezzo.run(240, "cluster", "start", "--name", NAME, "--timeout", "180s");
    assertThat(started.exitCode()).as(started.toString()).isZero();
    assertThat(started.stdout()).contains("Started agent-1", "is ready");
    JsonObject restarted = new JsonObject(mezzo.run(60, "cluster", "status", "--name", NAME, "-o", "json").stdout());
    assertThat(restarted.getJsonArray("processes").getJsonObject(2).getString("url"))
        .as("an agent keeps its address, which its certificate names").isEqualTo(agentUrl);

    Mezzo.Result deleted = mezzo.run(120, "cluster", "delete", "--name", NAME);
    assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
    assertThat(DockerClientFactory.lazyClient().listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of("io.mezzo.cluster", NAME)).exec()).isEmpty();
    assertThat(DockerClientFactory.lazyClient().listNetworksCmd().withNameFilter("mezzo-" + NAME).exec()).isEmpty();
    assertThat(home.resolve("clusters").resolve(NAME)).doesNotExist();
  }

  @Test
  void badProviderAndUnreachableDockerAreClearAndLeaveNothing() throws Exception {
    Mezzo.Result unknown = mezzo.run(60, "cluster", "create", "--name", NAME, "--provider", "kubernetes");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.stderr()).contains("--provider must be local or docker, got 'kubernetes'");

    Mezzo.Result unreachable = mezzo.run(Map.of("DOCKER_HOST", "unix://" + home.resolve("no-docker.sock")), 60,
        "cluster", "create", "--name", NAME, "--provider", "docker");
    assertThat(unreachable.exitCode()).as(unreachable.toString()).isEqualTo(1);
    assertThat(unreachable.stderr()).contains("Docker is not reachable at unix://" + home.resolve("no-docker.sock"));
    assertThat(Files.exists(home.resolve("clusters").resolve(NAME))).isFalse();
  }

  private static int status(HttpClient client, String url, Credential credential) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    if (credential != null) {
      request.header("Authorization", credential.authorization());
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
