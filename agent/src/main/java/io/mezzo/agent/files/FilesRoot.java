package io.mezzo.agent.files;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Maps the files API's virtual paths ({@code /frameworks/<fid>/executors/<eid>/runs/latest/stdout},
 * relative to the work directory) to real files, and refuses anything that is not inside
 * {@code <work-dir>/frameworks} both before and after symlinks are resolved. Paths are
 * compared as {@link Path}s, element by element, so {@code frameworks-evil} is not inside
 * {@code frameworks}. Blocking (it asks the file system for real paths).
 */
public final class FilesRoot {
  private static final String FRAMEWORKS = "frameworks";

  private final Path workDir;

  public FilesRoot(Path workDir) {
    this.workDir = workDir.toAbsolutePath().normalize();
  }

  /**
   * The real path of an existing file or directory under the sandboxes.
   *
   * @throws FileRequestException 400 for a missing or malformed path, 403 for one outside the
   *     sandboxes, 404 when nothing is there
   */
  Path resolve(String virtualPath) {
    if (virtualPath == null || virtualPath.isEmpty()) {
      throw new FileRequestException(400, "Expecting 'path=value' in query.");
    }
    if (virtualPath.indexOf('\0') >= 0) {
      throw new FileRequestException(400, "The path contains a NUL character.");
    }
    String relative = virtualPath;
    while (relative.startsWith("/")) {
      relative = relative.substring(1);
    }
    Path lexical;
    try {
      lexical = workDir.resolve(relative).normalize();
    } catch (InvalidPathException e) {
      throw new FileRequestException(400, "Bad path '" + virtualPath + "': " + e.getReason());
    }
    Path root = workDir.resolve(FRAMEWORKS);
    if (!lexical.startsWith(root)) {
      throw outside(virtualPath);
    }
    Path real;
    Path realRoot;
    try {
      realRoot = root.toRealPath();
      real = lexical.toRealPath();
    } catch (NoSuchFileException e) {
      throw new FileRequestException(404, "No file at '" + virtualPath + "'.");
    } catch (IOException e) {
      throw new FileRequestException(500, "Cannot resolve '" + virtualPath + "': " + e.getMessage());
    }
    if (!real.startsWith(realRoot)) {
      throw outside(virtualPath);
    }
    return real;
  }

  private static FileRequestException outside(String virtualPath) {
    return new FileRequestException(403, "'" + virtualPath + "' is outside the sandboxes.");
  }
}
