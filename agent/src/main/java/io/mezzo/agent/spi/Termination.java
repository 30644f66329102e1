package io.mezzo.agent.spi;

import io.mezzo.v1.Protos.TaskStatus;

/**
 * How a container ended: an exit code or a signal, whether the agent had asked it to stop, and
 * whether a resource limit ended it.
 *
 * @param exitCode the exit status when it exited, else -1
 * @param signal the terminating signal number when it was signalled, else 0
 * @param killed true when the agent had asked the runtime to kill it
 * @param reason why the runtime ended it, when a limit did ({@code REASON_CONTAINER_LIMITATION_MEMORY}),
 *     else null; the agent then reports TASK_FAILED with this reason
 * @param limitation the status message for {@code reason} ("Memory limit exceeded: ..."), else null
 */
public record Termination(int exitCode, int signal, boolean killed, TaskStatus.Reason reason, String limitation) {

  public Termination {
    if ((reason == null) != (limitation == null)) {
      throw new IllegalArgumentException("A limitation needs both a reason and a message: " + reason + ", " + limitation);
    }
  }

  public Termination(int exitCode, int signal, boolean killed) {
    this(exitCode, signal, killed, null, null);
  }

  public static Termination exited(int exitCode, boolean killed) {
    if (exitCode < 0) {
      throw new IllegalArgumentException("Exit code must not be negative: " + exitCode);
    }
    return new Termination(exitCode, 0, killed);
  }

  public static Termination signalled(int signal, boolean killed) {
    if (signal <= 0) {
      throw new IllegalArgumentException("Signal must be positive: " + signal);
    }
    return new Termination(-1, signal, killed);
  }

  /** This termination, caused by a resource limit: the task failed with {@code reason} and {@code message}. */
  public Termination limitedBy(TaskStatus.Reason reason, String message) {
    if (reason == null || message == null) {
      throw new IllegalArgumentException("A limitation needs both a reason and a message");
    }
    return new Termination(exitCode, signal, killed, reason, message);
  }

  public boolean signalled() {
    return signal > 0;
  }

  /** True for exit status 0 that the agent did not cause and no limit caused. */
  public boolean succeeded() {
    return !killed && reason == null && !signalled() && exitCode == 0;
  }

  /**
   * The limitation's message when a limit ended the container; otherwise the status message
   * exactly as the Mesos command executor words it (from WSTRINGIFY):
   * {@code Command exited with status 3} or {@code Command terminated with signal Killed},
   * the signal named as strsignal(3) names it.
   */
  public String message() {
    if (limitation != null) {
      return limitation;
    }
    return signalled()
        ? "Command terminated with signal " + SignalNames.describe(signal)
        : "Command exited with status " + exitCode;
  }
}
