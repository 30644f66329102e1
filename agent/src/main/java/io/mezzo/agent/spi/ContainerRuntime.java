package io.mezzo.agent.spi;

import io.vertx.core.Future;
import java.time.Duration;

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
   * by the agent's context after the sandbox directory exists.
   *
   * <p>The future succeeds once the task's main process (or container) is running and fails
   * with a {@link ContainerLaunchException} whose message says why when it cannot be started
   * (bad command, missing image, exec failure); a failed launch leaves nothing running. The
   * agent reports TASK_RUNNING on success and TASK_FAILED (REASON_CONTAINER_LAUNCH_FAILED)
   * with the exception's message on failure.
   */
  Future<LaunchedContainer> launch(LaunchRequest request);

  /**
   * Asks the container to stop: a polite signal (SIGTERM to the process group) now, and a
   * forced one (SIGKILL) when it is still alive after {@code gracePeriod}. The container's
   * {@link LaunchedContainer#termination()} then completes with {@code killed = true}.
   *
   * <p>Called by the agent's context on KILL_TASK, SHUTDOWN_FRAMEWORK and agent close.
   * Idempotent: killing a container that is already being killed, has ended, or is unknown
   * succeeds and does nothing more. The future completes when the first signal has been
   * delivered, not when the container has ended.
   */
  Future<Void> kill(String containerId, Duration gracePeriod);

  /**
   * Kills every container still running (with {@code gracePeriod}, as {@link #kill}) and
   * completes when they have all ended, so that nothing is left behind. Called once by the
   * agent's context when the agent closes; later calls are no-ops that complete the same way.
   */
  Future<Void> close(Duration gracePeriod);
}
