package io.mezzo.agent;

import io.mezzo.agent.support.MasterUrl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.mezzo.agent.resources.ResourceSpec;
import io.mezzo.agent.runtime.DockerRuntime;
import io.mezzo.agent.runtime.ProcessRuntime;
import io.mezzo.agent.runtime.oci.OciRuntime;
import io.mezzo.agent.testing.FakeMaster;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.v1.Protos.ContainerInfo;
import io.mezzo.v1.Protos.DurationInfo;
import io.mezzo.v1.Protos.Image;
import io.mezzo.v1.Protos.KillPolicy;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.Protos.Value;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OCI tasks through a whole agent with the runtimes it makes itself ({@code --runtimes
 * process,oci}), from RUN_TASK to status updates; skipped unless root with runc, a Docker
 * engine and the local image {@value #IMAGE}.
 */
class OciTaskTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String IMAGE = "mezzo/busybox:test";

  @TempDir
  Path workDir;

  private final Vertx vertx = Vertx.vertx();
  private final List<Throwable> eventLoopFailures = new CopyOnWriteArrayList<>();
  private final Set<ByteString> acknowledged = new HashSet<>();
  private FakeMaster master;
  private Agent agent;

  @BeforeAll
  static void needsRootRuncAndTheImage() {
    Assumptions.assumeTrue(ProcessRuntime.agentIsRoot(), "the oci runtime needs root");
    Assumptions.assumeTrue(OciRuntime.defaultBinary().isPresent(), "no runc or crun on PATH");
    Assumptions.assumeTrue(DockerRuntime.reachable(DockerRuntime.defaultHost()),
        "no Docker engine answers at " + DockerRuntime.defaultHost());
    try (var client = DockerRuntime.client(DockerRuntime.defaultHost(), Duration.ofSeconds(10))) {
      client.inspectImageCmd(IMAGE).exec();
    } catch (Exception e) {
      Assumptions.abort("the local Docker image " + IMAGE + " is missing: " + e.getMessage());
    }
  }

  @BeforeEach
  void startAgent() throws Exception {
    vertx.exceptionHandler(eventLoopFailures::add);
    master = FakeMaster.start(vertx, "agent-1");
    AgentConfig config = new AgentConfig(MasterUrl.parse(master.url()), AgentConfig.DEFAULT_IP, null, 0, workDir,
        ResourceSpec.parseResources("cpus:2;mem:1024;disk:1024"), List.of(), List.of("process", "oci"));
    // No runtimes given: the agent makes them from its configuration, as AgentMain's agent does.
    agent = new Agent(config, java.time.Clock.systemUTC(), vertx, null, null);
    AgentHarness.get(agent.start());
    await().atMost(WAIT).until(() -> "agent-1".equals(agent.agentId()));
  }

  @AfterEach
  void stop() throws Exception {
    AgentHarness.get(agent.close());
    master.close();
    AgentHarness.get(vertx.close());
    assertThat(eventLoopFailures).as("failures on the event loop").isEmpty();
  }

  @Test
  void anOciTaskFinishesWithItsOutputInTheSandbox() throws Exception {
    TaskInfo task = ociTask("echo hi from $(hostname)", IMAGE);
    master.send(Tasks.runTask(task));

    awaitState(task, TaskState.TASK_RUNNING);
    TaskStatus finished = awaitState(task, TaskState.TASK_FINISHED);

    assertThat(master.registrations().get(0).getRegister().getRuntimesList()).containsExactly("process", "oci");
    assertThat(finished.getMessage()).isEqualTo("Command exited with status 0");
    String hostname = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
    assertThat(Files.readString(sandboxFile("stdout"))).isEqualTo("hi from " + hostname + "\n");
    assertThat(workDir.resolve("oci/bundles")).isEmptyDirectory();
  }

  @Test
  void aTaskOverItsMemoryFailsWithTheMemoryLimitationReason() {
    TaskInfo task = TaskInfo.newBuilder(ociTask("head -c 200000000 /dev/zero | tail > /dev/null", IMAGE))
        .addResources(scalar("mem", 32))
        .build();
    master.send(Tasks.runTask(task));

    TaskStatus failed = awaitState(task, TaskState.TASK_FAILED);

    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY);
    assertThat(failed.getMessage()).startsWith("Memory limit exceeded").contains("32 MB limit");
  }

  @Test
  void aMissingImageFailsTheLaunchNamingIt() {
    TaskInfo task = ociTask("true", "mezzo/does-not-exist:1");
    master.send(Tasks.runTask(task));

    TaskStatus failed = awaitState(task, TaskState.TASK_FAILED);

    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    assertThat(failed.getMessage()).startsWith("Image 'mezzo/does-not-exist:1' is not available in the local Docker engine");
  }

  @Test
  void killUsesTheKillPolicysGracePeriod() {
    TaskInfo task = TaskInfo.newBuilder(ociTask("sleep 1000", IMAGE))
        .setKillPolicy(KillPolicy.newBuilder().setGracePeriod(DurationInfo.newBuilder().setNanoseconds(500_000_000L)))
        .build();
    master.send(Tasks.runTask(task));
    awaitState(task, TaskState.TASK_RUNNING);

    master.send(Tasks.killTask(Tasks.FRAMEWORK, task.getTaskId().getValue()));

    awaitState(task, TaskState.TASK_KILLED);
    await().atMost(WAIT).untilAsserted(() -> assertThat(workDir.resolve("oci/bundles")).isEmptyDirectory());
  }

  private Path sandboxFile(String name) throws Exception {
    try (var files = Tasks.sandboxTree(workDir)) {
      return files.filter(p -> !p.startsWith(workDir.resolve("oci")) && p.getFileName().toString().equals(name))
          .findFirst().orElseThrow();
    }
  }

  private static TaskInfo ociTask(String command, String image) {
    return TaskInfo.newBuilder(Tasks.shellTask(Tasks.uniqueId("oci"), command))
        .setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS)
            .setMesos(ContainerInfo.MesosInfo.newBuilder().setImage(Image.newBuilder()
                .setType(Image.Type.DOCKER)
                .setDocker(Image.Docker.newBuilder().setName(image)))))
        .build();
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  /** Acknowledges each update of the task as it comes, until one in {@code state} arrives. */
  private TaskStatus awaitState(TaskInfo task, TaskState state) {
    String taskId = task.getTaskId().getValue();
    await().atMost(WAIT).until(() -> {
      for (TaskStatus status : master.statusUpdates(taskId)) {
        if (acknowledged.add(status.getUuid())) {
          master.send(Tasks.acknowledge(Tasks.FRAMEWORK, status));
        }
      }
      return master.statusUpdates(taskId).stream().anyMatch(s -> s.getState() == state);
    });
    return master.statusUpdates(taskId).stream().filter(s -> s.getState() == state).findFirst().orElseThrow();
  }
}
