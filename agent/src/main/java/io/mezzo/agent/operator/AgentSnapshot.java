package io.mezzo.agent.operator;

import io.mezzo.agent.executors.ExecutorView;
import io.mezzo.agent.tasks.TaskView;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.TaskStatus;
import java.util.List;

/**
 * What the agent has, copied on its context and immutable, so that the operator API turns it into
 * responses and encodes them off that context.
 *
 * @param agentInfo the agent's AgentInfo (with its id once registered)
 * @param tasks every task the agent tracks: from its run until its terminal update is acknowledged
 * @param completedTasks the latest tasks whose terminal update was acknowledged, oldest first
 * @param executors the custom executors whose process has not ended
 * @param completedExecutors the latest custom executors whose process ended, oldest first
 * @param views what the caller may see (see the canonical constructor)
 */
public record AgentSnapshot(AgentInfo agentInfo, List<TaskRecord> tasks, List<TaskRecord> completedTasks,
    List<ExecutorView> executors, List<ExecutorView> completedExecutors, ViewAccess views) {

  /**
   * @param views what the caller may see: the lists hold only that already ({@link ViewAccess#filter}),
   *     and the executors the agent stands in for (a command task's) are shown by it too
   */
  public AgentSnapshot {
    tasks = List.copyOf(tasks);
    completedTasks = List.copyOf(completedTasks);
    executors = List.copyOf(executors);
    completedExecutors = List.copyOf(completedExecutors);
    java.util.Objects.requireNonNull(views, "views");
  }

  /** Everything the agent has, for a caller who may see it all. */
  public AgentSnapshot(AgentInfo agentInfo, List<TaskRecord> tasks, List<TaskRecord> completedTasks,
      List<ExecutorView> executors, List<ExecutorView> completedExecutors) {
    this(agentInfo, tasks, completedTasks, executors, completedExecutors, ViewAccess.ALL);
  }

  /** A task and the status updates the agent made or received for it, oldest first, without their data. */
  public record TaskRecord(TaskView view, List<TaskStatus> statuses) {
    public TaskRecord {
      statuses = List.copyOf(statuses);
    }
  }
}
