package io.mezzo.agent.runtime.cgroups;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One container's cgroup: {@code mezzo/<container id>} in the memory and cpu hierarchies (v1)
 * or in the unified one (v2). Made by {@link Cgroups#create}; the task's process joins it
 * through {@link #procsFiles()} before it execs the command. Every method blocks.
 */
public final class ContainerCgroup {
  /** The CFS period, as Mesos: 100 ms. */
  public static final long CFS_PERIOD_US = 100_000;
  private static final Logger log = LoggerFactory.getLogger(ContainerCgroup.class);
  private static final Duration REMOVE_WAIT = Duration.ofSeconds(5);

  private final Cgroups.Version version;
  private final Path memory;
  private final Path cpu;
  private final Path memoryMount;
  private final Path cpuMount;

  ContainerCgroup(Cgroups.Version version, Path memory, Path cpu, Path memoryMount, Path cpuMount) {
    this.version = version;
    this.memory = memory;
    this.cpu = cpu;
    this.memoryMount = memoryMount;
    this.cpuMount = cpuMount;
  }

  public Cgroups.Version version() {
    return version;
  }

  /** The cgroup directories (one for v2, memory then cpu for v1). */
  public List<Path> directories() {
    return memory.equals(cpu) ? List.of(memory) : List.of(memory, cpu);
  }

  /**
   * The memory cgroup's path from the root of its hierarchy ({@code /mezzo/<container id>}, or
   * deeper when the agent itself runs in a cgroup): the absolute {@code cgroupsPath} an OCI
   * runtime's cgroupfs driver resolves against each hierarchy's mount (v1) or the unified mount (v2).
   */
  public String memoryHierarchyPath() {
    return "/" + memoryMount.relativize(memory).toString();
  }

  /** The cpu cgroup's path from the root of its hierarchy; the same as {@link #memoryHierarchyPath()} for v2. */
  public String cpuHierarchyPath() {
    return "/" + cpuMount.relativize(cpu).toString();
  }

  /** The {@code cgroup.procs} files a process writes its pid to, to join this cgroup. */
  public List<Path> procsFiles() {
    return directories().stream().map(d -> d.resolve("cgroup.procs")).toList();
  }

  void create(ResourceLimits limits) {
    for (Path dir : directories()) {
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new CgroupException("Cannot create cgroup " + dir + ": " + e, e);
      }
    }
    if (limits.limitsMemory()) {
      long bytes = limits.memoryBytes();
      if (version == Cgroups.Version.V1) {
        set(memory.resolve("memory.limit_in_bytes"), Long.toString(bytes));
        // Swap counts against the same limit where the kernel accounts it; optional.
        setIfPresent(memory.resolve("memory.memsw.limit_in_bytes"), Long.toString(bytes));
      } else {
        set(memory.resolve("memory.max"), Long.toString(bytes));
        setIfPresent(memory.resolve("memory.swap.max"), "0");
      }
    }
    if (limits.limitsCpu()) {
      double cpus = limits.effectiveCpus();
      long quota = Math.max(1000, Math.round(cpus * CFS_PERIOD_US));
      if (version == Cgroups.Version.V1) {
        set(cpu.resolve("cpu.shares"), Long.toString(Math.max(2, Math.round(1024 * cpus))));
        set(cpu.resolve("cpu.cfs_period_us"), Long.toString(CFS_PERIOD_US));
        set(cpu.resolve("cpu.cfs_quota_us"), Long.toString(quota));
      } else {
        set(cpu.resolve("cpu.max"), quota + " " + CFS_PERIOD_US);
        // cpu.weight is 1..10000 with 100 for one cpu's worth (the v1 default of 1024 shares).
        set(cpu.resolve("cpu.weight"), Long.toString(Math.max(1, Math.min(10_000, Math.round(100 * cpus)))));
      }
    }
  }

  /**
   * True when the kernel's OOM killer killed a process of this cgroup or of a child cgroup (an
   * OCI runtime's). v2 counts kills up the tree; v1 counts them only in the victim's cgroup, so
   * the children are read too.
   */
  public boolean oomKilled() {
    if (version == Cgroups.Version.V2) {
      return CgroupFiles.keyed(memory.resolve("memory.events"), "oom_kill").orElse(0) > 0;
    }
    OptionalLong kills = CgroupFiles.keyed(memory.resolve("memory.oom_control"), "oom_kill");
    if (kills.isPresent()) {
      return kills.getAsLong() > 0 || childrenOomKilled();
    }
    // Kernels before 4.13 do not count kills; hitting the limit is the best evidence left.
    try {
      return Long.parseLong(Files.readString(memory.resolve("memory.failcnt")).trim()) > 0;
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  private boolean childrenOomKilled() {
    try (var children = Files.list(memory)) {
      return children.filter(Files::isDirectory)
          .anyMatch(child -> CgroupFiles.keyed(child.resolve("memory.oom_control"), "oom_kill").orElse(0) > 0);
    } catch (IOException e) {
      return false;
    }
  }

  /** The most memory the cgroup used, in bytes, where the kernel tells (v1 max_usage, v2 memory.peak). */
  public OptionalLong peakMemoryBytes() {
    Path file = version == Cgroups.Version.V1 ? memory.resolve("memory.max_usage_in_bytes") : memory.resolve("memory.peak");
    try {
      return OptionalLong.of(Long.parseLong(Files.readString(file).trim()));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Kills whatever is left in the cgroup and removes it. Idempotent; logs rather than throws,
   * since the task has ended either way.
   */
  public void destroy() {
    for (Path dir : directories()) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      long deadline = System.nanoTime() + REMOVE_WAIT.toNanos();
      while (true) {
        Set<Long> pids = pids(dir);
        if (!pids.isEmpty()) {
          kill(pids);
        }
        try {
          Files.deleteIfExists(dir);
          break;
        } catch (IOException e) {
          if (System.nanoTime() > deadline) {
            log.warn("Cannot remove cgroup {} (still has {}): {}", dir, pids(dir), e.toString());
            break;
          }
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
      }
    }
  }

  private static Set<Long> pids(Path dir) {
    Set<Long> pids = new LinkedHashSet<>();
    try {
      for (String line : Files.readAllLines(dir.resolve("cgroup.procs"), StandardCharsets.US_ASCII)) {
        if (!line.isBlank()) {
          pids.add(Long.parseLong(line.trim()));
        }
      }
    } catch (NoSuchFileException e) {
      return pids;
    } catch (IOException | NumberFormatException e) {
      log.debug("Cannot read {}: {}", dir.resolve("cgroup.procs"), e.toString());
    }
    return pids;
  }

  private static void kill(Set<Long> pids) {
    for (long pid : pids) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private static void set(Path file, String value) {
    try {
      CgroupFiles.write(file, value);
    } catch (IOException e) {
      throw new CgroupException("Cannot write '" + value + "' to " + file + ": " + e, e);
    }
  }

  private static void setIfPresent(Path file, String value) {
    if (Files.exists(file)) {
      try {
        CgroupFiles.write(file, value);
      } catch (IOException e) {
        log.debug("Optional cgroup setting {} = {} not applied: {}", file, value, e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return directories().toString();
  }
}
