package io.mezzo.agent;

import io.mezzo.agent.support.MasterUrl;
import io.mezzo.agent.support.Timers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.google.protobuf.ByteString;
import io.mezzo.agent.resources.ResourceSpec;
import io.mezzo.agent.runtime.DockerRuntime;
import io.mezzo.agent.runtime.ProcessRuntime;
import io.mezzo.agent.testing.FakeMaster;
import io.mezzo.testkit.ManualClock;
import io.mezzo.agent.testing.ManualTimers;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.v1.Protos.Attribute;
import io.mezzo.v1.Protos.ContainerInfo;
import io.mezzo.v1.Protos.ContainerInfo.DockerInfo;
import io.mezzo.v1.Protos.DurationInfo;
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
import java.time.Instant;
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

/** Docker tasks through a whole agent, from RUN_TASK to status updates; skipped where no Docker engine answers. */
class DockerTaskTest {
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
  static void needsDocker() {
    Assumptions.assumeTrue(DockerRuntime.reachable(DockerRuntime.defaultHost()),
        "no Docker engine answers at " + DockerRuntime.defaultHost());
  }

  @BeforeEach
  void startAgent() throws Exception {
    vertx.exceptionHandler(eventLoopFailures::add);
    master = FakeMaster.start(vertx, "agent-1");
    AgentConfig config = new AgentConfig(MasterUrl.parse(master.url()), AgentConfig.DEFAULT_IP, null, 0, workDir,
        ResourceSpec.parseResources("cpus:2;mem:1024;disk:1024;ports:[31000-31009]"), List.of(), List.of("process", "docker"));
    ManualTimers timers = new ManualTimers(new ManualClock(Instant.parse("2025-01-01T00:00:00Z")));
    agent = new Agent(config, java.time.Clock.systemUTC(), vertx, timers, List.of(
        new ProcessRuntime(vertx, timers),
        // Real timers for the kill grace period: the test waits for SIGKILL instead of moving time.
        new DockerRuntime(DockerRuntime.defaultHost(), Timers.vertx(vertx))));
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
  void theAgentRegistersItsRuntimesAndShowsThemAsAnAttribute() {
    AgentCall register = master.registrations().get(0);

    assertThat(register.getRegister().getRuntimesList()).containsExactly("process", "docker");
    assertThat(register.getRegister().getAgentInfo().getAttributesList())
        .filteredOn(a -> a.getName().equals("runtimes"))
        .extracting(Attribute::getType, a -> a.getText().getValue())
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Value.Type.TEXT, "process,docker"));
  }

  @Test
  void aDockerTaskFinishesWithItsOutputInTheSandbox() throws Exception {
    TaskInfo task = dockerTask("echo hi", IMAGE);
    master.send(Tasks.runTask(task));

    awaitState(task, TaskState.TASK_RUNNING);
    TaskStatus finished = awaitState(task, TaskState.TASK_FINISHED);

    assertThat(finished.getMessage()).isEqualTo("Command exited with status 0");
    try (var files = Tasks.sandboxTree(workDir)) {
      Path stdout = files.filter(p -> p.getFileName().toString().equals("stdout")).findFirst().orElseThrow();
      assertThat(Files.readString(stdout)).isEqualTo("hi\n");
    }
  }

  @Test
  void aFailingCommandFailsTheTaskWithItsStatus() {
    TaskInfo task = dockerTask("exit 3", IMAGE);
    master.send(Tasks.runTask(task));

    TaskStatus failed = awaitState(task, TaskState.TASK_FAILED);

    assertThat(failed.getMessage()).isEqualTo("Command exited with status 3");
    assertThat(failed.hasReason()).isFalse();
  }

  @Test
  void aTaskOverItsMemoryFailsWithTheMemoryLimitationReason() {
    TaskInfo task = TaskInfo.newBuilder(dockerTask("head -c 200000000 /dev/zero | tail > /dev/null", IMAGE))
        .addResources(scalar("mem", 32))
        .build();
    master.send(Tasks.runTask(task));

    TaskStatus failed = awaitState(task, TaskState.TASK_FAILED);

    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY);
    assertThat(failed.getMessage()).startsWith("Memory limit exceeded").contains("32 MB");
  }

  @Test
  void aMissingImageFailsTheLaunchWithTheEnginesMessage() {
    TaskInfo task = dockerTask("true", "mezzo/does-not-exist:1");
    master.send(Tasks.runTask(task));

    TaskStatus failed = awaitState(task, TaskState.TASK_FAILED);

    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    assertThat(failed.getMessage())
        .startsWith("Image 'mezzo/does-not-exist:1' is not available locally and could not be pulled: ");
  }

  @Test
  void killUsesTheKillPolicysGracePeriodAndRemovesTheContainer() throws Exception {
    TaskInfo task = TaskInfo.newBuilder(dockerTask("sleep 1000", IMAGE))
        .setKillPolicy(KillPolicy.newBuilder().setGracePeriod(DurationInfo.newBuilder().setNanoseconds(1_000_000_000L)))
        .build();
    master.send(Tasks.runTask(task));
    awaitState(task, TaskState.TASK_RUNNING);
    assertThat(containersOf(task)).hasSize(1);

    master.send(Tasks.killTask(Tasks.FRAMEWORK, task.getTaskId().getValue()));
    awaitState(task, TaskState.TASK_KILLED);

    assertThat(containersOf(task)).isEmpty();
  }

  @Test
  void aPortMappingOutsideTheTasksPortsFailsTheTask() {
    TaskInfo task = TaskInfo.newBuilder(dockerTask("true", IMAGE))
        .addResources(Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
            .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(31000).setEnd(31000))))
        .setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER).setDocker(DockerInfo.newBuilder()
            .setImage(IMAGE)
            .setNetwork(DockerInfo.Network.BRIDGE)
            .addPortMappings(DockerInfo.PortMapping.newBuilder().setHostPort(31001).setContainerPort(80))))
        .build();
    master.send(Tasks.runTask(task));

    TaskStatus failed = awaitState(task, TaskState.TASK_FAILED);

    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    assertThat(failed.getMessage()).contains("maps host port 31001, which is not in its ports resources [31000-31000]");
  }

  private List<Container> containersOf(TaskInfo task) throws Exception {
    try (var client = com.github.dockerjava.core.DockerClientImpl.getInstance(
        com.github.dockerjava.core.DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost(DockerRuntime.defaultHost()).build(),
        new com.github.dockerjava.zerodep.ZerodepDockerHttpClient.Builder()
            .dockerHost(java.net.URI.create(DockerRuntime.defaultHost())).build())) {
      return client.listContainersCmd().withShowAll(true)
          .withLabelFilter(java.util.Map.of("mezzo.task", task.getTaskId().getValue())).exec();
    } catch (NotFoundException e) {
      return List.of();
    }
  }

  private static TaskInfo dockerTask(String command, String image) {
    return TaskInfo.newBuilder(Tasks.shellTask(Tasks.uniqueId("docker"), command))
        .setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)
            .setDocker(DockerInfo.newBuilder().setImage(image)))
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
