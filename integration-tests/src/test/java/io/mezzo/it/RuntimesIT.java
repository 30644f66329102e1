package io.mezzo.it;

import io.mezzo.testkit.Requires;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The container runtimes on a cluster made by {@code mezzo cluster create}, through the CLI as
 * a user runs them and through a framework: a task to FINISHED with its output, the memory
 * limit, a missing image, and kill with the kill policy's grace period (for process tasks too;
 * the process runtime's other counterparts are in ClusterCliIT and the agent module).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RuntimesIT {
  private static final String CLUSTER = "runtimes";

  @RegisterExtension
  static final MezzoCluster cluster = MezzoCluster.named(CLUSTER);

  private Mezzo mezzo;
  private TestFramework framework;
  private Path workDir;

  @BeforeAll
  void startFramework() throws Exception {
    mezzo = cluster.mezzo();
    framework = TestFramework.start(cluster.zk(), "runtimes-it");
    workDir = cluster.agentWorkDir("agent-1");
  }

  @AfterAll
  void stopFramework() throws Exception {
    if (framework != null) {
      framework.close();
    }
  }

  private static void assumeRuntime(String runtime) {
    if (runtime.equals("process")) {
      return;
    }
    if (runtime.equals("docker")) {
      Requires.that(Machine.dockerImagePresent(Machine.IMAGE), "needs a Docker engine with " + Machine.IMAGE + " (.ci/run)");
    } else {
      Requires.that(Machine.ociAvailable(), "needs root, runc or crun, and " + Machine.IMAGE + " (.ci/run)");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"docker", "oci"})
  void runPrintsTheTasksOutput(String runtime) throws Exception {
    assumeRuntime(runtime);
    Mezzo.Result run = mezzo.run(120, "run", "--cluster", CLUSTER, "--runtime", runtime, "--image", Machine.IMAGE,
        "--", "echo", "hi");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).isEqualTo("hi\n");
    assertThat(run.stderr()).contains("TASK_FINISHED");
  }

  @ParameterizedTest
  @ValueSource(strings = {"docker", "oci"})
  void aTaskOverItsMemoryLimitFailsWithAMessageNamingTheLimit(String runtime) throws Exception {
    assumeRuntime(runtime);
    Requires.that(Machine.memoryCgroupWritable(), "needs root and a writable memory cgroup");
    Mezzo.Result run = mezzo.run(120, "run", "--cluster", CLUSTER, "--runtime", runtime, "--image", Machine.IMAGE,
        "--mem", "32", "--", "head -c 200000000 /dev/zero | tail > /dev/null");
    assertThat(run.exitCode()).as(run.toString()).isNotZero();
    assertThat(run.stderr()).contains("TASK_FAILED").contains("Memory limit exceeded").contains("32 MB");
  }

  @ParameterizedTest
  @ValueSource(strings = {"docker", "oci"})
  void aMissingImageFailsTheTaskNamingTheImage(String runtime) throws Exception {
    assumeRuntime(runtime);
    Mezzo.Result run = mezzo.run(180, "run", "--cluster", CLUSTER, "--runtime", runtime, "--image",
        "mezzo/no-such-image:none", "--", "true");
    assertThat(run.exitCode()).as(run.toString()).isNotZero();
    assertThat(run.stderr()).contains("TASK_FAILED").contains("mezzo/no-such-image:none");
  }

  @ParameterizedTest
  @ValueSource(strings = {"process", "docker", "oci"})
  void killSendsTermThenKillAfterTheGracePeriod(String runtime) throws Exception {
    assumeRuntime(runtime);
    String polite = runtime + "-polite";
    String stubborn = runtime + "-stubborn";
    framework.launch(
        TestFramework.withGrace(TestFramework.task(polite, runtime, Machine.IMAGE,
            "trap 'echo got TERM; exit 0' TERM; echo ready; while true; do sleep 0.1; done", 32), Duration.ofSeconds(30)),
        TestFramework.withGrace(TestFramework.task(stubborn, runtime, Machine.IMAGE,
            "trap '' TERM; echo ready; while true; do sleep 0.1; done", 32), Duration.ofSeconds(1)));
    framework.await(polite, TaskState.TASK_RUNNING);
    framework.await(stubborn, TaskState.TASK_RUNNING);
    // Killed only once the shells have set their traps.
    org.awaitility.Awaitility.await().atMost(TestFramework.WAIT).until(() ->
        read(sandbox(polite).resolve("stdout")).contains("ready") && read(sandbox(stubborn).resolve("stdout")).contains("ready"));

    framework.kill(polite);
    framework.kill(stubborn);

    TaskStatus politeEnd = framework.awaitTerminal(polite);
    assertThat(politeEnd.getState()).isEqualTo(TaskState.TASK_KILLED);
    org.awaitility.Awaitility.await().atMost(TestFramework.WAIT)
        .until(() -> read(sandbox(polite).resolve("stdout")).contains("got TERM"));
    TaskStatus stubbornEnd = framework.awaitTerminal(stubborn);
    assertThat(stubbornEnd.getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(stubbornEnd.getMessage()).contains("Killed");
  }

  private Path sandbox(String taskId) {
    return workDir.resolve("frameworks").resolve(framework.frameworkId().getValue()).resolve("executors")
        .resolve(taskId).resolve("runs").resolve("latest");
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
