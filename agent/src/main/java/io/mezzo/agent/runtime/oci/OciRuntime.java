package io.mezzo.agent.runtime.oci;

import io.mezzo.agent.runtime.AbstractContainerRuntime;
import io.mezzo.agent.runtime.BlockingCalls;
import io.mezzo.agent.runtime.ProcessGroup;
import io.mezzo.agent.runtime.ProcessRuntime;
import io.mezzo.agent.runtime.TaskWrapper;
import io.mezzo.agent.runtime.WrappedContainer;
import io.mezzo.agent.runtime.cgroups.Cgroups;
import io.mezzo.agent.runtime.cgroups.ContainerCgroup;
import io.mezzo.agent.runtime.cgroups.ResourceLimits;
import io.mezzo.agent.runtime.docker.DockerEngine;
import io.mezzo.agent.spi.ContainerLaunchException;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.spi.Termination;
import io.mezzo.agent.support.FileTrees;
import io.mezzo.agent.support.Timers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code oci} runtime: a task with {@code ContainerInfo{type: MESOS, mesos: {image: DOCKER}}}
 * runs in an OCI container started by {@code runc} (or {@code crun}) from a bundle in
 * {@code <bundles>/<container id>}: the image's cached root filesystem ({@link OciImages}),
 * read-only, with {@code /tmp} a tmpfs, the sandbox at {@value OciSpec#SANDBOX} (the working
 * directory) and the host's network ({@link OciSpec}). The runtime process is started through
 * {@code setsid} as {@code <binary> --root <state> run [--keep] --bundle <dir> <container id>}, stdout
 * and stderr appended to {@code <sandbox>/stdout} and {@code <sandbox>/stderr}; its exit status
 * is the container's (128 + N for signal N). A launch succeeds once the runtime has created the
 * container, and fails with the runtime's last words when it exits without creating it (an
 * executable the image does not have, a bad rootfs).
 *
 * <p>Limits work as in the {@link ProcessRuntime}: the task's cgroup is made by {@link Cgroups}
 * with the memory and cpu limits, and the OCI runtime is given a child of it, without limits of
 * its own, as {@code linux.cgroupsPath}; a container the kernel's OOM killer hit therefore ends
 * with REASON_CONTAINER_LIMITATION_MEMORY. (On cgroup v1 machines where the agent's memory and
 * cpu cgroups differ, the child sits under the memory one and the cpu limits go into
 * {@code config.json} instead.) Kill sends SIGTERM to the container's init ({@code kill <id>
 * TERM}) and SIGKILL to all its processes after the grace period ({@code kill --all <id> KILL}).
 * When the container ends it is deleted, its bundle and cgroup removed.
 *
 * <p>Tasks run as root in the container (no user namespace); {@code CommandInfo.user} is not
 * applied. Blocking work runs in {@code executeBlocking}, never on the agent's event loop.
 */
public final class OciRuntime extends AbstractContainerRuntime<WrappedContainer> {
  public static final String NAME = "oci";
  /** The OCI runtimes looked for on PATH, in this order, when none is named. */
  public static final List<String> KNOWN_BINARIES = List.of("runc", "crun");
  private static final Logger log = LoggerFactory.getLogger(OciRuntime.class);
  private static final List<Path> HOST_FILES = List.of(Path.of("/etc/resolv.conf"), Path.of("/etc/hosts"));

  private final Timers timers;
  private final Cgroups cgroups;
  private final OciBinary binary;
  private final Path bundles;
  private final OciImages images;

  /**
   * An OCI runtime.
   *
   * @param cgroups where task cgroups are made (disabled: no limits)
   * @param binary the OCI runtime binary ({@code runc}, {@code crun}), absolute; checked at launch
   * @param stateRoot the binary's {@code --root}: its state of running containers
   * @param bundles where each container's bundle directory is written
   * @param images resolves task images to root filesystems; closed with this runtime
   */
  public OciRuntime(Vertx vertx, Timers timers, Cgroups cgroups, Path binary, Path stateRoot, Path bundles,
      OciImages images) {
    super(timers, BlockingCalls.vertx(vertx));
    this.timers = timers;
    this.cgroups = Objects.requireNonNull(cgroups, "cgroups");
    this.binary = new OciBinary(binary, stateRoot);
    this.bundles = Objects.requireNonNull(bundles, "bundles").toAbsolutePath();
    this.images = Objects.requireNonNull(images, "images");
  }

  /**
   * The usual layout under {@code dir} ({@code <work-dir>/oci}): {@code images/}, {@code state/}
   * and {@code bundles/}; Docker image names are exported from the engine at
   * {@link DockerEngine#defaultHost()}, which is reached only when a task names one.
   */
  public static OciRuntime create(Vertx vertx, Timers timers, Cgroups cgroups, Path binary, Path dir) {
    OciImages images = new OciImages(dir.resolve("images"), DockerEngine.client(DockerEngine.defaultHost(), null));
    return new OciRuntime(vertx, timers, cgroups, binary, dir.resolve("state"), dir.resolve("bundles"), images);
  }

  /**
   * The OCI runtime binary {@code nameOrPath} names: an absolute path to an executable, or a
   * name looked up on PATH and in the sbin directories (where runc usually is); empty when none.
   */
  public static Optional<Path> resolveBinary(String nameOrPath) {
    if (nameOrPath == null || nameOrPath.isBlank()) {
      return Optional.empty();
    }
    String name = nameOrPath.trim();
    if (name.contains("/")) {
      Path path = Path.of(name).toAbsolutePath();
      return Files.isRegularFile(path) && Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
    }
    List<String> dirs = new ArrayList<>();
    String pathVariable = System.getenv("PATH");
    if (pathVariable != null) {
      dirs.addAll(List.of(pathVariable.split(File.pathSeparator)));
    }
    dirs.addAll(List.of("/usr/local/sbin", "/usr/sbin", "/sbin"));
    for (String dir : dirs) {
      if (dir.isBlank()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate.toAbsolutePath());
      }
    }
    return Optional.empty();
  }

  /** The first of {@link #KNOWN_BINARIES} found, if any. */
  public static Optional<Path> defaultBinary() {
    return KNOWN_BINARIES.stream().map(OciRuntime::resolveBinary).flatMap(Optional::stream).findFirst();
  }

  /** The OCI runtime binary this runtime runs. */
  public Path binary() {
    return binary.path();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected Callable<WrappedContainer> prepare(LaunchRequest request) {
    OciSpec.args(request.task());
    OciImages.imageName(request.task());
    return () -> start(request);
  }

  /**
   * SIGTERM to the container's init, SIGKILL to all its processes; to the runtime process's group
   * when the binary cannot (the container is not created yet, or the binary is stuck).
   */
  @Override
  protected void signal(WrappedContainer container, String signal) {
    String containerId = container.containerId();
    boolean sent = signal.equals("KILL") ? binary.run("kill", "--all", containerId, signal)
        : binary.run("kill", containerId, signal);
    if (!sent && container.wrapper().alive()) {
      // Before the container exists, runc run passes the signal on to it; what a stuck runtime
      // process leaves behind goes with the cgroup and delete --force.
      signalGroup(container.wrapper().taskPid(), signal);
    }
  }

  @Override
  protected void release() {
    images.close();
  }

  private WrappedContainer start(LaunchRequest request) {
    String containerId = request.containerId();
    if (!Files.isExecutable(binary.path())) {
      throw new ContainerLaunchException("The OCI runtime " + binary.path() + " is missing or not executable");
    }
    Path rootfs = images.rootfs(request.task());
    ResourceLimits limits = ResourceLimits.of(request.task());
    ContainerCgroup cgroup = WrappedContainer.createCgroup(cgroups, containerId, limits);
    Path bundle = bundles.resolve(containerId);
    TaskWrapper process;
    try {
      String cgroupsPath = cgroup == null ? null : cgroup.memoryHierarchyPath() + "/" + OciBinary.CHILD_CGROUP;
      boolean cpuApart = cgroup != null && !cgroup.cpuHierarchyPath().equals(cgroup.memoryHierarchyPath());
      String hostname = request.task().getContainer().getHostname().isBlank()
          ? hostHostname() : request.task().getContainer().getHostname();
      JsonObject config = OciSpec.config(request, rootfs, cgroupsPath, hostname,
          HOST_FILES.stream().filter(Files::exists).toList(), cpuApart ? limits : null);
      Files.createDirectories(bundle);
      Files.writeString(bundle.resolve("config.json"), config.encodePrettily(), StandardCharsets.UTF_8);
      process = startContainer(containerId, bundle, request.sandbox());
    } catch (IOException | RuntimeException e) {
      removeAll(bundle, cgroup);
      if (e instanceof ContainerLaunchException launch) {
        throw launch;
      }
      throw new ContainerLaunchException("Failed to start the OCI container: " + e.getMessage(), e);
    }
    OciBinary.Creation creation = binary.awaitCreated(containerId, process::alive);
    if (creation == OciBinary.Creation.TIMED_OUT) {
      ProcessHandle.of(process.taskPid()).ifPresent(runtime -> {
        runtime.descendants().forEach(ProcessHandle::destroyForcibly);
        runtime.destroyForcibly();
      });
      binary.run("delete", "--force", containerId);
      removeAll(bundle, cgroup);
      throw new ContainerLaunchException("Failed to start the OCI container: " + binary.name()
          + " had not created it after " + binary.createWait().toSeconds() + " s");
    }
    if (creation == OciBinary.Creation.EXITED) {
      String why = lastLine(request.sandbox().resolve("stderr"));
      String status = process.exitStatus().map(String::valueOf).orElse("unknown");
      binary.run("delete", "--force", containerId);
      removeAll(bundle, cgroup);
      throw new ContainerLaunchException("Failed to start the OCI container (" + binary.name() + " exited with status "
          + status + (why.isEmpty() ? "" : ": " + why) + ")");
    }
    WrappedContainer running = new WrappedContainer(containerId, process, cgroup, limits);
    track(running);
    log.info("[task={}] [container={}] started {} (pid {}) with rootfs {}{}", request.task().getTaskId().getValue(),
        containerId, binary.name(), process.taskPid(), rootfs, cgroup == null ? "" : ", cgroup " + cgroup);
    follow(running, process.onExit(timers), () -> ended(running));
    return running;
  }

  /**
   * Finds a container an earlier run of the agent started: its wrapper (see {@link TaskWrapper},
   * state in the bundle directory) tells whether {@code runc run} still runs and, once it has
   * ended, the container's exit status; the cgroup (kept by {@code --keep}) tells an OOM kill.
   */
  @Override
  protected WrappedContainer adopt(LaunchRequest request) {
    String containerId = request.containerId();
    Path bundle = bundles.resolve(containerId);
    ContainerCgroup cgroup = cgroups.existing(containerId).orElse(null);
    Optional<TaskWrapper> found = TaskWrapper.find(bundle);
    if (found.isEmpty() || !found.get().recoverable()) {
      destroy(containerId, bundle, cgroup);
      throw new ContainerLaunchException(found.isEmpty()
          ? "The agent restarted before the container was recorded; nothing of it is left running"
          : "The container ended while the agent was down and left no exit status");
    }
    TaskWrapper wrapper = found.get();
    WrappedContainer running = new WrappedContainer(containerId, wrapper, cgroup, ResourceLimits.of(request.task()));
    track(running);
    if (wrapper.alive()) {
      log.info("[container={}] recovered: {} run (pid {}) is still running", containerId, binary.name(), wrapper.taskPid());
    } else {
      log.info("[container={}] recovered: the container ended while the agent was down", containerId);
    }
    follow(running, wrapper.onExit(timers), () -> ended(running));
    return running;
  }

  /** Kills and removes this agent's containers that no recovered task names (bundles, and the runtime's own list). */
  @Override
  public Future<Void> removeOrphans(Set<String> keep) {
    return blocking().call(() -> {
      Set<String> ids = new TreeSet<>();
      if (Files.isDirectory(bundles)) {
        try (Stream<Path> dirs = Files.list(bundles)) {
          dirs.forEach(dir -> ids.add(dir.getFileName().toString()));
        }
      }
      if (Files.isDirectory(binary.stateRoot())) {
        try (Stream<Path> dirs = Files.list(binary.stateRoot())) {
          dirs.filter(Files::isDirectory).forEach(dir -> ids.add(dir.getFileName().toString()));
        }
      }
      for (String containerId : ids) {
        if (!keep.contains(containerId) && !tracks(containerId)) {
          log.info("[container={}] killing and removing an OCI container no checkpoint names", containerId);
          destroy(containerId, bundles.resolve(containerId), cgroups.existing(containerId).orElse(null));
        }
      }
      return null;
    });
  }

  /** Off the loop, once {@code runc run} has ended: how the container ended, then it, its bundle and cgroup go. */
  private Termination ended(WrappedContainer running) {
    // Read before the delete: on v1 the kill is counted in the runtime's child cgroup only; and
    // the exit status is in the bundle, which holds the wrapper's files.
    Termination termination = running.readTermination();
    // run --keep leaves the ended container (and its cgroup) for this delete.
    binary.run("delete", "--force", running.containerId());
    removeAll(bundles.resolve(running.containerId()), running.cgroup());
    return termination;
  }

  /** Kills the container, its runtime process and wrapper, and removes it, its bundle and cgroup. Blocks. */
  private void destroy(String containerId, Path bundle, ContainerCgroup cgroup) {
    binary.run("kill", "--all", containerId, "KILL");
    TaskWrapper.find(bundle).filter(TaskWrapper::alive).ifPresent(wrapper -> {
      signalGroup(wrapper.taskPid(), "KILL");
      signalGroup(wrapper.wrapperPid(), "KILL");
    });
    binary.run("delete", "--force", containerId);
    removeAll(bundle, cgroup);
  }

  /** kill -SIGNAL -PGID: the process group, which setsid made the runtime process and the wrapper lead. */
  private static void signalGroup(long pgid, String signal) {
    if (pgid > 1) {
      ProcessGroup.signal(pgid, signal);
    }
  }

  /** What a container leaves: the bundle and the cgroup. */
  private static void removeAll(Path bundle, ContainerCgroup cgroup) {
    FileTrees.deleteQuietly(bundle);
    if (cgroup != null) {
      cgroup.destroy();
      OciBinary.removeLeftoverCgroups(cgroup);
    }
  }

  /**
   * Starts the container under a {@link TaskWrapper} (its state in the bundle directory), the
   * runtime process in a session of its own; the runtime's stdio is the container's.
   */
  private TaskWrapper startContainer(String containerId, Path bundle, Path sandbox) {
    List<String> command = new ArrayList<>(List.of(TaskWrapper.SETSID.toString()));
    command.addAll(binary.runCommand(bundle, containerId));
    return TaskWrapper.start(bundle, containerId, command, bundle, sandbox, env -> { });
  }

  private static String lastLine(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (!lines.get(i).isBlank()) {
          return lines.get(i).trim();
        }
      }
    } catch (IOException e) {
      return "";
    }
    return "";
  }

  private static String hostHostname() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      return null;
    }
  }
}
