package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.channel.ReconnectBackoff;
import io.mezzo.agent.testing.FakeRuntime;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's side of the master's health checks: it answers PINGs, and gives up on a master that stops pinging. */
class MasterPingTest {
  private static final AgentEvent PING = AgentEvent.newBuilder().setType(AgentEvent.Type.PING).build();

  @TempDir
  Path workDir;

  private AgentHarness harness;

  @BeforeEach
  void start() throws Exception {
    // Heartbeats every 100 s, so that only the announced ping timeout (10 s) can make the agent give up.
    harness = new AgentHarness(workDir, 100, new FakeRuntime());
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  @Test
  void answersEachPingWithAPongOnItsRegistration() {
    harness.master.send(PING);
    await().atMost(AgentHarness.WAIT).until(() -> harness.master.acceptedPongs() == 1);
    harness.master.send(PING);
    await().atMost(AgentHarness.WAIT).until(() -> harness.master.acceptedPongs() == 2);
    assertThat(harness.master.calls()).filteredOn(c -> c.getType() == AgentCall.Type.PONG)
        .allSatisfy(c -> assertThat(c.getAgentId().getValue()).isEqualTo("agent-1"));
  }

  @Test
  void reRegistersWhenTheMasterStopsPingingForTheAnnouncedTimeout() throws Exception {
    reRegisterWithPingTimeout();

    // Pings keep it registered: 8 s, a ping, 8 s more.
    harness.timers.advance(Duration.ofSeconds(8));
    harness.master.send(PING);
    await().atMost(AgentHarness.WAIT).until(() -> harness.master.acceptedPongs() == 1);
    harness.timers.advance(Duration.ofSeconds(8));
    // The watchdog that fired at 10 s found the ping 8 s old and re-armed itself, on the agent's
    // context, for the 2 s left: wait for that, or the next advance could run ahead of it.
    await().atMost(AgentHarness.WAIT).until(() -> harness.timers.armedWithin(Duration.ofSeconds(2)) > 0);
    assertThat(harness.timers.armedWithin(ReconnectBackoff.MIN)).isZero();
    assertThat(harness.master.registrations()).hasSize(2);

    // Then nothing for the 10 s the master announced: the agent considers it gone and registers again.
    harness.timers.advance(Duration.ofSeconds(2));
    await().atMost(AgentHarness.WAIT).until(() -> harness.timers.armedWithin(ReconnectBackoff.MIN) > 0);
    harness.timers.advance(ReconnectBackoff.MIN);
    await().atMost(AgentHarness.WAIT).until(() -> harness.master.registrations().size() == 3);
    List<AgentCall> registrations = harness.master.registrations();
    assertThat(registrations.get(2).getAgentId().getValue()).isEqualTo("agent-1");
  }

  /** Makes the agent register again with a master that announces a 10 s total ping timeout. */
  private void reRegisterWithPingTimeout() throws Exception {
    harness.master.pingTimeoutSeconds(10);
    harness.master.dropStream();
    await().atMost(AgentHarness.WAIT).until(() -> harness.timers.armedWithin(ReconnectBackoff.MIN) > 0);
    harness.timers.advance(ReconnectBackoff.MIN);
    await().atMost(AgentHarness.WAIT).until(() -> harness.master.registrations().size() == 2);
    await().atMost(AgentHarness.WAIT).until(() -> harness.state().getBoolean("registered"));
  }
}
