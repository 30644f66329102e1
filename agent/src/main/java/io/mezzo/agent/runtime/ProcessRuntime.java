package io.mezzo.agent.runtime;

import io.mezzo.agent.support.FileTrees;
import io.mezzo.agent.support.Timers;
import io.mezzo.agent.runtime.cgroups.Cgroups;
import io.mezzo.agent.runtime.cgroups.ContainerCgroup;
import io.mezzo.agent.runtime.cgroups.ResourceLimits;
import io.mezzo.agent.spi.ContainerLaunchException;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.spi.Termination;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.Environment;
import io.mezzo.v1.Protos.TaskInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code process} runtime: the task's command runs on this machine in its sandbox, as
 * its own process group (started through {@code setsid}), stdout and stderr going to
 * {@code <sandbox>/stdout} and {@code <sandbox>/stderr}. Kill sends SIGTERM to the group and
 * SIGKILL after the grace period; when the main process ends, whatever is left of its group
 * is killed too, so a task leaves nothing behind.
 *
 * <p>{@code CommandInfo.shell} true (the default) runs {@code /bin/sh -c value}; false runs
 * {@code value} as the executable with {@code arguments} as its argv, where, as in Mesos,
 * {@code arguments[0]} is argv[0] (the program's own name) and the rest are its arguments.
 *
 * <p>Where the machine has cgroups ({@link Cgroups}), each task gets its own cgroup with a
 * memory limit from its {@code mem} and a cpu share and quota from its {@code cpus}; the task's
 * process joins it in a shell prologue before it execs the command, so nothing of the task runs
 * outside it. A task the kernel's OOM killer hit ends as TASK_FAILED with
 * {@code REASON_CONTAINER_LIMITATION_MEMORY}; the cgroup is removed when the task ends. Where
 * the agent runs as root, the command runs as {@code CommandInfo.user}, else
 * {@code FrameworkInfo.user} (unless that is root), through {@code setpriv}, and the sandbox
 * is given to that user.
 *
 * <p>Each task runs under a small shell wrapper ({@link TaskWrapper}) that records, in the
 * container's state directory ({@code <state-dir>/<container id>/}), the task's pid and, when it
 * ends, its exit status. The wrapper and the task outlive an agent killed with -9; a restarted
 * agent {@linkplain #recover re-adopts} the task from those files (checking the wrapper's pid
 * and start time, so a reused pid is not mistaken for it) and learns how it ended even when it
 * ended while the agent was away. What no checkpoint names is {@linkplain #removeOrphans killed}.
 */
public final class ProcessRuntime extends AbstractContainerRuntime<WrappedContainer> {
  public static final String NAME = "process";
  private static final Logger log = LoggerFactory.getLogger(ProcessRuntime.class);
  private static final Duration LEADER_WAIT = Duration.ofSeconds(2);
  /**
   * How many launches, signals and clean-ups may run at once. Each forks and execs several
   * processes (the JVM's spawn helper, setsid, the wrapper's shell, kill); twenty at once on two
   * cores left the agent's event loop waiting for a core most of the time, and /health took up to
   * 0.85 s to answer (see LaunchBurstBench).
   */
  static final int CONCURRENCY = Math.max(2, Runtime.getRuntime().availableProcessors());
  /** Joins every cgroup.procs file named before "--", then execs the rest; $$ is the task's pid. */
  static final String CGROUP_PROLOGUE = "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || "
      + "{ echo \"mezzo: cannot join the task's cgroup ($1)\" >&2; exit 125; }; shift; done; shift; exec \"$@\"";

  private final Timers timers;
  private final Path stateDir;
  private final Cgroups cgroups;
  private final boolean agentIsRoot;

  /** A process runtime without cgroup limits, keeping its state in a new temporary directory. */
  public ProcessRuntime(Vertx vertx, Timers timers) {
    this(vertx, timers, Cgroups.none("not configured"));
  }

  /** A process runtime with {@code cgroups}, keeping its state in a new temporary directory. */
  public ProcessRuntime(Vertx vertx, Timers timers, Cgroups cgroups) {
    this(vertx, timers, cgroups, temporaryStateDir());
  }

  /**
   * A process runtime that limits its tasks in {@code cgroups} (when they are enabled) and keeps
   * each container's pid and exit status under {@code stateDir} (the agent's
   * {@code <work-dir>/meta/runtimes/process}), where a restarted agent finds them.
   */
  public ProcessRuntime(Vertx vertx, Timers timers, Cgroups cgroups, Path stateDir) {
    super(timers, BlockingCalls.bounded(BlockingCalls.vertx(vertx), CONCURRENCY));
    this.timers = timers;
    this.cgroups = Objects.requireNonNull(cgroups, "cgroups");
    this.stateDir = Objects.requireNonNull(stateDir, "stateDir").toAbsolutePath().normalize();
    this.agentIsRoot = TaskUser.agentIsRoot();
  }

  private static Path temporaryStateDir() {
    try {
      return Files.createTempDirectory("mezzo-process-runtime");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** True when this agent process runs as root (effective uid 0). Blocks briefly (reads /proc). */
  public static boolean agentIsRoot() {
    return TaskUser.agentIsRoot();
  }

  /**
   * How the fetcher reads local files for a task that runs as {@code user}: as that user when this
   * agent runs as root and switches to it, else with the agent's own rights (the task's too).
   * Blocks (looks the user up).
   *
   * @throws ContainerLaunchException when the user cannot be switched to (no such user, no setpriv)
   */
  public static io.mezzo.agent.fetcher.LocalFiles localFilesFor(String user) {
    return TaskUser.resolve(user, TaskUser.agentIsRoot())
        .map(u -> io.mezzo.agent.fetcher.LocalFiles.as(u.name(), u.prefix()))
        .orElse(io.mezzo.agent.fetcher.LocalFiles.AGENT);
  }

  /** The cgroups this runtime puts its tasks in. */
  public Cgroups cgroups() {
    return cgroups;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected Callable<WrappedContainer> prepare(LaunchRequest request) {
    List<String> argv = commandLine(request.task());
    return () -> start(request, argv);
  }

  /** To the task's process group, or the wrapper's when the task never started. */
  @Override
  protected void signal(WrappedContainer container, String signal) {
    TaskWrapper wrapper = container.wrapper();
    long group = wrapper.taskPid() > 1 ? wrapper.taskPid() : wrapper.wrapperPid();
    log.debug("[container={}] SIG{} to process group {}", container.containerId(), signal, group);
    ProcessGroup.signal(group, signal);
  }

  /** The argv to exec (through setsid), checked before anything is started. */
  static List<String> commandLine(TaskInfo task) {
    List<String> argv = new ArrayList<>();
    argv.add(TaskWrapper.SETSID.toString());
    argv.addAll(argv(task));
    return argv;
  }

  /**
   * The task's argv, as the Mesos command executor builds it: {@code /bin/sh -c value} for a
   * shell command (the default), else {@code value} followed by {@code arguments[1..]}
   * ({@code arguments[0]} is argv[0], the program's own name).
   *
   * @throws ContainerLaunchException when the task has no command or an empty one
   */
  public static List<String> argv(TaskInfo task) {
    String taskId = task.getTaskId().getValue();
    if (!task.hasCommand()) {
      throw new ContainerLaunchException("Task '" + taskId + "' has no command (TaskInfo.command is not set)");
    }
    CommandInfo command = task.getCommand();
    if (!command.hasValue() || command.getValue().isBlank()) {
      throw new ContainerLaunchException(command.getShell()
          ? "Task '" + taskId + "' has an empty shell command (CommandInfo.value is not set)"
          : "Task '" + taskId + "' names no executable (CommandInfo.value is not set and shell is false)");
    }
    if (command.getShell()) {
      return List.of("/bin/sh", "-c", command.getValue());
    }
    List<String> argv = new ArrayList<>();
    argv.add(command.getValue());
    List<String> arguments = command.getArgumentsList();
    if (arguments.size() > 1) {
      argv.addAll(arguments.subList(1, arguments.size()));
    }
    return argv;
  }

  private WrappedContainer start(LaunchRequest request, List<String> command) {
    Path sandbox = request.sandbox();
    Optional<TaskUser> user = TaskUser.resolve(request.user(), agentIsRoot);
    if (user.isPresent()) {
      createIfMissing(sandbox.resolve("stdout"));
      createIfMissing(sandbox.resolve("stderr"));
      user.get().own(sandbox);
    }
    ResourceLimits limits = ResourceLimits.of(request.task());
    ContainerCgroup cgroup = WrappedContainer.createCgroup(cgroups, request.containerId(), limits);
    List<String> argv = new ArrayList<>();
    argv.add(command.get(0));
    if (cgroup != null) {
      argv.addAll(List.of("/bin/sh", "-c", CGROUP_PROLOGUE, "mezzo-cgroup"));
      cgroup.procsFiles().forEach(file -> argv.add(file.toString()));
      argv.add("--");
    }
    user.ifPresent(u -> argv.addAll(u.prefix()));
    argv.addAll(command.subList(1, command.size()));
    try {
      return start(request, argv, command, cgroup, limits, user);
    } catch (RuntimeException e) {
      if (cgroup != null) {
        cgroup.destroy();
      }
      throw e;
    }
  }

  private static void createIfMissing(Path file) {
    try {
      if (!Files.exists(file)) {
        Files.createFile(file);
      }
    } catch (IOException e) {
      throw new ContainerLaunchException("Cannot create " + file + ": " + e.getMessage(), e);
    }
  }

  private WrappedContainer start(
      LaunchRequest request, List<String> argv, List<String> command, ContainerCgroup cgroup, ResourceLimits limits,
      Optional<TaskUser> user) {
    Path sandbox = request.sandbox();
    TaskWrapper wrapper = TaskWrapper.start(stateDir.resolve(request.containerId()), request.containerId(), argv,
        sandbox, sandbox, env -> environment(env, request));
    long pgid = wrapper.taskPid();
    if (pgid > 0 && !ProcessGroup.awaitLeader(pgid, LEADER_WAIT) && ProcessGroup.groupOf(pgid).isPresent()) {
      log.warn("[container={}] pid {} did not become a process-group leader; kill reaches only it",
          request.containerId(), pgid);
    }
    WrappedContainer running = new WrappedContainer(request.containerId(), wrapper, cgroup, limits);
    track(running);
    log.info("[task={}] [container={}] started pid {} in {}{}{}",
        request.task().getTaskId().getValue(), request.containerId(), pgid, sandbox,
        cgroup == null ? "" : ", cgroup " + cgroup, user.map(u -> " as user " + u.name()).orElse(""));
    follow(running, wrapper.onExit(timers), () -> ended(running));
    return running;
  }

  /** Off the loop: finds the container's wrapper and task again, from its state directory. */
  @Override
  protected WrappedContainer adopt(LaunchRequest request) {
    String containerId = request.containerId();
    Path state = stateDir.resolve(containerId);
    ContainerCgroup cgroup = cgroups.existing(containerId).orElse(null);
    Optional<TaskWrapper> found = TaskWrapper.find(state);
    if (found.isEmpty() || !found.get().recoverable()) {
      killLeftovers(containerId, TaskWrapper.readLong(state.resolve("pid")));
      if (cgroup != null) {
        cgroup.destroy();
      }
      FileTrees.deleteQuietly(state);
      throw new ContainerLaunchException(found.isEmpty()
          ? "The agent restarted before the task's process was recorded; nothing of it is left running"
          : "The task's process ended while the agent was down and left no exit status");
    }
    TaskWrapper wrapper = found.get();
    WrappedContainer running = new WrappedContainer(containerId, wrapper, cgroup, ResourceLimits.of(request.task()));
    track(running);
    if (wrapper.alive()) {
      log.info("[container={}] recovered: task pid {} (wrapper {}) is still running", containerId, wrapper.taskPid(),
          wrapper.wrapperPid());
    } else {
      log.info("[container={}] recovered: the task ended while the agent was down", containerId);
    }
    follow(running, wrapper.onExit(timers), () -> ended(running));
    return running;
  }

  @Override
  public Future<Void> removeOrphans(java.util.Set<String> keep) {
    return blocking().<Void>call(() -> {
      if (!Files.isDirectory(stateDir)) {
        return null;
      }
      try (java.util.stream.Stream<Path> dirs = Files.list(stateDir)) {
        for (Path dir : dirs.toList()) {
          String containerId = dir.getFileName().toString();
          if (keep.contains(containerId) || tracks(containerId)) {
            continue;
          }
          log.info("[container={}] killing what is left of a container no checkpoint names", containerId);
          killLeftovers(containerId, TaskWrapper.readLong(dir.resolve("pid")));
          TaskWrapper.find(dir).filter(TaskWrapper::alive).ifPresent(w -> ProcessGroup.signal(w.wrapperPid(), "KILL"));
          cgroups.existing(containerId).ifPresent(ContainerCgroup::destroy);
          FileTrees.deleteQuietly(dir);
        }
      }
      return null;
    });
  }

  /** Kills what is left of the task's process group (its leader may be gone while members remain). */
  private static void killLeftovers(String containerId, long pgid) {
    if (pgid > 1 && ProcessGroup.signal(pgid, "KILL")) {
      log.info("[container={}] killed what was left of process group {}", containerId, pgid);
    }
  }

  private static void environment(Map<String, String> env, LaunchRequest request) {
    env.keySet().removeIf(name -> name.startsWith("MEZZO_") || name.startsWith("MESOS_") || name.startsWith("LIBPROCESS_"));
    CommandInfo command = request.task().getCommand();
    for (Environment.Variable variable : command.getEnvironment().getVariablesList()) {
      if (variable.getType() == Environment.Variable.Type.SECRET) {
        log.warn("[task={}] secret variable {} is not supported and is left unset",
            request.task().getTaskId().getValue(), variable.getName());
        continue;
      }
      env.put(variable.getName(), variable.getValue());
    }
    env.putAll(request.environment());
  }

  /** Off the loop, once the wrapper has ended: how the task ended, then what is left of it goes. */
  private Termination ended(WrappedContainer running) {
    Termination termination = running.readTermination();
    // Members of the group may outlive its leader (background children); they go with it.
    killLeftovers(running.containerId(), running.wrapper().taskPid());
    if (running.cgroup() != null) {
      // What left the process group (setsid, daemons) is still in the cgroup: killed there.
      running.cgroup().destroy();
    }
    running.wrapper().deleteState();
    return termination;
  }
}
