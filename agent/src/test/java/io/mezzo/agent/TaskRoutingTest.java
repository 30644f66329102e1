package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.testing.FakeRuntime;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent hands each event to the task host that owns what it names: a command task to the
 * supervisor (which launches the task itself), a task naming an executor to the executor
 * registry (which launches the executor), and kills and shutdowns to whichever has the task or
 * the executor.
 */
class TaskRoutingTest {
  @TempDir
  Path workDir;

  private final FakeRuntime runtime = new FakeRuntime();
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
  void aCommandTaskAndAnExecutorTaskEachReachTheirOwnHost() throws Exception {
    ExecutorInfo executor = Tasks.executor("exec", List.of("/bin/executor"));
    harness.master.send(Tasks.runTask(Tasks.shellTask("command", "sleep 1000")));
    harness.master.send(Tasks.runTask(Tasks.executorTask("delegated", executor, "")));

    await().atMost(AgentHarness.WAIT).until(() -> runtime.launches().size() == 2);
    // The supervisor launched the command task itself; the registry launched the executor, not its task.
    assertThat(runtime.launches()).extracting(r -> r.task().getTaskId().getValue())
        .containsExactlyInAnyOrder("command", "exec");
    LaunchRequest executorLaunch = launchOf("exec");
    assertThat(executorLaunch.environment()).containsKey("MESOS_AGENT_ENDPOINT");
    assertThat(launchOf("command").environment()).containsEntry("MESOS_TASK_ID", "command")
        .doesNotContainKey("MESOS_AGENT_ENDPOINT");
    JsonObject state = harness.state();
    assertThat(state.getJsonArray("executors")).singleElement()
        .satisfies(e -> assertThat(((JsonObject) e).getJsonArray("tasks")).containsExactly("delegated"));

    // A kill of the executor's task goes to the registry: the executor has not subscribed, so
    // the agent kills the task itself and, with no task left, the executor too.
    harness.master.send(Tasks.killTask(Tasks.FRAMEWORK, "delegated"));
    await().atMost(AgentHarness.WAIT).until(() -> !harness.master.statusUpdates("delegated").isEmpty());
    TaskStatus killed = harness.master.statusUpdates("delegated").get(0);
    assertThat(killed.getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(killed.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_KILLED_DURING_LAUNCH);
    assertThat(killed.getExecutorId().getValue()).isEqualTo("exec");
    await().atMost(AgentHarness.WAIT).until(() -> runtime.kills().contains(executorLaunch.containerId()));
    assertThat(runtime.isRunning("command")).isTrue();

    // A kill of the command task goes to the supervisor, which kills its container.
    harness.master.send(Tasks.killTask(Tasks.FRAMEWORK, "command"));
    await().atMost(AgentHarness.WAIT).until(() -> runtime.kills().contains(launchOf("command").containerId()));
    assertThat(runtime.isRunning("command")).isFalse();
    assertThat(runtime.kills()).hasSize(2);
  }

  @Test
  void aShutdownOfAnExecutorReachesTheRegistryAndLeavesCommandTasksAlone() throws Exception {
    ExecutorInfo executor = Tasks.executor("exec", List.of("/bin/executor"));
    harness.master.send(Tasks.runTask(Tasks.shellTask("command", "sleep 1000")));
    harness.master.send(Tasks.runTask(Tasks.executorTask("delegated", executor, "")));
    await().atMost(AgentHarness.WAIT).until(() -> runtime.isRunning("command") && runtime.isRunning("exec"));

    harness.master.send(Tasks.shutdownExecutor("exec"));

    await().atMost(AgentHarness.WAIT).until(() -> !runtime.isRunning("exec"));
    await().atMost(AgentHarness.WAIT).until(() -> harness.master.statusUpdates("delegated").stream()
        .anyMatch(s -> s.getState() == TaskState.TASK_FAILED));
    assertThat(runtime.isRunning("command")).isTrue();
    assertThat(runtime.kills()).containsExactly(launchOf("exec").containerId());
  }

  private LaunchRequest launchOf(String taskId) {
    return runtime.launches().stream().filter(r -> r.task().getTaskId().getValue().equals(taskId)).findFirst().orElseThrow();
  }
}
