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
 */
public record AgentSnapshot(AgentInfo agentInfo, List<TaskRecord> tasks, List<TaskRecord> completedTasks,
    List<ExecutorView> executors, List<ExecutorView> completedExecutors) {

  public AgentSnapshot {
    tasks = List.copyOf(tasks);
    completedTasks = List.copyOf(completedTasks);
    executors = List.copyOf(executors);
    completedExecutors = List.copyOf(completedExecutors);
  }

  /** A task and the status updates the agent made or received for it, oldest first, without their data. */
  public record TaskRecord(TaskView view, List<TaskStatus> statuses) {
    public TaskRecord {
      statuses = List.copyOf(statuses);
    }
  }
}
