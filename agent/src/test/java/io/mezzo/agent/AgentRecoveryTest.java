package io.mezzo.agent;

import io.mezzo.agent.support.MasterUrl;
import io.mezzo.agent.support.Timers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import io.mezzo.protocol.internal.AgentChannel.RunningTask;
import io.mezzo.testkit.TestVertx;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent that goes away without killing its tasks (its Vert.x is closed under it and its
 * runtime leaves its containers running: as far as the tasks can tell the same as kill -9) and a
 * new agent on the same work dir that takes them up. The multi-process kill -9 test with every
 * runtime is {@code AgentRestartIT}.
 */
class AgentRecoveryTest {
  @RegisterExtension
  final TestVertx vertxes = new TestVertx();
  @TempDir
  Path workDir;
  @TempDir
  Path signals;

  /** Tasks whose terminal update the test leaves unacknowledged. */
  private final java.util.Set<String> unacknowledged = new java.util.HashSet<>();
  /**
   * The updates acknowledged, by their place in what the fake master received: like a framework,
   * the test acknowledges each update it gets, a resent one again (the agent may have crashed before
   * it checkpointed the first acknowledgement).
   */
  private final java.util.Set<Integer> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private Vertx masterVertx;
  private FakeMaster master;
  private Vertx firstVertx;
  private Vertx secondVertx;
  private Agent second;

  @BeforeEach
  void startMaster() throws Exception {
    // Closing a Vert.x under a working agent fails its in-flight blocking tasks on their worker
    // threads; that is the crash this test stages, not a failure of the test.
    org.awaitility.Awaitility.doNotCatchUncaughtExceptionsByDefault();
    masterVertx = vertxes.vertx();
    master = FakeMaster.start(masterVertx, "agent-1");
    master.heartbeatIntervalSeconds(3600);
  }

  @AfterEach
  void stop() throws Exception {
    org.awaitility.Awaitility.reset();
    if (second != null) {
      AgentHarness.get(second.close());
    }
    // Whatever a failed test left running is killed with the files it waits for.
    Files.writeString(signals.resolve("go"), "");
  }

  @Test
  void aRestartedAgentReadoptsLiveTasksReportsTheOnesThatEndedAndResendsUnacknowledgedUpdates() throws Exception {
    firstVertx = vertxes.create();
    Agent first = crashingAgent(firstVertx);
    AgentHarness.get(first.start());
    await().atMost(AgentHarness.WAIT).until(() -> Files.exists(workDir.resolve("agent.json")) && master.streaming());

    unacknowledged.add("quick");
    master.send(Tasks.runTask(Tasks.shellTask("live", waitFor("go") + "; echo finished")));
    master.send(Tasks.runTask(Tasks.shellTask("dies", waitFor("die") + "; exit 3")));
    master.send(Tasks.runTask(Tasks.shellTask("killed", "trap 'echo terminated; exit 0' TERM; " + waitFor("never"))));
    master.send(Tasks.runTask(Tasks.shellTask("quick", "echo quick")));
    awaitState("live", TaskState.TASK_RUNNING);
    awaitState("dies", TaskState.TASK_RUNNING);
    awaitState("killed", TaskState.TASK_RUNNING);
    awaitState("quick", TaskState.TASK_FINISHED);
    TaskStatus quickFinished = last("quick");
    // Nothing was acknowledged; the checkpoints catch up with the updates on their own thread.
    await().atMost(AgentHarness.WAIT).until(() -> checkpointedTasks() == 4);

    // The agent goes away without a word to its tasks.
    firstVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Files.writeString(signals.resolve("die"), "");

    secondVertx = vertxes.create();
    second = agent(secondVertx, RecoverMode.RECONNECT);
    AgentHarness.get(second.start());

    await().atMost(AgentHarness.WAIT).until(() -> master.registrations().size() == 2);
    AgentCall.Register register = master.registrations().get(1).getRegister();
    assertThat(register.getAgentInfo().getId().getValue()).isEqualTo("agent-1");
    await().atMost(AgentHarness.WAIT).until(() -> Files.readString(workDir.resolve("agent.json"))
        .contains("\"port\":" + second.httpPort()));
    assertThat(register.getTasksList().stream().map(t -> t.getTask().getTaskId().getValue()))
        .containsExactlyInAnyOrder("live", "dies", "killed", "quick");
    Map<String, TaskState> reported = register.getTasksList().stream()
        .collect(Collectors.toMap(t -> t.getTask().getTaskId().getValue(), RunningTask::getState));
    assertThat(reported.get("live")).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(reported.get("quick")).isEqualTo(TaskState.TASK_FINISHED);

    // The task that ended while no agent watched: its exit status was kept.
    awaitState("dies", TaskState.TASK_FAILED);
    assertThat(last("dies").getMessage()).isEqualTo("Command exited with status 3");
    // The unacknowledged FINISHED goes again, with the uuid the framework may have seen.
    await().atMost(AgentHarness.WAIT).until(() -> master.statusUpdates("quick").stream()
        .filter(s -> s.getUuid().equals(quickFinished.getUuid())).count() >= 2);

    // The live tasks are the new agent's: they can be killed, and they finish.
    master.send(Tasks.killTask(Tasks.FRAMEWORK, "killed"));
    awaitState("killed", TaskState.TASK_KILLED);
    Files.writeString(signals.resolve("go"), "");
    awaitState("live", TaskState.TASK_FINISHED);
    assertThat(last("live").getMessage()).isEqualTo("Command exited with status 0");
    Path liveSandbox = workDir.resolve("frameworks/framework-1/executors/live/runs/latest");
    assertThat(Files.readString(liveSandbox.resolve("stdout"))).isEqualTo("finished\n");

    // Acknowledged terminal updates take the checkpoints with them.
    unacknowledged.clear();
    await().atMost(AgentHarness.WAIT).until(() -> {
      acknowledgeNew();
      return checkpointedTasks() == 0;
    });
  }

  @Test
  void withRecoverCleanupTheTasksLeftRunningAreKilledAndFail() throws Exception {
    firstVertx = vertxes.create();
    Agent first = crashingAgent(firstVertx);
    AgentHarness.get(first.start());
    await().atMost(AgentHarness.WAIT).until(() -> Files.exists(workDir.resolve("agent.json")) && master.streaming());
    master.send(Tasks.runTask(Tasks.shellTask("left", "echo $$ > " + signals.resolve("pid") + "; " + waitFor("never"))));
    awaitState("left", TaskState.TASK_RUNNING);
    await().atMost(AgentHarness.WAIT).until(() -> Files.exists(signals.resolve("pid")) && checkpointedTasks() == 1);
    long pid = Long.parseLong(Files.readString(signals.resolve("pid")).trim());
    firstVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);

    secondVertx = vertxes.create();
    second = agent(secondVertx, RecoverMode.CLEANUP);
    AgentHarness.get(second.start());

    awaitState("left", TaskState.TASK_FAILED);
    assertThat(last("left").getReason()).isEqualTo(TaskStatus.Reason.REASON_AGENT_RESTARTED);
    assertThat(last("left").getMessage()).contains("--recover=cleanup");
    await().atMost(AgentHarness.WAIT).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
  }

  @Test
  void aKillUnderWayWhenTheAgentWentAwayGoesOnAfterTheRestart() throws Exception {
    firstVertx = vertxes.create();
    Agent first = crashingAgent(firstVertx);
    AgentHarness.get(first.start());
    await().atMost(AgentHarness.WAIT).until(() -> Files.exists(workDir.resolve("agent.json")) && master.streaming());
    // It takes two SIGTERMs to stop, and its grace period outlasts the test: only a second kill ends it.
    io.mezzo.v1.Protos.TaskInfo task = io.mezzo.v1.Protos.TaskInfo.newBuilder(Tasks.shellTask("stubborn",
            "n=0; trap 'n=$((n+1)); echo term$n; [ $n -ge 2 ] && exit 0' TERM; echo ready; while true; do sleep 0.05; done"))
        .setKillPolicy(io.mezzo.v1.Protos.KillPolicy.newBuilder()
            .setGracePeriod(io.mezzo.v1.Protos.DurationInfo.newBuilder().setNanoseconds(3_600_000_000_000L)))
        .build();
    master.send(Tasks.runTask(task));
    awaitState("stubborn", TaskState.TASK_RUNNING);
    Path stdout = workDir.resolve("frameworks/framework-1/executors/stubborn/runs/latest/stdout");
    await().atMost(AgentHarness.WAIT).until(() -> Files.exists(stdout) && Files.readString(stdout).contains("ready"));
    master.send(Tasks.killTask(Tasks.FRAMEWORK, "stubborn"));
    await().atMost(AgentHarness.WAIT).until(() -> Files.readString(stdout).contains("term1"));
    firstVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    secondVertx = vertxes.create();
    second = agent(secondVertx, RecoverMode.RECONNECT);
    AgentHarness.get(second.start());

    awaitState("stubborn", TaskState.TASK_KILLED);
    assertThat(Files.readString(stdout)).contains("term2");
  }

  @Test
  void aContainerNoCheckpointNamesIsKilledWhenTheAgentStarts() throws Exception {
    firstVertx = vertxes.create();
    Path stateDir = workDir.resolve(CheckpointStore.META).resolve("runtimes/process");
    ProcessRuntime runtime = new ProcessRuntime(firstVertx, Timers.vertx(firstVertx), Cgroups.none("test"), stateDir);
    Path sandbox = Files.createDirectories(workDir.resolve("orphan-sandbox"));
    AgentHarness.get(runtime.launch(new io.mezzo.agent.spi.LaunchRequest("orphan", Tasks.FRAMEWORK,
        Tasks.shellTask("orphan", "echo $$ > " + signals.resolve("pid") + "; " + waitFor("never")), sandbox, Map.of())));
    await().atMost(AgentHarness.WAIT).until(() -> Files.exists(signals.resolve("pid")));
    long pid = Long.parseLong(Files.readString(signals.resolve("pid")).trim());
    firstVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    secondVertx = vertxes.create();
    second = agent(secondVertx, RecoverMode.RECONNECT);
    AgentHarness.get(second.start());

    await().atMost(AgentHarness.WAIT).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    assertThat(stateDir.resolve("orphan")).doesNotExist();
  }

  private Agent agent(Vertx vertx, RecoverMode mode) {
    return agent(vertx, mode, UnaryOperator.identity());
  }

  /** An agent whose tasks outlive it when its Vert.x is closed under it, as after a kill -9. */
  private Agent crashingAgent(Vertx vertx) {
    return agent(vertx, RecoverMode.RECONNECT, OutlivingRuntime::new);
  }

  private Agent agent(Vertx vertx, RecoverMode mode, UnaryOperator<ContainerRuntime> wrap) {
    AgentConfig config = AgentConfig.builder().master(MasterUrl.parse(master.url())).workDir(workDir).port(0)
        .resources(ResourceSpec.parseResources("cpus:2;mem:1024;disk:1024;ports:[31000-31009]"))
        .recover(mode)
        .build();
    return new Agent(config, Clock.systemUTC(), vertx, null, (v, timers) -> List.of(wrap.apply(new ProcessRuntime(
        v, timers, Cgroups.none("test"), workDir.resolve(CheckpointStore.META).resolve("runtimes/process")))));
  }

  private String waitFor(String file) {
    return "while [ ! -e " + signals.resolve(file) + " ]; do sleep 0.05; done";
  }

  /**
   * Waits for the task's update with {@code state}, acknowledging (as a framework would) every
   * update the fake master gets on the way, except terminal ones of the tasks in {@link #unacknowledged}.
   */
  private void awaitState(String taskId, TaskState state) {
    await().atMost(AgentHarness.WAIT).until(() -> {
      acknowledgeNew();
      return master.statusUpdates(taskId).stream().anyMatch(s -> s.getState() == state);
    });
  }

  private void acknowledgeNew() {
    List<TaskStatus> received = master.statusUpdates();
    for (int i = 0; i < received.size(); i++) {
      TaskStatus status = received.get(i);
      boolean held = unacknowledged.contains(status.getTaskId().getValue()) && isTerminal(status.getState());
      if (!held && acknowledged.add(i)) {
        master.send(Tasks.acknowledge(Tasks.FRAMEWORK, status));
      }
    }
  }

  private static boolean isTerminal(TaskState state) {
    return io.mezzo.agent.status.StatusUpdateManager.isTerminal(state);
  }

  private TaskStatus last(String taskId) {
    List<TaskStatus> updates = master.statusUpdates(taskId);
    return updates.get(updates.size() - 1);
  }

  private long checkpointedTasks() throws Exception {
    Path tasks = workDir.resolve("meta/frameworks/framework-1/tasks");
    if (!Files.isDirectory(tasks)) {
      return 0;
    }
    try (var dirs = Files.list(tasks)) {
      return dirs.filter(dir -> Files.exists(dir.resolve("task")) && Files.exists(dir.resolve("updates"))).count();
    }
  }
}
