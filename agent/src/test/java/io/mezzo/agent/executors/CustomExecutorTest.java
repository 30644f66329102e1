package io.mezzo.agent.executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.AgentHarness;
import io.mezzo.agent.runtime.ProcessRuntime;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real custom executor ({@link EchoExecutor} in a JVM of its own) against an agent and a fake
 * master, with executor authentication on: the executor sends the token the agent gave it
 * (ExecutorRecoveryTest runs the same executor without).
 */
class CustomExecutorTest {
  @TempDir
  Path workDir;

  private AgentHarness harness;

  @BeforeEach
  void start() throws Exception {
    harness = new AgentHarness(workDir, 3600, ProcessRuntime::new, config -> config.authenticateHttpExecutors(true, null));
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  @Test
  void anExecutorRunsItsTasksAndItsUpdatesAreDeliveredReliablyWithItsOwnUuids() throws Exception {
    ExecutorInfo executor = echoExecutor("echo");
    harness.master.send(Tasks.runTask(Tasks.executorTask("t1", executor, "finish")));

    TaskStatus running = awaitUpdate("t1", 1);
    assertThat(running.getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(running.getSource()).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);
    assertThat(running.getExecutorId().getValue()).isEqualTo("echo");
    assertThat(running.getAgentId().getValue()).isEqualTo("agent-1");
    // The executor logs the 202 after the agent has answered, which can be after the master saw the update.
    await().atMost(AgentHarness.WAIT).untilAsserted(() ->
        assertThat(stdout("echo")).contains("UPDATE t1 TASK_RUNNING " + uuid(running) + " 202"));

    // The executor's environment, as a Mesos agent sets it.
    Path sandbox = workDir.resolve("frameworks/framework-1/executors/echo/runs/latest").toRealPath();
    assertThat(stdout("echo")).contains(
        "ENV MESOS_FRAMEWORK_ID=framework-1",
        "ENV MESOS_EXECUTOR_ID=echo",
        "ENV MESOS_AGENT_ENDPOINT=127.0.0.1:" + harness.agent.httpPort(),
        "ENV MESOS_DIRECTORY=" + sandbox,
        "ENV MESOS_SANDBOX=" + sandbox,
        "ENV MESOS_CHECKPOINT=1",
        "ENV MESOS_RECOVERY_TIMEOUT=15mins",
        "ENV MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD=5secs",
        "ENV MESOS_HTTP_COMMAND_EXECUTOR=0",
        "SUBSCRIBE 200 application/x-protobuf",
        "SUBSCRIBED container=" + sandbox.getFileName() + " agent=agent-1 executor=echo",
        "LAUNCH t1");

    // The agent acknowledged both updates to the executor once it had them; FINISHED waits
    // behind the unacknowledged RUNNING and goes only after the scheduler's acknowledgement.
    String finishedUuid = awaitLine("echo", "UPDATE t1 TASK_FINISHED ").split(" ")[3];
    awaitLine("echo", "ACKNOWLEDGED t1 " + finishedUuid);
    assertThat(stdout("echo")).contains("ACKNOWLEDGED t1 " + uuid(running));
    assertThat(harness.master.statusUpdates("t1")).containsExactly(running);

    harness.master.send(Tasks.acknowledge(Tasks.FRAMEWORK, running));
    TaskStatus finished = awaitUpdate("t1", 2);
    assertThat(finished.getState()).isEqualTo(TaskState.TASK_FINISHED);
    assertThat(uuid(finished)).isEqualTo(finishedUuid);

    JsonObject echo = harness.state().getJsonArray("executors").getJsonObject(0);
    assertThat(echo.getString("id")).isEqualTo("echo");
    assertThat(echo.getBoolean("subscribed")).isTrue();
    assertThat(echo.getLong("pid")).isPositive();
    assertThat(echo.getJsonArray("tasks")).containsExactly("t1");

    harness.master.send(Tasks.acknowledge(Tasks.FRAMEWORK, finished));
    await().atMost(AgentHarness.WAIT).until(() -> harness.state().getJsonArray("tasks").isEmpty());

    // A task group for the running executor goes to it at once, as one LAUNCH_GROUP.
    harness.master.send(Tasks.runTaskGroup(executor,
        Tasks.executorTask("g1", executor, "finish"), Tasks.executorTask("g2", executor, "stay")));
    awaitLine("echo", "LAUNCH_GROUP 2");
    assertThat(awaitUpdate("g1", 1).getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(awaitUpdate("g2", 1).getState()).isEqualTo(TaskState.TASK_RUNNING);

    // A scheduler's message reaches the executor, whose answer reaches the master.
    harness.master.send(Tasks.frameworkMessage("echo", "hello"));
    AgentCall message = awaitCall(AgentCall.Type.EXECUTOR_MESSAGE);
    assertThat(message.getExecutorMessage().getData().toStringUtf8()).isEqualTo("echo:hello");
    assertThat(message.getExecutorMessage().getExecutorId().getValue()).isEqualTo("echo");
    assertThat(message.getExecutorMessage().getFrameworkId()).isEqualTo(Tasks.FRAMEWORK);

    // SHUTDOWN: the executor exits without reporting g2, so the agent fails it.
    harness.master.send(Tasks.shutdownExecutor("echo"));
    AgentCall terminated = awaitCall(AgentCall.Type.EXECUTOR_TERMINATED);
    assertThat(terminated.getExecutorTerminated().getExecutorId().getValue()).isEqualTo("echo");
    assertThat(terminated.getExecutorTerminated().getStatus()).isZero();
    assertThat(stdout("echo")).contains("SHUTDOWN");
    harness.master.send(Tasks.acknowledge(Tasks.FRAMEWORK, awaitUpdate("g2", 1)));
    TaskStatus failed = awaitUpdate("g2", 2);
    assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_EXECUTOR_TERMINATED);
    assertThat(failed.getSource()).isEqualTo(TaskStatus.Source.SOURCE_AGENT);
    assertThat(failed.getMessage()).isEqualTo("Executor terminated");
    assertThat(harness.state().getJsonArray("executors")).isEmpty();
  }

  @Test
  void aKillReachesTheExecutorAndALaterTaskGoesStraightToIt() throws Exception {
    ExecutorInfo executor = echoExecutor("stayer");
    harness.master.send(Tasks.runTask(Tasks.executorTask("k1", executor, "stay")));
    TaskStatus running = awaitUpdate("k1", 1);
    harness.master.send(Tasks.acknowledge(Tasks.FRAMEWORK, running));

    harness.master.send(Tasks.runTask(Tasks.executorTask("k2", executor, "stay")));
    assertThat(awaitUpdate("k2", 1).getState()).isEqualTo(TaskState.TASK_RUNNING);
    harness.master.send(Tasks.killTask(Tasks.FRAMEWORK, "k1"));

    TaskStatus killed = awaitUpdate("k1", 2);
    assertThat(killed.getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(killed.getSource()).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);
    assertThat(stdout("stayer")).contains("KILL k1");
    assertThat(stdout("stayer").stream().filter(l -> l.startsWith("SUBSCRIBED"))).hasSize(1);
  }

  private ExecutorInfo echoExecutor(String id) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return Tasks.executor(id, List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("java.class.path"), EchoExecutor.class.getName()));
  }

  private TaskStatus awaitUpdate(String taskId, int count) {
    await().atMost(AgentHarness.WAIT).until(() -> harness.master.statusUpdates(taskId).size() >= count);
    return harness.master.statusUpdates(taskId).get(count - 1);
  }

  private AgentCall awaitCall(AgentCall.Type type) {
    await().atMost(AgentHarness.WAIT).until(() -> harness.master.calls().stream().anyMatch(c -> c.getType() == type));
    return harness.master.calls().stream().filter(c -> c.getType() == type).findFirst().orElseThrow();
  }

  private String awaitLine(String executorId, String prefix) {
    await().atMost(AgentHarness.WAIT).until(() -> stdout(executorId).stream().anyMatch(l -> l.startsWith(prefix)));
    return stdout(executorId).stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
  }

  private List<String> stdout(String executorId) {
    Path file = workDir.resolve("frameworks/framework-1/executors/" + executorId + "/runs/latest/stdout");
    try {
      return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String uuid(TaskStatus status) {
    return ExecutorClient.text(status.getUuid());
  }
}
