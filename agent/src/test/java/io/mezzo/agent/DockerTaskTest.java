package io.mezzo.agent;

import static io.mezzo.agent.ContainerTaskHarness.IMAGE;
import static io.mezzo.agent.ContainerTaskHarness.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import io.mezzo.agent.runtime.ProcessRuntime;
import io.mezzo.agent.runtime.docker.DockerEngine;
import io.mezzo.agent.runtime.docker.DockerRuntime;
import io.mezzo.agent.support.Timers;
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
import io.mezzo.agent.testing.Tasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Docker tasks through a whole agent, from RUN_TASK to status updates; skipped where no Docker engine answers. */
class DockerTaskTest {
  @TempDir
  Path workDir;

  private ContainerTaskHarness harness;

  @BeforeAll
  static void needsDocker() {
    ContainerTaskHarness.assumeDockerEngine();
  }

  @BeforeEach
  void startAgent() throws Exception {
    harness = ContainerTaskHarness.withRuntimes(workDir, "cpus:2;mem:1024;disk:1024;ports:[31000-31009]",
        (vertx, timers) -> List.of(
            new ProcessRuntime(vertx, timers),
            // Real timers for the kill grace period: the test waits for SIGKILL instead of moving time.
            new DockerRuntime(DockerEngine.defaultHost(), Timers.vertx(vertx))));
  }

  @AfterEach
  void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void theAgentRegistersItsRuntimesAndShowsThemAsAnAttribute() {
    AgentCall register = harness.master.registrations().get(0);

    assertThat(register.getRegister().getRuntimesList()).containsExactly("process", "docker");
    assertThat(register.getRegister().getAgentInfo().getAttributesList())
        .filteredOn(a -> a.getName().equals("runtimes"))
        .extracting(Attribute::getType, a -> a.getText().getValue())
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Value.Type.TEXT, "process,docker"));
  }

  @Test
  void aDockerTaskFinishesWithItsOutputInTheSandbox() throws Exception {
    TaskInfo task = dockerTask("echo hi", IMAGE);
    harness.run(task);

    harness.awaitState(task, TaskState.TASK_RUNNING);
    TaskStatus finished = harness.awaitState(task, TaskState.TASK_FINISHED);

    assertThat(finished.getMessage()).isEqualTo("Command exited with status 0");
    assertThat(Files.readString(harness.sandboxFile("stdout"))).isEqualTo("hi\n");
  }

  @Test
  void aFailingCommandFailsTheTaskWithItsStatus() {
    TaskInfo task = dockerTask("exit 3", IMAGE);
    harness.run(task);

    TaskStatus failed = harness.awaitState(task, TaskState.TASK_FAILED);

    assertThat(failed.getMessage()).isEqualTo("Command exited with status 3");
    assertThat(failed.hasReason()).isFalse();
  }

  @Test
  void aTaskOverItsMemoryFailsWithTheMemoryLimitationReason() {
    TaskInfo task = TaskInfo.newBuilder(dockerTask("head -c 200000000 /dev/zero | tail > /dev/null", IMAGE))
        .addResources(scalar("mem", 32))
        .build();
    harness.run(task);

    TaskStatus failed = harness.awaitState(task, TaskState.TASK_FAILED);

    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY);
    assertThat(failed.getMessage()).startsWith("Memory limit exceeded").contains("32 MB");
  }

  @Test
  void aMissingImageFailsTheLaunchWithTheEnginesMessage() {
    TaskInfo task = dockerTask("true", "mezzo/does-not-exist:1");
    harness.run(task);

    TaskStatus failed = harness.awaitState(task, TaskState.TASK_FAILED);

    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    assertThat(failed.getMessage())
        .startsWith("Image 'mezzo/does-not-exist:1' is not available locally and could not be pulled: ");
  }

  @Test
  void killUsesTheKillPolicysGracePeriodAndRemovesTheContainer() throws Exception {
    TaskInfo task = TaskInfo.newBuilder(dockerTask("sleep 1000", IMAGE))
        .setKillPolicy(KillPolicy.newBuilder().setGracePeriod(DurationInfo.newBuilder().setNanoseconds(1_000_000_000L)))
        .build();
    harness.run(task);
    harness.awaitState(task, TaskState.TASK_RUNNING);
    assertThat(containersOf(task)).hasSize(1);

    harness.kill(task);
    harness.awaitState(task, TaskState.TASK_KILLED);

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
    harness.run(task);

    TaskStatus failed = harness.awaitState(task, TaskState.TASK_FAILED);

    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    assertThat(failed.getMessage()).contains("maps host port 31001, which is not in its ports resources [31000-31000]");
  }

  private List<Container> containersOf(TaskInfo task) throws Exception {
    try (var client = DockerEngine.client(DockerEngine.defaultHost(), Duration.ofSeconds(30))) {
      return client.listContainersCmd().withShowAll(true)
          .withLabelFilter(Map.of("mezzo.task", task.getTaskId().getValue())).exec();
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
}
