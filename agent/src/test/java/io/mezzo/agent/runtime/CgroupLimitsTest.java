package io.mezzo.agent.runtime;

import io.mezzo.testkit.Requires;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.mezzo.agent.AgentHarness;
import io.mezzo.agent.runtime.cgroups.Cgroups;
import io.mezzo.agent.runtime.cgroups.CgroupsMode;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.Protos.Value;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes in real cgroups, through an agent and a fake master. Skipped where this
 * machine has no writable cgroups or the test does not run as root; on the build machines
 * (cgroup v1, root) they run.
 */
class CgroupLimitsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path workDir;

  private Cgroups cgroups;
  private AgentHarness harness;
  private final Set<ByteString> acknowledged = new HashSet<>();

  @BeforeEach
  void start() throws Exception {
    Requires.that(TaskUser.agentIsRoot(), "the tests must run as root to create cgroups");
    cgroups = Cgroups.detect(CgroupsMode.AUTO);
    Requires.that(cgroups.enabled(), () -> "no writable cgroups here: " + cgroups.reason());
    harness = new AgentHarness(workDir, 15, (vertx, timers) -> new ProcessRuntime(vertx, timers, cgroups));
  }

  @AfterEach
  void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void aTaskOverItsMemoryLimitFailsWithTheMemoryLimitationReason() throws Exception {
    // tail keeps a line without newline whole: it grows until the kernel kills it.
    harness.master.send(Tasks.runTask(task("hog", "head -c 200m /dev/zero | tail", 0.5, 32)));

    TaskStatus failed = awaitTerminal("hog");

    assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY);
    assertThat(failed.getMessage()).startsWith("Memory limit exceeded: Requested: 32MB").contains("(mem:32)");
    assertThat(cgroupDirs("hog")).isNotEmpty().allMatch(dir -> !Files.exists(dir));
  }

  @Test
  void aTaskWithinItsLimitsFinishesAndItsCgroupIsRemoved() throws Exception {
    harness.master.send(Tasks.runTask(task("small", "head -c 1m /dev/zero | tail -c 10 > /dev/null", 0.5, 64)));

    TaskStatus finished = awaitTerminal("small");

    assertThat(finished.getState()).isEqualTo(TaskState.TASK_FINISHED);
    assertThat(finished.hasReason()).isFalse();
    assertThat(cgroupDirs("small")).isNotEmpty().allMatch(dir -> !Files.exists(dir));
  }

  @Test
  void theLimitsAreWrittenAndTheTaskRunsInsideItsCgroup() throws Exception {
    harness.master.send(Tasks.runTask(task("sleeper", "echo $$ > pid; exec sleep 1000", 0.5, 48)));
    await().atMost(WAIT).until(() -> cgroupDirs("sleeper").size() > 0);
    List<Path> dirs = cgroupDirs("sleeper");
    Path memory = dirs.get(0);
    Path cpu = dirs.get(dirs.size() - 1);
    await().atMost(WAIT).until(() -> Files.exists(memory.resolve("cgroup.procs")) && !read(memory.resolve("cgroup.procs")).isBlank());

    String pid = read(memory.resolve("cgroup.procs")).trim();
    if (cgroups.version().orElseThrow() == Cgroups.Version.V1) {
      assertThat(read(memory.resolve("memory.limit_in_bytes")).trim()).isEqualTo(Long.toString(48L * 1024 * 1024));
      assertThat(read(cpu.resolve("cpu.shares")).trim()).isEqualTo("512");
      assertThat(read(cpu.resolve("cpu.cfs_period_us")).trim()).isEqualTo("100000");
      assertThat(read(cpu.resolve("cpu.cfs_quota_us")).trim()).isEqualTo("50000");
      assertThat(read(cpu.resolve("cgroup.procs")).trim()).isEqualTo(pid);
    } else {
      assertThat(read(memory.resolve("memory.max")).trim()).isEqualTo(Long.toString(48L * 1024 * 1024));
      assertThat(read(cpu.resolve("cpu.max")).trim()).isEqualTo("50000 100000");
      assertThat(read(cpu.resolve("cpu.weight")).trim()).isEqualTo("50");
    }
    // The task's own process is the one in the cgroup: the prologue joined it before exec.
    Path sandbox = sandbox("sleeper");
    await().atMost(WAIT).until(() -> Files.exists(sandbox.resolve("pid")) && !read(sandbox.resolve("pid")).isBlank());
    assertThat(read(sandbox.resolve("pid")).trim()).isEqualTo(pid);

    harness.master.send(Tasks.killTask(Tasks.FRAMEWORK, "sleeper"));
    assertThat(awaitTerminal("sleeper").getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(dirs).allMatch(dir -> !Files.exists(dir));
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

  /** The cgroup directories of the task's container, found by its id in the sandbox path. */
  private List<Path> cgroupDirs(String taskId) throws Exception {
    Path sandbox = sandbox(taskId);
    return sandbox == null ? List.of() : cgroups.directories(sandbox.getFileName().toString());
  }

  private Path sandbox(String taskId) throws Exception {
    try (var runs = Tasks.sandboxTree(workDir).filter(path -> Files.isDirectory(path)
        && path.getParent() != null && path.getParent().getFileName().toString().equals("runs")
        && path.toString().contains("/" + taskId + "/") && !path.getFileName().toString().equals("latest"))) {
      return runs.findFirst().orElse(null);
    }
  }

  static TaskInfo task(String id, String command, double cpus, double mem) {
    return TaskInfo.newBuilder(Tasks.shellTask(id, command))
        .addResources(scalar("cpus", cpus))
        .addResources(scalar("mem", mem))
        .build();
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  private static String read(Path file) throws java.io.IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
