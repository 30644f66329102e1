package io.mezzo.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A client with credentials in its URL makes nodes anyone may read and only the same credentials may change. */
class ZkUrlAclTest {
  private TestingServer zk;

  @BeforeEach
  void start() throws Exception {
    zk = new TestingServer(true);
  }

  @AfterEach
  void stop() throws Exception {
    zk.close();
  }

  private CuratorFramework client(String url) throws InterruptedException {
    CuratorFramework client = ZkUrl.parse(url).curatorBuilder().retryPolicy(new RetryOneTime(100)).build();
    client.start();
    assertThat(client.blockUntilConnected(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    return client;
  }

  @Test
  void nodesMadeWithCredentialsAreReadableByAnyoneAndWritableOnlyWithTheSameCredentials() throws Exception {
    String servers = zk.getConnectString();
    try (CuratorFramework master = client("zk://mezzo:s3cret@" + servers + "/a/mezzo");
        CuratorFramework twin = client("zk://mezzo:s3cret@" + servers + "/a/mezzo");
        CuratorFramework anonymous = CuratorFrameworkFactory.newClient(servers, new RetryOneTime(100));
        CuratorFramework wrong = client("zk://mezzo:guess@" + servers + "/a/mezzo")) {
      anonymous.start();
      String info = master.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
          .forPath("/a/mezzo/json.info_", "leader".getBytes(StandardCharsets.UTF_8));
      master.create().forPath("/a/mezzo/registry", "r1".getBytes(StandardCharsets.UTF_8));

      // The parents made on the way and the nodes themselves: read for anyone, all for the digest identity.
      for (String path : new String[] {"/a", "/a/mezzo", info, "/a/mezzo/registry"}) {
        assertThat(anonymous.getACL().forPath(path)).as(path).satisfiesExactlyInAnyOrder(
            acl -> assertThat(acl.getPerms()).isEqualTo(ZooDefs.Perms.READ),
            acl -> {
              assertThat(acl.getPerms()).isEqualTo(ZooDefs.Perms.ALL);
              assertThat(acl.getId().getScheme()).isEqualTo("digest");
              assertThat(acl.getId().getId()).startsWith("mezzo:");
            });
      }
      assertThat(new String(anonymous.getData().forPath(info), StandardCharsets.UTF_8)).isEqualTo("leader");

      for (CuratorFramework intruder : new CuratorFramework[] {anonymous, wrong}) {
        assertThatThrownBy(() -> intruder.create().forPath("/a/mezzo/json.info_0000000000", "forged".getBytes()))
            .isInstanceOf(KeeperException.NoAuthException.class);
        assertThatThrownBy(() -> intruder.setData().forPath("/a/mezzo/registry", "forged".getBytes()))
            .isInstanceOf(KeeperException.NoAuthException.class);
        assertThatThrownBy(() -> intruder.delete().forPath(info)).isInstanceOf(KeeperException.NoAuthException.class);
      }
      assertThat(new String(anonymous.getData().forPath("/a/mezzo/registry"), StandardCharsets.UTF_8)).isEqualTo("r1");

      // Another master with the same credentials may.
      twin.setData().forPath("/a/mezzo/registry", "r2".getBytes(StandardCharsets.UTF_8));
      assertThat(new String(anonymous.getData().forPath("/a/mezzo/registry"), StandardCharsets.UTF_8)).isEqualTo("r2");
    }
  }

  @Test
  void withoutCredentialsNodesStayOpen() throws Exception {
    try (CuratorFramework client = client("zk://" + zk.getConnectString() + "/open")) {
      client.create().creatingParentsIfNeeded().forPath("/open/registry");
      assertThat(client.getACL().forPath("/open/registry")).isEqualTo(ZooDefs.Ids.OPEN_ACL_UNSAFE);
    }
  }
}
