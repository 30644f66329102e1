package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.testing.FakeRuntime;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusUpdateRetryTest {
  private static final Duration QUIET = Duration.ofMillis(300);

  @TempDir
  Path workDir;

  private final FakeRuntime runtime = new FakeRuntime();
  private AgentHarness harness;

  @BeforeEach
  void start() throws Exception {
    // A long heartbeat interval: moving time here must not look like a silent master.
    harness = new AgentHarness(workDir, 3600, runtime);
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  @Test
  void anUpdateIsResentWithBackoffUntilAcknowledgedAndTheNextOneWaitsForTheAck() throws Exception {
    harness.master.send(Tasks.runTask(Tasks.shellTask("t1", "true")));

    List<TaskStatus> updates = awaitUpdates(1);
    TaskStatus starting = updates.get(0);
    assertThat(starting.getState()).isEqualTo(TaskState.TASK_STARTING);
    assertThat(starting.getUuid().size()).isEqualTo(16);
    assertThat(starting.getSource()).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);
    assertThat(starting.getAgentId().getValue()).isEqualTo("agent-1");
    assertThat(starting.getExecutorId().getValue()).isEqualTo("t1");
    assertThat(starting.getTimestamp()).isEqualTo(harness.clock.millis() / 1000.0);
    assertThat(harness.master.calls().get(1).getAgentId().getValue()).isEqualTo("agent-1");
    await().atMost(AgentHarness.WAIT).until(() -> runtime.isRunning("t1"));

    // RUNNING is queued behind the unacknowledged STARTING; nothing is resent before 10 s.
    harness.timers.advance(Duration.ofSeconds(9));
    assertQuietAt(1);
    harness.timers.advance(Duration.ofSeconds(1));
    assertThat(awaitUpdates(2).get(1)).isEqualTo(starting);

    // The next retry comes 20 s later, then 40 s.
    harness.timers.advance(Duration.ofSeconds(19));
    assertQuietAt(2);
    harness.timers.advance(Duration.ofSeconds(1));
    assertThat(awaitUpdates(3).get(2)).isEqualTo(starting);

    harness.master.send(Tasks.acknowledge(Tasks.FRAMEWORK, starting));
    TaskStatus running = awaitUpdates(4).get(3);
    assertThat(running.getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(running.getUuid()).isNotEqualTo(starting.getUuid());

    // A duplicate acknowledgement of STARTING changes nothing.
    harness.master.send(Tasks.acknowledge(Tasks.FRAMEWORK, starting));
    assertQuietAt(4);

    harness.timers.advance(Duration.ofSeconds(10));
    assertThat(awaitUpdates(5).get(4)).isEqualTo(running);
    harness.master.send(Tasks.acknowledge(Tasks.FRAMEWORK, running));
    awaitNoRetryArmed();
    harness.timers.advance(Duration.ofMinutes(10));
    assertQuietAt(5);

    runtime.exit("t1", 0);
    TaskStatus finished = awaitUpdates(6).get(5);
    assertThat(finished.getState()).isEqualTo(TaskState.TASK_FINISHED);
    assertThat(finished.getMessage()).isEqualTo("Command exited with status 0");
    assertThat(harness.state().getJsonArray("tasks")).hasSize(1);

    harness.master.send(Tasks.acknowledge(Tasks.FRAMEWORK, finished));
    await().atMost(AgentHarness.WAIT).until(() -> harness.state().getJsonArray("tasks").isEmpty());
    harness.timers.advance(Duration.ofMinutes(20));
    assertQuietAt(6);
  }

  @Test
  void aFailedLaunchIsReportedAsLaunchFailed() throws Exception {
    runtime.failLaunchesWith("no such image");
    harness.master.send(Tasks.runTask(Tasks.shellTask("t2", "true")));

    TaskStatus starting = awaitUpdates(1).get(0);
    harness.master.send(Tasks.acknowledge(Tasks.FRAMEWORK, starting));
    TaskStatus failed = awaitUpdates(2).get(1);

    assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    assertThat(failed.getMessage()).isEqualTo("no such image");
  }

  @Test
  void aTaskWhoseIdCannotBeADirectoryIsAnError() throws Exception {
    harness.master.send(Tasks.runTask(Tasks.shellTask("../../escape", "true")));

    TaskStatus error = awaitUpdates(1).get(0);

    assertThat(error.getState()).isEqualTo(TaskState.TASK_ERROR);
    assertThat(error.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_INVALID);
    assertThat(error.getMessage()).contains("task id").contains("'/'");
    assertThat(runtime.launches()).isEmpty();
    assertThat(workDir.resolve("escape")).doesNotExist();
  }

  @Test
  void killTaskEndsItAsKilled() throws Exception {
    harness.master.send(Tasks.runTask(Tasks.shellTask("t3", "sleep 100")));
    TaskStatus starting = awaitUpdates(1).get(0);
    harness.master.send(Tasks.acknowledge(Tasks.FRAMEWORK, starting));
    TaskStatus running = awaitUpdates(2).get(1);
    harness.master.send(Tasks.acknowledge(Tasks.FRAMEWORK, running));

    harness.master.send(Tasks.killTask(Tasks.FRAMEWORK, "t3"));
    TaskStatus killed = awaitUpdates(3).get(2);

    assertThat(killed.getState()).as("no TASK_KILLING without the capability").isEqualTo(TaskState.TASK_KILLED);
    assertThat(killed.getMessage()).isEqualTo("Command terminated with signal Terminated");
    assertThat(runtime.kills()).hasSize(1);
  }

  @Test
  void aFrameworkWithTheTaskKillingStateCapabilityHearsTaskKillingFirst() throws Exception {
    harness.master.send(Tasks.runTask(Tasks.shellTask("t4", "sleep 100"),
        FrameworkInfo.Capability.Type.TASK_KILLING_STATE));
    harness.master.send(Tasks.acknowledge(Tasks.FRAMEWORK, awaitUpdates(1).get(0)));
    harness.master.send(Tasks.acknowledge(Tasks.FRAMEWORK, awaitUpdates(2).get(1)));

    harness.master.send(Tasks.killTask(Tasks.FRAMEWORK, "t4"));
    TaskStatus killing = awaitUpdates(3).get(2);
    assertThat(killing.getState()).isEqualTo(TaskState.TASK_KILLING);
    harness.master.send(Tasks.acknowledge(Tasks.FRAMEWORK, killing));
    TaskStatus killed = awaitUpdates(4).get(3);

    assertThat(killed.getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(runtime.kills()).hasSize(1);
  }

  private List<TaskStatus> awaitUpdates(int count) {
    await().atMost(AgentHarness.WAIT).until(() -> harness.master.statusUpdates().size() >= count);
    List<TaskStatus> updates = harness.master.statusUpdates();
    assertThat(updates).hasSize(count);
    return updates;
  }

  /** No further update arrives for a while: a bounded check that a resend did not happen. */
  private void assertQuietAt(int count) {
    await().during(QUIET).atMost(QUIET.multipliedBy(4))
        .until(() -> harness.master.statusUpdates().size() == count);
  }

  /** The acknowledgement has been handled: no retry timer is left (the heartbeat watchdog is hours away). */
  private void awaitNoRetryArmed() {
    await().atMost(AgentHarness.WAIT).until(() -> harness.timers.armedWithin(Duration.ofMinutes(30)) == 0);
  }
}
