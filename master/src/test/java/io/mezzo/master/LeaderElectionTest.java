package io.mezzo.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.protocol.JsonCodec;
import io.mezzo.testkit.TestVertx;
import io.mezzo.v1.Protos.MasterInfo;
import io.vertx.core.Vertx;
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
}
