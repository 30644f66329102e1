package io.mezzo.sdk;

import static io.mezzo.sdk.TestData.frameworkId;
import static io.mezzo.sdk.TestData.frameworkInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mezzo.discovery.ZkUrl;
import io.mezzo.protocol.JsonCodec;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.scheduler.Protos.Call;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ZooKeeperMasterDetectorTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private TestingServer zookeeper;
  private CuratorFramework curator;

  @BeforeEach
  void startZooKeeper() throws Exception {
    zookeeper = new TestingServer(true);
    curator = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100));
    curator.start();
    curator.blockUntilConnected(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stopZooKeeper() throws Exception {
    curator.close();
    zookeeper.close();
  }

  private void publish(String node, MasterInfo info) throws Exception {
    curator.create().creatingParentsIfNeeded()
        .forPath("/mezzo/" + node, JsonCodec.print(info).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void subscribesToTheMasterWithTheLowestSequenceNumber() throws Exception {
    RecordingScheduler scheduler = new RecordingScheduler();
    try (FakeMaster leader = FakeMaster.start(); FakeMaster standby = FakeMaster.start()) {
      // The standby's node is created first: the sequence number decides, not creation order.
      publish("json.info_0000000007", standby.masterInfo());
      publish("json.info_0000000003", leader.masterInfo());
      curator.create().forPath("/mezzo/log_replicas", new byte[0]);
      curator.create().forPath("/mezzo/json.info_notanumber", "{}".getBytes(StandardCharsets.UTF_8));

      SchedulerClient client = SchedulerClient.builder()
          .master("zk://" + zookeeper.getConnectString() + "/mezzo")
          .frameworkInfo(frameworkInfo())
          .scheduler(scheduler)
          .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
          .build();
      try {
        client.start();
        await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 1);
        assertThat(scheduler.subscribed).containsExactly(frameworkId("fw-1"));
        assertThat(leader.calls(Call.Type.SUBSCRIBE)).hasSize(1);
        assertThat(standby.calls()).isEmpty();

        // Failover: the leader's node goes away and it stops serving, as a deposed master does;
        // the stream ends and the client finds the new leader.
        curator.delete().forPath("/mezzo/json.info_0000000003");
        leader.answerSubscribeWith(503, "No leader elected");
        leader.closeStream();
        await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 2);
        assertThat(standby.calls(Call.Type.SUBSCRIBE)).hasSize(1);
        assertThat(standby.calls(Call.Type.SUBSCRIBE).get(0).getFrameworkId()).isEqualTo(frameworkId("fw-1"));
      } finally {
        client.close().get(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aNewLeaderIsTriedAtOnceNotAtTheEndOfTheBackoff() throws Exception {
    RecordingScheduler scheduler = new RecordingScheduler();
    try (FakeMaster leader = FakeMaster.start(); FakeMaster standby = FakeMaster.start()) {
      publish("json.info_0000000001", leader.masterInfo());
      SchedulerClient client = SchedulerClient.builder()
          .master("zk://" + zookeeper.getConnectString() + "/mezzo")
          .frameworkInfo(frameworkInfo())
          .scheduler(scheduler)
          // A minute at least between attempts: longer than this test waits for anything.
          .reconnectBackoff(Duration.ofMinutes(2), Duration.ofMinutes(2))
          .build();
      try {
        client.start();
        await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 1);

        // The leader dies while ZooKeeper still names it: the client backs off for a minute or more.
        leader.answerSubscribeWith(503, "No leader elected");
        leader.closeStream();
        await().atMost(WAIT).until(() -> scheduler.disconnects.get() == 1);
        // Its session ends, the standby publishes itself: the client subscribes there now.
        curator.delete().forPath("/mezzo/json.info_0000000001");
        publish("json.info_0000000002", standby.masterInfo());
        await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 2);
        assertThat(standby.calls(Call.Type.SUBSCRIBE)).hasSize(1);
        assertThat(leader.calls(Call.Type.SUBSCRIBE)).hasSize(1);
      } finally {
        client.close().get(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void waitsUntilAMasterRegisters() throws Exception {
    ZooKeeperMasterDetector detector = new ZooKeeperMasterDetector(
        ZkUrl.parse("zk://" + zookeeper.getConnectString() + "/mezzo"), Duration.ofMillis(300));
    try {
      // Each question waits 300 ms; the detector's first connection to ZooKeeper may take longer on a busy machine.
      await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(detector::schedulerEndpoint)
          .isInstanceOf(MasterNotFoundException.class)
          .hasMessageContaining("no master has published a json.info_ node under /mezzo"));
      curator.create().forPath("/mezzo");
      assertThatThrownBy(detector::schedulerEndpoint)
          .isInstanceOf(MasterNotFoundException.class)
          .hasMessageContaining("json.info_");

      publish("json.info_0000000001", MasterInfo.newBuilder().setId("m").setIp(0).setPort(5050)
          .setHostname("master-1.example").build());
      await().atMost(WAIT).untilAsserted(() ->
          assertThat(detector.schedulerEndpoint()).isEqualTo(URI.create("http://master-1.example:5050/api/v1/scheduler")));
    } finally {
      detector.close();
    }
  }

  @Test
  void saysWhenZooKeeperCannotBeReached() throws Exception {
    int port = zookeeper.getPort();
    zookeeper.stop();
    try (ZooKeeperMasterDetector detector = new ZooKeeperMasterDetector(
        ZkUrl.parse("zk://127.0.0.1:" + port + "/mezzo"), Duration.ofMillis(300))) {
      assertThatThrownBy(detector::schedulerEndpoint)
          .isInstanceOf(MasterNotFoundException.class)
          .hasMessageContaining("cannot connect to ZooKeeper at 127.0.0.1:" + port);
    }
  }

  @Test
  void readsTheAddressFromMasterInfo() {
    MasterInfo withAddress = MasterInfo.newBuilder().setId("m").setIp(0).setPort(1)
        .setAddress(io.mezzo.v1.Protos.Address.newBuilder().setIp("10.0.0.5").setHostname("m5").setPort(5051))
        .build();
    assertThat(ZooKeeperMasterDetector.endpointOf(withAddress))
        .isEqualTo(URI.create("http://10.0.0.5:5051/api/v1/scheduler"));
    // Only the packed ip, in network byte order as Mesos writes it: 16777226 is 10.0.0.1.
    MasterInfo packed = MasterInfo.newBuilder().setId("m").setIp(16777226).setPort(5050).build();
    assertThat(ZooKeeperMasterDetector.endpointOf(packed))
        .isEqualTo(URI.create("http://10.0.0.1:5050/api/v1/scheduler"));
  }

  @Test
  void parsesZooKeeperUrlsAsTheServersDo() {
    ZooKeeperMasterDetector detector = ZooKeeperMasterDetector.parse("zk://user:secret@h1:2181,h2:2182/mezzo/");
    assertThat(detector.url()).isEqualTo(ZkUrl.parse("zk://user:secret@h1,h2:2182/mezzo"));
    assertThat(detector).hasToString("zk://user:***@h1:2181,h2:2182/mezzo");
    assertThat(ZooKeeperMasterDetector.parse("zk://h/mezzo").url().connectString()).isEqualTo("h:2181");
    assertThatThrownBy(() -> MasterDetector.forUrl("zk://h1:2181/"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("path");
    assertThatThrownBy(() -> MasterDetector.forUrl("zk:///mezzo"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no host");
  }
}
