package io.mezzo.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mezzo.protocol.JsonCodec;
import io.mezzo.v1.Protos.Address;
import io.mezzo.v1.Protos.MasterInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.KillSession;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LeaderDetectorTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String EXECUTOR_THREAD = "the-callers-executor";

  private TestingServer zookeeper;
  private CuratorFramework curator;
  private ExecutorService executor;
  private LeaderDetector detector;
  /** What the listener heard, and on which thread. */
  private final List<Optional<MasterInfo>> heard = new CopyOnWriteArrayList<>();
  private final List<String> threads = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startZooKeeper() throws Exception {
    zookeeper = new TestingServer(true);
    curator = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100));
    curator.start();
    curator.blockUntilConnected(10, TimeUnit.SECONDS);
    executor = Executors.newSingleThreadExecutor(r -> new Thread(r, EXECUTOR_THREAD));
  }

  @AfterEach
  void stopZooKeeper() throws Exception {
    if (detector != null) {
      detector.close();
    }
    executor.shutdownNow();
    curator.close();
    zookeeper.close();
  }

  private LeaderDetector start(String path) {
    detector = LeaderDetector.create(ZkUrl.parse("zk://" + zookeeper.getConnectString() + path), executor);
    detector.addListener(leader -> {
      threads.add(Thread.currentThread().getName());
      heard.add(leader);
    });
    detector.start();
    return detector;
  }

  private static MasterInfo master(String id, int port) {
    return MasterInfo.newBuilder().setId(id).setIp(0).setPort(port).setHostname("host-" + id)
        .setAddress(Address.newBuilder().setIp("127.0.0.1").setPort(port)).build();
  }

  private void publish(String node, MasterInfo info) throws Exception {
    publish(node, JsonCodec.print(info));
  }

  private void publish(String node, String data) throws Exception {
    curator.create().creatingParentsIfNeeded().forPath("/mezzo/" + node, data.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void followsTheLowestSequenceAsLeadersComeAndGo() throws Exception {
    MasterInfo standby = master("standby", 5051);
    MasterInfo leader = master("leader", 5050);
    start("/mezzo");
    // No path yet: the first view says "no leader".
    await().atMost(WAIT).until(() -> heard.size() == 1);
    assertThat(heard).containsExactly(Optional.empty());

    publish("json.info_0000000007", standby);
    await().atMost(WAIT).until(() -> detector.leader().equals(Optional.of(standby)));
    // Created later but with the lower sequence: it leads.
    publish("json.info_0000000003", leader);
    await().atMost(WAIT).until(() -> detector.leader().equals(Optional.of(leader)));
    curator.delete().forPath("/mezzo/json.info_0000000003");
    await().atMost(WAIT).until(() -> detector.leader().equals(Optional.of(standby)));
    curator.delete().forPath("/mezzo/json.info_0000000007");
    await().atMost(WAIT).until(() -> detector.leader().isEmpty());

    await().atMost(WAIT).untilAsserted(() -> assertThat(heard).containsExactly(
        Optional.empty(), Optional.of(standby), Optional.of(leader), Optional.of(standby), Optional.empty()));
    assertThat(threads).containsOnly(EXECUTOR_THREAD);
  }

  @Test
  void readsRealEphemeralSequentialNodesAndIgnoresOtherChildren() throws Exception {
    curator.create().creatingParentsIfNeeded().forPath("/mezzo/registry", new byte[64 * 1024]);
    curator.create().forPath("/mezzo/leader-latch");
    publish("json.info_notanumber", master("bogus", 1));
    publish("info_0000000000", master("old-style", 2));
    MasterInfo first = master("first", 5050);
    MasterInfo second = master("second", 5051);
    String firstNode = curator.create().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
        .forPath("/mezzo/json.info_", JsonCodec.print(first).getBytes(StandardCharsets.UTF_8));
    curator.create().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
        .forPath("/mezzo/json.info_", JsonCodec.print(second).getBytes(StandardCharsets.UTF_8));
    start("/mezzo");
    await().atMost(WAIT).until(() -> detector.leader().equals(Optional.of(first)));

    curator.delete().forPath(firstNode);
    await().atMost(WAIT).until(() -> detector.leader().equals(Optional.of(second)));
    // Registry writes and latch nodes are no leader change.
    curator.setData().forPath("/mezzo/registry", new byte[] {1});
    curator.create().forPath("/mezzo/leader-latch/x");
    await().atMost(WAIT).untilAsserted(() -> assertThat(heard).containsExactly(Optional.of(first), Optional.of(second)));
  }

  @Test
  void ignoresANodeWhoseDataIsNotMasterInfoWithOneWarning() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(LeaderDetector.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    try {
      MasterInfo good = master("good", 5050);
      publish("json.info_0000000001", "this is not JSON");
      publish("json.info_0000000002", good);
      start("/mezzo");
      await().atMost(WAIT).until(() -> detector.leader().equals(Optional.of(good)));
      // The next change reads the children again: the bad node still does not lead, and is not read nor logged twice.
      MasterInfo later = master("later", 5059);
      publish("json.info_0000000009", later);
      curator.delete().forPath("/mezzo/json.info_0000000002");
      await().atMost(WAIT).until(() -> detector.leader().equals(Optional.of(later)));

      assertThat(logs.list).filteredOn(e -> e.getFormattedMessage().contains("json.info_0000000001"))
          .singleElement()
          .satisfies(e -> assertThat(e.getFormattedMessage()).contains("does not hold MasterInfo JSON"));
    } finally {
      logger.detachAppender(logs);
    }
  }

  @Test
  void awaitLeaderCompletesOnTheExecutorWhenALeaderAppears() throws Exception {
    // An executor that runs nothing until the test says so: the future must wait for it.
    java.util.concurrent.BlockingQueue<Runnable> tasks = new java.util.concurrent.LinkedBlockingQueue<>();
    detector = LeaderDetector.create(ZkUrl.parse("zk://" + zookeeper.getConnectString() + "/mezzo"), tasks::add);
    detector.start();
    CompletableFuture<MasterInfo> waiting = detector.awaitLeader(WAIT);
    MasterInfo leader = master("leader", 5050);
    publish("json.info_0000000001", leader);
    await().atMost(WAIT).until(() -> detector.leader().isPresent() && !tasks.isEmpty());
    assertThat(waiting).isNotDone();
    while (!waiting.isDone()) {
      tasks.take().run();
    }
    assertThat(waiting).isCompletedWithValue(leader);
    // Known now: completes with the next task of the executor.
    CompletableFuture<MasterInfo> again = detector.awaitLeader(Duration.ofMillis(1));
    tasks.take().run();
    assertThat(again).isCompletedWithValue(leader);
  }

  @Test
  void awaitLeaderTimesOutSayingWhatIsMissing() throws Exception {
    curator.create().forPath("/mezzo");
    start("/mezzo");
    CompletableFuture<MasterInfo> waiting = detector.awaitLeader(Duration.ofMillis(200));
    await().atMost(WAIT).until(waiting::isDone);
    assertThat(waiting).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(TimeoutException.class)
        .withMessageContaining("no master has published a json.info_ node under /mezzo");
  }

  @Test
  void awaitLeaderTimesOutWhenZooKeeperIsUnreachable() throws Exception {
    int port = zookeeper.getPort();
    zookeeper.stop();
    detector = LeaderDetector.create(ZkUrl.parse("zk://127.0.0.1:" + port + "/mezzo"), executor);
    detector.start();
    CompletableFuture<MasterInfo> waiting = detector.awaitLeader(Duration.ofMillis(200));
    await().atMost(WAIT).until(waiting::isDone);
    assertThat(waiting).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(TimeoutException.class)
        .withMessageContaining("cannot connect to ZooKeeper at 127.0.0.1:" + port);
  }

  @Test
  void readsNodesOnlyItsCredentialsMayReadAndSaysWhenItMayNot() throws Exception {
    try (CuratorFramework owner = CuratorFrameworkFactory.builder().connectString(zookeeper.getConnectString())
        .retryPolicy(new RetryOneTime(100)).authorization("digest", "mezzo:s3cret".getBytes(StandardCharsets.UTF_8))
        .build()) {
      owner.start();
      MasterInfo leader = master("leader", 5050);
      owner.create().creatingParentsIfNeeded().withACL(ZooDefs.Ids.CREATOR_ALL_ACL, true)
          .forPath("/secure/json.info_0000000001", JsonCodec.print(leader).getBytes(StandardCharsets.UTF_8));

      try (LeaderDetector withCredentials = LeaderDetector.create(
          ZkUrl.parse("zk://mezzo:s3cret@" + zookeeper.getConnectString() + "/secure"), executor)) {
        withCredentials.start();
        assertThat(withCredentials.awaitLeader(WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(leader);
      }
      try (LeaderDetector without = LeaderDetector.create(
          ZkUrl.parse("zk://" + zookeeper.getConnectString() + "/secure"), executor)) {
        without.start();
        CompletableFuture<MasterInfo> waiting = without.awaitLeader(Duration.ofMillis(500));
        assertThat(waiting).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
            .havingCause().isInstanceOf(TimeoutException.class)
            .withMessageContaining("cannot list /secure").withMessageContaining("NoAuth");
      }
    }
  }

  @Test
  void closeFailsWaitersStopsListenersAndIsIdempotent() throws Exception {
    start("/mezzo");
    await().atMost(WAIT).until(() -> heard.size() == 1);
    CompletableFuture<MasterInfo> waiting = detector.awaitLeader(WAIT);
    detector.close();
    detector.close();
    assertThat(waiting).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(IllegalStateException.class);
    assertThat(detector.awaitLeader(WAIT)).isCompletedExceptionally();

    publish("json.info_0000000001", master("late", 5050));
    // Another detector sees the node, so the closed one had every chance to hear it too.
    try (LeaderDetector other = LeaderDetector.create(curator, "/mezzo", Runnable::run)) {
      other.start();
      assertThat(other.awaitLeader(WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS).getId()).isEqualTo("late");
    }
    CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> { }, executor);
    drained.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(heard).containsExactly(Optional.empty());
  }

  @Test
  void aListenerAddedLaterHearsTheCurrentLeaderAtOnce() throws Exception {
    MasterInfo leader = master("leader", 5050);
    publish("json.info_0000000001", leader);
    start("/mezzo");
    await().atMost(WAIT).until(() -> detector.leader().isPresent());
    List<Optional<MasterInfo>> late = new CopyOnWriteArrayList<>();
    detector.addListener(late::add);
    await().atMost(WAIT).untilAsserted(() -> assertThat(late).containsExactly(Optional.of(leader)));
  }

  @Test
  void seesChangesAfterItsSessionExpired() throws Exception {
    CuratorFramework own = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), 10_000, 5_000,
        new RetryOneTime(100));
    own.start();
    try {
      MasterInfo before = master("before", 5050);
      publish("json.info_0000000001", before);
      detector = LeaderDetector.create(own, "/mezzo", executor);
      detector.start();
      await().atMost(WAIT).until(() -> detector.leader().equals(Optional.of(before)));

      KillSession.kill(own.getZookeeperClient().getZooKeeper());
      MasterInfo after = master("after", 5051);
      curator.delete().forPath("/mezzo/json.info_0000000001");
      publish("json.info_0000000002", after);
      await().atMost(WAIT).until(() -> detector.leader().equals(Optional.of(after)));
    } finally {
      detector.close();
      own.close();
    }
  }

  @Test
  void startsOnceOnly() {
    start("/mezzo");
    org.assertj.core.api.Assertions.assertThatThrownBy(detector::start).isInstanceOf(IllegalStateException.class);
  }
}
