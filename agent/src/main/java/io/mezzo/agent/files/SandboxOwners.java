package io.mezzo.agent.files;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * Finds who a sandbox belongs to, for {@link SandboxAccess}. The agent answers from the tasks and
 * executors it tracks and remembers (the FrameworkInfo the master sent with each launch, which is
 * checkpointed with the task, so the answer survives an agent restart).
 *
 * <p>Called from a Vert.x context (the HTTP server's) for each guarded files call; completes on
 * that context, whatever context it looked on. Never fails for an unknown sandbox: that answers empty.
 */
public interface SandboxOwners {

  /** The owner of {@code sandbox} (a framework's or an executor's), or empty when the agent does not know it. */
  Future<Optional<SandboxOwner>> owner(SandboxId sandbox);
}
