package io.mezzo.cli.cluster;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import io.mezzo.master.MasterMain;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image every node of a cluster in containers runs (ZooKeeper, masters, agents), built on
 * this machine because no registry is reachable: a JRE made by {@code jlink} from the running
 * JDK, the shared libraries {@code ldd} lists for it, Debian's static busybox (a shell,
 * {@code kill}, {@code setsid}, {@code ip}, ...), and the Mezzo jar, put together as
 * {@code FROM scratch}. The image's label records the jar's SHA-256, so {@link #ensure} builds
 * only when the jar changed. Its entry point runs {@code mezzo <role> ...}, advertising the
 * container's own address and host name.
 */
public final class NodeImage {
  private static final Logger log = LoggerFactory.getLogger(NodeImage.class);
  /** The image's repository; the tag is the project version (see {@link #name()}). */
  public static final String REPOSITORY = "mezzo/node";
  static final String JAR_LABEL = "io.mezzo.jar-sha256";
  /**
   * What the jar needs of the JDK: {@code jdeps --ignore-missing-deps --print-module-deps
   * --multi-release 17 cli/target/mezzo.jar}, plus jdk.crypto.ec (TLS to an external endpoint)
   * jdk.zipfs, jdk.random (the agent's L32X64MixRandom) and jdk.charsets, which are loaded as services or
   * by name and so do not show there.
   */
  static final List<String> MODULES = List.of("java.base", "java.compiler", "java.desktop", "java.naming",
      "java.net.http", "java.security.jgss", "java.security.sasl", "java.sql", "jdk.jfr", "jdk.management",
      "jdk.unsupported", "jdk.crypto.ec", "jdk.zipfs", "jdk.random", "jdk.charsets");
  /**
   * Starts a node advertising its container's address (the first, if several). It advertises no
   * host name of its own unless MEZZO_HOSTNAME says so: the container's name resolves inside the
   * Docker network only, and the CLI and frameworks on the machine follow what nodes advertise.
   */
  static final String ENTRYPOINT = """
      #!/bin/sh
      : "${MEZZO_IP:=$(hostname -i | cut -d' ' -f1)}"
      export MEZZO_IP
      exec /opt/java/bin/java -XX:+UseSerialGC ${JAVA_OPTS:-} -jar /opt/mezzo/mezzo.jar "$@"
      """;

  private NodeImage() {}

  /** The image name, e.g. {@code mezzo/node:0.1.0-SNAPSHOT}: the one place that names it. */
  public static String name() {
    return REPOSITORY + ":" + MasterMain.version();
  }

  /**
   * Builds the image from {@code jar} unless an image of that name built from the same jar
   * exists. Blocking; takes about a minute when it builds.
   *
   * @return true when it built, false when the existing image was kept
   */
  public static boolean ensure(DockerClient docker, Path jar) {
    String digest = sha256(jar);
    Optional<String> existing = labelOf(docker, name());
    if (existing.isPresent() && existing.get().equals(digest)) {
      return false;
    }
    Instant start = Instant.now();
    Path work = null;
    try {
      work = Files.createTempDirectory("mezzo-node-image");
      Path tar = work.resolve("context.tar");
      Path jre = work.resolve("jre");
      jlink(jre);
      writeContext(tar, jre, jar);
      try (InputStream context = Files.newInputStream(tar)) {
        docker.buildImageCmd(context).withTags(Set.of(name())).withLabels(Map.of(JAR_LABEL, digest))
            .withPull(false).withRemove(true).exec(new BuildImageResultCallback()).awaitImageId();
      }
      log.info("Built image {} in {} ms ({} MB context)", name(), Duration.between(start, Instant.now()).toMillis(),
          Files.size(tar) >> 20);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot build the node image " + name() + ": " + e.getMessage(), e);
    } finally {
      if (work != null) {
        deleteTree(work);
      }
    }
  }

  /** The jar this program runs from, when it runs from the shaded Mezzo jar. */
  public static Optional<Path> runningJar() {
    try {
      Path location = Path.of(NodeImage.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return Files.isRegularFile(location) && location.getFileName().toString().endsWith(".jar")
          ? Optional.of(location) : Optional.empty();
    } catch (java.net.URISyntaxException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> labelOf(DockerClient docker, String image) {
    try {
      InspectImageResponse inspect = docker.inspectImageCmd(image).exec();
      Map<String, String> labels = inspect.getConfig() == null ? null : inspect.getConfig().getLabels();
      return Optional.ofNullable(labels == null ? null : labels.get(JAR_LABEL));
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  private static void jlink(Path output) {
    ToolProvider jlink = ToolProvider.findFirst("jlink").orElseThrow(() -> new IllegalStateException(
        "Building the node image needs a JDK with jlink; this Java (" + System.getProperty("java.home")
            + ") has none"));
    Path jmods = Path.of(System.getProperty("java.home"), "jmods");
    if (!Files.isDirectory(jmods)) {
      throw new IllegalStateException("Building the node image needs the JDK's jmods; " + jmods + " is missing"
          + " (on Debian: apt-get install openjdk-17-jdk-headless)");
    }
    java.io.StringWriter out = new java.io.StringWriter();
    int code = jlink.run(new java.io.PrintWriter(out), new java.io.PrintWriter(out), "--module-path", jmods.toString(),
        "--add-modules", String.join(",", MODULES), "--strip-debug", "--no-header-files", "--no-man-pages",
        "--compress=2", "--output", output.toString());
    if (code != 0) {
      throw new IllegalStateException("jlink failed (" + code + "): " + out);
    }
  }

  /** The build context: Dockerfile plus the root file system under {@code rootfs/}, symlinks kept. */
  private static void writeContext(Path tar, Path jre, Path jar) throws IOException {
    try (OutputStream file = Files.newOutputStream(tar); TarArchiveOutputStream out = new TarArchiveOutputStream(file)) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      text(out, "Dockerfile", """
          FROM scratch
          COPY rootfs/ /
          ENV PATH=/opt/java/bin:/bin:/usr/bin:/sbin:/usr/sbin JAVA_HOME=/opt/java
          ENTRYPOINT ["/bin/sh", "/opt/mezzo/node"]
          """, 0644);
      Set<Path> libraries = new LinkedHashSet<>();
      try (Stream<Path> files = Files.walk(jre)) {
        for (Path p : files.sorted().toList()) {
          String name = "rootfs/opt/java/" + jre.relativize(p);
          if (Files.isDirectory(p)) {
            dir(out, name);
          } else {
            copy(out, p, name, Files.isExecutable(p) ? 0755 : 0644);
            if (p.getFileName().toString().endsWith(".so") || p.getParent().getFileName().toString().equals("bin")) {
              libraries.addAll(sharedLibraries(p));
            }
          }
        }
      }
      for (Path library : libraries) {
        copy(out, library, "rootfs" + library, 0755);
      }
      Path busybox = busybox();
      copy(out, busybox, "rootfs/bin/busybox", 0755);
      for (String applet : applets(busybox)) {
        if (!applet.equals("busybox")) {
          link(out, "rootfs/bin/" + applet, "busybox");
        }
      }
      link(out, "rootfs/usr/bin/setsid", "/bin/busybox");
      link(out, "rootfs/usr/bin/env", "/bin/busybox");
      copy(out, jar, "rootfs/opt/mezzo/mezzo.jar", 0644);
      text(out, "rootfs/opt/mezzo/node", ENTRYPOINT, 0755);
      text(out, "rootfs/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n", 0644);
      text(out, "rootfs/etc/group", "root:x:0:\nnogroup:x:65534:\n", 0644);
      text(out, "rootfs/etc/nsswitch.conf", "hosts: files dns\n", 0644);
      dir(out, "rootfs/root");
      dir(out, "rootfs/var/lib/mezzo");
      TarArchiveEntry tmp = new TarArchiveEntry("rootfs/tmp/");
      tmp.setMode(01777);
      out.putArchiveEntry(tmp);
      out.closeArchiveEntry();
      out.finish();
    }
  }

  /** The libraries {@code ldd} resolves for a binary or library, as absolute paths (the loader included). */
  static Set<Path> sharedLibraries(Path binary) {
    Set<Path> found = new LinkedHashSet<>();
    for (String line : run("ldd", binary.toString()).split("\n")) {
      String trimmed = line.trim();
      int arrow = trimmed.indexOf("=> ");
      String candidate = arrow >= 0 ? trimmed.substring(arrow + 3) : trimmed;
      candidate = candidate.replaceFirst("\\s*\\(0x[0-9a-f]+\\)$", "").trim();
      if (candidate.startsWith("/")) {
        found.add(Path.of(candidate));
      }
    }
    return found;
  }

  private static Path busybox() {
    for (String candidate : List.of("/bin/busybox", "/usr/bin/busybox")) {
      Path p = Path.of(candidate);
      if (Files.isExecutable(p) && run("sh", "-c", "ldd " + candidate + " 2>&1 || true").contains("not a dynamic")) {
        return p;
      }
    }
    throw new IllegalStateException("Building the node image needs a static busybox (on Debian: apt-get install"
        + " busybox-static)");
  }

  private static List<String> applets(Path busybox) {
    return run(busybox.toString(), "--list").lines().map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static String run(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor();
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run " + command[0] + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted running " + command[0], e);
    }
  }

  private static void copy(TarArchiveOutputStream out, Path source, String name, int mode) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(Files.size(source));
    entry.setMode(0100000 | mode);
    out.putArchiveEntry(entry);
    Files.copy(source, out);
    out.closeArchiveEntry();
  }

  private static void text(TarArchiveOutputStream out, String name, String content, int mode) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(bytes.length);
    entry.setMode(0100000 | mode);
    out.putArchiveEntry(entry);
    out.write(bytes);
    out.closeArchiveEntry();
  }

  private static void dir(TarArchiveOutputStream out, String name) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
    entry.setMode(040755);
    out.putArchiveEntry(entry);
    out.closeArchiveEntry();
  }

  private static void link(TarArchiveOutputStream out, String name, String target) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
    entry.setLinkName(target);
    out.putArchiveEntry(entry);
    out.closeArchiveEntry();
  }

  private static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.warn("Could not remove {}: {}", root, e.getMessage());
    }
  }
}
