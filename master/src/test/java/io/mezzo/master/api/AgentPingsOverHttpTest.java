package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.v1.Protos.AgentID;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
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
      // Answer ten pings, about 2.5 s: past the silent agent's 4 × 250 ms.
      for (int i = 0; i < 10; i++) {
        answering.next(e -> e.getType() == AgentEvent.Type.PING);
        assertThat(answering.call(AgentCall.newBuilder().setType(AgentCall.Type.PONG)
            .setAgentId(AgentID.newBuilder().setValue(answering.id())).build()).statusCode()).isEqualTo(202);
      }

      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fixture.state().getInteger("unreachable_slaves") == 1);
      JsonObject state = fixture.state();
      List<String> registered = state.getJsonArray("slaves").stream().map(s -> ((JsonObject) s).getString("id")).toList();
      assertThat(registered).containsExactly(answering.id());
      assertThat(silent.next(e -> e.getType() == AgentEvent.Type.PING)).isNotNull();
      assertThat(silent.ended()).as("the master closed the silent agent's stream").isTrue();
      assertThat(silent.call(AgentCall.newBuilder().setType(AgentCall.Type.PONG)
          .setAgentId(AgentID.newBuilder().setValue(silent.id())).build()).statusCode())
          .as("a PONG from an agent the master no longer has: it must register again").isEqualTo(400);
    }
  }
}
