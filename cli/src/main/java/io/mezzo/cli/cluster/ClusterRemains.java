package io.mezzo.cli.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Finds and ends what is left of a local cluster once its nodes are stopped: the tasks an agent
 * did not end (it was killed with -9, or wedged), which run on in sessions of their own. A
 * process belongs to the cluster when it is in a process group an agent recorded for a task
 * ({@code <work-dir>/meta/runtimes/process/<container>/pid} and {@code wrapper}, and the same
 * files under {@code <work-dir>/oci}), or its working directory, its stdout (a node's log, a
 * task's sandbox) or its command line is under the cluster's directory. Reads {@code /proc}; finds nothing where there is none.
 */
final class ClusterRemains {
  private final Path clusterDir;

  ClusterRemains(Path clusterDir) {
    this.clusterDir = clusterDir.toAbsolutePath().normalize();
  }

  /** A process left over, with why it counts as the cluster's. */
  record Remain(ProcessHandle handle, String why) {
    @Override
    public String toString() {
      return "pid " + handle.pid() + " (" + why + ")";
    }
  }

  /** The process groups the agents recorded for their tasks and task wrappers. */
  Set<Long> recordedGroups(List<NodeProcess> agents) {
    Set<Long> groups = new HashSet<>();
    for (NodeProcess agent : agents) {
      if (agent.workDir() == null) {
        continue;
      }
      for (Path states : List.of(Path.of(agent.workDir(), "meta"), Path.of(agent.workDir(), "oci"))) {
        if (!Files.isDirectory(states)) {
          continue;
        }
        try (Stream<Path> files = Files.walk(states, 6)) {
          files.filter(f -> f.getFileName().toString().equals("wrapper")).forEach(wrapper -> {
            firstNumber(wrapper).ifPresent(groups::add);
            firstNumber(wrapper.resolveSibling("pid")).ifPresent(groups::add);
          });
        } catch (IOException | RuntimeException e) {
          // a state dir removed as we walk it: its task has ended
        }
      }
    }
    groups.remove(0L);
    groups.remove(1L);
    return groups;
  }

  /** Every live process, other than this one, that belongs to the cluster. */
  List<Remain> find(Set<Long> groups) {
    List<Remain> found = new ArrayList<>();
    long self = ProcessHandle.current().pid();
    ProcessHandle.allProcesses().filter(h -> h.pid() != self && h.isAlive()).forEach(h -> why(h.pid(), groups)
        .ifPresent(why -> found.add(new Remain(h, why))));
    return found;
  }

  private Optional<String> why(long pid, Set<Long> groups) {
    Path proc = Path.of("/proc", Long.toString(pid));
    try {
      String stat = Files.readString(proc.resolve("stat"));
      // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so count from the last ')'
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long group = Long.parseLong(fields[2]);
      if (groups.contains(group)) {
        return Optional.of("in task process group " + group);
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // gone, or not ours to read
    }
    try {
      Path cwd = Files.readSymbolicLink(proc.resolve("cwd"));
      if (cwd.startsWith(clusterDir)) {
        return Optional.of("runs in " + cwd);
      }
    } catch (IOException | RuntimeException e) {
      // another user's process: its cwd is not readable
    }
    try {
      Path stdout = Files.readSymbolicLink(proc.resolve("fd").resolve("1"));
      if (stdout.startsWith(clusterDir)) {
        return Optional.of("writes to " + stdout);
      }
    } catch (IOException | RuntimeException e) {
      // no stdout, or not ours to read
    }
    return NodeProcess.commandLine(pid).filter(c -> c.contains(clusterDir.toString()))
        .map(c -> "command names " + clusterDir);
  }

  /** SIGTERM, then SIGKILL after the grace period; true when it is gone. */
  static boolean end(ProcessHandle process, Duration grace) {
    process.destroy();
    try {
      process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      try {
        process.onExit().get(5, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException ignored) {
        // reported by the caller: it is still alive
      }
    }
    return !process.isAlive();
  }

  private static Optional<Long> firstNumber(Path file) {
    try {
      return Optional.of(Long.parseLong(Files.readString(file).trim().split("\\s+")[0]));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
