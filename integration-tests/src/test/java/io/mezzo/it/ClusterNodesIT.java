package io.mezzo.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.sdk.LocalClusters;
import io.mezzo.v1.Protos.TaskState;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mezzo cluster start} after one node of a running cluster was killed starts that node
 * only (the live ones keep their pids and their tasks); {@code mezzo cluster delete} after an
 * agent was killed with -9 ends the tasks it left running. The cluster is the default one, with
 * TLS: the restarted master comes back with its certificate and the framework trusts the cluster CA.
 */
class ClusterNodesIT {
  private static final String CLUSTER = "nodes";

  @TempDir
  Path home;

  private Mezzo mezzo;
  private TestFramework framework;
  private boolean deleted;

  @AfterEach
  void delete() throws Exception {
    if (framework != null) {
      framework.close();
    }
    if (mezzo != null && !deleted) {
      Mezzo.Result result = mezzo.run(120, "cluster", "delete", "--name", CLUSTER);
      assertThat(result.exitCode()).as(result.toString()).isZero();
    }
  }

  @Test
  void startAfterTheMasterWasKilledStartsTheMasterOnlyAndTheTaskKeepsRunning() throws Exception {
    create();
    JsonObject before = status();
    framework = TestFramework.start(LocalClusters.open(home.resolve("clusters").resolve(CLUSTER)), "nodes-it");
    framework.launch(TestFramework.task("long", "process", Machine.IMAGE, "sleep 600", 32));
    framework.await("long", TaskState.TASK_RUNNING);
    long zookeeper = pid(before, "zookeeper");
    long agent = pid(before, "agent");

    ProcessHandle master = ProcessHandle.of(pid(before, "master")).orElseThrow();
    master.destroyForcibly();
    master.onExit().get();
    Mezzo.Result started = mezzo.run(180, "cluster", "start", "--name", CLUSTER);

    assertThat(started.exitCode()).as(started.toString()).isZero();
    assertThat(started.stdout()).contains("Started master-1").doesNotContain("zookeeper (pid").doesNotContain("agent-1 (pid")
        .contains("is ready");
    JsonObject after = status();
    assertThat(pid(after, "zookeeper")).isEqualTo(zookeeper);
    assertThat(pid(after, "agent")).isEqualTo(agent);
    assertThat(ProcessHandle.of(zookeeper).map(ProcessHandle::isAlive)).hasValue(true);
    assertThat(ProcessHandle.of(agent).map(ProcessHandle::isAlive)).hasValue(true);
    assertThat(pid(after, "master")).isNotEqualTo(master.pid());
    framework.awaitSubscribed();
    assertThat(framework.latest("long").orElseThrow().getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(sleepsUnder(home)).as("the task's process").hasSize(1);
  }

  @Test
  void deleteAfterTheAgentWasKilledLeavesNoTaskBehind() throws Exception {
    create();
    JsonObject status = status();
    framework = TestFramework.start(LocalClusters.open(home.resolve("clusters").resolve(CLUSTER)), "nodes-it");
    framework.launch(TestFramework.task("orphan-1", "process", Machine.IMAGE, "sleep 600", 32),
        TestFramework.task("orphan-2", "process", Machine.IMAGE, "sleep 600", 32));
    framework.await("orphan-1", TaskState.TASK_RUNNING);
    framework.await("orphan-2", TaskState.TASK_RUNNING);
    ProcessHandle agent = ProcessHandle.of(pid(status, "agent")).orElseThrow();
    agent.destroyForcibly();
    agent.onExit().get();
    assertThat(sleepsUnder(home)).as("tasks outlive the agent").hasSize(2);
    framework.close();
    framework = null;

    Mezzo.Result result = mezzo.run(120, "cluster", "delete", "--name", CLUSTER);
    deleted = true;

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).contains("left running");
    assertThat(sleepsUnder(home)).isEmpty();
    assertThat(home.resolve("clusters").resolve(CLUSTER)).doesNotExist();
  }

  private void create() throws Exception {
    mezzo = new Mezzo(home);
    Mezzo.Result created = mezzo.run(180, "cluster", "create", "--name", CLUSTER, "--agents", "1",
        "--agent-resources", "cpus:2;mem:1024;disk:1024;ports:[31000-31009]");
    assertThat(created.exitCode()).as(created.toString()).isZero();
  }

  private JsonObject status() throws Exception {
    Mezzo.Result status = mezzo.run(60, "cluster", "status", "--name", CLUSTER, "-o", "json");
    assertThat(status.exitCode()).as(status.toString()).isZero();
    return new JsonObject(status.stdout());
  }

  private static long pid(JsonObject status, String role) {
    return status.getJsonArray("processes").stream().map(o -> (JsonObject) o)
        .filter(p -> p.getString("role").equals(role)).findFirst().orElseThrow().getLong("pid");
  }

  /** Live {@code sleep} processes whose working directory is under {@code dir} (the tasks' sandboxes). */
  private static List<ProcessHandle> sleepsUnder(Path dir) throws IOException {
    Path real = dir.toRealPath();
    return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
        .filter(h -> h.info().command().map(c -> c.endsWith("/sleep")).orElse(false))
        .filter(h -> {
          try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(h.pid()), "cwd")).startsWith(real);
          } catch (IOException | RuntimeException e) {
            return false;
          }
        }).toList();
  }
}
