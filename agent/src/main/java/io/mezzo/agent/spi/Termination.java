package io.mezzo.agent.spi;

import io.mezzo.v1.Protos.TaskStatus;

/**
 * How a container ended: an exit code or a signal, whether the agent had asked it to stop, and
 * whether a resource limit ended it.
 *
 * @param exitCode the exit status when it exited, else -1
 * @param signal the terminating signal number when it was signalled, else 0
 * @param killed true when the agent had asked the runtime to kill it
 * @param limitation the resource limit that ended it (the container ran out of memory), or null
 */
public record Termination(int exitCode, int signal, boolean killed, Limitation limitation) {

  /**
   * A resource limit the runtime enforced: the task fails with {@code reason} (a
   * {@code REASON_CONTAINER_LIMITATION_*}) and {@code message} instead of its exit status.
   */
  public record Limitation(TaskStatus.Reason reason, String message) {
    public Limitation {
      java.util.Objects.requireNonNull(reason, "reason");
      java.util.Objects.requireNonNull(message, "message");
    }
  }

  public Termination(int exitCode, int signal, boolean killed) {
    this(exitCode, signal, killed, null);
  }

  /** This termination, caused by a limit with this reason and message. */
  public Termination limitedBy(TaskStatus.Reason reason, String message) {
    return limitedBy(new Limitation(reason, message));
  }

  /** The reason of the limit that ended it, or null. */
  public TaskStatus.Reason reason() {
    return limitation == null ? null : limitation.reason();
  }

  /** This termination, caused by {@code limitation}. */
  public Termination limitedBy(Limitation limitation) {
    return new Termination(exitCode, signal, killed, limitation);
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

  public boolean signalled() {
    return signal > 0;
  }

  /** True for exit status 0 that the agent did not cause and no limit caused. */
  public boolean succeeded() {
    return !killed && limitation == null && !signalled() && exitCode == 0;
  }

  /**
   * The limitation's message when a limit ended the container; otherwise the status message
   * exactly as the Mesos command executor words it (from WSTRINGIFY):
   * {@code Command exited with status 3} or {@code Command terminated with signal Killed},
   * the signal named as strsignal(3) names it.
   */
  public String message() {
    if (limitation != null) {
      return limitation.message();
    }
    return signalled()
        ? "Command terminated with signal " + SignalNames.describe(signal)
        : "Command exited with status " + exitCode;
  }
}
