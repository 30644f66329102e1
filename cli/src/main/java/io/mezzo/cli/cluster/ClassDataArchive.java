package io.mezzo.cli.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The class-data sharing archives the build makes for each kind of node (AppCDS, see
 * {@code cli/src/build/cds-archives.sh}): {@code cds/<role>.jsa} next to the Mezzo jar, each
 * dumped at the exit of a real node of that kind in a training cluster. A node started with its
 * archive maps the classes it needs ready-parsed and verified instead of loading them from the jar,
 * which on a small machine is most of a node's start-up.
 *
 * <p>An archive is only ever an optimization: none is used when the node does not run from a jar
 * (tests), when the file is missing, or when the JVM finds it stale (the jar changed since it was
 * made; the JVM checks the jar's size and time and then loads classes from the jar as usual, and
 * its CDS messages are silenced so a stale archive does not fill the node's log).
 */
final class ClassDataArchive {
  private ClassDataArchive() {}

  /** The JVM options that use the role's archive, or none. */
  static List<String> jvmOptions(String role, String classPath) {
    return archive(role, classPath)
        .map(a -> List.of("-XX:SharedArchiveFile=" + a, "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"))
        .orElse(List.of());
  }

  /** {@code cds/<role>.jsa} beside the jar that is the whole class path, if it exists. */
  static Optional<Path> archive(String role, String classPath) {
    if (classPath == null || classPath.contains(java.io.File.pathSeparator) || !classPath.endsWith(".jar")) {
      return Optional.empty();
    }
    Path jar = Path.of(classPath).toAbsolutePath();
    Path archive = jar.resolveSibling("cds").resolve(role + ".jsa");
    return Files.isRegularFile(archive) ? Optional.of(archive) : Optional.empty();
  }
}
