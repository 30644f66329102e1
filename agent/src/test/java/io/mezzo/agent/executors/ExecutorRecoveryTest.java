package io.mezzo.agent.executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.Agent;
import io.mezzo.agent.AgentConfig;
import io.mezzo.agent.AgentHarness;
import io.mezzo.agent.support.MasterUrl;
import io.mezzo.agent.checkpoint.CheckpointStore;
import io.mezzo.agent.checkpoint.RecoverMode;
import io.mezzo.agent.resources.ResourceSpec;
import io.mezzo.agent.runtime.ProcessRuntime;
import io.mezzo.agent.runtime.cgroups.Cgroups;
import io.mezzo.agent.spi.ContainerRuntime;
import io.mezzo.agent.testing.FakeMaster;
import io.mezzo.agent.testing.OutlivingRuntime;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.testkit.TestVertx;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A custom executor ({@link EchoExecutor}, told {@code MESOS_CHECKPOINT=1}) outlives its agent
 * (whose Vert.x is closed under it while its runtime leaves its containers running, as kill -9
 * would leave things), subscribes again to the new
 * agent on the same work dir and port, and goes on running its task; or, with
 * {@code --recover=cleanup}, is killed and its task fails.
 */
class ExecutorRecoveryTest {
  @RegisterExtension
  final TestVertx vertxes = new TestVertx();
  @TempDir
  Path workDir;

  private Vertx masterVertx;
  private FakeMaster master;
  private Vertx firstVertx;
  private Vertx secondVertx;
  private Agent second;
  private int port;

  @BeforeEach
  void start() throws Exception {
    // The crash this test stages fails the first agent's in-flight blocking work on its threads.
    Awaitility.doNotCatchUncaughtExceptionsByDefault();
    masterVertx = vertxes.vertx();
    master = FakeMaster.start(masterVertx, "agent-1");
    master.heartbeatIntervalSeconds(3600);
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
  }

  @AfterEach
  void stop() throws Exception {
    Awaitility.reset();
    if (second != null) {
      AgentHarness.get(second.close());
    }
  }

  @Test
  void anExecutorSubscribesAgainToTheRestartedAgentAndKeepsItsTask() throws Exception {
    crashWithARunningExecutorTask();

    second = agent(secondVertx = vertxes.create(), RecoverMode.RECONNECT);
    AgentHarness.get(second.start());

    await().atMost(AgentHarness.WAIT).until(() -> stdout().stream().filter(l -> l.startsWith("SUBSCRIBED")).count() == 2);
    await().atMost(AgentHarness.WAIT).until(() -> master.registrations().size() == 2);
    AgentCall.Register register = master.registrations().get(1).getRegister();
    assertThat(register.getTasksList()).singleElement().satisfies(task -> {
      assertThat(task.getTask().getTaskId().getValue()).isEqualTo("t1");
      assertThat(task.getState()).isEqualTo(TaskState.TASK_RUNNING);
      assertThat(task.getExecutor().getExecutorId().getValue()).isEqualTo("stayer");
    });

    master.send(Tasks.killTask(Tasks.FRAMEWORK, "t1"));
    await().atMost(AgentHarness.WAIT).until(() -> last("t1").getState() == TaskState.TASK_KILLED);
    assertThat(stdout()).contains("KILL t1");
  }

  @Test
  void withRecoverCleanupTheExecutorIsKilledAndItsTaskFails() throws Exception {
    crashWithARunningExecutorTask();

    second = agent(secondVertx = vertxes.create(), RecoverMode.CLEANUP);
    AgentHarness.get(second.start());

    await().atMost(AgentHarness.WAIT).until(() -> last("t1").getState() == TaskState.TASK_FAILED);
    assertThat(last("t1").getReason()).isEqualTo(TaskStatus.Reason.REASON_AGENT_RESTARTED);
    assertThat(last("t1").getMessage()).contains("--recover=cleanup");
  }

  @Test
  void anExecutorThatDiedWhileTheAgentWasAwayFailsItsTaskAndIsReportedToTheMaster() throws Exception {
    crashWithARunningExecutorTask();
    // The executor (its whole process group, as the process runtime recorded it) dies meanwhile.
    long pgid;
    try (var states = Files.list(workDir.resolve("meta/runtimes/process"))) {
      pgid = Long.parseLong(Files.readString(states.findFirst().orElseThrow().resolve("pid")).trim());
    }
    assertThat(new ProcessBuilder("kill", "-KILL", "--", "-" + pgid).start().waitFor()).isZero();
    await().atMost(AgentHarness.WAIT).until(() -> ProcessHandle.of(pgid).map(p -> !p.isAlive()).orElse(true));

    second = agent(secondVertx = vertxes.create(), RecoverMode.RECONNECT);
    AgentHarness.get(second.start());

    await().atMost(AgentHarness.WAIT).until(() -> last("t1").getState() == TaskState.TASK_FAILED);
    assertThat(last("t1").getReason()).isEqualTo(TaskStatus.Reason.REASON_EXECUTOR_TERMINATED);
    await().atMost(AgentHarness.WAIT).until(() -> master.calls().stream()
        .anyMatch(c -> c.getType() == AgentCall.Type.EXECUTOR_TERMINATED));
  }

  /** The first agent launches the executor with task t1 (RUNNING, acknowledged), then goes away. */
  private void crashWithARunningExecutorTask() throws Exception {
    firstVertx = vertxes.create();
    Agent first = agent(firstVertx, RecoverMode.RECONNECT, OutlivingRuntime::new);
    AgentHarness.get(first.start());
    await().atMost(AgentHarness.WAIT).until(() -> master.streaming() && Files.exists(workDir.resolve("agent.json")));
    master.send(Tasks.runTask(Tasks.executorTask("t1", echoExecutor("stayer"), "stay")));
    await().atMost(AgentHarness.WAIT).until(() -> !master.statusUpdates("t1").isEmpty());
    TaskStatus running = master.statusUpdates("t1").get(0);
    assertThat(running.getState()).isEqualTo(TaskState.TASK_RUNNING);
    master.send(Tasks.acknowledge(Tasks.FRAMEWORK, running));
    await().atMost(AgentHarness.WAIT).until(() -> stdout().stream().anyMatch(l -> l.startsWith("ACKNOWLEDGED t1")));
    // The acknowledgement checkpointed (no update of t1 pending), or the next agent would send RUNNING again.
    await().atMost(AgentHarness.WAIT).until(() ->
        Files.exists(workDir.resolve("meta/frameworks/framework-1/executors/stayer/executor"))
            && new CheckpointStore(workDir).load().stream().anyMatch(r -> r.taskId().equals("t1")
                && r.updates() != null && r.updates().getPendingCount() == 0));

    firstVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    await().atMost(AgentHarness.WAIT).until(() -> stdout().contains("EOF"));
  }

  private Agent agent(Vertx vertx, RecoverMode mode) {
    return agent(vertx, mode, UnaryOperator.identity());
  }

  /** @param wrap wraps the agent's runtime ({@link OutlivingRuntime} for the agent that crashes) */
  private Agent agent(Vertx vertx, RecoverMode mode, UnaryOperator<ContainerRuntime> wrap) {
    AgentConfig config = AgentConfig.builder().master(MasterUrl.parse(master.url())).ip("127.0.0.1").port(port)
        .workDir(workDir)
        .resources(ResourceSpec.parseResources("cpus:2;mem:1024;disk:1024;ports:[31000-31009]"))
        .runtimes("process")
        .recover(mode)
        .build();
    return new Agent(config, Clock.systemUTC(), vertx, null, (v, timers) -> List.of(wrap.apply(new ProcessRuntime(
        v, timers, Cgroups.none("test"), workDir.resolve(CheckpointStore.META).resolve("runtimes/process")))));
  }

  private static ExecutorInfo echoExecutor(String id) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return Tasks.executor(id, List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("java.class.path"), EchoExecutor.class.getName()));
  }

  private TaskStatus last(String taskId) {
    List<TaskStatus> updates = master.statusUpdates(taskId);
    return updates.isEmpty() ? TaskStatus.getDefaultInstance() : updates.get(updates.size() - 1);
  }

  private List<String> stdout() {
    Path file = workDir.resolve("frameworks/framework-1/executors/stayer/runs/latest/stdout");
    try {
      return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
