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
    Path lexical = lexical(virtualPath);
    Path root = workDir.resolve(FRAMEWORKS);
    Path real;
    Path realRoot;
    try {
      realRoot = root.toRealPath();
      real = lexical.toRealPath();
    } catch (NoSuchFileException e) {
      throw new FileRequestException(404, "No file at '" + virtualPath + "'.");
    } catch (java.nio.file.FileSystemException e) {
      // What a sandbox's owner can make of its paths: a link loop (ELOOP), a path below a file
      // (ENOTDIR), a directory it may not search. Nothing to read there; not the agent's fault.
      throw new FileRequestException(404, "No file at '" + virtualPath + "': "
          + (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason()) + ".");
    } catch (IOException e) {
      throw new FileRequestException(500, "Cannot resolve '" + virtualPath + "': " + e.getMessage());
    }
    if (!real.startsWith(realRoot)) {
      throw outside(virtualPath);
    }
    return real;
  }

  /**
   * Whose sandbox {@code virtualPath} names, by its elements once {@code ..} is taken out, before
   * any link is followed; not blocking.
   *
   * @throws FileRequestException as {@link #resolve} for a missing, malformed or outside path
   */
  SandboxId sandboxOf(String virtualPath) {
    return sandboxOf(workDir.resolve(FRAMEWORKS).relativize(lexical(virtualPath)));
  }

  /** Whose sandbox a path that {@link #resolve} answered is in, now that links are followed. Blocking. */
  SandboxId sandboxOfReal(Path real) {
    try {
      return sandboxOf(workDir.resolve(FRAMEWORKS).toRealPath().relativize(real));
    } catch (IOException e) {
      throw new FileRequestException(500, "Cannot resolve the sandboxes' root: " + e.getMessage());
    }
  }

  private static SandboxId sandboxOf(Path relative) {
    if (relative.toString().isEmpty()) {
      return SandboxId.NONE;
    }
    String framework = relative.getName(0).toString();
    if (relative.getNameCount() >= 3 && relative.getName(1).toString().equals("executors")) {
      return new SandboxId(framework, relative.getName(2).toString());
    }
    return new SandboxId(framework, null);
  }

  /** The path inside the work dir, normalized; refused when it is malformed or not under {@code frameworks/}. */
  private Path lexical(String virtualPath) {
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
    if (!lexical.startsWith(workDir.resolve(FRAMEWORKS))) {
      throw outside(virtualPath);
    }
    return lexical;
  }

  private static FileRequestException outside(String virtualPath) {
    return new FileRequestException(403, "'" + virtualPath + "' is outside the sandboxes.");
  }
}
