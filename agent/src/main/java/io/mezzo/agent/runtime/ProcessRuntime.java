package io.mezzo.agent.runtime;

import io.mezzo.agent.Timers;
import io.mezzo.agent.runtime.cgroups.CgroupException;
import io.mezzo.agent.runtime.cgroups.Cgroups;
import io.mezzo.agent.runtime.cgroups.ContainerCgroup;
import io.mezzo.agent.runtime.cgroups.ResourceLimits;
import io.mezzo.agent.spi.ContainerLaunchException;
import io.mezzo.agent.spi.ContainerRuntime;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.spi.LaunchedContainer;
import io.mezzo.agent.spi.Termination;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.Environment;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
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
 */
public final class ProcessRuntime implements ContainerRuntime {
  public static final String NAME = "process";
  static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Logger log = LoggerFactory.getLogger(ProcessRuntime.class);
  private static final Duration LEADER_WAIT = Duration.ofSeconds(2);
  private static final int SIGNAL_EXIT_BASE = 128;
  /** Joins every cgroup.procs file named before "--", then execs the rest; $$ is the task's pid. */
  static final String CGROUP_PROLOGUE = "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || "
      + "{ echo \"mezzo: cannot join the task's cgroup ($1)\" >&2; exit 125; }; shift; done; shift; exec \"$@\"";

  private final Vertx vertx;
  private final Timers timers;
  private final ConcurrentMap<String, Running> containers = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Cgroups cgroups;
  private final boolean agentIsRoot;

  /** A process runtime without cgroup limits. */
  public ProcessRuntime(Vertx vertx, Timers timers) {
    this(vertx, timers, Cgroups.none("not configured"));
  }

  /** A process runtime that limits its tasks in {@code cgroups} (when they are enabled). */
  public ProcessRuntime(Vertx vertx, Timers timers, Cgroups cgroups) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.timers = Objects.requireNonNull(timers, "timers");
    this.cgroups = Objects.requireNonNull(cgroups, "cgroups");
    this.agentIsRoot = TaskUser.agentIsRoot();
  }

  /** True when this agent process runs as root (effective uid 0). Blocks briefly (reads /proc). */
  public static boolean agentIsRoot() {
    return TaskUser.agentIsRoot();
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
  public Future<LaunchedContainer> launch(LaunchRequest request) {
    if (closed.get()) {
      return Future.failedFuture(new ContainerLaunchException("The agent is shutting down"));
    }
    List<String> argv;
    try {
      argv = commandLine(request.task());
    } catch (ContainerLaunchException e) {
      return Future.failedFuture(e);
    }
    return vertx.executeBlocking(() -> start(request, argv), false);
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
    log.info("[container={}] sending SIGTERM to process group {}", containerId, running.pgid);
    return vertx.<Void>executeBlocking(() -> {
          ProcessGroup.signal(running.pgid, "TERM");
          return null;
        }, false)
        .onSuccess(v -> running.escalation = timers.schedule(gracePeriod, () -> escalate(running, gracePeriod)));
  }

  @Override
  public Future<Void> close(Duration gracePeriod) {
    closed.set(true);
    List<Future<Termination>> terminations = new ArrayList<>();
    for (Running running : containers.values()) {
      kill(running.containerId, gracePeriod);
      terminations.add(running.termination.future());
    }
    return Future.join(terminations).mapEmpty();
  }

  /** The argv to exec, checked before anything is started. */
  static List<String> commandLine(TaskInfo task) {
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
    List<String> argv = new ArrayList<>();
    argv.add(SETSID.toString());
    if (command.getShell()) {
      argv.addAll(List.of("/bin/sh", "-c", command.getValue()));
    } else {
      argv.add(command.getValue());
      List<String> arguments = command.getArgumentsList();
      if (arguments.size() > 1) {
        argv.addAll(arguments.subList(1, arguments.size()));
      }
    }
    return argv;
  }

  private LaunchedContainer start(LaunchRequest request, List<String> command) {
    if (!Files.isExecutable(SETSID)) {
      throw new ContainerLaunchException(SETSID + " is missing; the process runtime needs it (util-linux)");
    }
    Path sandbox = request.sandbox();
    Optional<TaskUser> user = TaskUser.resolve(request.user(), agentIsRoot);
    if (user.isPresent()) {
      createIfMissing(sandbox.resolve("stdout"));
      createIfMissing(sandbox.resolve("stderr"));
      user.get().own(sandbox);
    }
    ResourceLimits limits = ResourceLimits.of(request.task());
    ContainerCgroup cgroup = null;
    if (cgroups.enabled() && (limits.limitsMemory() || limits.limitsCpu())) {
      try {
        cgroup = cgroups.create(request.containerId(), limits);
      } catch (CgroupException e) {
        throw new ContainerLaunchException("Failed to set up the task's cgroup: " + e.getMessage(), e);
      }
    }
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

  private LaunchedContainer start(
      LaunchRequest request, List<String> argv, List<String> command, ContainerCgroup cgroup, ResourceLimits limits,
      Optional<TaskUser> user) {
    Path sandbox = request.sandbox();
    ProcessBuilder builder = new ProcessBuilder(argv)
        .directory(sandbox.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(sandbox.resolve("stdout").toFile()))
        .redirectError(ProcessBuilder.Redirect.appendTo(sandbox.resolve("stderr").toFile()));
    environment(builder.environment(), request);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new ContainerLaunchException("Failed to start " + command.subList(1, command.size()) + ": " + e.getMessage(), e);
    }
    if (!ProcessGroup.awaitLeader(process, LEADER_WAIT) && process.isAlive()) {
      log.warn("[container={}] pid {} did not become a process-group leader; kill reaches only it",
          request.containerId(), process.pid());
    }
    Running running = new Running(request.containerId(), process, cgroup, limits);
    containers.put(running.containerId, running);
    log.info("[task={}] [container={}] started pid {} in {}{}{}",
        request.task().getTaskId().getValue(), request.containerId(), process.pid(), sandbox,
        cgroup == null ? "" : ", cgroup " + cgroup, user.map(u -> " as user " + u.name()).orElse(""));
    process.onExit().whenComplete((p, error) -> exited(running));
    return new LaunchedContainer(running.containerId, running.pgid, running.termination.future());
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

  private void exited(Running running) {
    vertx.<Void>executeBlocking(() -> {
      Timers.Timer escalation = running.escalation;
      if (escalation != null) {
        escalation.cancel();
      }
      // Members of the group may outlive its leader (background children); they go with it.
      ProcessGroup.signal(running.pgid, "KILL");
      if (running.cgroup != null) {
        running.oomKilled = running.cgroup.oomKilled();
        running.peakMemory = running.cgroup.peakMemoryBytes();
        // What left the process group (setsid, daemons) is still in the cgroup: killed there.
        running.cgroup.destroy();
      }
      return null;
    }, false).onComplete(ignored -> {
      containers.remove(running.containerId);
      int code = running.process.exitValue();
      // The JDK reports death by signal N as exit code 128 + N, as shells do.
      Termination termination = code > SIGNAL_EXIT_BASE && code <= SIGNAL_EXIT_BASE + 64
          ? Termination.signalled(code - SIGNAL_EXIT_BASE, running.killed)
          : Termination.exited(code, running.killed);
      if (running.oomKilled && !running.killed) {
        termination = termination.limitedBy(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY,
            memoryMessage(running.limits, running.peakMemory));
      }
      log.info("[container={}] ended: {}{}", running.containerId, termination.message(),
          running.killed ? " (killed)" : "");
      running.termination.tryComplete(termination);
    });
  }

  /** As Mesos's memory isolator words it, with the limit named as the task asked for it. */
  public static String memoryMessage(ResourceLimits limits, OptionalLong peakBytes) {
    String mb = ResourceLimits.formatMb(limits.memoryMb());
    StringBuilder message = new StringBuilder("Memory limit exceeded: Requested: ").append(mb).append("MB");
    if (limits.memoryMb() < ResourceLimits.MIN_MEMORY_MB) {
      message.append(" (raised to the minimum of ").append(ResourceLimits.formatMb(ResourceLimits.MIN_MEMORY_MB)).append("MB)");
    }
    peakBytes.ifPresent(peak -> message.append(" Maximum Used: ").append(peak / (1024 * 1024)).append("MB"));
    return message.append("; the task used more than its ").append(mb).append(" MB limit (mem:").append(mb)
        .append(") and was killed").toString();
  }

  private void escalate(Running running, Duration gracePeriod) {
    if (!running.process.isAlive()) {
      return;
    }
    log.info("[container={}] still running {} after SIGTERM; sending SIGKILL to process group {}",
        running.containerId, gracePeriod, running.pgid);
    vertx.executeBlocking(() -> ProcessGroup.signal(running.pgid, "KILL"), false);
  }

  private static final class Running {
    final String containerId;
    final Process process;
    final long pgid;
    final Promise<Termination> termination = Promise.promise();
    final AtomicBoolean killing = new AtomicBoolean();
    volatile boolean killed;
    volatile Timers.Timer escalation;
    final ContainerCgroup cgroup;
    final ResourceLimits limits;
    volatile boolean oomKilled;
    volatile OptionalLong peakMemory = OptionalLong.empty();

    Running(String containerId, Process process, ContainerCgroup cgroup, ResourceLimits limits) {
      this.containerId = containerId;
      this.process = process;
      this.pgid = process.pid();
      this.cgroup = cgroup;
      this.limits = limits;
    }
  }
}
