package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.v1.Protos.AgentID;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The master's agent health checks over the real agent channel: PING on the stream, PONG as a
 * call; an agent that answers stays, one that is silent (its connection open) becomes unreachable.
 */
class AgentPingsOverHttpTest {
  private static final Duration PING = Duration.ofMillis(250);

  @Test
  void anAgentThatAnswersPingsStaysAndASilentOneBecomesUnreachable() throws Exception {
    try (MasterFixture fixture = new MasterFixture(b -> b.agentPingTimeout(PING).maxAgentPingTimeouts(4));
        FakeAgent answering = fixture.registerAgent();
        FakeAgent silent = fixture.registerAgent()) {
      // The answering agent answers on a thread of its own until the checks are done, so a pause of
      // the test thread (a collection, a busy machine) cannot make it miss its own 4 × 250 ms.
      AtomicInteger answered = new AtomicInteger();
      AtomicReference<Throwable> answerFailed = new AtomicReference<>();
      Thread answerer = new Thread(() -> {
        try {
          while (!Thread.currentThread().isInterrupted()) {
            answering.next(e -> e.getType() == AgentEvent.Type.PING);
            int status = answering.call(AgentCall.newBuilder().setType(AgentCall.Type.PONG)
                .setAgentId(AgentID.newBuilder().setValue(answering.id())).build()).statusCode();
            if (status != 202) {
              throw new AssertionError("PONG answered " + status);
            }
            answered.incrementAndGet();
          }
        } catch (InterruptedException e) {
          // done
        } catch (Throwable e) {
          answerFailed.set(e);
        }
      }, "answering-agent");
      answerer.setDaemon(true);
      answerer.start();
      // Ten pings answered, about 2.5 s: past the silent agent's 4 × 250 ms.
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> answered.get() >= 10 || answerFailed.get() != null);
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fixture.state().getInteger("unreachable_slaves") == 1);
      JsonObject state = fixture.state();
      List<String> registered = state.getJsonArray("slaves").stream().map(s -> ((JsonObject) s).getString("id")).toList();
      assertThat(registered).containsExactly(answering.id());
      answerer.interrupt();
      answerer.join(10_000);
      assertThat(answerFailed.get()).isNull();
      assertThat(silent.next(e -> e.getType() == AgentEvent.Type.PING)).isNotNull();
      assertThat(silent.ended()).as("the master closed the silent agent's stream").isTrue();
      assertThat(silent.call(AgentCall.newBuilder().setType(AgentCall.Type.PONG)
          .setAgentId(AgentID.newBuilder().setValue(silent.id())).build()).statusCode())
          .as("a PONG from an agent the master no longer has: it must register again").isEqualTo(400);
    }
  }
}
