package io.mezzo.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** What this machine can run, for tests that need root, cgroups, Docker or an OCI runtime. */
final class Machine {
  /** The local image `.ci/run` builds from busybox-static (no registry is reachable). */
  static final String IMAGE = "mezzo/busybox:test";

  private Machine() {}

  static boolean root() {
    return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
  }

  /** Root, and the memory cgroup this JVM is in can hold child cgroups. */
  static boolean memoryCgroupWritable() {
    try {
      String own = Files.readAllLines(Path.of("/proc/self/cgroup")).stream()
          .filter(l -> l.contains(":memory:")).map(l -> l.substring(l.lastIndexOf(':') + 1)).findFirst().orElse(null);
      Path dir = own == null ? Path.of("/sys/fs/cgroup") : Path.of("/sys/fs/cgroup/memory" + own);
      return root() && Files.isWritable(dir);
    } catch (Exception e) {
      return false;
    }
  }

  /** A Docker engine answers and has {@code image} locally. */
  static boolean dockerImagePresent(String image) {
    return succeeds("docker", "image", "inspect", image);
  }

  /** The agent can run the oci runtime: root, runc (or crun), and the local image to take a rootfs from. */
  static boolean ociAvailable() {
    return root() && (succeeds("runc", "--version") || succeeds("crun", "--version")) && dockerImagePresent(IMAGE);
  }

  static boolean succeeds(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }
}
