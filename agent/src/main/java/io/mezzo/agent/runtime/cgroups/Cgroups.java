package io.mezzo.agent.runtime.cgroups;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where this agent may put its tasks' cgroups, detected once at start: cgroup v2 (a unified
 * hierarchy with the memory and cpu controllers) or v1 (separate memory and cpu hierarchies),
 * always under the agent's own cgroup (from {@code /proc/self/cgroup}) in a {@code mezzo}
 * child, one {@code mezzo/<container id>} cgroup per task. When neither is usable (no cgroups,
 * not root, a read-only mount) there are no limits: {@link #enabled()} is false and the reason
 * is logged once. Detection and every {@link ContainerCgroup} call block (file I/O).
 */
public final class Cgroups {
  public static final Path DEFAULT_ROOT = Path.of("/sys/fs/cgroup");
  static final String PARENT = "mezzo";
  private static final Logger log = LoggerFactory.getLogger(Cgroups.class);

  public enum Version { V1, V2 }

  private final Version version;
  /** v1: memory and cpu parents; v2: one parent. */
  private final Path memoryParent;
  private final Path cpuParent;
  /** Where the memory and cpu hierarchies are mounted (the same for v2). */
  private final Path memoryMount;
  private final Path cpuMount;
  private final String reason;

  private Cgroups(Version version, Path memoryParent, Path cpuParent, Path memoryMount, Path cpuMount, String reason) {
    this.version = version;
    this.memoryParent = memoryParent;
    this.cpuParent = cpuParent;
    this.memoryMount = memoryMount;
    this.cpuMount = cpuMount;
    this.reason = reason;
  }

  /** No cgroups: tasks run without limits. */
  public static Cgroups none(String reason) {
    return new Cgroups(null, null, null, null, null, Objects.requireNonNull(reason, "reason"));
  }

  /** Detects cgroups on this machine under {@link #DEFAULT_ROOT}, or none when {@code mode} is off. */
  public static Cgroups detect(CgroupsMode mode) {
    if (mode == CgroupsMode.OFF) {
      log.info("cgroups are off (--cgroups off): tasks run without memory or cpu limits");
      return none("--cgroups off");
    }
    String self;
    try {
      self = Files.readString(Path.of("/proc/self/cgroup"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return logged(none("cannot read /proc/self/cgroup: " + e.getMessage()));
    }
    return logged(detect(DEFAULT_ROOT, self));
  }

  private static Cgroups logged(Cgroups cgroups) {
    if (cgroups.enabled()) {
      log.info("cgroup {} limits for tasks under {}{}", cgroups.version == Version.V1 ? "v1" : "v2", cgroups.memoryParent,
          cgroups.version == Version.V1 ? " and " + cgroups.cpuParent : "");
    } else {
      log.warn("No cgroup limits for tasks: {}", cgroups.reason);
    }
    return cgroups;
  }

  /**
   * Detects cgroups mounted at {@code root} for a process whose {@code /proc/self/cgroup} reads
   * {@code selfCgroup}, creating the {@code mezzo} parent(s) as a test that they are writable.
   */
  static Cgroups detect(Path root, String selfCgroup) {
    Map<String, String> own = ownPaths(selfCgroup);
    if (Files.isRegularFile(root.resolve("cgroup.controllers"))) {
      return detectV2(root, own.getOrDefault("", "/"));
    }
    Path memory = root.resolve("memory");
    Path cpu = root.resolve("cpu");
    if (Files.isRegularFile(memory.resolve("memory.limit_in_bytes")) && Files.isRegularFile(cpu.resolve("cpu.shares"))) {
      return detectV1(memory, cpu, own(memory, own.get("memory")), own(cpu, own.get("cpu")));
    }
    Path unified = root.resolve("unified");
    if (Files.isRegularFile(unified.resolve("cgroup.controllers"))) {
      return detectV2(unified, own.getOrDefault("", "/"));
    }
    return none("neither cgroup v2 (" + root.resolve("cgroup.controllers") + ") nor v1 memory and cpu hierarchies under "
        + root);
  }

  private static Cgroups detectV1(Path memoryMount, Path cpuMount, Path memoryOwn, Path cpuOwn) {
    try {
      Path memoryParent = Files.createDirectories(memoryOwn.resolve(PARENT));
      Path cpuParent = Files.createDirectories(cpuOwn.resolve(PARENT));
      return new Cgroups(Version.V1, memoryParent, cpuParent, memoryMount, cpuMount, null);
    } catch (IOException | SecurityException e) {
      return none("cgroup v1 is mounted but " + memoryOwn + " or " + cpuOwn + " is not writable (" + e + ")");
    }
  }

  private static Cgroups detectV2(Path root, String ownPath) {
    Path own = own(root, ownPath);
    try {
      List<String> available = words(own.resolve("cgroup.controllers"));
      if (!available.contains("memory") || !available.contains("cpu")) {
        return none("cgroup v2 at " + root + " offers controllers " + available + " to " + own + ", not memory and cpu");
      }
      enable(own);
      Path parent = Files.createDirectories(own.resolve(PARENT));
      enable(parent);
      return new Cgroups(Version.V2, parent, parent, root, root, null);
    } catch (IOException | SecurityException | CgroupException e) {
      return none("cgroup v2 at " + root + " cannot delegate memory and cpu under " + own + " (" + e.getMessage() + ")");
    }
  }

  /** Enables memory and cpu for the children of {@code dir} (v2), unless they are already. */
  private static void enable(Path dir) throws IOException {
    List<String> enabled = words(dir.resolve("cgroup.subtree_control"));
    if (enabled.contains("memory") && enabled.contains("cpu")) {
      return;
    }
    CgroupFiles.write(dir.resolve("cgroup.subtree_control"), "+memory +cpu");
  }

  private static List<String> words(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8).trim();
    return text.isEmpty() ? List.of() : List.of(text.split("\\s+"));
  }

  /** The agent's own cgroup under a mount; the mount itself when the path is not there (a cgroup namespace). */
  private static Path own(Path mount, String path) {
    if (path == null || path.equals("/")) {
      return mount;
    }
    Path candidate = mount.resolve(path.substring(1));
    return Files.isDirectory(candidate) ? candidate : mount;
  }

  /** Controller name to path from /proc/self/cgroup; v2's line ("0::/path") is under "". */
  static Map<String, String> ownPaths(String selfCgroup) {
    Map<String, String> paths = new LinkedHashMap<>();
    for (String line : selfCgroup.split("\n")) {
      String[] fields = line.split(":", 3);
      if (fields.length < 3) {
        continue;
      }
      for (String controller : fields[1].split(",")) {
        paths.put(controller, fields[2].trim());
      }
    }
    return paths;
  }

  public boolean enabled() {
    return version != null;
  }

  public Optional<Version> version() {
    return Optional.ofNullable(version);
  }

  /** Why there are no limits, when {@link #enabled()} is false. */
  public String reason() {
    return reason;
  }

  /**
   * Creates the container's cgroup(s) with {@code limits} written. Fails with a
   * {@link CgroupException} naming the file, having removed what it created.
   *
   * @throws IllegalStateException when cgroups are not {@link #enabled()}
   */
  public ContainerCgroup create(String containerId, ResourceLimits limits) {
    if (!enabled()) {
      throw new IllegalStateException("cgroups are not enabled: " + reason);
    }
    ContainerCgroup cgroup = cgroupOf(containerId);
    try {
      cgroup.create(limits);
    } catch (CgroupException e) {
      cgroup.destroy();
      throw e;
    }
    return cgroup;
  }

  /** The container's cgroup when an earlier run of the agent created it and it is still there. */
  public Optional<ContainerCgroup> existing(String containerId) {
    List<Path> dirs = directories(containerId);
    if (dirs.isEmpty() || !Files.isDirectory(dirs.get(0))) {
      return Optional.empty();
    }
    return Optional.of(cgroupOf(containerId));
  }

  private ContainerCgroup cgroupOf(String containerId) {
    return version == Version.V1
        ? new ContainerCgroup(version, memoryParent.resolve(containerId), cpuParent.resolve(containerId), memoryMount, cpuMount)
        : new ContainerCgroup(version, memoryParent.resolve(containerId), memoryParent.resolve(containerId), memoryMount,
            memoryMount);
  }

  /** The cgroup directories a container with this id gets (memory then cpu for v1; one for v2); empty when disabled. */
  public List<Path> directories(String containerId) {
    if (!enabled()) {
      return List.of();
    }
    return version == Version.V1
        ? List.of(memoryParent.resolve(containerId), cpuParent.resolve(containerId))
        : List.of(memoryParent.resolve(containerId));
  }

  @Override
  public String toString() {
    return enabled() ? "cgroups " + version + " under " + memoryParent : "no cgroups (" + reason + ")";
  }
}
