package io.mezzo.agent.runtime.docker;

import static io.mezzo.agent.runtime.docker.DockerRuntimeTest.ports;
import static io.mezzo.agent.runtime.docker.DockerRuntimeTest.scalar;
import static io.mezzo.agent.runtime.docker.DockerRuntimeTest.task;
import static io.mezzo.agent.runtime.docker.DockerRuntimeTest.withContainer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.agent.spi.ContainerLaunchException;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.ContainerInfo;
import io.mezzo.v1.Protos.ContainerInfo.DockerInfo;
import io.mezzo.v1.Protos.Environment;
import io.mezzo.v1.Protos.Parameter;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.Volume;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a TaskInfo becomes what the engine is asked to create; no Docker needed. */
class DockerContainerSpecTest {
  private static final Path SANDBOX = Path.of("/work/frameworks/f/executors/t/runs/c");

  @Test
  void shellCommandsRunThroughShAndTheSandboxIsMounted() {
    TaskInfo task = TaskInfo.newBuilder(task("echo $A"))
        .setCommand(CommandInfo.newBuilder().setValue("echo $A").setEnvironment(Environment.newBuilder()
            .addVariables(Environment.Variable.newBuilder().setName("A").setValue("1"))
            .addVariables(Environment.Variable.newBuilder().setName("MESOS_SANDBOX").setValue("mine"))))
        .addResources(scalar("mem", 128)).addResources(scalar("cpus", 1.5))
        .build();

    DockerContainerSpec spec = DockerContainerSpec.of(request("c1", task, Map.of("MESOS_TASK_ID", "t")), "agent-7");

    assertThat(spec.name()).isEqualTo("mezzo-c1");
    assertThat(spec.cmd()).containsExactly("sh", "-c", "echo $A");
    assertThat(spec.env()).containsEntry("A", "1").containsEntry("MESOS_TASK_ID", "t")
        .containsEntry("MESOS_SANDBOX", "/mnt/mesos/sandbox");
    assertThat(spec.binds()).containsExactly(new DockerContainerSpec.Bind(SANDBOX.toString(), "/mnt/mesos/sandbox", false));
    assertThat(spec.labels()).containsEntry("mezzo.framework", Tasks.FRAMEWORK.getValue())
        .containsEntry("mezzo.task", task.getTaskId().getValue()).containsEntry("mezzo.agent", "agent-7");
    assertThat(spec.networkMode()).isEqualTo("host");
    assertThat(spec.memoryBytes()).isEqualTo(128L * 1024 * 1024);
    assertThat(spec.cpuShares()).isEqualTo(1536);
    assertThat(spec.cpuQuota()).isEqualTo(150_000);
  }

  @Test
  void nonShellCommandsRunTheValueWithTheArguments() {
    TaskInfo task = TaskInfo.newBuilder(task("x"))
        .setCommand(CommandInfo.newBuilder().setShell(false).setValue("/bin/echo").addArguments("a").addArguments("b c"))
        .build();

    assertThat(DockerContainerSpec.of(request("c", task, Map.of()), null).cmd()).containsExactly("/bin/echo", "a", "b c");
  }

  @Test
  void volumesMapHostPathsWithTheirModeAndRelativePathsStayInTheSandbox() {
    TaskInfo task = withContainer(task("x"), docker(DockerInfo.newBuilder().setImage("i"))
        .addVolumes(Volume.newBuilder().setHostPath("/srv/data").setContainerPath("/data").setMode(Volume.Mode.RO))
        .addVolumes(Volume.newBuilder().setHostPath("cache").setContainerPath("cache").setMode(Volume.Mode.RW)));

    DockerContainerSpec spec = DockerContainerSpec.of(request("c", task, Map.of()), null);

    assertThat(spec.binds()).containsExactly(
        new DockerContainerSpec.Bind(SANDBOX.toString(), "/mnt/mesos/sandbox", false),
        new DockerContainerSpec.Bind("/srv/data", "/data", true),
        new DockerContainerSpec.Bind(SANDBOX.resolve("cache").toString(), "/mnt/mesos/sandbox/cache", false));
  }

  @Test
  void whatTheRuntimeCannotHonourIsRefusedWithAReason() {
    assertRefused(withContainer(task("x"), docker(DockerInfo.newBuilder().setImage("i"))
        .addVolumes(Volume.newBuilder().setHostPath("../../etc").setContainerPath("/etc2").setMode(Volume.Mode.RW))),
        "that leaves the sandbox");
    assertRefused(withContainer(task("x"), docker(DockerInfo.newBuilder().setImage("i")
        .addParameters(Parameter.newBuilder().setKey("ulimit").setValue("nofile=1")))), "DockerInfo.parameters");
    assertRefused(withContainer(task("x"), docker(DockerInfo.newBuilder().setImage("i")
        .setNetwork(DockerInfo.Network.USER))), "network USER");
    assertRefused(withContainer(TaskInfo.newBuilder(task("x")).addResources(ports(31000, 31009)).build(),
        docker(DockerInfo.newBuilder().setImage("i")
            .addPortMappings(DockerInfo.PortMapping.newBuilder().setHostPort(31000).setContainerPort(80)))),
        "need network BRIDGE");
    assertRefused(withContainer(task("x"), docker(DockerInfo.newBuilder().setImage("i")
        .setNetwork(DockerInfo.Network.BRIDGE)
        .addPortMappings(DockerInfo.PortMapping.newBuilder().setHostPort(31000).setContainerPort(80)))),
        "maps host port 31000, which is not in its ports resources (none)");
  }

  @Test
  void bridgePortMappingsInsideThePortsResourcesAreKept() {
    TaskInfo task = withContainer(TaskInfo.newBuilder(task("x")).addResources(ports(31000, 31009)).build(),
        docker(DockerInfo.newBuilder().setImage("i").setNetwork(DockerInfo.Network.BRIDGE)
            .addPortMappings(DockerInfo.PortMapping.newBuilder().setHostPort(31009).setContainerPort(53).setProtocol("UDP"))));

    DockerContainerSpec spec = DockerContainerSpec.of(request("c", task, Map.of()), null);

    assertThat(spec.networkMode()).isEqualTo("bridge");
    assertThat(spec.portMappings()).containsExactly(new DockerContainerSpec.PortMapping(31009, 53, "udp"));
  }

  private static void assertRefused(TaskInfo task, String reason) {
    assertThatThrownBy(() -> DockerContainerSpec.of(request("c", task, Map.of()), null))
        .isInstanceOf(ContainerLaunchException.class)
        .hasMessageContaining(reason);
  }

  private static ContainerInfo.Builder docker(DockerInfo.Builder docker) {
    return ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER).setDocker(docker);
  }

  private static LaunchRequest request(String containerId, TaskInfo task, Map<String, String> env) {
    return new LaunchRequest(containerId, Tasks.FRAMEWORK, task, SANDBOX, env);
  }
}
