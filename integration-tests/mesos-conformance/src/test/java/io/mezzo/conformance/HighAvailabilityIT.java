package io.mezzo.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.zookeeper.ZooKeeper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What Mesos clients need to find the leader: the json.info_ node in ZooKeeper (with pid), which
 * anyone may read, 307 with a protocol-relative Location from a standby (so the client keeps
 * https), 503 when no master leads. The scheduler calls authenticate as a framework does
 * ({@link SchedulerHttp}): a master checks credentials before it looks for the leader.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HighAvailabilityIT {
  @RegisterExtension
  static final MezzoCluster cluster = MezzoCluster.named("ha").masters(2).agents(0);
  private HttpClient http;

  @BeforeAll
  void connect() {
    http = cluster.access().http().followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @Test
  void theLeaderPublishesMasterInfoJsonWhereMesosDetectorsLook() throws Exception {
    String zk = cluster.zk().substring("zk://".length());
    String hosts = zk.substring(0, zk.indexOf('/'));
    String path = zk.substring(zk.indexOf('/'));
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper client = new ZooKeeper(hosts, 10_000, e -> connected.countDown());
    try {
      assertThat(connected.await(10, TimeUnit.SECONDS)).isTrue();
      List<String> infos = client.getChildren(path, false).stream().filter(n -> n.startsWith("json.info_")).sorted()
          .toList();
      assertThat(infos).singleElement().satisfies(n -> assertThat(n).matches("json\\.info_\\d{10}"));
      String json = new String(client.getData(path + "/" + infos.get(0), false, null), StandardCharsets.UTF_8);
      MasterInfo.Builder info = MasterInfo.newBuilder();
      JsonFormat.parser().ignoringUnknownFields().merge(json, info);
      assertThat(info.getPid()).isEqualTo("master@127.0.0.1:" + info.getPort());
      assertThat(info.getIp()).isEqualTo(16777343);
      // MasterInfo carries no scheme, as in Mesos: clients with TLS on speak https to it.
      assertThat(URI.create(cluster.masterUrl()).getAuthority()).isEqualTo("127.0.0.1:" + info.getAddress().getPort());
    } finally {
      client.close();
    }
  }

  @Test
  void aStandbyRedirectsToTheLeaderKeepingThePath() throws Exception {
    assertThat(cluster.standbyUrls()).hasSize(1);
    String leaderHostPort = URI.create(cluster.masterUrl()).getAuthority();
    SchedulerHttp standby = new SchedulerHttp(cluster.standbyUrls().get(0), cluster.access());
    for (String path : List.of("/api/v1/scheduler", "/master/api/v1/scheduler")) {
      HttpResponse<String> response = standby.raw("POST", path, "application/json", null,
          "{}".getBytes(StandardCharsets.UTF_8), null);
      assertThat(response.statusCode()).isEqualTo(307);
      assertThat(response.headers().firstValue("Location")).hasValue("//" + leaderHostPort + path);
    }
    HttpResponse<String> redirect = http.send(HttpRequest.newBuilder(
        URI.create(cluster.standbyUrls().get(0) + "/master/redirect")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(redirect.statusCode()).isEqualTo(307);
    assertThat(redirect.headers().firstValue("Location")).hasValue("//" + leaderHostPort);
  }

  @Test
  void aMasterThatKnowsNoLeaderAnswers503() throws Exception {
    int zkPort = freePort();
    int port = freePort();
    Process lonely = cluster.spawnMaster("zk://127.0.0.1:" + zkPort + "/nobody", port);
    try {
      String url = "https://127.0.0.1:" + port;
      Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> http.send(
          HttpRequest.newBuilder(URI.create(url + "/health")).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode() == 200);
      // Started with the cluster masters' flags, it wants credentials before it looks for a leader.
      assertThat(http.send(HttpRequest.newBuilder(URI.create(url + SchedulerHttp.PATH))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).as("without credentials").isEqualTo(401);
      HttpResponse<String> response = new SchedulerHttp(url, cluster.access()).raw("POST", SchedulerHttp.PATH,
          "application/json", null, "{}".getBytes(StandardCharsets.UTF_8), null);
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.body()).isEqualTo("No leader elected");
    } finally {
      lonely.destroy();
      lonely.waitFor(20, TimeUnit.SECONDS);
      lonely.destroyForcibly();
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
