package io.mezzo.it;

import io.mezzo.testkit.Requires;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The newcomer's path with real processes: {@code cluster create}, {@code run}, the batch
 * example, {@code cluster status} and {@code cluster delete}, then nothing left running.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterCliIT {
  @RegisterExtension
  static final MezzoCluster cluster = MezzoCluster.named("it").agents(2)
      .agentResources("cpus:2;mem:2048;disk:4096;ports:[31000-31099]");

  private Mezzo mezzo;
  private Path home;
  private final List<Long> pids = new ArrayList<>();

  @BeforeAll
  void rememberTheProcesses() throws Exception {
    mezzo = cluster.mezzo();
    home = cluster.home();
    for (Object o : cluster.status().getJsonArray("processes")) {
      pids.add(((JsonObject) o).getLong("pid"));
    }
  }

  @Test
  @Order(0)
  void createSaysTheClusterIsReadyAndHowToUseIt() {
    assertThat(cluster.created().stdout()).contains("Cluster 'it' is ready").contains("./mezzo run --cluster it")
        .containsPattern("Web UI: +http://127.0.0.1:[0-9]+/");
  }

  @Test
  @Order(1)
  void statusShowsEveryProcessAndTheLeader() throws Exception {
    JsonObject status = cluster.status();
    JsonArray processes = status.getJsonArray("processes");
    assertThat(processes).hasSize(4);
    assertThat(processes.stream().map(o -> ((JsonObject) o).getString("role")))
        .containsExactly("zookeeper", "master", "agent", "agent");
    assertThat(processes.stream().allMatch(o -> ((JsonObject) o).getBoolean("alive"))).isTrue();
    JsonObject master = processes.getJsonObject(1);
    assertThat(master.getBoolean("leading")).isTrue();
    assertThat(status.getString("master")).isEqualTo(master.getString("url"));
    assertThat(status.getInteger("agents_registered")).isEqualTo(2);
  }

  @Test
  @Order(2)
  void runPrintsTheTasksOutputAndExitsZero() throws Exception {
    Mezzo.Result run = mezzo.run(120, "run", "--cluster", "it", "--", "echo", "hello");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).isEqualTo("hello\n");
    assertThat(run.stderr()).contains("TASK_RUNNING").contains("TASK_FINISHED");
  }

  @Test
  @Order(3)
  void runExitsWithTheTasksExitCode() throws Exception {
    Mezzo.Result run = mezzo.run(120, "run", "--cluster", "it", "--", "echo oops >&2; exit 3");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
    assertThat(run.stderr()).contains("TASK_FAILED").contains("oops");
  }

  @Test
  @Order(3)
  void severalWordsRunAsAnArgvWithoutAShell() throws Exception {
    Mezzo.Result words = mezzo.run(120, "run", "--cluster", "it", "--", "echo", "a  b", "$HOME");
    assertThat(words.exitCode()).as(words.toString()).isZero();
    assertThat(words.stdout()).isEqualTo("a  b $HOME\n");

    Mezzo.Result exit = mezzo.run(120, "run", "--cluster", "it", "--", "sh", "-c", "exit 3");
    assertThat(exit.exitCode()).as(exit.toString()).isEqualTo(3);
  }

  @Test
  @Order(3)
  void aTaskOverItsMemoryLimitFailsWithAMessageNamingTheLimit() throws Exception {
    Requires.that(Machine.memoryCgroupWritable(), "needs root and a writable memory cgroup");
    Mezzo.Result run = mezzo.run(120, "run", "--cluster", "it", "--mem", "32", "--",
        "head -c 200000000 /dev/zero | tail > /dev/null");
    assertThat(run.exitCode()).as(run.toString()).isNotZero();
    assertThat(run.stderr()).contains("TASK_FAILED").contains("Memory limit exceeded").contains("32 MB");
  }

  @Test
  @Order(3)
  void runWorksInDockerWithALocalImage() throws Exception {
    Requires.that(Machine.dockerImagePresent(Machine.IMAGE),
        "needs a Docker engine with the local image mezzo/busybox:test (.ci/run makes it)");
    Mezzo.Result run = mezzo.run(120, "run", "--cluster", "it", "--runtime", "docker", "--image",
        "mezzo/busybox:test", "--", "echo", "hi");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).isEqualTo("hi\n");
  }

  @Test
  @Order(4)
  void theBatchExampleFinishesTwentyTasks() throws Exception {
    Mezzo.Result batch = mezzo.run(300, "batch", "--cluster", "it", "--tasks", "20", "--cmd", "echo hi");
    assertThat(batch.exitCode()).as(batch.toString()).isZero();
    assertThat(batch.stdout().lines().filter(l -> l.contains("TASK_FINISHED")).count()).isEqualTo(20);
  }

  @Test
  @Order(5)
  void aSecondCreateSaysItIsRunningAndChangesNothing() throws Exception {
    Mezzo.Result again = mezzo.run(60, "cluster", "create", "--name", "it");
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.stdout()).contains("already running");
    Mezzo.Result start = mezzo.run(60, "cluster", "start", "--name", "it");
    assertThat(start.exitCode()).as(start.toString()).isZero();
    assertThat(start.stdout()).contains("nothing to start");
    List<Long> now = new ArrayList<>();
    cluster.status().getJsonArray("processes").forEach(o -> now.add(((JsonObject) o).getLong("pid")));
    assertThat(now).isEqualTo(pids);
  }

  @Test
  @Order(6)
  void badInputIsRefusedWithExitCode2() throws Exception {
    assertThat(mezzo.run(60, "cluster", "create", "--name", "Bad_Name").exitCode()).isEqualTo(2);
    assertThat(mezzo.run(60, "run", "--cluster", "nope", "--", "true").exitCode()).isEqualTo(2);
    assertThat(mezzo.run(60, "cluster", "create", "--name", "x", "--zk", "http://wrong").exitCode()).isEqualTo(2);
    assertThat(mezzo.run(60, "cluster", "start", "--name", "Bad_Name").exitCode()).isEqualTo(2);
    Mezzo.Result unknown = mezzo.run(60, "cluster", "start", "--name", "x");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.stderr()).contains("No cluster named 'x'");
    assertThat(mezzo.run(60, "run", "--cluster", "it", "--runtime", "oci", "--", "true").exitCode()).isEqualTo(2);
    assertThat(mezzo.run(60, "run", "--cluster", "it", "--image", "busybox", "--", "true").exitCode()).isEqualTo(2);
    assertThat(mezzo.run(60, "run", "--cluster", "it", "--runtime", "lxc", "--image", "x", "--", "true").exitCode())
        .isEqualTo(2);
    assertThat(Files.exists(home.resolve("clusters/x"))).isFalse();
  }

  @Test
  @Order(7)
  void quotaWeightsAndReservationsWorkThroughTheCliOnTheRealAllocator() throws Exception {
    Mezzo.Result set = mezzo.run(60, "quota", "set", "--cluster", "it", "--role", "eng", "--guarantee",
        "cpus:1;mem:256", "--limit", "cpus:2;mem:1024");
    assertThat(set.exitCode()).as(set.toString()).isZero();
    Mezzo.Result quota = mezzo.run(60, "quota", "get", "--cluster", "it");
    assertThat(quota.stdout()).containsPattern("eng +cpus:1(\\.0)?;mem:256(\\.0)? +cpus:2(\\.0)?;mem:1024(\\.0)?");

    assertThat(mezzo.run(60, "weights", "set", "--cluster", "it", "eng=2").exitCode()).isZero();
    assertThat(mezzo.run(60, "weights", "get", "--cluster", "it").stdout()).containsPattern("eng +2(\\.0)?");

    String masterUrl = cluster.status().getString("master");
    JsonObject state = new JsonObject(java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(masterUrl + "/state")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body());
    String agentId = state.getJsonArray("slaves").getJsonObject(0).getString("id");
    Mezzo.Result reserve = mezzo.run(60, "reserve", "--cluster", "it", "--agent", agentId, "--role", "eng",
        "cpus:1;mem:128");
    assertThat(reserve.exitCode()).as(reserve.toString()).isZero();
    Mezzo.Result unreserve = mezzo.run(60, "unreserve", "--cluster", "it", "--agent", agentId, "--role", "eng",
        "cpus:1;mem:128");
    assertThat(unreserve.exitCode()).as(unreserve.toString()).isZero();
    Mezzo.Result again = mezzo.run(60, "unreserve", "--cluster", "it", "--agent", agentId, "--role", "eng",
        "cpus:1;mem:128");
    assertThat(again.exitCode()).as("nothing is reserved any more").isEqualTo(1);
    assertThat(again.stderr()).contains("409");

    assertThat(mezzo.run(60, "quota", "remove", "--cluster", "it", "--role", "eng").exitCode()).isZero();
    assertThat(mezzo.run(60, "quota", "get", "--cluster", "it").stdout()).doesNotContain("eng");
  }

  private static Optional<String> workingDirectory(long pid) {
    try {
      return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")).toString());
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  @AfterAll
  void deleteLeavesNothingRunning() throws Exception {
    cluster.delete();
    for (long pid : pids) {
      Optional<ProcessHandle> handle = ProcessHandle.of(pid);
      assertThat(handle.map(ProcessHandle::isAlive).orElse(false)).as("pid %d still alive", pid).isFalse();
    }
    assertThat(Files.exists(home.resolve("clusters/it"))).isFalse();
    // No node or task process of this cluster survives: nodes name the cluster's directory on their
    // command line, tasks run with their sandbox (inside it) as working directory.
    assertThat(ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(home.toString())).orElse(false)
            || workingDirectory(p.pid()).map(d -> d.startsWith(home.toString())).orElse(false))
        .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
        .toList()).isEmpty();
    Mezzo.Result list = mezzo.run(60, "cluster", "list");
    assertThat(list.stdout()).contains("No clusters");
  }
}
