package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.Master;
import io.mezzo.master.MasterConfig;
import io.mezzo.master.MasterSessions;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.Wire;
import io.mezzo.testkit.TestVertx;
import io.mezzo.v1.scheduler.Protos.Event;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two real masters on an in-process ZooKeeper whose leader loses its session. */
class FencedFailoverTest {
  @RegisterExtension
  final TestVertx vertxes = new TestVertx();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER).build();
  private TestingServer zk;

  @BeforeEach
  void start() throws Exception {
    // Ticks of 500 ms let ZooKeeper grant (and end) 2 s sessions.
    zk = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 500, -1), true);
  }

  @AfterEach
  void stop() throws Exception {
    zk.close();
  }

  private Master master() throws Exception {
    Master master = new Master(MasterConfig.builder().zk("zk://" + zk.getConnectString() + "/mezzo").port(0)
        .zkSessionTimeout(Duration.ofSeconds(2)).allocationInterval(Duration.ofMillis(50)).build(),
        vertxes.vertx(), Clock.systemUTC());
    master.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return master;
  }

  private HttpResponse<String> schedulerCall(Master master) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(master.url() + Wire.SCHEDULER_PATH))
        .header("Content-Type", Codec.JSON.mediaType()).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aLeaderWhoseSessionExpiresStopsAtOnceAndTheOtherTakesOver() throws Exception {
    Master first = master();
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(first::isLeader);
    Master second = master();
    String agentId;
    try (FakeAgent agent = FakeAgent.register(http, first.url());
        EventStream<Event> scheduler = new EventStream<>(http, first.url() + Wire.SCHEDULER_PATH,
            MasterFixture.subscribe(), Codec.PROTOBUF, Event.getDefaultInstance())) {
      agentId = agent.id();
      scheduler.next(e -> e.getType() == Event.Type.OFFERS);

      MasterSessions.expire(first);

      // At once: as soon as its client hears the session is gone, not after an election or a timeout.
      Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> !first.isLeader());
      assertThat(scheduler.ended()).as("the framework's stream is closed with the term").isTrue();
      assertThat(schedulerCall(first).statusCode()).as("answers as a standby").isIn(307, 503);

      Awaitility.await().atMost(Duration.ofSeconds(20)).until(second::isLeader);
      assertThat(first.isLeader()).isFalse();
      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        HttpResponse<String> redirected = schedulerCall(first);
        assertThat(redirected.statusCode()).isEqualTo(307);
        assertThat(redirected.headers().firstValue("Location"))
            .hasValue("//127.0.0.1:" + second.port() + Wire.SCHEDULER_PATH);
      });
    }

    // The cluster carries on under the new leader.
    try (FakeAgent back = FakeAgent.register(http, second.url(), agentId, FakeAgent.scalar("cpus", 2),
        FakeAgent.scalar("mem", 1024));
        EventStream<Event> scheduler = new EventStream<>(http, second.url() + Wire.SCHEDULER_PATH,
            MasterFixture.subscribe(), Codec.PROTOBUF, Event.getDefaultInstance())) {
      assertThat(back.id()).isEqualTo(agentId);
      assertThat(scheduler.next(e -> e.getType() == Event.Type.OFFERS).getOffers().getOffers(0).getAgentId()
          .getValue()).isEqualTo(agentId);
    }

    // The first master joined again under a new session: once the second is gone, it leads.
    second.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(first::isLeader);
    first.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
