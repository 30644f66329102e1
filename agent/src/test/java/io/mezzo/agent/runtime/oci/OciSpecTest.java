package io.mezzo.agent.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.agent.runtime.cgroups.ResourceLimits;
import io.mezzo.agent.spi.ContainerLaunchException;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.Environment;
import io.mezzo.v1.Protos.TaskInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OciSpecTest {
  private static final Path SANDBOX = Path.of("/var/lib/mezzo/slaves/s/runs/c1");
  private static final Path ROOTFS = Path.of("/var/lib/mezzo/oci/images/docker-abc/rootfs");

  @Test
  void aShellCommandRunsUnderBinShInTheSandboxWithTheRuncDefaults() {
    JsonObject config = OciSpec.config(request(task("echo hi")), ROOTFS, "/mezzo/c1/oci", "host-1",
        List.of(Path.of("/etc/resolv.conf"), Path.of("/etc/hosts")), null);

    JsonObject process = config.getJsonObject("process");
    assertThat(config.getString("ociVersion")).isEqualTo("1.0.2-dev");
    assertThat(process.getBoolean("terminal")).isFalse();
    assertThat(process.getJsonArray("args").getList()).containsExactly("/bin/sh", "-c", "echo hi");
    assertThat(process.getString("cwd")).isEqualTo("/mnt/mesos/sandbox");
    assertThat(process.getJsonObject("user")).isEqualTo(new JsonObject().put("uid", 0).put("gid", 0));
    assertThat(process.getBoolean("noNewPrivileges")).isTrue();
    assertThat(process.getJsonObject("capabilities").getJsonArray("bounding").getList())
        .containsExactly("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
    assertThat(process.getJsonArray("rlimits").getJsonObject(0))
        .isEqualTo(new JsonObject().put("type", "RLIMIT_NOFILE").put("hard", 1024).put("soft", 1024));
    assertThat(config.getJsonObject("root"))
        .isEqualTo(new JsonObject().put("path", ROOTFS.toString()).put("readonly", true));
    assertThat(config.getString("hostname")).isEqualTo("host-1");
  }

  @Test
  void mountsAddTheSandboxTmpAndTheHostsNameFilesToTheDefaults() {
    JsonObject config = OciSpec.config(request(task("true")), ROOTFS, null, null, List.of(Path.of("/etc/hosts")), null);

    Map<String, JsonObject> mounts = config.getJsonArray("mounts").stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(m -> m.getString("destination"), m -> m, (a, b) -> a, java.util.LinkedHashMap::new));
    assertThat(mounts.keySet()).containsExactly("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys",
        "/sys/fs/cgroup", "/tmp", "/mnt/mesos/sandbox", "/etc/hosts");
    assertThat(mounts.get("/mnt/mesos/sandbox")).isEqualTo(new JsonObject().put("destination", "/mnt/mesos/sandbox")
        .put("type", "bind").put("source", SANDBOX.toString()).put("options", new JsonArray().add("rbind").add("rw")));
    assertThat(mounts.get("/tmp").getString("type")).isEqualTo("tmpfs");
    assertThat(mounts.get("/etc/hosts").getJsonArray("options").getList()).containsExactly("rbind", "ro");
    assertThat(mounts.get("/etc/hosts").getString("source")).isEqualTo("/etc/hosts");
    assertThat(config.containsKey("hostname")).isFalse();
  }

  @Test
  void theContainerHasItsOwnPidIpcUtsAndMountNamespacesButTheHostsNetwork() {
    JsonObject linux = OciSpec.config(request(task("true")), ROOTFS, "/mezzo/c1/oci", null, List.of(), null)
        .getJsonObject("linux");

    assertThat(linux.getJsonArray("namespaces").stream().map(ns -> ((JsonObject) ns).getString("type")))
        .containsExactly("pid", "ipc", "uts", "mount");
    assertThat(linux.getString("cgroupsPath")).isEqualTo("/mezzo/c1/oci");
    assertThat(linux.getJsonArray("maskedPaths").getList()).contains("/proc/kcore", "/sys/firmware");
    assertThat(linux.getJsonArray("readonlyPaths").getList()).contains("/proc/sys", "/proc/sysrq-trigger");
    // No limits of its own: the caller's cgroup has them.
    assertThat(linux.getJsonObject("resources").fieldNames()).containsExactly("devices");
  }

  @Test
  void cpuLimitsGoIntoTheConfigOnlyWhenAsked() {
    JsonObject resources = OciSpec.config(request(task("true")), ROOTFS, "/x/oci", null, List.of(),
        new ResourceLimits(64, 0.5)).getJsonObject("linux").getJsonObject("resources");

    assertThat(resources.getJsonObject("cpu"))
        .isEqualTo(new JsonObject().put("shares", 512L).put("quota", 50_000L).put("period", 100_000L));
    assertThat(resources.containsKey("memory")).isFalse();
  }

  @Test
  void aCommandWithoutShellRunsItsValueWithArgumentsAfterArgvZero() {
    TaskInfo task = TaskInfo.newBuilder(task("ignored")).setCommand(CommandInfo.newBuilder()
        .setShell(false).setValue("/bin/echo").addArguments("echo").addArguments("a b").addArguments("c")).build();

    assertThat(OciSpec.args(task)).containsExactly("/bin/echo", "a b", "c");
  }

  @Test
  void theEnvironmentIsPathThenTheTasksThenTheAgentsWithSandboxPathsAsSeenInside() {
    TaskInfo task = TaskInfo.newBuilder(task("true")).setCommand(CommandInfo.newBuilder().setValue("true")
        .setEnvironment(Environment.newBuilder()
            .addVariables(Environment.Variable.newBuilder().setName("A").setValue("task"))
            .addVariables(Environment.Variable.newBuilder().setName("B").setValue("task"))
            .addVariables(Environment.Variable.newBuilder().setName("S").setType(Environment.Variable.Type.SECRET))))
        .build();
    LaunchRequest request = new LaunchRequest("c1", Tasks.FRAMEWORK, task, SANDBOX, new java.util.TreeMap<>(Map.of(
        "B", "agent", "MESOS_SANDBOX", SANDBOX.toString(), "MEZZO_SANDBOX", SANDBOX.toString(),
        "MESOS_DIRECTORY", SANDBOX.toString(), "MESOS_TASK_ID", "t1")));

    List<String> env = OciSpec.env(request);

    assertThat(env.get(0)).isEqualTo("PATH=" + OciSpec.DEFAULT_PATH);
    assertThat(env).contains("A=task", "B=agent", "MESOS_SANDBOX=/mnt/mesos/sandbox", "MEZZO_SANDBOX=/mnt/mesos/sandbox",
        "MESOS_DIRECTORY=/mnt/mesos/sandbox", "MESOS_TASK_ID=t1");
    assertThat(env).noneMatch(v -> v.startsWith("S=") || v.startsWith("B=task"));
  }

  @Test
  void aTaskWithoutACommandIsRefused() {
    TaskInfo task = TaskInfo.newBuilder(task("x")).clearCommand().build();
    TaskInfo empty = TaskInfo.newBuilder(task("x")).setCommand(CommandInfo.newBuilder().setShell(false)).build();

    assertThatThrownBy(() -> OciSpec.args(task)).isInstanceOf(ContainerLaunchException.class)
        .hasMessageContaining("has no command");
    assertThatThrownBy(() -> OciSpec.args(empty)).isInstanceOf(ContainerLaunchException.class)
        .hasMessageContaining("names no executable");
  }

  private static TaskInfo task(String command) {
    return Tasks.shellTask("t1", command);
  }

  private static LaunchRequest request(TaskInfo task) {
    return new LaunchRequest("c1", Tasks.FRAMEWORK, task, SANDBOX, Map.of());
  }
}
