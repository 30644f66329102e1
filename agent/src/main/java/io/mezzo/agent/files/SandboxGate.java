package io.mezzo.agent.files;

import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Runs a files call's work on what its virtual path names once {@link SandboxAccess} lets the
 * caller read it: the sandbox the path names (once {@code ..} is taken out) is checked before
 * anything is looked up, so a refused caller does not even learn what exists in another's sandbox;
 * after {@link FilesRoot#resolve} follows the links, a path that lands in another sandbox is checked
 * again. What is checked is what is opened: resolve works on the same normalized path.
 */
final class SandboxGate {
  /** Work on a file or directory that {@link FilesRoot#resolve} found and the access check allowed; on the files threads. */
  interface FileWork<T> {
    T on(Path real) throws IOException;
  }

  private final FilesRoot root;
  private final FilesExecutor executor;
  private final SandboxAccess access;

  SandboxGate(FilesRoot root, FilesExecutor executor, SandboxAccess access) {
    this.root = root;
    this.executor = executor;
    this.access = access;
  }

  /**
   * Completes with the work's result on the caller's context, or fails with a
   * {@link FileRequestException}: the path's (400, 403 outside, 404), the access check's (403) or the
   * files executor's (503, 504).
   *
   * @param principal the authenticated caller, empty when the agent does not authenticate readers
   */
  <T> Future<T> run(Optional<String> principal, String virtualPath, FileWork<T> work) {
    SandboxId named;
    try {
      named = root.sandboxOf(virtualPath);
    } catch (FileRequestException e) {
      return Future.failedFuture(e);
    }
    return access.check(principal, named).compose(allowed -> executor.submit(() -> {
      Path real = root.resolve(virtualPath);
      SandboxId reached = access.open() ? named : root.sandboxOfReal(real);
      return reached.equals(named) ? new Resolved<>(work.on(real), null, null) : new Resolved<T>(null, real, reached);
    })).compose(resolved -> resolved.elsewhere == null ? Future.succeededFuture(resolved.result)
        : access.check(principal, resolved.elsewhere).compose(allowed -> executor.submit(() -> work.on(resolved.real))));
  }

  /** The work's result, or the real path and the other sandbox it is in, still to be checked. */
  private record Resolved<T>(T result, Path real, SandboxId elsewhere) {}
}
