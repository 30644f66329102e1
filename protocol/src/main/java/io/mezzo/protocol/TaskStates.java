package io.mezzo.protocol;

import io.mezzo.v1.Protos.TaskState;

/** Facts about Mesos task states that master, agent and frameworks share. */
public final class TaskStates {
  private TaskStates() {}

  /**
   * True for a state a task never leaves (Mesos's {@code protobuf::isTerminalState}).
   * TASK_UNREACHABLE is not terminal: the task may come back.
   */
  public static boolean isTerminal(TaskState state) {
    return switch (state) {
      case TASK_FINISHED, TASK_FAILED, TASK_KILLED, TASK_ERROR, TASK_LOST, TASK_DROPPED, TASK_GONE,
          TASK_GONE_BY_OPERATOR -> true;
      default -> false;
    };
  }
}
