package io.mezzo.agent.runtime;

import io.mezzo.agent.support.FileTrees;
import io.mezzo.agent.spi.ContainerLaunchException;
import io.mezzo.agent.spi.Termination;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small shell that every process-based task (the process runtime's command, the oci
 * runtime's {@code runc run}) runs under, so that the task outlives an agent killed with -9 and
 * a restarted agent still learns how it ended. It runs in a session of its own, starts the
 * task in the background, writes the task's pid to {@code <state>/pid}, waits for it, writes its
 * exit status (128+N after signal N, as shells report it) to {@code <state>/status} and exits
 * with it. The agent records the wrapper's pid and start time in {@code <state>/wrapper}, which
 * together name the wrapper for good (a pid alone may be reused).
 *
 * <p>Every method blocks (fork/exec, /proc, disk); callers run them off the event loop.
 */
public final class TaskWrapper {
  /** util-linux setsid(1), which starts the wrapper and the task each in a session of its own. */
  public static final Path SETSID = Path.of("/usr/bin/setsid");
  /** $1 is the state directory, the rest the task's argv; $0 names the container, for ps. */
  static final String SCRIPT = "d=$1; shift; \"$@\" & p=$!; echo $p > \"$d/pid\"; "
      + "wait $p; s=$?; echo $s > \"$d/status\"; exit $s";
  private static final Logger log = LoggerFactory.getLogger(TaskWrapper.class);
  private static final Duration PID_WAIT = Duration.ofSeconds(2);
  private static final Duration POLL = Duration.ofMillis(250);
  private static final int SIGNAL_EXIT_BASE = 128;

  private final Path state;
  private final long wrapperPid;
  private final long wrapperStart;
  private final long taskPid;
  private final Process process;

  private TaskWrapper(Path state, long wrapperPid, long wrapperStart, long taskPid, Process process) {
    this.state = state;
    this.wrapperPid = wrapperPid;
    this.wrapperStart = wrapperStart;
    this.taskPid = taskPid;
    this.process = process;
  }

  /**
   * Starts {@code argv} under a wrapper, in {@code workDir}, with stdin from /dev/null and
   * stdout/stderr appended to {@code <sandbox>/stdout} and {@code <sandbox>/stderr}.
   *
   * @param state the container's state directory (created; stale files in it are removed)
   * @param environment edits the environment the task inherits from the agent
   * @throws ContainerLaunchException when it cannot be started
   */
  public static TaskWrapper start(Path state, String containerId, List<String> argv, Path workDir, Path sandbox,
      Consumer<Map<String, String>> environment) {
    if (!Files.isExecutable(SETSID)) {
      throw new ContainerLaunchException(SETSID + " is missing; running tasks needs it (util-linux)");
    }
    try {
      Files.createDirectories(state);
      for (String file : List.of("pid", "status", "wrapper")) {
        Files.deleteIfExists(state.resolve(file));
      }
    } catch (IOException e) {
      throw new ContainerLaunchException("Cannot create the container's state directory " + state + ": " + e.getMessage(), e);
    }
    List<String> command = new ArrayList<>(List.of(SETSID.toString(), "/bin/sh", "-c", SCRIPT,
        "mezzo-container:" + containerId, state.toString()));
    command.addAll(argv);
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(workDir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(sandbox.resolve("stdout").toFile()))
        .redirectError(ProcessBuilder.Redirect.appendTo(sandbox.resolve("stderr").toFile()));
    environment.accept(builder.environment());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new ContainerLaunchException("Failed to start " + argv + ": " + e.getMessage(), e);
    }
    long start = ProcessGroup.startTime(process.pid()).orElse(-1);
    long taskPid = awaitPid(state, process);
    try {
      Files.writeString(state.resolve("wrapper"), process.pid() + " " + start + "\n");
    } catch (IOException e) {
      log.warn("[container={}] cannot record the wrapper's pid; the task cannot be recovered after an agent restart: {}",
          containerId, e.toString());
    }
    return new TaskWrapper(state, process.pid(), start, taskPid, process);
  }

  /**
   * The wrapper an earlier run of the agent started with {@code state}, if it recorded one:
   * alive or not (see {@link #alive()} and {@link #exitStatus()}).
   */
  public static Optional<TaskWrapper> find(Path state) {
    try {
      String[] wrapper = Files.readString(state.resolve("wrapper")).trim().split(" ");
      return Optional.of(new TaskWrapper(state, Long.parseLong(wrapper[0]), Long.parseLong(wrapper[1]),
          readLong(state.resolve("pid")), null));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The task's pid (its process group when started through setsid), or -1 when it never started. */
  public long taskPid() {
    return taskPid;
  }

  public long wrapperPid() {
    return wrapperPid;
  }

  /** The wrapper when this agent started it; null when found after a restart. */
  public Process process() {
    return process;
  }

  /**
   * Completes, on any thread, once the wrapper has ended: when this agent started it, as its
   * child exits; when found after a restart (not this JVM's child), polled every 250 ms
   * through {@code timers}.
   */
  public java.util.concurrent.CompletableFuture<Void> onExit(io.mezzo.agent.support.Timers timers) {
    java.util.concurrent.CompletableFuture<Void> ended = new java.util.concurrent.CompletableFuture<>();
    if (process != null) {
      process.onExit().whenComplete((p, error) -> ended.complete(null));
    } else {
      pollUntilEnded(timers, ended);
    }
    return ended;
  }

  private void pollUntilEnded(io.mezzo.agent.support.Timers timers, java.util.concurrent.CompletableFuture<Void> ended) {
    if (alive()) {
      timers.schedule(POLL, () -> pollUntilEnded(timers, ended));
    } else {
      ended.complete(null);
    }
  }

  public boolean alive() {
    return process != null ? process.isAlive() : ProcessGroup.alive(wrapperPid, wrapperStart);
  }

  /**
   * Whether a wrapper found after a restart can be followed: it still runs, or it recorded how the
   * task ended. One that died without a status (killed itself) leaves nothing to report.
   */
  public boolean recoverable() {
    return alive() || exitStatus().isPresent();
  }

  /** The task's exit status the wrapper wrote; empty while it runs or when the wrapper died first. */
  public Optional<Integer> exitStatus() {
    long status = readLong(state.resolve("status"));
    return status >= 0 ? Optional.of((int) status) : Optional.empty();
  }

  /**
   * How the task ended, from its exit status (or the wrapper's own when it died first; a
   * wrapper found after a restart that left none counts as killed by SIGKILL).
   */
  public Termination termination(boolean killed) {
    int code = exitStatus().orElseGet(() -> process != null ? process.exitValue() : SIGNAL_EXIT_BASE + 9);
    return code > SIGNAL_EXIT_BASE && code <= SIGNAL_EXIT_BASE + 64
        ? Termination.signalled(code - SIGNAL_EXIT_BASE, killed)
        : Termination.exited(code, killed);
  }

  /** Removes the state directory; what is left of its files does not matter once the task is reported. */
  public void deleteState() {
    FileTrees.deleteQuietly(state);
  }


  /** The task's pid, which the wrapper writes right after it forks; -1 when the wrapper ended first. */
  private static long awaitPid(Path state, Process wrapper) {
    Path file = state.resolve("pid");
    long deadline = System.nanoTime() + PID_WAIT.toNanos();
    PollPauses pauses = new PollPauses();
    while (true) {
      // exists() first: a read of a missing file costs an exception, and most looks find none.
      long pid = Files.exists(file) ? readLong(file) : -1;
      if (pid > 0) {
        return pid;
      }
      if (!wrapper.isAlive()) {
        pid = readLong(file);
        return pid > 0 ? pid : -1;
      }
      if (System.nanoTime() > deadline) {
        return -1;
      }
      pauses.pause();
    }
  }

  /** The number a state file holds, or -1 when it is missing, empty or not a number. */
  static long readLong(Path file) {
    try {
      String text = Files.readString(file).trim();
      return text.isEmpty() ? -1 : Long.parseLong(text.split(" ")[0]);
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }
}
