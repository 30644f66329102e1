package io.mezzo.agent.spi;

/**
 * How a container ended: an exit code or a signal, and whether the agent had asked it to stop.
 *
 * @param exitCode the exit status when it exited, else -1
 * @param signal the terminating signal number when it was signalled, else 0
 * @param killed true when the agent had asked the runtime to kill it
 */
public record Termination(int exitCode, int signal, boolean killed) {

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

  /** True for exit status 0 that the agent did not cause. */
  public boolean succeeded() {
    return !killed && !signalled() && exitCode == 0;
  }

  /**
   * The status message exactly as the Mesos command executor words it (from WSTRINGIFY):
   * {@code Command exited with status 3} or {@code Command terminated with signal Killed},
   * the signal named as strsignal(3) names it.
   */
  public String message() {
    return signalled()
        ? "Command terminated with signal " + SignalNames.describe(signal)
        : "Command exited with status " + exitCode;
  }
}
