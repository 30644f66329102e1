package io.mezzo.agent.spi;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.Set;

/**
 * Runs tasks as containers: a process group, a Docker container, an OCI bundle. The agent
 * picks one runtime per task (from {@code TaskInfo.container} and its {@code --runtimes}
 * flag), creates the task's sandbox, then asks the runtime to launch, kill and finally close.
 *
 * <p>Threading: the agent calls every method from its own Vert.x context (its event loop), so
 * no method may block; slow work (fork/exec, image pulls, signals) belongs in
 * {@code executeBlocking} or a runtime-owned thread. Returned futures may complete on any
 * thread; the agent hops back onto its context before it looks at a result. An implementation
 * must therefore be safe to complete from its own threads while the agent calls it.
 *
 * <p>Lifecycle of one container id: {@link #launch} (or, after an agent restart,
 * {@link #recover}) once; then any number of {@link #kill}s; its
 * {@link LaunchedContainer#termination()} completes once, whether it ended by itself or was
 * killed. {@link #close} ends the runtime. {@code io.mezzo.agent.runtime.AbstractContainerRuntime}
 * implements this lifecycle once for the built-in runtimes.
 */
public interface ContainerRuntime {

  /**
   * The runtime's name as used by {@code --runtimes} and reported to the master on
   * registration ({@code "process"}, {@code "docker"}, {@code "oci"}). Called at any time from
   * any thread; must return the same constant every time.
   */
  String name();

  /**
   * Starts the task described by {@code request} in its sandbox. Called once per container id
   * by the agent's context after the sandbox directory exists, and never after {@link #close}
   * was called (a call then fails with "The agent is shutting down").
   *
   * <p>The future succeeds once the task's main process (or container) is running and fails
   * with a {@link ContainerLaunchException} whose message says why when it cannot be started
   * (bad command, missing image, exec failure); a request the runtime can tell is wrong without
   * blocking fails at once, before the future is returned. A failed launch leaves nothing
   * running. The agent reports TASK_RUNNING on success and TASK_FAILED
   * (REASON_CONTAINER_LAUNCH_FAILED) with the exception's message on failure.
   */
  Future<LaunchedContainer> launch(LaunchRequest request);

  /**
   * Asks the container to stop: a polite signal (SIGTERM to the process group) now, and a
   * forced one (SIGKILL) when it is still alive after {@code gracePeriod}. The container's
   * {@link LaunchedContainer#termination()} then completes with {@code killed = true}.
   *
   * <p>Called by the agent's context on KILL_TASK, SHUTDOWN_FRAMEWORK and agent close, for a
   * container whose launch or recovery has succeeded (the agent holds a kill asked for while a
   * launch runs until the launch completes). Idempotent: killing a container that is already
   * being killed, has ended, or is unknown succeeds and does nothing more; the first call's
   * grace period holds. The future completes when the first signal has been sent, not when the
   * container has ended; it does not fail for a container that is already gone.
   */
  Future<Void> kill(String containerId, Duration gracePeriod);

  /**
   * Re-adopts a container that an earlier run of this agent launched with {@code request}
   * (rebuilt from the agent's checkpoint), after the agent restarted, kill -9 included.
   * Called by the agent's context once per checkpointed container, before
   * {@link #removeOrphans} and before the agent registers.
   *
   * <p>The future succeeds with the container as {@link #launch} would have, and the runtime
   * then kills and watches it as one it launched. When the container ended while the agent
   * was away and the runtime knows how, the termination is already complete (with the exit
   * status it left). It fails with a {@link ContainerLaunchException} saying why when the
   * container is gone and how it ended is unknown; whatever is left of it is removed first.
   * Default: the runtime cannot recover.
   */
  default Future<LaunchedContainer> recover(LaunchRequest request) {
    return Future.failedFuture(new ContainerLaunchException(
        "The " + name() + " runtime cannot recover containers after an agent restart"));
  }

  /**
   * Kills and removes whatever an earlier run of this agent left in this runtime that is not
   * in {@code keep} (containers nobody checkpointed or recovered: launches cut short by the
   * agent's death, custom executors) and that this runtime does not run now. Called once by the
   * agent's context after recovery and before the agent registers; completes when they are
   * gone. Fails when the runtime cannot tell what was left (the agent logs it and goes on).
   * Default: nothing to remove.
   */
  default Future<Void> removeOrphans(Set<String> keep) {
    return Future.succeededFuture();
  }

  /**
   * Kills every container still running (with {@code gracePeriod}, as {@link #kill}) and
   * completes when they have all ended, so that nothing is left behind; a launch still under
   * way when close is called kills its container as soon as it has started. Called once by the
   * agent's context when the agent closes; later calls are no-ops that complete the same way.
   * Never fails.
   */
  Future<Void> close(Duration gracePeriod);
}
