package io.mezzo.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.protocol.JsonCodec;
import io.mezzo.testkit.TestVertx;
import io.mezzo.v1.Protos.MasterInfo;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two masters on one in-process ZooKeeper: one leads and publishes json.info_, the other redirects to it. */
class LeaderElectionTest {
  @RegisterExtension
  final TestVertx vertxes = new TestVertx();
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @Test
  void oneLeadsPublishesMasterInfoAndTheOtherRedirectsUntilItTakesOver() throws Exception {
    try (TestingServer zk = new TestingServer(true);
        CuratorFramework client = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      client.start();
      Vertx vertx = vertxes.vertx();
      String url = "zk://" + zk.getConnectString() + "/mezzo";
      Master first = new Master(MasterConfig.builder().zk(url).port(0).build(), vertx, Clock.systemUTC());
      first.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(first::isLeader);
      // The same path written another way (a trailing '/') is the same election: one parser everywhere.
      Master second = new Master(MasterConfig.builder().zk(url + "/").port(0).build(), vertx, Clock.systemUTC());
      second.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

      List<String> infos = client.getChildren().forPath("/mezzo").stream().filter(n -> n.startsWith("json.info_")).toList();
      assertThat(infos).singleElement().satisfies(n -> assertThat(n).matches("json\\.info_\\d{10}"));
      MasterInfo info = JsonCodec.parse(new String(client.getData().forPath("/mezzo/" + infos.get(0)),
          StandardCharsets.UTF_8), MasterInfo.getDefaultInstance());
      assertThat(info.getPid()).isEqualTo("master@127.0.0.1:" + first.port());
      assertThat(info.getIp()).isEqualTo(16777343);
      assertThat(info.getAddress().getPort()).isEqualTo(first.port());

      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        HttpResponse<String> redirected = http.send(HttpRequest.newBuilder(
            URI.create(second.url() + "/api/v1/scheduler?x=1")).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(redirected.statusCode()).isEqualTo(307);
        assertThat(redirected.headers().firstValue("Location"))
            .hasValue("//127.0.0.1:" + first.port() + "/api/v1/scheduler?x=1");
      });
      assertThat(second.isLeader()).isFalse();

      first.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(second::isLeader);
      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        List<String> now = client.getChildren().forPath("/mezzo").stream().filter(n -> n.startsWith("json.info_")).toList();
        assertThat(now).singleElement();
        MasterInfo leader = JsonCodec.parse(new String(client.getData().forPath("/mezzo/" + now.get(0)),
            StandardCharsets.UTF_8), MasterInfo.getDefaultInstance());
        assertThat(leader.getAddress().getPort()).isEqualTo(second.port());
      });
      second.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Each master joins the latch with its advertised address, so every master lists the cluster's
   * masters on /masters; the page of a master's origin may read it cross-origin, another may not.
   */
  @Test
  void everyMasterListsTheMastersAndWhichOneLeads() throws Exception {
    try (TestingServer zk = new TestingServer(true)) {
      Vertx vertx = vertxes.vertx();
      String url = "zk://" + zk.getConnectString() + "/mezzo";
      Master first = new Master(MasterConfig.builder().zk(url).port(0).build(), vertx, Clock.systemUTC());
      first.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(first::isLeader);
      Master second = new Master(MasterConfig.builder().zk(url).port(0).build(), vertx, Clock.systemUTC());
      second.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      String leader = "127.0.0.1:" + first.port();
      String standby = "127.0.0.1:" + second.port();

      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        JsonObject masters = new JsonObject(masters(second, "http://" + leader).body());
        assertThat(masters.getString("self")).isEqualTo(standby);
        assertThat(masters.getString("state")).isEqualTo("standby");
        assertThat(masters.getString("leader")).isEqualTo(leader);
        assertThat(masters.getJsonArray("masters").stream().map(m -> ((JsonObject) m).getString("address")
            + (((JsonObject) m).getBoolean("leader") ? " leader" : ""))).containsExactlyInAnyOrder(leader + " leader",
            standby);
      });
      JsonObject fromLeader = new JsonObject(masters(first, "http://" + standby).body());
      assertThat(fromLeader.getString("state")).isEqualTo("leading");
      assertThat(fromLeader.getString("self")).isEqualTo(leader);

      // The leader's page may read the standby's answer; a page from anywhere else may not.
      assertThat(masters(second, "http://" + leader).headers().firstValue("Access-Control-Allow-Origin"))
          .hasValue("http://" + leader);
      assertThat(masters(second, "http://evil.example:80").headers().firstValue("Access-Control-Allow-Origin"))
          .isEmpty();

      // Once the leader is gone, the standby leads and still lets the old leader's page read it.
      first.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(second::isLeader);
      HttpResponse<String> after = masters(second, "http://" + leader);
      assertThat(new JsonObject(after.body()).getString("state")).isEqualTo("leading");
      assertThat(new JsonObject(after.body()).getJsonArray("masters")).hasSize(1);
      assertThat(after.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://" + leader);
      second.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private HttpResponse<String> masters(Master master, String origin) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(master.url() + "/masters")).header("Origin", origin).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
