package io.mezzo.agent.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Removing directory trees (bundles, state and checkpoint directories). Blocking. */
public final class FileTrees {
  private static final Logger log = LoggerFactory.getLogger(FileTrees.class);

  private FileTrees() {}

  /** Deletes {@code dir} and everything under it (links themselves, never what they point to); absent is fine. */
  public static void delete(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  /** As {@link #delete}, logging instead of failing: for cleanup after the fact. */
  public static void deleteQuietly(Path dir) {
    try {
      delete(dir);
    } catch (IOException | RuntimeException e) {
      log.warn("Cannot delete {}: {}", dir, e.toString());
    }
  }
}
