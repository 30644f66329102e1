package io.mezzo.agent.runtime;

import io.mezzo.testkit.Requires;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.mezzo.agent.AgentHarness;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tasks run as the user they name when the agent is root; skipped when the tests do not run as root. */
class TaskUserTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path workDir;

  private AgentHarness harness;
  private final Set<ByteString> acknowledged = new HashSet<>();

  @BeforeEach
  void start() throws Exception {
    Requires.that(TaskUser.agentIsRoot(), "switching users needs an agent running as root");
    harness = new AgentHarness(workDir, 15, (vertx, timers) -> new ProcessRuntime(vertx, timers));
  }

  @AfterEach
  void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void aTaskNamingUserNobodyRunsAsNobodyInASandboxItOwns() throws Exception {
    Requires.that(TaskUser.resolve("nobody", true).isPresent(), "there is no user nobody here");
    TaskInfo task = TaskInfo.newBuilder(Tasks.shellTask("who", "id -un; touch mine"))
        .setCommand(CommandInfo.newBuilder().setValue("id -un; touch mine").setUser("nobody"))
        .build();
    harness.master.send(runTask(task, ""));

    TaskStatus end = awaitTerminal("who");

    assertThat(end.getState()).as(end.getMessage()).isEqualTo(TaskState.TASK_FINISHED);
    Path sandbox = sandbox("who");
    assertThat(Files.readString(sandbox.resolve("stdout"), StandardCharsets.UTF_8)).isEqualTo("nobody\n");
    assertThat(Files.getOwner(sandbox.resolve("mine")).getName()).isEqualTo("nobody");
  }

  @Test
  void aFrameworkUserThatDoesNotExistFailsTheLaunchSayingSo() {
    harness.master.send(runTask(Tasks.shellTask("ghost", "true"), "no-such-user-mezzo"));

    TaskStatus end = awaitTerminal("ghost");

    assertThat(end.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(end.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    assertThat(end.getMessage()).isEqualTo("Cannot run the task as user 'no-such-user-mezzo': no such user on this agent");
  }

  @Test
  void aFrameworkUserOfRootRunsTheTaskAsRoot() throws Exception {
    harness.master.send(runTask(Tasks.shellTask("boss", "id -u"), "root"));

    assertThat(awaitTerminal("boss").getState()).isEqualTo(TaskState.TASK_FINISHED);
    assertThat(Files.readString(sandbox("boss").resolve("stdout"), StandardCharsets.UTF_8)).isEqualTo("0\n");
  }

  private static AgentEvent runTask(TaskInfo task, String frameworkUser) {
    return AgentEvent.newBuilder()
        .setType(AgentEvent.Type.RUN_TASK)
        .setRunTask(AgentEvent.RunTask.newBuilder()
            .setFrameworkId(Tasks.FRAMEWORK)
            .setFrameworkInfo(FrameworkInfo.newBuilder().setUser(frameworkUser).setName("test").setId(Tasks.FRAMEWORK))
            .setTask(task))
        .build();
  }

  private TaskStatus awaitTerminal(String taskId) {
    await().atMost(WAIT).until(() -> terminal(taskId).isPresent());
    return terminal(taskId).orElseThrow();
  }

  /** Acknowledges each update as it comes (the agent sends the next only then) and finds a terminal one. */
  private Optional<TaskStatus> terminal(String taskId) {
    for (TaskStatus status : harness.master.statusUpdates(taskId)) {
      if (acknowledged.add(status.getUuid())) {
        harness.master.send(Tasks.acknowledge(Tasks.FRAMEWORK, status));
      }
    }
    return harness.master.statusUpdates(taskId).stream()
        .filter(s -> s.getState() == TaskState.TASK_FAILED || s.getState() == TaskState.TASK_FINISHED
            || s.getState() == TaskState.TASK_KILLED || s.getState() == TaskState.TASK_ERROR)
        .findFirst();
  }

  private Path sandbox(String taskId) throws Exception {
    try (Stream<Path> runs = Tasks.sandboxTree(workDir).filter(path -> Files.isDirectory(path)
        && path.getParent() != null && path.getParent().getFileName().toString().equals("runs")
        && path.toString().contains("/" + taskId + "/"))) {
      return runs.findFirst().orElseThrow();
    }
  }
}
