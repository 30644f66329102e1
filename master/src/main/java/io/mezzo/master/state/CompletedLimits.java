package io.mezzo.master.state;

/**
 * How much of the past the leader keeps for the operator API, as Mesos's flags say it
 * ({@code --max-completed-frameworks}, {@code --max-completed-tasks-per-framework}). The leader
 * keeps at most {@code (frameworks known + maxFrameworks) × maxTasksPerFramework} ended tasks.
 *
 * @param maxFrameworks removed frameworks kept, with their ended tasks; 0 keeps none
 * @param maxTasksPerFramework ended tasks kept per framework, the newest; 0 keeps none
 */
public record CompletedLimits(int maxFrameworks, int maxTasksPerFramework) {
  /** Mesos's defaults: 50 frameworks, 1000 tasks each. */
  public static final CompletedLimits MESOS_DEFAULTS = new CompletedLimits(50, 1000);

  public CompletedLimits {
    if (maxFrameworks < 0 || maxTasksPerFramework < 0) {
      throw new IllegalArgumentException("completed-history limits must not be negative, got " + maxFrameworks
          + " frameworks and " + maxTasksPerFramework + " tasks per framework");
    }
  }
}
