package io.mezzo.agent.metrics;

import io.mezzo.agent.executors.ExecutorView;
import io.mezzo.agent.status.StatusUpdateManager;
import io.mezzo.agent.tasks.TaskView;
import io.mezzo.protocol.internal.AgentChannel.RunningTask;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskState;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the agent's gauges show, taken on the agent's context.
 *
 * @param tasks the tasks the agent tracks, per state
 * @param executors the custom executors per state (REGISTERING, RUNNING, TERMINATING)
 * @param total the agent's scalar resources by name
 * @param used what its live tasks and executors hold, by name
 */
public record AgentGauges(boolean registered, Map<TaskState, Integer> tasks, Map<String, Integer> executors,
    Map<String, Double> total, Map<String, Double> used) {
  public AgentGauges {
    tasks = Map.copyOf(tasks);
    executors = Map.copyOf(executors);
    total = Map.copyOf(total);
    used = Map.copyOf(used);
  }

  /**
   * Counts what the agent's task hosts report: tasks and executors per state, and as used the
   * resources of the live tasks and (once each) of their executors.
   *
   * @param resources the agent's resources, whose scalars make the totals
   */
  public static AgentGauges of(boolean registered, List<TaskView> taskViews, List<ExecutorView> executorViews,
      List<RunningTask> running, List<Resource> resources) {
    Map<TaskState, Integer> tasks = new EnumMap<>(TaskState.class);
    taskViews.forEach(task -> tasks.merge(task.state(), 1, Integer::sum));
    Map<String, Integer> executors = new HashMap<>();
    executorViews.forEach(executor -> executors.merge(executor.state(), 1, Integer::sum));
    Map<String, Double> used = new HashMap<>();
    Set<String> executorsCounted = new HashSet<>();
    for (RunningTask task : running) {
      if (StatusUpdateManager.isTerminal(task.getState())) {
        continue;
      }
      addScalars(used, task.getTask().getResourcesList());
      if (task.hasExecutor() && executorsCounted.add(task.getFrameworkId().getValue() + "/"
          + task.getExecutor().getExecutorId().getValue())) {
        addScalars(used, task.getExecutor().getResourcesList());
      }
    }
    Map<String, Double> total = new HashMap<>();
    addScalars(total, resources);
    return new AgentGauges(registered, tasks, executors, total, used);
  }

  private static void addScalars(Map<String, Double> sums, List<Resource> resources) {
    for (Resource resource : resources) {
      if (resource.hasScalar()) {
        sums.merge(resource.getName(), resource.getScalar().getValue(), Double::sum);
      }
    }
  }
}
