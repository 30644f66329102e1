package io.mezzo.cli.cluster;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where local clusters live: {@code $MEZZO_HOME/clusters/<name>/} (MEZZO_HOME defaults to
 * {@code ~/.mezzo}), holding {@code cluster.json}, one log per process and the nodes' work dirs.
 */
public final class ClusterHome {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private final Path root;

  public ClusterHome(Path root) {
    this.root = root;
  }

  public static ClusterHome fromEnvironment() {
    String home = System.getenv("MEZZO_HOME");
    return new ClusterHome(home != null && !home.isBlank()
        ? Path.of(home) : Path.of(System.getProperty("user.home"), ".mezzo"));
  }

  /** @throws IllegalArgumentException when the name is not a valid cluster name */
  public static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("Cluster name must be lowercase letters, digits and '-', starting with a"
          + " letter or digit, at most 63 characters; got '" + name + "'");
    }
    return name;
  }

  public Path clustersDir() {
    return root.resolve("clusters");
  }

  public Path dir(String name) {
    return clustersDir().resolve(checkName(name));
  }

  public Optional<ClusterFile> load(String name) {
    Path file = dir(name).resolve("cluster.json");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(ClusterFile.fromJson(new JsonObject(Files.readString(file))));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException("Cannot parse " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes cluster.json atomically, so a crash mid-create never leaves a half-written file. */
  public void save(ClusterFile cluster) {
    Path dir = dir(cluster.name());
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve("cluster.json.tmp");
      Files.writeString(tmp, cluster.toJson().encodePrettily(), StandardCharsets.UTF_8);
      try {
        Files.move(tmp, dir.resolve("cluster.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir.resolve("cluster.json"), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write cluster state in " + dir, e);
    }
  }

  public List<String> names() {
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(clustersDir())) {
      return names;
    }
    try (Stream<Path> dirs = Files.list(clustersDir())) {
      dirs.filter(d -> Files.exists(d.resolve("cluster.json"))).map(d -> d.getFileName().toString()).sorted()
          .forEach(names::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }

  public void remove(String name) {
    Path dir = dir(name);
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot delete " + p, e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
