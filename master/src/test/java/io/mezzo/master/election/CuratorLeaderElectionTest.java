package io.mezzo.master.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.discovery.LeaderDetector;
import io.mezzo.master.registry.Registry;
import io.mezzo.master.spi.LeaderFence;
import io.mezzo.protocol.JsonCodec;
import io.mezzo.protocol.MasterInfos;
import io.mezzo.protocol.internal.RegistryRecords;
import io.mezzo.testkit.TcpProxy;
import io.mezzo.testkit.TestVertx;
import io.mezzo.v1.Protos.Address;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.WeightInfo;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The election on a real in-process ZooKeeper: each candidate is a real {@link CuratorLeaderElection}
 * on its own client and context, reaching ZooKeeper through a {@link TcpProxy} that the test cuts to
 * partition it, so its session ends the way a network makes it end (the client hears the connection
 * drop at once, the server ends the session a timeout later). Every leadership callback is checked
 * against the others' fences, so two candidates acting as leader at once fails the test.
 */
class CuratorLeaderElectionTest {
  private static final String PATH = "/mezzo";
  /** Short, so that ZooKeeper ends an expired client's session quickly (the server allows 2 ticks and up). */
  private static final int SESSION_MS = 2000;

  @RegisterExtension
  final TestVertx vertxes = new TestVertx();
  private TestingServer zk;
  private CuratorFramework admin;
  private final List<Candidate> candidates = new CopyOnWriteArrayList<>();
  private final List<String> overlaps = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    zk = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 500, -1), true);
    admin = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
    admin.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (Candidate c : candidates) {
      c.close();
    }
    admin.close();
    zk.close();
    assertThat(overlaps).as("two candidates acting as leader at once").isEmpty();
  }

  /** One master's election: its own ZooKeeper client and context, and what it was told. */
  private final class Candidate {
    final String hostPort;
    final TcpProxy link;
    final CuratorFramework client;
    final Context context;
    final CuratorLeaderElection election;
    final List<Optional<LeaderFence>> told = new CopyOnWriteArrayList<>();
    /** The candidate's monotonic clock for its leases: still unless the test moves it. */
    final AtomicLong ticker = new AtomicLong();
    volatile LeaderFence fence;

    Candidate(int port) throws Exception {
      this(port, SESSION_MS);
    }

    Candidate(int port, int sessionMs) throws Exception {
      hostPort = "127.0.0.1:" + port;
      link = new TcpProxy("127.0.0.1", zk.getPort());
      client = CuratorFrameworkFactory.builder().connectString(link.address()).sessionTimeoutMs(sessionMs)
          .connectionTimeoutMs(sessionMs).retryPolicy(new RetryOneTime(100)).build();
      client.start();
      context = vertxes.vertx().getOrCreateContext();
      election = new CuratorLeaderElection(client, PATH, context, hostPort, Duration.ofMillis(sessionMs),
          ticker::get);
      String info = JsonCodec.print(MasterInfo.newBuilder().setId("master-" + port).setIp(16777343).setPort(port)
          .setHostname("127.0.0.1").setAddress(Address.newBuilder().setHostname("127.0.0.1").setIp("127.0.0.1")
              .setPort(port)).build());
      candidates.add(this);
      await(election.start(info, this::told, leader -> { }));
    }

    /** On this candidate's context, as the master hears it. */
    private void told(Optional<LeaderFence> leadership) {
      assertThat(io.vertx.core.Vertx.currentContext()).isSameAs(context);
      told.add(leadership);
      if (leadership.isPresent()) {
        for (Candidate other : candidates) {
          if (other != this && other.leads()) {
            overlaps.add(hostPort + " was elected while " + other.hostPort + " still held " + other.fence);
          }
        }
        fence = leadership.get();
      }
    }

    boolean leads() {
      LeaderFence f = fence;
      return f != null && f.holds();
    }

    /** Cuts this candidate off ZooKeeper: its connection drops now, its session ends a timeout later. */
    void partition() {
      link.cut();
    }

    void heal() {
      link.heal();
    }

    /** Moves this candidate's lease clock, as a process frozen for {@code d} sees it when it runs again. */
    void freezeFor(Duration d) {
      ticker.addAndGet(d.toNanos());
    }

    void close() throws Exception {
      link.heal();
      await(election.close());
      client.close();
      link.close();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** The json.info_ children, lowest sequence first. */
  private List<String> infoNodes() throws Exception {
    List<String> nodes = new ArrayList<>(admin.getChildren().forPath(PATH).stream()
        .filter(n -> MasterInfos.sequence(n) >= 0).toList());
    nodes.sort((x, y) -> Long.compare(MasterInfos.sequence(x), MasterInfos.sequence(y)));
    return nodes;
  }

  /** Where Mesos's detectors find the leader: the lowest json.info_ node's MasterInfo. */
  private String detectedLeader() throws Exception {
    String node = MasterInfos.leaderNode(admin.getChildren().forPath(PATH)).orElseThrow();
    MasterInfo info = JsonCodec.parse(new String(admin.getData().forPath(PATH + "/" + node), StandardCharsets.UTF_8),
        MasterInfo.getDefaultInstance());
    return MasterInfos.endpoint(info).host() + ":" + MasterInfos.endpoint(info).port();
  }

  /** The participant ids in the latch, as the latch nodes hold them. */
  private List<String> latchParticipants() throws Exception {
    List<String> ids = new ArrayList<>();
    for (String child : admin.getChildren().forPath(PATH + "/" + CuratorLeaderElection.LATCH)) {
      ids.add(new String(admin.getData().forPath(PATH + "/" + CuratorLeaderElection.LATCH + "/" + child),
          StandardCharsets.UTF_8));
    }
    return ids;
  }

  @Test
  void theLeaderIsToldOnlyOncePublishedWhereMesosDetectorsLookAndItsParticipantIdIsItsAddress() throws Exception {
    Candidate a = new Candidate(5051);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(a::leads);
    Candidate b = new Candidate(5052);

    assertThat(infoNodes()).singleElement().satisfies(n -> assertThat(n).matches("json\\.info_\\d{10}"));
    assertThat(detectedLeader()).isEqualTo(a.hostPort);
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(latchParticipants()).containsExactlyInAnyOrder(a.hostPort, b.hostPort));
    assertThat(a.fence.node()).startsWith(PATH + "/" + CuratorLeaderElection.LATCH + "/");
    assertThat(admin.checkExists().forPath(a.fence.node())).isNotNull();
    try (LeaderDetector detector = LeaderDetector.create(admin, PATH, Runnable::run)) {
      detector.start();
      assertThat(MasterInfos.endpoint(detector.awaitLeader(Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS)).port())
          .isEqualTo(5051);
    }
    assertThat(a.told).hasSize(1);
    assertThat(b.told).isEmpty();
  }

  @Test
  void aPartitionPastTheSessionStopsTheLeaderAtOnceEndsItsTermWithTheSessionAndItLeadsAgainOnlyWithAFreshLatch()
      throws Exception {
    Candidate a = new Candidate(5051);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(a::leads);
    Candidate b = new Candidate(5052);
    LeaderFence first = a.fence;
    String firstInfo = infoNodes().get(0);

    a.partition();
    // The fence is suspended on Curator's event thread, before ZooKeeper even lets anyone else lead.
    Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> !first.holds());
    // Once the session is LOST the term is over for good.
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> a.told.size() == 2);
    assertThat(a.told.get(1)).isEmpty();
    assertThat(first.isBroken()).isTrue();

    // ZooKeeper ends a's session a timeout later; then b leads, and a is let back in.
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(b::leads);
    assertThat(detectedLeader()).isEqualTo(b.hostPort);
    a.heal();
    // The old node, re-created under its lower sequence number, would name a as leader again.
    Awaitility.await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
      assertThat(infoNodes()).doesNotContain(firstInfo).hasSize(1);
      assertThat(detectedLeader()).isEqualTo(b.hostPort);
    });
    // a joined again, with a new latch node of its new session.
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(latchParticipants()).containsExactlyInAnyOrder(a.hostPort, b.hostPort));
    assertThat(admin.checkExists().forPath(first.node())).isNull();
    assertThat(a.leads()).isFalse();
    assertThat(first.holds()).as("the old term never acts again").isFalse();

    // Now b loses its session: a, waiting with its fresh latch, takes over under a new fence and a newer node.
    LeaderFence second = b.fence;
    String secondInfo = infoNodes().get(0);
    b.partition();
    Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> !second.holds());
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(a::leads);
    b.heal();
    assertThat(a.fence).isNotSameAs(first);
    assertThat(a.fence.node()).isNotEqualTo(first.node());
    Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(infoNodes()).hasSize(1);
      assertThat(MasterInfos.sequence(infoNodes().get(0))).isGreaterThan(MasterInfos.sequence(secondInfo));
      assertThat(detectedLeader()).isEqualTo(a.hostPort);
    });
    assertThat(a.told).hasSize(3);
    // b's term, suspended since the cut, ends once b hears its session is gone (LOST, or expired
    // on reconnecting), which may come after a already leads.
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> b.told.size() == 2);
    assertThat(b.told.get(1)).isEmpty();
    assertThat(second.isBroken()).isTrue();
  }

  @Test
  void aMasterCutOffPastItsSessionJoinsOnceWhenBackAndCanLeadAgain() throws Exception {
    Candidate a = new Candidate(5051);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(a::leads);
    Candidate b = new Candidate(5052);
    AtomicInteger lost = new AtomicInteger();
    AtomicInteger connected = new AtomicInteger();
    a.client.getConnectionStateListenable().addListener((c, state) -> {
      if (state == ConnectionState.LOST) {
        lost.incrementAndGet();
      } else if (state.isConnected()) {
        connected.incrementAndGet();
      }
    });

    a.partition();
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(b::leads);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> lost.get() >= 1);
    assertThat(connected.get()).as("no connection through the cut").isZero();
    a.heal();

    // One fresh latch for the whole outage: one latch node of a's, beside b's.
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> connected.get() >= 1);
    Awaitility.await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(latchParticipants()).containsExactlyInAnyOrder(a.hostPort, b.hostPort));
    assertThat(a.leads()).isFalse();

    b.close();
    candidates.remove(b);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(a::leads);
    Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(detectedLeader()).isEqualTo(a.hostPort));
  }

  @Test
  void aDeletedInfoNodeIsPublishedAgainUnderTheSameName() throws Exception {
    Candidate a = new Candidate(5051);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(a::leads);
    String node = infoNodes().get(0);
    byte[] data = admin.getData().forPath(PATH + "/" + node);

    admin.delete().forPath(PATH + "/" + node);

    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(infoNodes()).containsExactly(node));
    assertThat(admin.getData().forPath(PATH + "/" + node)).isEqualTo(data);
    assertThat(detectedLeader()).isEqualTo(a.hostPort);
    assertThat(a.leads()).isTrue();
    assertThat(a.told).hasSize(1);
  }

  @Test
  void aRegistryWriteRefusedForAGoneLatchNodeStepsTheMasterDownAndAFreshLatchLeadsAgain() throws Exception {
    Candidate a = new Candidate(5051);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(a::leads);
    LeaderFence first = a.fence;
    Registry registry = new Registry(a.client, PATH, a.context, first);
    Registry.Versioned written = await(registry.write(await(registry.read()), RegistryRecords.Registry.newBuilder()
        .addWeights(WeightInfo.newBuilder().setRole("eng").setWeight(2)).build()));

    // The latch node goes (an operator, or ZooKeeper ending the session) while a is still connected.
    admin.delete().forPath(first.node());
    assertThatThrownBy(() -> await(registry.write(written, RegistryRecords.Registry.getDefaultInstance())))
        .hasCauseInstanceOf(Registry.NotLeading.class);

    assertThat(first.holds()).isFalse();
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> a.told.size() >= 2);
    assertThat(a.told.get(1)).isEmpty();
    assertThat(RegistryRecords.Registry.parseFrom(admin.getData().forPath(PATH + "/registry")))
        .isEqualTo(written.record());
    // Alone in the election, a wins again, with a fresh latch node and a new fence.
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(a::leads);
    assertThat(a.fence.node()).isNotEqualTo(first.node());
    assertThat(admin.checkExists().forPath(a.fence.node())).isNotNull();
    Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(infoNodes()).hasSize(1));
    Registry again = new Registry(a.client, PATH, a.context, a.fence);
    assertThat(await(again.write(await(again.read()), RegistryRecords.Registry.getDefaultInstance())).version())
        .isEqualTo(written.version() + 1);
  }

  @Test
  void closingALeaderRemovesItsNodesAndHandsOver() throws Exception {
    Candidate a = new Candidate(5051);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(a::leads);
    Candidate b = new Candidate(5052);
    LeaderFence first = a.fence;

    a.close();
    candidates.remove(a);

    assertThat(first.holds()).isFalse();
    assertThat(a.told).last().isEqualTo(Optional.empty());
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(b::leads);
    Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(infoNodes()).hasSize(1);
      assertThat(detectedLeader()).isEqualTo(b.hostPort);
    });
    assertThat(latchParticipants()).containsExactly(b.hostPort);
  }

  /** The lease a term gets: two thirds of the session timeout. */
  private static final Duration LEASE = Duration.ofMillis(SESSION_MS * 2 / 3);

  @Test
  void aLeaderFrozenPastItsLeaseStopsTheMomentItRunsAgainAndActsAgainOnlyOnceZooKeeperVouchesForItsSession()
      throws Exception {
    Candidate a = new Candidate(5051);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(a::leads);
    Candidate b = new Candidate(5052);
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    a.client.getConnectionStateListenable().addListener((c, state) -> states.add(state));
    LeaderFence first = a.fence;

    a.freezeFor(LEASE.plusMillis(1));

    // The first look after the freeze: no ZooKeeper event came, and none is needed.
    assertThat(first.holds()).isFalse();
    assertThat(first.whyNotHolding()).hasValueSatisfying(why -> assertThat(why).contains("lease ran out"));
    assertThat(states).as("connection events of a").isEmpty();
    // Its session is alive (the freeze was of its clock only): the next renewal, sent after the
    // freeze and answered, carries the same term on. Nobody else led meanwhile.
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(first::holds);
    assertThat(a.fence).isSameAs(first);
    assertThat(a.told).hasSize(1);
    assertThat(b.told).isEmpty();
    assertThat(detectedLeader()).isEqualTo(a.hostPort);
  }

  @Test
  void aCutShorterThanTheSessionSuspendsTheTermAndTheSameTermResumesWithItsNodesAndItsRegistry() throws Exception {
    Candidate a = new Candidate(5051, 6000);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(a::leads);
    Candidate b = new Candidate(5052, 6000);
    LeaderFence first = a.fence;
    String firstInfo = infoNodes().get(0);
    Registry registry = new Registry(a.client, PATH, a.context, first);
    Registry.Versioned written = await(registry.write(await(registry.read()), RegistryRecords.Registry.newBuilder()
        .addWeights(WeightInfo.newBuilder().setRole("eng").setWeight(2)).build()));

    a.partition();
    Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> first.suspendedBecause().isPresent());
    assertThat(first.holds()).isFalse();
    // Suspended, a writes nothing: refused before any I/O, and the refusal does not end the term.
    assertThatThrownBy(() -> await(registry.write(written, RegistryRecords.Registry.getDefaultInstance())))
        .hasCauseInstanceOf(Registry.NotLeading.class);
    assertThat(first.isBroken()).isFalse();
    a.heal();

    // The client reconnects with the same session: the same term acts again, told nothing new.
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(first::holds);
    assertThat(a.fence).isSameAs(first);
    assertThat(a.told).hasSize(1);
    assertThat(b.told).isEmpty();
    assertThat(infoNodes()).containsExactly(firstInfo);
    assertThat(detectedLeader()).isEqualTo(a.hostPort);
    assertThat(await(registry.write(written, RegistryRecords.Registry.getDefaultInstance())).version())
        .isEqualTo(written.version() + 1);
  }

  @Test
  void aSuspendedTermWhoseReconnectAnswerWasLostResumesAtTheNextRenewalWhileItsSessionLives() throws Exception {
    Candidate a = new Candidate(5051);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(a::leads);
    Candidate b = new Candidate(5052);
    LeaderFence first = a.fence;

    // Connected, yet suspended: what a confirmation sent on RECONNECTED and never answered leaves.
    first.suspend("a reconnect whose confirmation was lost");
    assertThat(first.holds()).isFalse();

    // A renewal sent while connected finds the latch node its session's own: the same term acts again.
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(first::holds);
    assertThat(a.fence).isSameAs(first);
    assertThat(a.told).hasSize(1);
    assertThat(b.told).isEmpty();
  }

  @Test
  void answeredRenewalsCarryTheLeaseForwardWhileTheSessionLives() throws Exception {
    Candidate a = new Candidate(5051);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(a::leads);
    LeaderFence fence = a.fence;

    for (int i = 0; i < 3; i++) {
      // Most of a lease passes; a renewal sent after that point puts the whole lease ahead again.
      a.freezeFor(LEASE.multipliedBy(3).dividedBy(4));
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> fence.leaseLeft().orElseThrow().equals(LEASE));
    }
    assertThat(fence.holds()).isTrue();
    assertThat(a.told).hasSize(1);
  }

  @Test
  void aLatchNodeDeletedUnderARunningLeaderEndsItsTermAtTheNextRenewal() throws Exception {
    Candidate a = new Candidate(5051);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(a::leads);
    LeaderFence first = a.fence;

    admin.delete().forPath(first.node());

    // No registry write needed: the lease's renewal finds the node gone within a renewal period.
    Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> !first.holds());
    assertThat(first.brokenBecause()).hasValueSatisfying(why -> assertThat(why).contains("is gone"));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(a::leads);
    assertThat(a.fence.node()).isNotEqualTo(first.node());
  }
}
