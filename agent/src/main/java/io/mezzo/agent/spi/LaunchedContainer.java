package io.mezzo.agent.spi;

import io.vertx.core.Future;
import java.util.Objects;

/**
 * A container that was started.
 *
 * @param containerId the id it was launched with
 * @param pid the main process id (the process group id for the process runtime), or -1 when
 *     the runtime has no such notion
 * @param termination completes once, on any thread, when the container has ended; it never fails
 */
public record LaunchedContainer(String containerId, long pid, Future<Termination> termination) {
  public LaunchedContainer {
    Objects.requireNonNull(containerId, "containerId");
    Objects.requireNonNull(termination, "termination");
  }
}
