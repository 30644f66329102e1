package io.mezzo.agent.runtime.docker;

import io.mezzo.agent.spi.ContainerLaunchException;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.ContainerInfo;
import io.mezzo.v1.Protos.ContainerInfo.DockerInfo;
import io.mezzo.v1.Protos.Environment;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.Value;
import io.mezzo.v1.Protos.Volume;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the {@code docker} runtime asks the engine to create for one task, worked out (and
 * checked) from the TaskInfo before anything is pulled or created. Pure: no Docker calls.
 */
record DockerContainerSpec(
    String name,
    String image,
    boolean forcePull,
    List<String> cmd,
    Map<String, String> env,
    Map<String, String> labels,
    List<Bind> binds,
    String networkMode,
    List<PortMapping> portMappings,
    boolean privileged,
    long memoryBytes,
    double cpus) {

  static final String SANDBOX = "/mnt/mesos/sandbox";
  static final long CPU_PERIOD_MICROS = 100_000;

  record Bind(String hostPath, String containerPath, boolean readOnly) {}

  record PortMapping(int hostPort, int containerPort, String protocol) {}

  static DockerContainerSpec of(LaunchRequest request, String agentId) {
    TaskInfo task = request.task();
    String taskId = task.getTaskId().getValue();
    ContainerInfo container = task.getContainer();
    if (container.getType() != ContainerInfo.Type.DOCKER || !container.hasDocker()
        || container.getDocker().getImage().isBlank()) {
      throw new ContainerLaunchException(
          "Task '" + taskId + "' needs ContainerInfo type DOCKER with docker.image for the docker runtime");
    }
    DockerInfo docker = container.getDocker();
    if (docker.getParametersCount() > 0) {
      throw new ContainerLaunchException(
          "Task '" + taskId + "' sets DockerInfo.parameters, which the docker runtime does not support");
    }
    if (task.hasCommand() && task.getCommand().getUrisCount() > 0) {
      throw new ContainerLaunchException(
          "Task '" + taskId + "' asks for CommandInfo.uris, which the docker runtime does not fetch yet");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("mezzo.framework", request.frameworkId().getValue());
    labels.put("mezzo.task", taskId);
    labels.put("mezzo.agent", agentId == null ? "" : agentId);
    String network = networkMode(taskId, docker);
    return new DockerContainerSpec(
        containerName(request.containerId()),
        docker.getImage(),
        docker.getForcePullImage(),
        cmd(task),
        env(request),
        labels,
        binds(taskId, request.sandbox(), container.getVolumesList()),
        network,
        portMappings(task, docker, network),
        docker.getPrivileged(),
        (long) (scalar(task, "mem") * 1024 * 1024),
        scalar(task, "cpus"));
  }

  static String containerName(String containerId) {
    return "mezzo-" + containerId;
  }

  /** Docker's --cpu-shares for {@code cpus} (1024 per cpu, at least 2 as the engine wants). */
  long cpuShares() {
    return Math.max(2, Math.round(1024 * cpus));
  }

  /** Docker's --cpu-quota for {@code cpus} over {@link #CPU_PERIOD_MICROS} (at least 1 ms), 0 for none. */
  long cpuQuota() {
    return cpus <= 0 ? 0 : Math.max(1000, Math.round(CPU_PERIOD_MICROS * cpus));
  }

  private static List<String> cmd(TaskInfo task) {
    if (!task.hasCommand()) {
      return List.of();
    }
    CommandInfo command = task.getCommand();
    if (command.getShell()) {
      if (command.getValue().isBlank()) {
        throw new ContainerLaunchException(
            "Task '" + task.getTaskId().getValue() + "' has an empty shell command (CommandInfo.value is not set)");
      }
      return List.of("sh", "-c", command.getValue());
    }
    // As Mesos' docker containerizer: without a value, the arguments go to the image's entrypoint.
    List<String> cmd = new ArrayList<>();
    if (command.hasValue() && !command.getValue().isBlank()) {
      cmd.add(command.getValue());
    }
    cmd.addAll(command.getArgumentsList());
    return cmd;
  }

  private static Map<String, String> env(LaunchRequest request) {
    Map<String, String> env = new LinkedHashMap<>();
    if (request.task().hasCommand()) {
      for (Environment.Variable variable : request.task().getCommand().getEnvironment().getVariablesList()) {
        if (variable.getType() != Environment.Variable.Type.SECRET) {
          env.put(variable.getName(), variable.getValue());
        }
      }
    }
    env.putAll(request.environment());
    env.put("MESOS_SANDBOX", SANDBOX);
    env.put("MEZZO_SANDBOX", SANDBOX);
    return env;
  }

  private static List<Bind> binds(String taskId, Path sandbox, List<Volume> volumes) {
    List<Bind> binds = new ArrayList<>();
    binds.add(new Bind(sandbox.toString(), SANDBOX, false));
    for (Volume volume : volumes) {
      if (volume.hasImage() || !volume.hasHostPath() || volume.getHostPath().isBlank()) {
        throw new ContainerLaunchException("Task '" + taskId + "' has a volume for '" + volume.getContainerPath()
            + "' without host_path; the docker runtime supports only host_path volumes");
      }
      Path host = Path.of(volume.getHostPath());
      if (!host.isAbsolute()) {
        host = sandbox.resolve(host).normalize();
        if (!host.startsWith(sandbox)) {
          throw new ContainerLaunchException("Task '" + taskId + "' has a relative volume host_path '"
              + volume.getHostPath() + "' that leaves the sandbox");
        }
      }
      String containerPath = volume.getContainerPath();
      if (containerPath.isBlank()) {
        throw new ContainerLaunchException("Task '" + taskId + "' has a volume without container_path");
      }
      if (!containerPath.startsWith("/")) {
        containerPath = SANDBOX + "/" + containerPath;
      }
      binds.add(new Bind(host.toString(), containerPath, volume.getMode() == Volume.Mode.RO));
    }
    return binds;
  }

  private static String networkMode(String taskId, DockerInfo docker) {
    return switch (docker.getNetwork()) {
      case HOST -> "host";
      case BRIDGE -> "bridge";
      case NONE -> "none";
      case USER -> throw new ContainerLaunchException(
          "Task '" + taskId + "' asks for docker network USER, which the docker runtime does not support");
    };
  }

  private static List<PortMapping> portMappings(TaskInfo task, DockerInfo docker, String network) {
    String taskId = task.getTaskId().getValue();
    if (docker.getPortMappingsCount() == 0) {
      return List.of();
    }
    if (!network.equals("bridge")) {
      throw new ContainerLaunchException("Task '" + taskId + "' has docker port_mappings, which need network BRIDGE (it asks for "
          + docker.getNetwork() + ")");
    }
    List<Value.Range> offered = new ArrayList<>();
    for (Resource resource : task.getResourcesList()) {
      if (resource.getName().equals("ports") && resource.getType() == Value.Type.RANGES) {
        offered.addAll(resource.getRanges().getRangeList());
      }
    }
    List<PortMapping> mappings = new ArrayList<>();
    for (DockerInfo.PortMapping mapping : docker.getPortMappingsList()) {
      long hostPort = mapping.getHostPort();
      boolean inResources = offered.stream().anyMatch(r -> r.getBegin() <= hostPort && hostPort <= r.getEnd());
      if (!inResources) {
        throw new ContainerLaunchException("Task '" + taskId + "' maps host port " + hostPort
            + ", which is not in its ports resources " + describe(offered));
      }
      String protocol = mapping.hasProtocol() ? mapping.getProtocol().toLowerCase(java.util.Locale.ROOT) : "tcp";
      if (!protocol.equals("tcp") && !protocol.equals("udp")) {
        throw new ContainerLaunchException("Task '" + taskId + "' has a port mapping with protocol '"
            + mapping.getProtocol() + "' (expected tcp or udp)");
      }
      mappings.add(new PortMapping((int) hostPort, mapping.getContainerPort(), protocol));
    }
    return mappings;
  }

  private static String describe(List<Value.Range> ranges) {
    if (ranges.isEmpty()) {
      return "(none)";
    }
    List<String> parts = new ArrayList<>();
    for (Value.Range range : ranges) {
      parts.add(range.getBegin() + "-" + range.getEnd());
    }
    return "[" + String.join(",", parts) + "]";
  }

  private static double scalar(TaskInfo task, String name) {
    double total = 0;
    for (Resource resource : task.getResourcesList()) {
      if (resource.getName().equals(name) && resource.getType() == Value.Type.SCALAR) {
        total += resource.getScalar().getValue();
      }
    }
    return total;
  }
}
