package io.mezzo.agent.runtime.oci;

import io.mezzo.agent.support.FileTrees;
import io.mezzo.agent.support.Timers;
import io.mezzo.agent.runtime.DockerRuntime;
import io.mezzo.agent.runtime.ProcessGroup;
import io.mezzo.agent.runtime.ProcessRuntime;
import io.mezzo.agent.runtime.TaskWrapper;
import io.mezzo.agent.runtime.cgroups.CgroupException;
import io.mezzo.agent.runtime.cgroups.Cgroups;
import io.mezzo.agent.runtime.cgroups.ContainerCgroup;
import io.mezzo.agent.runtime.cgroups.ResourceLimits;
import io.mezzo.agent.spi.ContainerLaunchException;
import io.mezzo.agent.spi.ContainerRuntime;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.spi.LaunchedContainer;
import io.mezzo.agent.spi.Termination;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
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
public final class OciRuntime implements ContainerRuntime {
  public static final String NAME = "oci";
  /** The OCI runtimes looked for on PATH, in this order, when none is named. */
  public static final List<String> KNOWN_BINARIES = List.of("runc", "crun");
  /** The child of the task's cgroup that the OCI runtime creates and joins. */
  static final String CHILD_CGROUP = "oci";
  private static final Logger log = LoggerFactory.getLogger(OciRuntime.class);
  private static final long COMMAND_TIMEOUT_SECONDS = 30;
  private static final Duration CREATE_WAIT = Duration.ofSeconds(10);
  private static final List<Path> HOST_FILES = List.of(Path.of("/etc/resolv.conf"), Path.of("/etc/hosts"));

  private final Vertx vertx;
  private final Timers timers;
  private final Cgroups cgroups;
  private final Path binary;
  private final Path stateRoot;
  private final Path bundles;
  private final OciImages images;
  private final ConcurrentMap<String, Running> containers = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Promise<Void> closedPromise = Promise.promise();
  private volatile Boolean supportsKeep;

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
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.timers = Objects.requireNonNull(timers, "timers");
    this.cgroups = Objects.requireNonNull(cgroups, "cgroups");
    this.binary = Objects.requireNonNull(binary, "binary");
    this.stateRoot = Objects.requireNonNull(stateRoot, "stateRoot").toAbsolutePath();
    this.bundles = Objects.requireNonNull(bundles, "bundles").toAbsolutePath();
    this.images = Objects.requireNonNull(images, "images");
  }

  /**
   * The usual layout under {@code dir} ({@code <work-dir>/oci}): {@code images/}, {@code state/}
   * and {@code bundles/}; Docker image names are exported from the engine at
   * {@link DockerRuntime#defaultHost()}, which is reached only when a task names one.
   */
  public static OciRuntime create(Vertx vertx, Timers timers, Cgroups cgroups, Path binary, Path dir) {
    // The client connects only when an image names a Docker image, so the engine may come later.
    OciImages images = new OciImages(dir.resolve("images"), DockerRuntime.client(DockerRuntime.defaultHost(), null));
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
    return binary;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Future<LaunchedContainer> launch(LaunchRequest request) {
    if (closed.get()) {
      return Future.failedFuture(new ContainerLaunchException("The agent is shutting down"));
    }
    try {
      OciSpec.args(request.task());
      OciImages.imageName(request.task());
    } catch (ContainerLaunchException e) {
      return Future.failedFuture(e);
    }
    return vertx.executeBlocking(() -> start(request), false);
  }

  @Override
  public Future<Void> kill(String containerId, Duration gracePeriod) {
    Running running = containers.get(containerId);
    if (running == null) {
      return Future.succeededFuture();
    }
    running.killed = true;
    if (!running.killing.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    log.info("[container={}] sending SIGTERM to the container's init", containerId);
    return vertx.<Void>executeBlocking(() -> {
          if (!ociCommand("kill", containerId, "TERM") && running.process.alive()) {
            // Not created yet (or already gone): runc run passes the signal on to the container.
            signal(running.process.taskPid(), "TERM");
          }
          return null;
        }, false)
        .onSuccess(v -> running.escalation = timers.schedule(gracePeriod, () -> escalate(running, gracePeriod)));
  }

  @Override
  public Future<Void> close(Duration gracePeriod) {
    if (!closed.compareAndSet(false, true)) {
      return closedPromise.future();
    }
    List<Future<Termination>> terminations = new ArrayList<>();
    for (Running running : containers.values()) {
      kill(running.containerId, gracePeriod);
      terminations.add(running.termination.future());
    }
    Future.join(terminations).onComplete(ignored -> {
      images.close();
      closedPromise.complete();
    });
    return closedPromise.future();
  }

  private LaunchedContainer start(LaunchRequest request) {
    String containerId = request.containerId();
    if (!Files.isExecutable(binary)) {
      throw new ContainerLaunchException("The OCI runtime " + binary + " is missing or not executable");
    }
    Path rootfs = images.rootfs(request.task());
    ResourceLimits limits = ResourceLimits.of(request.task());
    ContainerCgroup cgroup = null;
    if (cgroups.enabled() && (limits.limitsMemory() || limits.limitsCpu())) {
      try {
        cgroup = cgroups.create(containerId, limits);
      } catch (CgroupException e) {
        throw new ContainerLaunchException("Failed to set up the task's cgroup: " + e.getMessage(), e);
      }
    }
    Path bundle = bundles.resolve(containerId);
    TaskWrapper process;
    try {
      String cgroupsPath = cgroup == null ? null : cgroup.memoryHierarchyPath() + "/" + CHILD_CGROUP;
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
    if (!awaitCreated(containerId, process)) {
      String why = lastLine(request.sandbox().resolve("stderr"));
      String status = process.exitStatus().map(String::valueOf).orElse("unknown");
      ociCommand("delete", "--force", containerId);
      removeAll(bundle, cgroup);
      throw new ContainerLaunchException("Failed to start the OCI container (" + binary.getFileName() + " exited with status "
          + status + (why.isEmpty() ? "" : ": " + why) + ")");
    }
    Running running = new Running(containerId, process, bundle, cgroup, limits);
    containers.put(containerId, running);
    log.info("[task={}] [container={}] started {} (pid {}) with rootfs {}{}", request.task().getTaskId().getValue(),
        containerId, binary.getFileName(), process.taskPid(), rootfs, cgroup == null ? "" : ", cgroup " + cgroup);
    process.onExit(timers).whenComplete((v, error) -> exited(running));
    if (closed.get()) {
      // close() ran while this launch was extracting the image: it must not outlive the agent.
      kill(containerId, Duration.ZERO);
    }
    return new LaunchedContainer(containerId, process.taskPid(), running.termination.future());
  }

  /**
   * Finds a container an earlier run of the agent started: its wrapper (see {@link TaskWrapper},
   * state in the bundle directory) tells whether {@code runc run} still runs and, once it has
   * ended, the container's exit status; the cgroup (kept by {@code --keep}) tells an OOM kill.
   */
  @Override
  public Future<LaunchedContainer> recover(LaunchRequest request) {
    return vertx.executeBlocking(() -> adopt(request), false);
  }

  private LaunchedContainer adopt(LaunchRequest request) {
    String containerId = request.containerId();
    Path bundle = bundles.resolve(containerId);
    ContainerCgroup cgroup = cgroups.existing(containerId).orElse(null);
    Optional<TaskWrapper> found = TaskWrapper.find(bundle);
    if (found.isEmpty() || (!found.get().alive() && found.get().exitStatus().isEmpty())) {
      destroy(containerId, bundle, cgroup);
      throw new ContainerLaunchException(found.isEmpty()
          ? "The agent restarted before the container was recorded; nothing of it is left running"
          : "The container ended while the agent was down and left no exit status");
    }
    TaskWrapper wrapper = found.get();
    Running running = new Running(containerId, wrapper, bundle, cgroup, ResourceLimits.of(request.task()));
    containers.put(containerId, running);
    if (wrapper.alive()) {
      log.info("[container={}] recovered: {} run (pid {}) is still running", containerId, binary.getFileName(),
          wrapper.taskPid());
    } else {
      log.info("[container={}] recovered: the container ended while the agent was down", containerId);
    }
    wrapper.onExit(timers).whenComplete((v, error) -> exited(running));
    return new LaunchedContainer(containerId, wrapper.taskPid(), running.termination.future());
  }

  /** Kills and removes this agent's containers that no recovered task names (bundles, and the runtime's own list). */
  @Override
  public Future<Void> removeOrphans(java.util.Set<String> keep) {
    return vertx.<Void>executeBlocking(() -> {
      java.util.Set<String> ids = new java.util.TreeSet<>();
      if (Files.isDirectory(bundles)) {
        try (Stream<Path> dirs = Files.list(bundles)) {
          dirs.forEach(dir -> ids.add(dir.getFileName().toString()));
        }
      }
      if (Files.isDirectory(stateRoot)) {
        try (Stream<Path> dirs = Files.list(stateRoot)) {
          dirs.filter(Files::isDirectory).forEach(dir -> ids.add(dir.getFileName().toString()));
        }
      }
      for (String containerId : ids) {
        if (!keep.contains(containerId) && !containers.containsKey(containerId)) {
          log.info("[container={}] killing and removing an OCI container no checkpoint names", containerId);
          destroy(containerId, bundles.resolve(containerId), cgroups.existing(containerId).orElse(null));
        }
      }
      return null;
    }, false);
  }

  /** Kills the container, its runtime process and wrapper, and removes it, its bundle and cgroup. Blocks. */
  private void destroy(String containerId, Path bundle, ContainerCgroup cgroup) {
    ociCommand("kill", "--all", containerId, "KILL");
    TaskWrapper.find(bundle).filter(TaskWrapper::alive).ifPresent(wrapper -> {
      signal(wrapper.taskPid(), "KILL");
      signal(wrapper.wrapperPid(), "KILL");
    });
    ociCommand("delete", "--force", containerId);
    removeAll(bundle, cgroup);
  }

  /** kill -SIGNAL -PGID: the process group, which setsid made the runtime process and the wrapper lead. */
  private static void signal(long pgid, String signal) {
    if (pgid > 1) {
      ProcessGroup.signal(pgid, signal);
    }
  }


  /** What a failed launch leaves: the bundle and the cgroup. */
  private static void removeAll(Path bundle, ContainerCgroup cgroup) {
    FileTrees.deleteQuietly(bundle);
    if (cgroup != null) {
      cgroup.destroy();
      removeLeftoverCgroups(cgroup);
    }
  }

  /**
   * Starts the container under a {@link TaskWrapper} (its state in the bundle directory), the
   * runtime process in a session of its own; the runtime's stdio is the container's.
   */
  private TaskWrapper startContainer(String containerId, Path bundle, Path sandbox) {
    List<String> command = new ArrayList<>(List.of(TaskWrapper.SETSID.toString(), binary.toString(), "--root", stateRoot.toString(),
        "run"));
    if (supportsKeep()) {
      command.add("--keep");
    }
    command.addAll(List.of("--bundle", bundle.toString(), containerId));
    return TaskWrapper.start(bundle, containerId, command, bundle, sandbox, env -> { });
  }

  /**
   * Waits until the runtime has created the container (its state file exists: runc's
   * {@code state.json}, crun's {@code status}), so that RUNNING means running. False when the
   * runtime exited without ever creating it (known only with {@code --keep}, which keeps the
   * state of a container that ended at once); true after {@link #CREATE_WAIT} in any case.
   */
  private boolean awaitCreated(String containerId, TaskWrapper process) {
    Path dir = stateRoot.resolve(containerId);
    long deadline = System.nanoTime() + CREATE_WAIT.toNanos();
    while (true) {
      boolean created = Files.exists(dir.resolve("state.json")) || Files.exists(dir.resolve("status"));
      if (created) {
        return true;
      }
      if (!process.alive()) {
        return !supportsKeep();
      }
      if (System.nanoTime() > deadline) {
        log.warn("[container={}] {} has not created the container after {}; reporting it running", containerId,
            binary.getFileName(), CREATE_WAIT);
        return true;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
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

  private void exited(Running running) {
    vertx.<Void>executeBlocking(() -> {
      Timers.Timer escalation = running.escalation;
      if (escalation != null) {
        escalation.cancel();
      }
      // Read before the delete: on v1 the kill is counted in the runtime's child cgroup only.
      if (running.cgroup != null) {
        running.oomKilled = running.cgroup.oomKilled();
        running.peakMemory = running.cgroup.peakMemoryBytes();
      }
      // The exit status is read before the bundle (which holds the wrapper's files) goes.
      running.ended = running.process.termination(running.killed);
      // run --keep leaves the ended container (and its cgroup) for this delete.
      ociCommand("delete", "--force", running.containerId);
      FileTrees.deleteQuietly(running.bundle);
      if (running.cgroup != null) {
        running.cgroup.destroy();
        removeLeftoverCgroups(running.cgroup);
      }
      return null;
    }, false).onComplete(ignored -> {
      containers.remove(running.containerId);
      Termination termination = running.termination(running.killed);
      if (running.oomKilled && !running.killed) {
        termination = termination.limitedBy(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY,
            ProcessRuntime.memoryMessage(running.limits, running.peakMemory));
      }
      log.info("[container={}] ended: {}{}", running.containerId, termination.message(), running.killed ? " (killed)" : "");
      running.termination.tryComplete(termination);
    });
  }

  private void escalate(Running running, Duration gracePeriod) {
    if (!running.process.alive()) {
      return;
    }
    log.info("[container={}] still running {} after SIGTERM; sending SIGKILL to all its processes",
        running.containerId, gracePeriod);
    vertx.executeBlocking(() -> {
      if (!ociCommand("kill", "--all", running.containerId, "KILL") && running.process.alive()) {
        // The runtime process is stuck; what it leaves behind goes with the cgroup and delete --force.
        signal(running.process.taskPid(), "KILL");
      }
      return null;
    }, false);
  }

  /**
   * Whether {@code run} takes {@code --keep} (runc does, crun 1.8 does not), asked once. Without
   * it the ended container's cgroup is gone before its OOM kill count is read, so on cgroup v1
   * (which counts a kill only where the victim was) an OOM kill is not recognised as such.
   */
  private boolean supportsKeep() {
    Boolean keep = supportsKeep;
    if (keep == null) {
      keep = ociOutput("run", "--help").contains("--keep");
      if (!keep) {
        log.warn("{} run has no --keep: on cgroup v1 a task killed for memory ends as killed by signal, "
            + "without REASON_CONTAINER_LIMITATION_MEMORY", binary);
      }
      supportsKeep = keep;
    }
    return keep;
  }

  /** The output of {@code <binary> args...}, empty when it cannot run. Blocks. */
  private String ociOutput(String... args) {
    List<String> command = new ArrayList<>(List.of(binary.toString()));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return output;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** Runs {@code <binary> --root <state> args...}; true when it exited 0. Blocks. */
  private boolean ociCommand(String... args) {
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--root", stateRoot.toString()));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        log.warn("{} did not finish in {} s", String.join(" ", command), COMMAND_TIMEOUT_SECONDS);
        return false;
      }
      if (process.exitValue() != 0) {
        log.debug("{} exited with status {}: {}", String.join(" ", command), process.exitValue(), output);
        return false;
      }
      return true;
    } catch (IOException e) {
      log.warn("Cannot run {}: {}", binary, e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * The OCI runtime's cgroupfs driver makes the child cgroup in every v1 hierarchy, creating its
   * parents where our cgroup does not exist (pids, devices, freezer, ...); it removes only the
   * child, so the now empty parents named after this container go here.
   */
  private static void removeLeftoverCgroups(ContainerCgroup cgroup) {
    if (cgroup.version() != Cgroups.Version.V1) {
      return;
    }
    List<String> paths = List.of(cgroup.memoryHierarchyPath(), cgroup.cpuHierarchyPath());
    try (DirectoryStream<Path> hierarchies = Files.newDirectoryStream(Cgroups.DEFAULT_ROOT)) {
      for (Path hierarchy : hierarchies) {
        for (String path : paths) {
          Path dir = hierarchy.resolve(path.substring(1));
          if (!cgroup.directories().contains(dir) && Files.isDirectory(dir)) {
            try {
              Files.deleteIfExists(dir.resolve(CHILD_CGROUP));
              Files.deleteIfExists(dir);
            } catch (IOException e) {
              log.debug("Cannot remove leftover cgroup {}: {}", dir, e.toString());
            }
          }
        }
      }
    } catch (IOException e) {
      log.debug("Cannot list {}: {}", Cgroups.DEFAULT_ROOT, e.toString());
    }
  }

  private static String hostHostname() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      return null;
    }
  }


  private static final class Running {
    final String containerId;
    final TaskWrapper process;
    final Path bundle;
    final ContainerCgroup cgroup;
    final ResourceLimits limits;
    final Promise<Termination> termination = Promise.promise();
    final AtomicBoolean killing = new AtomicBoolean();
    volatile boolean killed;
    volatile Timers.Timer escalation;
    volatile boolean oomKilled;
    volatile OptionalLong peakMemory = OptionalLong.empty();
    volatile Termination ended;

    /** How it ended: as read before its files went, else (reading failed) killed. */
    Termination termination(boolean killed) {
      Termination read = ended;
      return read != null ? read : Termination.signalled(9, killed);
    }

    Running(String containerId, TaskWrapper process, Path bundle, ContainerCgroup cgroup, ResourceLimits limits) {
      this.containerId = containerId;
      this.process = process;
      this.bundle = bundle;
      this.cgroup = cgroup;
      this.limits = limits;
    }
  }
}
