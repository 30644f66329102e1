package io.mezzo.agent.runtime.oci;

import io.mezzo.agent.runtime.PollPauses;
import io.mezzo.agent.runtime.cgroups.Cgroups;
import io.mezzo.agent.runtime.cgroups.ContainerCgroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OCI runtime binary ({@code runc}, {@code crun}) as the {@code oci} runtime calls it: every
 * command with {@code --root <state>}, where the binary keeps its running containers. Every
 * method blocks.
 */
final class OciBinary {
  /** The child of the task's cgroup that the OCI runtime creates and joins. */
  static final String CHILD_CGROUP = "oci";
  private static final Logger log = LoggerFactory.getLogger(OciBinary.class);
  private static final long COMMAND_TIMEOUT_SECONDS = 30;
  /** How long a container may take to be created; a loaded machine has taken over 10 s. */
  static final Duration CREATE_WAIT = Duration.ofSeconds(60);

  /** What became of a container {@link #awaitCreated} waited for. */
  enum Creation { CREATED, EXITED, TIMED_OUT }

  private final Path path;
  private final Path stateRoot;
  private final Duration createWait;
  private volatile Boolean supportsKeep;

  OciBinary(Path path, Path stateRoot) {
    this(path, stateRoot, CREATE_WAIT);
  }

  OciBinary(Path path, Path stateRoot, Duration createWait) {
    this.path = Objects.requireNonNull(path, "path");
    this.stateRoot = Objects.requireNonNull(stateRoot, "stateRoot").toAbsolutePath();
    this.createWait = Objects.requireNonNull(createWait, "createWait");
  }

  Path path() {
    return path;
  }

  /** The binary's file name ({@code runc}), for messages. */
  Path name() {
    return path.getFileName();
  }

  Path stateRoot() {
    return stateRoot;
  }

  /** {@code <binary> --root <state> run [--keep] --bundle <bundle> <container id>}: runs the container in the foreground. */
  List<String> runCommand(Path bundle, String containerId) {
    List<String> command = new ArrayList<>(List.of(path.toString(), "--root", stateRoot.toString(), "run"));
    if (supportsKeep()) {
      command.add("--keep");
    }
    command.addAll(List.of("--bundle", bundle.toString(), containerId));
    return command;
  }

  /**
   * Waits until the runtime has created the container (its state file exists: runc's
   * {@code state.json}, crun's {@code status}), so that RUNNING means running. EXITED when the
   * runtime exited without ever creating it (known only with {@code --keep}, which keeps the
   * state of a container that ended at once; without it an exit counts as created and ended);
   * TIMED_OUT when it still runs without a container after the create wait (60 s): the launch
   * fails rather than report a container that may never run.
   *
   * @param alive whether the runtime's process still runs
   */
  Creation awaitCreated(String containerId, java.util.function.BooleanSupplier alive) {
    Path dir = stateRoot.resolve(containerId);
    Path runcState = dir.resolve("state.json");
    Path crunStatus = dir.resolve("status");
    long deadline = System.nanoTime() + createWait.toNanos();
    PollPauses pauses = new PollPauses();
    while (true) {
      if (Files.exists(runcState) || Files.exists(crunStatus)) {
        return Creation.CREATED;
      }
      if (!alive.getAsBoolean()) {
        return supportsKeep() ? Creation.EXITED : Creation.CREATED;
      }
      if (System.nanoTime() > deadline) {
        log.warn("[container={}] {} has not created the container after {}", containerId, name(), createWait);
        return Creation.TIMED_OUT;
      }
      pauses.pause();
    }
  }

  Duration createWait() {
    return createWait;
  }

  /**
   * Whether {@code run} takes {@code --keep} (runc does, crun 1.8 does not), asked once. Without
   * it the ended container's cgroup is gone before its OOM kill count is read, so on cgroup v1
   * (which counts a kill only where the victim was) an OOM kill is not recognised as such.
   */
  boolean supportsKeep() {
    Boolean keep = supportsKeep;
    if (keep == null) {
      // Once: the first launches of a burst would otherwise each run the binary to ask.
      synchronized (this) {
        keep = supportsKeep;
        if (keep == null) {
          keep = output("run", "--help").contains("--keep");
          if (!keep) {
            log.warn("{} run has no --keep: on cgroup v1 a task killed for memory ends as killed by signal, "
                + "without REASON_CONTAINER_LIMITATION_MEMORY", path);
          }
          supportsKeep = keep;
        }
      }
    }
    return keep;
  }

  /** The output of {@code <binary> args...}, empty when it cannot run. */
  private String output(String... args) {
    List<String> command = new ArrayList<>(List.of(path.toString()));
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

  /** Runs {@code <binary> --root <state> args...}; true when it exited 0. */
  boolean run(String... args) {
    List<String> command = new ArrayList<>(List.of(path.toString(), "--root", stateRoot.toString()));
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
      log.warn("Cannot run {}: {}", path, e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * The binary's cgroupfs driver makes the child cgroup in every v1 hierarchy, creating its
   * parents where our cgroup does not exist (pids, devices, freezer, ...); it removes only the
   * child, so the now empty parents named after this container go here.
   */
  static void removeLeftoverCgroups(ContainerCgroup cgroup) {
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
}
