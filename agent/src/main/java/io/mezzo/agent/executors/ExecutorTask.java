package io.mezzo.agent.executors;

import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;

/**
 * A task the agent gave (or will give) to a custom executor, tracked until its terminal update
 * is acknowledged; it outlives its executor when that ends first. Owned by the agent's context.
 */
final class ExecutorTask {
  final TaskInfo task;
  final RunningExecutor executor;
  TaskState state = TaskState.TASK_STAGING;
  /** LAUNCH (or LAUNCH_GROUP) has been sent to the executor. */
  boolean sent;

  ExecutorTask(TaskInfo task, RunningExecutor executor) {
    this.task = task;
    this.executor = executor;
  }

  String id() {
    return task.getTaskId().getValue();
  }
}
