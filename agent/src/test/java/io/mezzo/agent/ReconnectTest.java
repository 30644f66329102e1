package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.channel.ReconnectBackoff;
import io.mezzo.agent.testing.FakeRuntime;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.RunningTask;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconnectTest {
  @TempDir
  Path workDir;

  private final FakeRuntime runtime = new FakeRuntime();
  private AgentHarness harness;

  @BeforeEach
  void start() throws Exception {
    harness = new AgentHarness(workDir, 1, runtime);
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  @Test
  void reRegistersWithItsIdAndTasksAfterASilentMasterOrALostStreamAndResendsUpdates() throws Exception {
    AgentCall first = harness.master.registrations().get(0);
    assertThat(first.hasAgentId()).isFalse();
    assertThat(first.getRegister().getAgentInfo().getPort()).isEqualTo(harness.agent.httpPort());
    assertThat(first.getRegister().getRuntimesList()).containsExactly("process");
    harness.master.send(Tasks.runTask(Tasks.shellTask("t1", "sleep 100")));
    await().atMost(AgentHarness.WAIT).until(() -> harness.master.statusUpdates().size() == 1);
    TaskStatus starting = harness.master.statusUpdates().get(0);
    await().atMost(AgentHarness.WAIT).until(() -> runtime.isRunning("t1"));

    // Three heartbeat intervals without a word from the master.
    harness.timers.advance(Duration.ofSeconds(3));
    awaitReconnectArmedAndFireIt();
    AgentCall second = awaitRegistration(2);
    assertThat(second.getAgentId().getValue()).isEqualTo("agent-1");
    assertThat(second.getRegister().getAgentInfo().getId().getValue()).isEqualTo("agent-1");
    assertThat(second.getRegister().getTasksList())
        .extracting(t -> t.getTask().getTaskId().getValue(), RunningTask::getState)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("t1", TaskState.TASK_RUNNING));
    await().atMost(AgentHarness.WAIT).until(() -> harness.master.statusUpdates().size() == 2);
    assertThat(harness.master.statusUpdates().get(1)).isEqualTo(starting);

    // The master's stream ends.
    harness.master.dropStream();
    awaitReconnectArmedAndFireIt();
    AgentCall third = awaitRegistration(3);
    assertThat(third.getAgentId().getValue()).isEqualTo("agent-1");
    await().atMost(AgentHarness.WAIT).until(() -> harness.master.statusUpdates().size() == 3);
    assertThat(harness.master.statusUpdates().get(2)).isEqualTo(starting);
    assertThat(harness.state().getBoolean("registered")).isTrue();
    assertThat(harness.state().getString("master")).isEqualTo("127.0.0.1:" + harness.master.port());
  }

  private void awaitReconnectArmedAndFireIt() {
    await().atMost(AgentHarness.WAIT).until(() -> harness.timers.armedWithin(ReconnectBackoff.MIN) > 0);
    harness.timers.advance(ReconnectBackoff.MIN);
  }

  private AgentCall awaitRegistration(int count) {
    await().atMost(AgentHarness.WAIT).until(() -> harness.master.registrations().size() >= count);
    List<AgentCall> registrations = harness.master.registrations();
    assertThat(registrations).hasSize(count);
    return registrations.get(count - 1);
  }
}
