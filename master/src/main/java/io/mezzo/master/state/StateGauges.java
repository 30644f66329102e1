package io.mezzo.master.state;

import io.mezzo.master.spi.Resources;
import io.mezzo.v1.Protos.TaskState;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The counts that Mesos serves as master gauges, taken in one pass over the state on its
 * context: agents and frameworks by connection, outstanding offers, tasks per state, and the
 * total and used scalar resources of the registered agents (used = what tasks and executors hold;
 * summed in plain maps: an immutable sum per task built two maps per task on every scrape).
 *
 * @param tasks the number of tasks the master tracks in each state (terminal ones until acknowledged;
 *     TASK_UNREACHABLE for the partition-aware frameworks' tasks on unreachable agents)
 */
public record StateGauges(int agentsConnected, int agentsDisconnected, int agentsUnreachable,
    int frameworksConnected, int frameworksDisconnected, int outstandingOffers, Map<TaskState, Integer> tasks,
    Resources total, Resources used) {
  /** What a master that does not lead knows: nothing. */
  public static final StateGauges NONE = new StateGauges(0, 0, 0, 0, 0, 0, Map.of(), Resources.EMPTY, Resources.EMPTY);

  public StateGauges {
    tasks = Map.copyOf(tasks);
  }

  public int tasks(TaskState state) {
    return tasks.getOrDefault(state, 0);
  }

  static StateGauges of(ClusterRecords records) {
    int agentsConnected = 0;
    Map<String, Double> total = new HashMap<>();
    Map<String, Double> used = new HashMap<>();
    Map<TaskState, Integer> tasks = new EnumMap<>(TaskState.class);
    for (AgentRecord agent : records.agents.values()) {
      agentsConnected += agent.connected() ? 1 : 0;
      add(total, agent.total);
      for (TaskRecord task : agent.tasks.values()) {
        tasks.merge(task.state, 1, Integer::sum);
        if (!task.resourcesRecovered) {
          add(used, task.resources);
        }
      }
      for (ExecutorRecord executor : agent.executors.values()) {
        add(used, executor.resources.total());
      }
    }
    for (UnreachableAgent agent : records.unreachableAgents.values()) {
      for (TaskRecord task : agent.tasks) {
        // A partition-aware framework's task is TASK_UNREACHABLE (a gauge); the others' are lost, counted already.
        if (task.state == TaskState.TASK_UNREACHABLE) {
          tasks.merge(task.state, 1, Integer::sum);
        }
      }
    }
    int frameworksConnected = 0;
    for (FrameworkRecord framework : records.frameworks.values()) {
      frameworksConnected += framework.connected() ? 1 : 0;
    }
    return new StateGauges(agentsConnected, records.agents.size() - agentsConnected, records.unreachableAgents.size(),
        frameworksConnected, records.frameworks.size() - frameworksConnected, records.offers.outstanding().size(),
        tasks, Resources.scalars(total), Resources.scalars(used));
  }

  private static void add(Map<String, Double> sum, Resources resources) {
    resources.scalars().forEach((name, value) -> sum.merge(name, value, Double::sum));
  }
}
