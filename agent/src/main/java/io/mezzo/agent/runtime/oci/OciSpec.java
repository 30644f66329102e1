package io.mezzo.agent.runtime.oci;

import io.mezzo.agent.runtime.ProcessRuntime;
import io.mezzo.agent.runtime.cgroups.ContainerCgroup;
import io.mezzo.agent.runtime.cgroups.ResourceLimits;
import io.mezzo.agent.spi.ContainerLaunchException;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.Environment;
import io.mezzo.v1.Protos.TaskInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code config.json} of a task's OCI bundle: {@code runc spec}'s defaults (capabilities,
 * masked and read-only paths, the /proc, /dev, /sys mounts, RLIMIT_NOFILE, no new privileges)
 * with the task's command, environment and mounts. The root filesystem is the shared, cached
 * image rootfs, read-only; {@code /tmp} is a tmpfs; the sandbox is bind-mounted read-write at
 * {@value #SANDBOX} (the working directory); the host's {@code /etc/resolv.conf} and
 * {@code /etc/hosts} are bind-mounted read-only. The container has its own pid, ipc, uts and
 * mount namespaces but the host's network, as Mesos's default. Pure: no file is read or written.
 */
public final class OciSpec {
  /** Where the sandbox is mounted in the container, as the Mesos containerizer does. */
  public static final String SANDBOX = "/mnt/mesos/sandbox";
  /** The PATH a task gets unless its environment sets one. */
  public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  /** Agent variables that name the sandbox on the host: rewritten to {@link #SANDBOX}. */
  static final Set<String> SANDBOX_VARIABLES = Set.of("MESOS_SANDBOX", "MEZZO_SANDBOX", "MESOS_DIRECTORY");
  static final String OCI_VERSION = "1.0.2-dev";
  private static final List<String> CAPABILITIES = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
  private static final List<String> MASKED_PATHS = List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
      "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi");
  private static final List<String> READONLY_PATHS = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
      "/proc/sysrq-trigger");

  private OciSpec() {}

  /**
   * The bundle configuration for {@code request}.
   *
   * @param rootfs the image's root filesystem on the host (shared by containers, mounted read-only)
   * @param cgroupsPath the container's cgroup as the OCI runtime's cgroupfs driver reads it
   *     (absolute: from the root of each hierarchy), or null for the runtime's default
   * @param hostname the container's hostname (its own uts namespace), usually the host's
   * @param hostFiles host files to bind read-only at the same path ({@code /etc/resolv.conf},
   *     {@code /etc/hosts}); the caller passes only those that exist
   * @param cpuLimits cpu limits for the runtime to write into its own cgroup, or null when the
   *     caller's cgroup already limits cpu (it never limits memory here: the caller's cgroup does)
   * @throws ContainerLaunchException when the task has no command to run
   */
  public static JsonObject config(LaunchRequest request, Path rootfs, String cgroupsPath, String hostname,
      List<Path> hostFiles, ResourceLimits cpuLimits) {
    JsonObject process = new JsonObject()
        .put("terminal", false)
        .put("user", new JsonObject().put("uid", 0).put("gid", 0))
        .put("args", new JsonArray(args(request.task())))
        .put("env", new JsonArray(env(request)))
        .put("cwd", SANDBOX)
        .put("capabilities", capabilities())
        .put("rlimits", new JsonArray().add(new JsonObject().put("type", "RLIMIT_NOFILE").put("hard", 1024).put("soft", 1024)))
        .put("noNewPrivileges", true);
    JsonObject linux = new JsonObject()
        .put("resources", resources(cpuLimits))
        .put("namespaces", new JsonArray()
            .add(namespace("pid"))
            .add(namespace("ipc"))
            .add(namespace("uts"))
            .add(namespace("mount")))
        .put("maskedPaths", new JsonArray(new ArrayList<>(MASKED_PATHS)))
        .put("readonlyPaths", new JsonArray(new ArrayList<>(READONLY_PATHS)));
    if (cgroupsPath != null) {
      linux.put("cgroupsPath", cgroupsPath);
    }
    JsonObject config = new JsonObject()
        .put("ociVersion", OCI_VERSION)
        .put("process", process)
        .put("root", new JsonObject().put("path", rootfs.toString()).put("readonly", true));
    if (hostname != null && !hostname.isBlank()) {
      config.put("hostname", hostname);
    }
    return config.put("mounts", mounts(request.sandbox(), hostFiles)).put("linux", linux);
  }

  /** The container's argv, as the process runtime's ({@link ProcessRuntime#argv}). */
  static List<String> args(TaskInfo task) {
    return ProcessRuntime.argv(task);
  }


  /** PATH, then the task's variables (secrets skipped), then the agent's, sandbox paths as seen inside. */
  static List<String> env(LaunchRequest request) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", DEFAULT_PATH);
    for (Environment.Variable variable : request.task().getCommand().getEnvironment().getVariablesList()) {
      if (variable.getType() != Environment.Variable.Type.SECRET) {
        env.put(variable.getName(), variable.getValue());
      }
    }
    request.environment().forEach((name, value) -> env.put(name, SANDBOX_VARIABLES.contains(name) ? SANDBOX : value));
    List<String> list = new ArrayList<>();
    env.forEach((name, value) -> list.add(name + "=" + value));
    return list;
  }

  private static JsonObject capabilities() {
    JsonObject capabilities = new JsonObject();
    for (String set : List.of("bounding", "effective", "permitted", "ambient")) {
      capabilities.put(set, new JsonArray(new ArrayList<>(CAPABILITIES)));
    }
    return capabilities;
  }

  private static JsonObject resources(ResourceLimits cpuLimits) {
    JsonObject resources = new JsonObject()
        .put("devices", new JsonArray().add(new JsonObject().put("allow", false).put("access", "rwm")));
    if (cpuLimits != null && cpuLimits.limitsCpu()) {
      double cpus = cpuLimits.effectiveCpus();
      resources.put("cpu", new JsonObject()
          .put("shares", Math.max(2, Math.round(1024 * cpus)))
          .put("quota", Math.max(1000, Math.round(cpus * ContainerCgroup.CFS_PERIOD_US)))
          .put("period", ContainerCgroup.CFS_PERIOD_US));
    }
    return resources;
  }

  private static JsonArray mounts(Path sandbox, List<Path> hostFiles) {
    JsonArray mounts = new JsonArray()
        .add(mount("/proc", "proc", "proc"))
        .add(mount("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"))
        .add(mount("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"))
        .add(mount("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k"))
        .add(mount("/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev"))
        .add(mount("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro"))
        .add(mount("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro"))
        .add(mount("/tmp", "tmpfs", "tmpfs", "nosuid", "nodev", "mode=1777"))
        .add(mount(SANDBOX, "bind", sandbox.toString(), "rbind", "rw"));
    for (Path file : hostFiles) {
      mounts.add(mount(file.toString(), "bind", file.toString(), "rbind", "ro"));
    }
    return mounts;
  }

  private static JsonObject mount(String destination, String type, String source, String... options) {
    JsonObject mount = new JsonObject().put("destination", destination).put("type", type).put("source", source);
    if (options.length > 0) {
      mount.put("options", new JsonArray(new ArrayList<>(List.of(options))));
    }
    return mount;
  }

  private static JsonObject namespace(String type) {
    return new JsonObject().put("type", type);
  }
}
