package io.mezzo.master.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.master.Master;
import io.mezzo.master.MasterConfig;
import io.mezzo.testkit.TestVertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A master given ZooKeeper credentials ({@code zk://user:password@…}) leaves every node it makes
 * (the latch, {@code json.info_}, the registry) readable by anyone and writable only with them.
 */
class ZooKeeperAclTest {
  @RegisterExtension
  final TestVertx vertxes = new TestVertx();
  private TestingServer zk;
  private Master master;
  private CuratorFramework anonymous;

  @BeforeEach
  void start() throws Exception {
    zk = new TestingServer(true);
    master = new Master(MasterConfig.builder().zk("zk://mezzo:s3cret@" + zk.getConnectString() + "/mezzo").port(0)
        .allocationInterval(Duration.ofMillis(50)).build(), vertxes.vertx(), Clock.systemUTC());
    master.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(master::isLeader);
    anonymous = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
    anonymous.start();
  }

  @AfterEach
  void stop() throws Exception {
    anonymous.close();
    master.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    zk.close();
  }

  @Test
  void everyNodeOfTheMasterIsReadOnlyToAClientWithoutItsCredentials() throws Exception {
    HttpResponse<String> weights = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(master.url() + "/api/v1"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            "{\"type\": \"UPDATE_WEIGHTS\", \"update_weights\": {\"weight_infos\": [{\"role\": \"eng\", \"weight\": 2.0}]}}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(weights.statusCode()).as(weights.body()).isEqualTo(200);

    List<String> nodes = tree("/mezzo");
    assertThat(nodes).contains("/mezzo/registry", "/mezzo/leader-latch")
        .anyMatch(n -> n.startsWith("/mezzo/json.info_")).anyMatch(n -> n.startsWith("/mezzo/leader-latch/"));
    for (String node : nodes) {
      List<ACL> acls = anonymous.getACL().forPath(node);
      assertThat(acls).as(node).hasSize(2).anySatisfy(acl -> {
        assertThat(acl.getPerms()).isEqualTo(ZooDefs.Perms.READ);
        assertThat(acl.getId()).isEqualTo(ZooDefs.Ids.ANYONE_ID_UNSAFE);
      }).anySatisfy(acl -> {
        assertThat(acl.getPerms()).isEqualTo(ZooDefs.Perms.ALL);
        assertThat(acl.getId().getScheme()).isEqualTo("digest");
        assertThat(acl.getId().getId()).startsWith("mezzo:");
      });
    }

    String info = nodes.stream().filter(n -> n.startsWith("/mezzo/json.info_")).findFirst().orElseThrow();
    byte[] registry = anonymous.getData().forPath("/mezzo/registry");
    assertThatThrownBy(() -> anonymous.create().forPath("/mezzo/json.info_0000000000", "{}".getBytes()))
        .isInstanceOf(KeeperException.NoAuthException.class);
    assertThatThrownBy(() -> anonymous.setData().forPath("/mezzo/registry", new byte[0]))
        .isInstanceOf(KeeperException.NoAuthException.class);
    assertThatThrownBy(() -> anonymous.delete().forPath(info)).isInstanceOf(KeeperException.NoAuthException.class);
    assertThat(anonymous.getData().forPath("/mezzo/registry")).isEqualTo(registry);
    assertThat(master.isLeader()).isTrue();
  }

  private List<String> tree(String path) throws Exception {
    List<String> all = new ArrayList<>(List.of(path));
    for (String child : anonymous.getChildren().forPath(path)) {
      all.addAll(tree(path + "/" + child));
    }
    return all;
  }
}
