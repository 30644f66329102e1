package io.mezzo.agent.executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.mezzo.agent.AgentHarness;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.testing.FakeRuntime;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.v1.Protos.ExecutorID;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Task groups for the DEFAULT executor, which the agent runs itself (Mezzo has no default executor binary). */
class DefaultExecutorGroupTest {
  private static final ExecutorInfo DEFAULT = ExecutorInfo.newBuilder()
      .setType(ExecutorInfo.Type.DEFAULT)
      .setExecutorId(ExecutorID.newBuilder().setValue("default"))
      .build();

  @TempDir
  Path workDir;

  private final FakeRuntime runtime = new FakeRuntime();
  private final Set<ByteString> acknowledged = new HashSet<>();
  private AgentHarness harness;

  @BeforeEach
  void start() throws Exception {
    harness = new AgentHarness(workDir, 3600, runtime);
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  @Test
  void eachTaskRunsInTheExecutorsSandboxAndOneFailureKillsTheRestOfTheGroup() throws Exception {
    harness.master.send(Tasks.runTaskGroup(DEFAULT, Tasks.shellTask("g1", "exit 1"), Tasks.shellTask("g2", "sleep 100")));

    assertThat(awaitState("g1", TaskState.TASK_RUNNING).getExecutorId().getValue()).isEqualTo("default");
    assertThat(awaitState("g2", TaskState.TASK_RUNNING).getExecutorId().getValue()).isEqualTo("default");
    List<LaunchRequest> launches = runtime.launches();
    assertThat(launches).hasSize(2);
    Path executorRun = launches.get(0).sandbox().getParent().getParent();
    assertThat(executorRun.getParent()).isEqualTo(workDir.resolve("frameworks/framework-1/executors/default/runs"));
    assertThat(launches).extracting(LaunchRequest::sandbox)
        .containsExactlyInAnyOrder(executorRun.resolve("tasks/g1"), executorRun.resolve("tasks/g2"));
    assertThat(launches).allSatisfy(launch ->
        assertThat(launch.environment()).containsEntry("MESOS_EXECUTOR_ID", "default"));
    assertThat(harness.master.registrations()).hasSize(1);

    runtime.exit("g1", 1);

    assertThat(awaitState("g1", TaskState.TASK_FAILED).getMessage()).isEqualTo("Command exited with status 1");
    TaskStatus killed = awaitState("g2", TaskState.TASK_KILLED);
    assertThat(killed.getExecutorId().getValue()).isEqualTo("default");
    await().atMost(AgentHarness.WAIT).until(() -> harness.master.calls().stream()
        .anyMatch(c -> c.getType() == AgentCall.Type.EXECUTOR_TERMINATED));
    AgentCall terminated = harness.master.calls().stream()
        .filter(c -> c.getType() == AgentCall.Type.EXECUTOR_TERMINATED).findFirst().orElseThrow();
    assertThat(terminated.getExecutorTerminated().getExecutorId().getValue()).isEqualTo("default");
  }

  @Test
  void aGroupWithAnInvalidTaskIsRefusedAsAWhole() throws Exception {
    harness.master.send(Tasks.runTaskGroup(DEFAULT, Tasks.shellTask("ok", "true"), Tasks.shellTask("../bad", "true")));

    TaskStatus ok = awaitState("ok", TaskState.TASK_ERROR);
    assertThat(ok.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_GROUP_INVALID);
    assertThat(ok.getMessage()).contains("task id");
    assertThat(awaitState("../bad", TaskState.TASK_ERROR).getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_GROUP_INVALID);
    assertThat(runtime.launches()).isEmpty();
  }

  /** Acknowledges each update of the task as it comes, until one in {@code state} arrives. */
  private TaskStatus awaitState(String taskId, TaskState state) {
    await().atMost(AgentHarness.WAIT).until(() -> {
      for (TaskStatus status : harness.master.statusUpdates(taskId)) {
        if (acknowledged.add(status.getUuid())) {
          harness.master.send(Tasks.acknowledge(Tasks.FRAMEWORK, status));
        }
      }
      return harness.master.statusUpdates(taskId).stream().anyMatch(s -> s.getState() == state);
    });
    return harness.master.statusUpdates(taskId).stream().filter(s -> s.getState() == state).findFirst().orElseThrow();
  }
}
