package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.runtime.ProcessRuntime;
import io.mezzo.agent.testing.FakeRuntime;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.HealthCheck;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task with a COMMAND health check, end to end through an agent with a real process runtime. */
class HealthCheckedTaskTest {
  /** Shorter than the heartbeat watchdog (an hour away), longer than a retry or a check interval. */
  private static final Duration HORIZON = Duration.ofMinutes(5);

  @TempDir
  Path workDir;

  private AgentHarness harness;

  @AfterEach
  void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void healthFlipsTrueThenFalseAndTheTaskIsKilledAfterConsecutiveFailures() throws Exception {
    harness = new AgentHarness(workDir, 3600, ProcessRuntime::new);
    TaskInfo task = TaskInfo.newBuilder(Tasks.shellTask("web", "touch healthy-flag; sleep 1000"))
        .setHealthCheck(HealthCheck.newBuilder()
            .setType(HealthCheck.Type.COMMAND)
            .setCommand(CommandInfo.newBuilder().setValue("test -f healthy-flag"))
            .setDelaySeconds(1).setIntervalSeconds(1).setTimeoutSeconds(5)
            .setGracePeriodSeconds(0).setConsecutiveFailures(2))
        .build();
    harness.master.send(Tasks.runTask(task, FrameworkInfo.Capability.Type.TASK_KILLING_STATE));

    assertThat(ackNext(1).getState()).isEqualTo(TaskState.TASK_STARTING);
    TaskStatus running = ackNext(2);
    assertThat(running.getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(running.hasHealthy()).isFalse();
    Path flag = sandbox().resolve("healthy-flag");
    await().atMost(AgentHarness.WAIT).until(() -> Files.exists(flag));

    advanceToNextCheck();
    TaskStatus healthy = ackNext(3);
    assertThat(healthy.getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(healthy.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED);
    assertThat(healthy.getHealthy()).isTrue();

    advanceToNextCheck();
    awaitArmedCheck(); // the check has run (and passed) and the next one is armed
    assertThat(harness.master.statusUpdates("web")).as("no update while the value stays the same").hasSize(3);
    Files.delete(flag);

    advanceToNextCheck();
    TaskStatus unhealthy = ackNext(4);
    assertThat(unhealthy.getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(unhealthy.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED);
    assertThat(unhealthy.getHealthy()).isFalse();
    assertThat(unhealthy.getMessage()).isEqualTo("Task is unhealthy: command exited with status 1");

    advanceToNextCheck();
    TaskStatus killing = ackNext(5);
    assertThat(killing.getState()).isEqualTo(TaskState.TASK_KILLING);
    TaskStatus killed = ackNext(6);
    assertThat(killed.getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(killed.getHealthy()).isFalse();
    assertThat(killed.getMessage()).isEqualTo("Command terminated with signal Terminated (killed after failing its health check)");
  }

  @Test
  void aHealthCheckTheAgentCannotRunMakesTheTaskAnError() throws Exception {
    FakeRuntime runtime = new FakeRuntime();
    harness = new AgentHarness(workDir, 3600, runtime);
    TaskInfo task = TaskInfo.newBuilder(Tasks.shellTask("web", "sleep 1000"))
        .setHealthCheck(HealthCheck.newBuilder().setType(HealthCheck.Type.HTTP))
        .build();
    harness.master.send(Tasks.runTask(task));

    await().atMost(AgentHarness.WAIT).until(() -> !harness.master.statusUpdates("web").isEmpty());
    TaskStatus error = harness.master.statusUpdates("web").get(0);

    assertThat(error.getState()).isEqualTo(TaskState.TASK_ERROR);
    assertThat(error.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_INVALID);
    assertThat(error.getMessage()).isEqualTo("Task 'web' has a health check the agent cannot run: an HTTP health check needs http.port");
    assertThat(runtime.launches()).isEmpty();
  }

  /** Waits until only the next health check is armed (every update is acknowledged), then moves time to it. */
  private void advanceToNextCheck() {
    awaitArmedCheck();
    harness.timers.advance(Duration.ofSeconds(1));
  }

  private void awaitArmedCheck() {
    await().atMost(AgentHarness.WAIT).until(() -> harness.timers.armedWithin(HORIZON) == 1);
  }

  private TaskStatus ackNext(int count) {
    await().atMost(AgentHarness.WAIT).until(() -> harness.master.statusUpdates("web").size() >= count);
    TaskStatus status = harness.master.statusUpdates("web").get(count - 1);
    harness.master.send(Tasks.acknowledge(Tasks.FRAMEWORK, status));
    return status;
  }

  private Path sandbox() throws IOException {
    await().atMost(AgentHarness.WAIT).until(() -> findStdout() != null);
    return findStdout().getParent();
  }

  private Path findStdout() throws IOException {
    try (Stream<Path> all = Tasks.sandboxTree(workDir)) {
      return all.filter(p -> p.getFileName().toString().equals("stdout")).findFirst().orElse(null);
    }
  }
}
