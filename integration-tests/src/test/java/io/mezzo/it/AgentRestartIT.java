package io.mezzo.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An agent killed with -9 while tasks run in every runtime this machine has (process always;
 * docker and oci where `.ci/run` set them up), then started again with
 * {@code mezzo cluster start}: every task is re-adopted; those that ended while no agent
 * watched are reported with their exit status; the others finish later, their output in their
 * sandboxes.
 */
class AgentRestartIT {
  private static final String CLUSTER = "restart";
  private static final String WAIT_FOR = "while [ ! -e %1$s ]; do sleep 0.1; done; rm %1$s; ";

  @RegisterExtension
  final MezzoCluster cluster = MezzoCluster.named(CLUSTER);

  private TestFramework framework;

  @AfterEach
  void stopFramework() throws Exception {
    if (framework != null) {
      framework.close();
    }
  }

  @Test
  void tasksOfEveryRuntimeSurviveAnAgentKill9AndAreReadoptedAfterItRestarts() throws Exception {
    JsonObject status = cluster.status();
    long agentPid = agent(status).getLong("pid");
    Path workDir = cluster.agentWorkDir("agent-1");

    List<String> runtimes = new ArrayList<>(List.of("process"));
    if (Machine.dockerImagePresent(Machine.IMAGE)) {
      runtimes.add("docker");
    }
    if (Machine.ociAvailable()) {
      runtimes.add("oci");
    }
    System.out.println("Runtimes under test: " + runtimes);
    framework = TestFramework.start(status.getString("zk"), "restart-it");
    for (String runtime : runtimes) {
      framework.launch(
          TestFramework.task(runtime + "-live", runtime, Machine.IMAGE, String.format(WAIT_FOR, "go") + "echo finished", 32),
          TestFramework.task(runtime + "-dies", runtime, Machine.IMAGE, String.format(WAIT_FOR, "die") + "exit 3", 32));
    }
    for (String runtime : runtimes) {
      framework.await(runtime + "-live", TaskState.TASK_RUNNING);
      framework.await(runtime + "-dies", TaskState.TASK_RUNNING);
    }

    ProcessHandle agent = ProcessHandle.of(agentPid).orElseThrow();
    agent.destroyForcibly();
    agent.onExit().get();
    // While no agent runs, one task of each runtime ends (it removes the file once it saw it).
    for (String runtime : runtimes) {
      Path sandbox = sandbox(workDir, runtime + "-dies");
      Files.writeString(sandbox.resolve("die"), "");
      await().atMost(TestFramework.WAIT).until(() -> !Files.exists(sandbox.resolve("die")));
    }

    Mezzo.Result started = cluster.mezzo().run(180, "cluster", "start", "--name", CLUSTER);
    assertThat(started.exitCode()).as(started.toString()).isZero();
    assertThat(started.stdout()).contains("Started agent-1").contains("is ready");
    assertThat(agent(cluster.status()).getLong("pid")).isNotEqualTo(agentPid);

    for (String runtime : runtimes) {
      TaskStatus died = framework.awaitTerminal(runtime + "-dies");
      assertThat(died.getState()).as(runtime).isEqualTo(TaskState.TASK_FAILED);
      assertThat(died.getMessage()).as(runtime).isEqualTo("Command exited with status 3");
      assertThat(framework.latest(runtime + "-live").orElseThrow().getState()).as(runtime).isEqualTo(TaskState.TASK_RUNNING);
    }
    for (String runtime : runtimes) {
      Files.writeString(sandbox(workDir, runtime + "-live").resolve("go"), "");
    }
    for (String runtime : runtimes) {
      TaskStatus finished = framework.awaitTerminal(runtime + "-live");
      assertThat(finished.getState()).as(runtime + ": " + finished.getMessage()).isEqualTo(TaskState.TASK_FINISHED);
      assertThat(Files.readString(sandbox(workDir, runtime + "-live").resolve("stdout"))).as(runtime).contains("finished");
    }
  }

  private static JsonObject agent(JsonObject status) {
    return status.getJsonArray("processes").stream().map(o -> (JsonObject) o)
        .filter(p -> p.getString("role").equals("agent")).findFirst().orElseThrow();
  }

  private Path sandbox(Path workDir, String taskId) {
    return workDir.resolve("frameworks").resolve(framework.frameworkId().getValue()).resolve("executors")
        .resolve(taskId).resolve("runs").resolve("latest");
  }
}
