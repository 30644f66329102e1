package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.Master;
import io.mezzo.master.MasterConfig;
import io.mezzo.master.MasterSessions;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.Wire;
import io.mezzo.testkit.TestVertx;
import io.mezzo.v1.scheduler.Protos.Event;
import io.mezzo.v1.Protos.Filters;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.scheduler.Protos.Call;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingZooKeeperServer;
import org.apache.zookeeper.client.FourLetterWordMain;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two real masters on an in-process ensemble of three ZooKeeper servers, given as Mesos writes it:
 * {@code --zk zk://host1:port1,host2:port2,host3:port3/mezzo}.
 */
class ZooKeeperEnsembleTest {
  @RegisterExtension
  final TestVertx vertxes = new TestVertx();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER).build();
  private TestingCluster ensemble;
  private final List<Master> masters = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    List<InstanceSpec> specs = new ArrayList<>();
    // Nine ports free at once: Curator's own random picks may give one server the same client and
    // election port, which ZooKeeper refuses.
    int[] ports = freePorts(9);
    for (int i = 0; i < 3; i++) {
      // Ticks of 500 ms let the servers grant 4 s sessions.
      specs.add(new InstanceSpec(null, ports[3 * i], ports[3 * i + 1], ports[3 * i + 2], true, i + 1, 500, -1));
    }
    ensemble = new TestingCluster(specs);
    ensemble.start();
  }

  private static int[] freePorts(int n) throws java.io.IOException {
    java.net.ServerSocket[] sockets = new java.net.ServerSocket[n];
    int[] ports = new int[n];
    try {
      for (int i = 0; i < n; i++) {
        sockets[i] = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        ports[i] = sockets[i].getLocalPort();
      }
    } finally {
      for (java.net.ServerSocket socket : sockets) {
        if (socket != null) {
          socket.close();
        }
      }
    }
    return ports;
  }

  @AfterEach
  void stop() throws Exception {
    for (Master master : masters) {
      master.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    ensemble.close();
  }

  private Master master() throws Exception {
    Master master = new Master(MasterConfig.builder().zk("zk://" + ensemble.getConnectString() + "/mezzo").port(0)
        .zkSessionTimeout(Duration.ofSeconds(4)).allocationInterval(Duration.ofMillis(50)).build(),
        vertxes.vertx(), Clock.systemUTC());
    master.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    masters.add(master);
    return master;
  }

  /** The server's role in the ensemble, from its {@code srvr} answer ({@code leader} or {@code follower}). */
  private static String mode(TestingZooKeeperServer server) {
    try {
      return FourLetterWordMain.send4LetterWord("127.0.0.1", server.getInstanceSpec().getPort(), "srvr").lines()
          .filter(l -> l.startsWith("Mode: ")).map(l -> l.substring(6).trim()).findFirst().orElse("unknown");
    } catch (Exception e) {
      throw new IllegalStateException("srvr to " + server.getInstanceSpec(), e);
    }
  }

  @Test
  void losingOneOfThreeServersChangesNothingForTheLeaderItsAgentsOrItsFrameworks() throws Exception {
    assertThat(ensemble.getConnectString().split(",")).hasSize(3);
    Master first = master();
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(first::isLeader);
    Master second = master();
    try (FakeAgent agent = FakeAgent.register(http, first.url());
        EventStream<Event> scheduler = new EventStream<>(http, first.url() + Wire.SCHEDULER_PATH,
            MasterFixture.subscribe(), Codec.PROTOBUF, Event.getDefaultInstance())) {
      scheduler.next(e -> e.getType() == Event.Type.OFFERS);
      // Neither the server the leader talks to nor ZooKeeper's own leader: a follower nobody leans on.
      InstanceSpec leaders = MasterSessions.connectedServer(first, ensemble);
      TestingZooKeeperServer lost = ensemble.getServers().stream()
          .filter(s -> !s.getInstanceSpec().equals(leaders))
          .filter(s -> mode(s).equals("follower"))
          .findFirst().orElseThrow();

      assertThat(ensemble.killServer(lost.getInstanceSpec())).isTrue();

      // For twice the session timeout: the same leader, in the same term (stepping down ends every stream).
      Awaitility.await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(12))
          .pollInterval(Duration.ofMillis(20)).until(() -> first.isLeader() && !second.isLeader()
              && !agent.endedNow() && !scheduler.endedNow());
      // A master that comes up now finds the leader through the two servers left.
      Master third = master();
      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(new java.net.URI(http.send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create(third.url() + Wire.SCHEDULER_PATH)).header("Content-Type", Codec.JSON.mediaType())
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString()).headers().firstValue("Location").orElse("//none:0"))
              .getPort()).isEqualTo(first.port()));
      assertThat(first.isLeader()).isTrue();
    }
  }

  @Test
  void losingTheServerTheLeaderTalksToChangesNothingEitherTheSameTermResumesWithItsStreams() throws Exception {
    Master first = master();
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(first::isLeader);
    Master second = master();
    long term = MasterSessions.electionsWon(first);
    try (FakeAgent agent = FakeAgent.register(http, first.url());
        EventStream<Event> scheduler = new EventStream<>(http, first.url() + Wire.SCHEDULER_PATH,
            MasterFixture.subscribe(), Codec.PROTOBUF, Event.getDefaultInstance())) {
      String frameworkId = scheduler.next(e -> e.getType() == Event.Type.SUBSCRIBED).getSubscribed().getFrameworkId()
          .getValue();
      Event.Offers offered = scheduler.next(e -> e.getType() == Event.Type.OFFERS).getOffers();
      InstanceSpec leaders = MasterSessions.connectedServer(first, ensemble);

      // The leader's connection drops: its client moves to another server with the same session.
      assertThat(ensemble.killServer(leaders)).isTrue();

      Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
          .until(() -> !leaders.equals(MasterSessions.connectedServer(first, ensemble)) && first.isLeader());
      // For twice the session timeout: the same leader in the same term, no stream ended, nobody else leads.
      Awaitility.await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(12))
          .pollInterval(Duration.ofMillis(20)).until(() -> first.isLeader() && !second.isLeader()
              && !agent.endedNow() && !scheduler.endedNow());
      assertThat(MasterSessions.electionsWon(first)).as("the term, resumed rather than won again").isEqualTo(term);

      // The framework's stream goes on: it declines its offer and is offered the agent again.
      HttpResponse<String> declined = http.send(HttpRequest.newBuilder(URI.create(first.url() + Wire.SCHEDULER_PATH))
          .header("Content-Type", Codec.PROTOBUF.mediaType())
          .header(Wire.MESOS_STREAM_ID, scheduler.header(Wire.MESOS_STREAM_ID))
          .POST(HttpRequest.BodyPublishers.ofByteArray(Codec.PROTOBUF.encode(Call.newBuilder()
              .setType(Call.Type.DECLINE).setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
              .setDecline(Call.Decline.newBuilder().addOfferIds(offered.getOffers(0).getId())
                  .setFilters(Filters.newBuilder().setRefuseSeconds(0)))
              .build()))).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(declined.statusCode()).isEqualTo(202);
      Event again = scheduler.next(e -> e.getType() == Event.Type.OFFERS);
      assertThat(again.getOffers().getOffers(0).getAgentId().getValue()).isEqualTo(agent.id());
      assertThat(again.getOffers().getOffers(0).getId()).isNotEqualTo(offered.getOffers(0).getId());
      assertThat(scheduler.endedNow()).isFalse();
    }
    assertThat(second.isLeader()).isFalse();
  }
}
