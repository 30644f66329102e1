package io.mezzo.agent;

import io.mezzo.testkit.Requires;

import static io.mezzo.agent.ContainerTaskHarness.IMAGE;
import static io.mezzo.agent.ContainerTaskHarness.WAIT;
import static io.mezzo.agent.ContainerTaskHarness.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.runtime.ProcessRuntime;
import io.mezzo.agent.runtime.oci.OciRuntime;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.v1.Protos.ContainerInfo;
import io.mezzo.v1.Protos.DurationInfo;
import io.mezzo.v1.Protos.Image;
import io.mezzo.v1.Protos.KillPolicy;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OCI tasks through a whole agent with the runtimes it makes itself ({@code --runtimes
 * process,oci}), from RUN_TASK to status updates; skipped unless root with runc, a Docker
 * engine and the local image {@value ContainerTaskHarness#IMAGE}.
 */
class OciTaskTest {
  @TempDir
  Path workDir;

  private ContainerTaskHarness harness;

  @BeforeAll
  static void needsRootRuncAndTheImage() {
    Requires.that(ProcessRuntime.agentIsRoot(), "the oci runtime needs root");
    Requires.that(OciRuntime.defaultBinary().isPresent(), "no runc or crun on PATH");
    ContainerTaskHarness.assumeDockerImage(IMAGE);
  }

  @BeforeEach
  void startAgent() throws Exception {
    // No runtimes given: the agent makes them from its configuration, as AgentMain's agent does.
    harness = ContainerTaskHarness.withConfiguredRuntimes(workDir, "cpus:2;mem:1024;disk:1024", List.of("process", "oci"));
  }

  @AfterEach
  void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void anOciTaskFinishesWithItsOutputInTheSandbox() throws Exception {
    TaskInfo task = ociTask("echo hi from $(hostname)", IMAGE);
    harness.run(task);

    harness.awaitState(task, TaskState.TASK_RUNNING);
    TaskStatus finished = harness.awaitState(task, TaskState.TASK_FINISHED);

    assertThat(harness.master.registrations().get(0).getRegister().getRuntimesList()).containsExactly("process", "oci");
    assertThat(finished.getMessage()).isEqualTo("Command exited with status 0");
    String hostname = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
    assertThat(Files.readString(harness.sandboxFile("stdout"))).isEqualTo("hi from " + hostname + "\n");
    assertThat(workDir.resolve("oci/bundles")).isEmptyDirectory();
  }

  @Test
  void aTaskOverItsMemoryFailsWithTheMemoryLimitationReason() {
    TaskInfo task = TaskInfo.newBuilder(ociTask("head -c 200000000 /dev/zero | tail > /dev/null", IMAGE))
        .addResources(scalar("mem", 32))
        .build();
    harness.run(task);

    TaskStatus failed = harness.awaitState(task, TaskState.TASK_FAILED);

    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY);
    assertThat(failed.getMessage()).startsWith("Memory limit exceeded").contains("32 MB limit");
  }

  @Test
  void aMissingImageFailsTheLaunchNamingIt() {
    TaskInfo task = ociTask("true", "mezzo/does-not-exist:1");
    harness.run(task);

    TaskStatus failed = harness.awaitState(task, TaskState.TASK_FAILED);

    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    assertThat(failed.getMessage()).startsWith("Image 'mezzo/does-not-exist:1' is not available in the local Docker engine");
  }

  @Test
  void killUsesTheKillPolicysGracePeriod() {
    TaskInfo task = TaskInfo.newBuilder(ociTask("sleep 1000", IMAGE))
        .setKillPolicy(KillPolicy.newBuilder().setGracePeriod(DurationInfo.newBuilder().setNanoseconds(500_000_000L)))
        .build();
    harness.run(task);
    harness.awaitState(task, TaskState.TASK_RUNNING);

    harness.kill(task);

    harness.awaitState(task, TaskState.TASK_KILLED);
    await().atMost(WAIT).untilAsserted(() -> assertThat(workDir.resolve("oci/bundles")).isEmptyDirectory());
  }

  private static TaskInfo ociTask(String command, String image) {
    return TaskInfo.newBuilder(Tasks.shellTask(Tasks.uniqueId("oci"), command))
        .setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS)
            .setMesos(ContainerInfo.MesosInfo.newBuilder().setImage(Image.newBuilder()
                .setType(Image.Type.DOCKER)
                .setDocker(Image.Docker.newBuilder().setName(image)))))
        .build();
  }
}
