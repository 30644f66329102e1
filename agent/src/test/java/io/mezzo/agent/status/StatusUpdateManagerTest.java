package io.mezzo.agent.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.mezzo.testkit.ManualClock;
import io.mezzo.agent.testing.ManualTimers;
import io.mezzo.protocol.internal.AgentChannel.StatusUpdate;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.ExecutorID;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusUpdateManagerTest {
  private static final FrameworkID FRAMEWORK = FrameworkID.newBuilder().setValue("fw").build();

  private final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final ManualTimers timers = new ManualTimers(clock);
  private final List<StatusUpdate> sent = new ArrayList<>();
  private final List<String> forgotten = new ArrayList<>();
  private final StatusUpdateManager manager = new StatusUpdateManager(
      clock, timers, () -> AgentID.newBuilder().setValue("agent-1").build(), sent::add,
      (framework, task) -> forgotten.add(task.getValue()));

  @Test
  void retriesDoubleFromTenSecondsUpToTenMinutes() {
    TaskStatus starting = manager.update(FRAMEWORK, status("t", TaskState.TASK_STARTING));
    List<Long> resentAfterSeconds = new ArrayList<>();
    long elapsed = 0;
    for (int second = 1; second <= 3600; second++) {
      int before = sent.size();
      timers.advance(Duration.ofSeconds(1));
      elapsed++;
      if (sent.size() > before) {
        resentAfterSeconds.add(elapsed);
        elapsed = 0;
      }
    }

    assertThat(resentAfterSeconds).startsWith(10L, 20L, 40L, 80L, 160L, 320L, 600L, 600L);
    assertThat(sent).allMatch(update -> update.getStatus().equals(starting));
  }

  @Test
  void updatesOfOneTaskGoOneAtATimeAndOtherTasksAreIndependent() {
    TaskStatus a1 = manager.update(FRAMEWORK, status("a", TaskState.TASK_STARTING));
    TaskStatus a2 = manager.update(FRAMEWORK, status("a", TaskState.TASK_RUNNING));
    TaskStatus b1 = manager.update(FRAMEWORK, status("b", TaskState.TASK_STARTING));

    assertThat(sent).extracting(StatusUpdate::getStatus).containsExactly(a1, b1);
    assertThat(manager.acknowledge(FRAMEWORK, a2.getTaskId(), a2.getUuid())).isFalse();
    assertThat(manager.acknowledge(FRAMEWORK, a1.getTaskId(), a1.getUuid())).isTrue();
    assertThat(sent).extracting(StatusUpdate::getStatus).containsExactly(a1, b1, a2);
    assertThat(manager.pending(FRAMEWORK, a1.getTaskId())).containsExactly(a2);
  }

  @Test
  void aTaskIsForgottenOnceItsTerminalUpdateIsAcknowledged() {
    TaskStatus finished = manager.update(FRAMEWORK, status("t", TaskState.TASK_FINISHED));

    manager.acknowledge(FRAMEWORK, finished.getTaskId(), finished.getUuid());
    timers.advance(Duration.ofHours(1));

    assertThat(forgotten).containsExactly("t");
    assertThat(sent).hasSize(1);
    assertThat(manager.pending(FRAMEWORK, finished.getTaskId())).isEmpty();
  }

  @Test
  void resendPendingSendsEveryHeadAgainAndRestartsItsBackoff() {
    TaskStatus a = manager.update(FRAMEWORK, status("a", TaskState.TASK_STARTING));
    timers.advance(Duration.ofSeconds(10));
    assertThat(sent).hasSize(2);

    manager.resendPending();
    timers.advance(Duration.ofSeconds(10));

    assertThat(sent).hasSize(4).extracting(StatusUpdate::getStatus).containsOnly(a);
  }

  @Test
  void stampsUuidSourceAgentExecutorAndTime() {
    TaskStatus stamped = manager.update(FRAMEWORK, status("t", TaskState.TASK_RUNNING));
    TaskStatus other = manager.update(FRAMEWORK, status("u", TaskState.TASK_RUNNING));

    assertThat(stamped.getUuid().size()).isEqualTo(16);
    assertThat(stamped.getUuid()).isNotEqualTo(other.getUuid());
    assertThat(stamped.getSource()).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);
    assertThat(stamped.getAgentId().getValue()).isEqualTo("agent-1");
    assertThat(stamped.getExecutorId().getValue()).isEqualTo("t");
    assertThat(stamped.getTimestamp()).isEqualTo(clock.instant().getEpochSecond());
  }

  @Test
  void anExecutorsUpdateKeepsItsUuidAndSourceAndADuplicateIsNotQueuedAgain() {
    ByteString uuid = ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    TaskStatus fromExecutor = status("t", TaskState.TASK_RUNNING)
        .setUuid(uuid)
        .setSource(TaskStatus.Source.SOURCE_EXECUTOR)
        .setExecutorId(ExecutorID.newBuilder().setValue("exec"))
        .setTimestamp(12.5)
        .build();

    assertThat(manager.forward(FRAMEWORK, fromExecutor)).isTrue();
    assertThat(manager.forward(FRAMEWORK, fromExecutor)).as("a re-sent update").isFalse();

    assertThat(sent).hasSize(1);
    TaskStatus forwarded = sent.get(0).getStatus();
    assertThat(forwarded.getUuid()).isEqualTo(uuid);
    assertThat(forwarded.getExecutorId().getValue()).isEqualTo("exec");
    assertThat(forwarded.getTimestamp()).isEqualTo(12.5);
    assertThat(forwarded.getAgentId().getValue()).isEqualTo("agent-1");
    assertThat(manager.acknowledge(FRAMEWORK, forwarded.getTaskId(), uuid)).isTrue();
    assertThat(manager.forward(FRAMEWORK, fromExecutor)).as("re-sent after its acknowledgement").isFalse();
    timers.advance(Duration.ofMinutes(5));
    assertThat(sent).hasSize(1);
  }

  @Test
  void anAgentMadeUpdateKeepsTheSourceItWasGiven() {
    TaskStatus failed = manager.update(FRAMEWORK, status("t", TaskState.TASK_FAILED).setSource(TaskStatus.Source.SOURCE_AGENT));

    assertThat(failed.getSource()).isEqualTo(TaskStatus.Source.SOURCE_AGENT);
  }

  @Test
  void everyChangeToATasksPendingUpdatesIsToldForItsCheckpoint() {
    List<List<TaskStatus>> told = new ArrayList<>();
    StatusUpdateManager checkpointed = new StatusUpdateManager(clock, timers,
        () -> AgentID.newBuilder().setValue("agent-1").build(), sent::add, (framework, task) -> { },
        (framework, task, pending) -> told.add(pending));

    TaskStatus starting = checkpointed.update(FRAMEWORK, status("t", TaskState.TASK_STARTING));
    TaskStatus running = checkpointed.update(FRAMEWORK, status("t", TaskState.TASK_RUNNING));
    checkpointed.acknowledge(FRAMEWORK, starting.getTaskId(), starting.getUuid());

    assertThat(told).containsExactly(List.of(starting), List.of(starting, running), List.of(running));
  }

  @Test
  void restoredUpdatesKeepTheirUuidsAndGoOutOnResend() {
    TaskStatus running = status("t", TaskState.TASK_RUNNING).setUuid(ByteString.copyFrom(new byte[16])).build();
    TaskStatus finished = status("t", TaskState.TASK_FINISHED).setUuid(ByteString.copyFrom(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})).build();

    manager.restore(FRAMEWORK, List.of(running, finished));
    assertThat(sent).isEmpty();
    manager.resendPending();
    assertThat(sent).extracting(StatusUpdate::getStatus).containsExactly(running);

    assertThat(manager.acknowledge(FRAMEWORK, running.getTaskId(), running.getUuid())).isTrue();
    assertThat(sent).extracting(StatusUpdate::getStatus).containsExactly(running, finished);
    assertThat(manager.acknowledge(FRAMEWORK, finished.getTaskId(), finished.getUuid())).isTrue();
    assertThat(forgotten).containsExactly("t");
  }

  private static TaskStatus.Builder status(String taskId, TaskState state) {
    return TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId)).setState(state);
  }
}
