package io.mezzo.agent.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.detector.MasterAddress;
import io.mezzo.agent.detector.MasterDetector;
import io.mezzo.agent.testing.FakeMaster;
import io.mezzo.agent.testing.ManualTimers;
import io.mezzo.testkit.ManualClock;
import io.mezzo.testkit.TestVertx;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real {@link MasterLink} against fake masters on a manual clock: after a failover the agent
 * forgets the backoff that grew while the old leader was gone and registers with the new one within
 * the window, also when the new leader first answers 503 while it recovers.
 */
class MasterLinkFailoverTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension
  final TestVertx vertxes = new TestVertx();

  /** A detector the test moves: it names the leader on the link's context. */
  private static final class Detector implements MasterDetector {
    private final Context context;
    private volatile Consumer<MasterAddress> listener;

    Detector(Context context) {
      this.context = context;
    }

    @Override
    public Future<Void> start(Consumer<MasterAddress> l) {
      listener = l;
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }

    void name(FakeMaster leader) {
      context.runOnContext(v -> listener.accept(new MasterAddress("127.0.0.1", leader.port())));
    }
  }

  /** Moves the manual clock on the link's context, where a real agent's timers fire, and waits for it. */
  private static void advance(Context context, ManualTimers timers, Duration d) throws Exception {
    java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
    context.runOnContext(v -> {
      timers.advance(d);
      done.complete(null);
    });
    done.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aNewLeaderIsTriedWithinTheWindowWhateverTheBackoffGrewToAndRetriedWithinItWhileItRecovers() throws Exception {
    long seed = new Random().nextLong();
    ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    ManualTimers timers = new ManualTimers(clock);
    Context context = vertxes.vertx().getOrCreateContext();
    HttpClient client = vertxes.vertx().createHttpClient();
    Detector detector = new Detector(context);
    List<MasterAddress> registeredWith = new CopyOnWriteArrayList<>();
    MasterLink link = new MasterLink(context, client, detector, timers, clock,
        new ReconnectBackoff(ReconnectBackoff.MIN, ReconnectBackoff.MAX, ReconnectBackoff.LEADER_WINDOW, new Random(seed)),
        () -> AgentCalls.register(AgentInfo.newBuilder().setHostname("a1").setPort(5051).build(), List.of(),
            List.of("process"), "test"),
        new MasterLink.Listener() {
          @Override
          public void registered(AgentID agentId, MasterAddress master) {
            registeredWith.add(master);
          }

          @Override
          public void event(AgentEvent event) { }
        });
    FakeMaster next = FakeMaster.start(vertxes.vertx(), "agent-1");
    try {
      FakeMaster old = FakeMaster.start(vertxes.vertx(), "agent-1");
      context.runOnContext(v -> link.start());
      detector.name(old);
      await().atMost(WAIT).until(() -> registeredWith.size() == 1);

      // The old leader dies; the detector still names it (its session has not expired), and each
      // failed attempt makes the backoff grow: 0.5-1 s, 1-2 s, 2-4 s, then 4-8 s.
      old.dropStream();
      old.close();
      for (int attempt = 0; attempt < 3; attempt++) {
        await().atMost(WAIT).until(() -> timers.armedWithin(ReconnectBackoff.MAX) == 1);
        advance(context, timers, ReconnectBackoff.MAX);
      }
      await().atMost(WAIT).until(() -> timers.armedWithin(ReconnectBackoff.MAX) == 1);
      assertThat(timers.armedWithin(Duration.ofMillis(3999))).as("seed %d: the backoff grew", seed).isZero();

      // A new leader, still reading its registry: tried within the window, not after the grown backoff.
      next.recovering(true);
      detector.name(next);
      await().atMost(WAIT).until(() -> timers.armedWithin(ReconnectBackoff.LEADER_WINDOW) == 1);
      assertThat(next.registrations()).isEmpty();
      for (int attempt = 1; attempt <= 3; attempt++) {
        advance(context, timers, ReconnectBackoff.LEADER_WINDOW);
        int tried = attempt;
        await().atMost(WAIT).until(() -> next.registrations().size() == tried);
        // Refused with 503: the next attempt is again within the window.
        await().atMost(WAIT).until(() -> timers.armedWithin(ReconnectBackoff.LEADER_WINDOW) == 1);
        assertThat(timers.armedWithin(ReconnectBackoff.LEADER_WINDOW.dividedBy(2).minusMillis(1)))
            .as("seed %d", seed).isZero();
      }
      next.recovering(false);
      advance(context, timers, ReconnectBackoff.LEADER_WINDOW);
      await().atMost(WAIT).until(() -> registeredWith.size() == 2);
      assertThat(registeredWith.get(1).port()).isEqualTo(next.port());
      assertThat(next.registrations()).hasSize(4);
    } finally {
      context.runOnContext(v -> link.close());
      next.close();
      client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
