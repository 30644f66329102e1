package io.mezzo.agent.tasks;

import io.mezzo.v1.Protos.ExecutorID;
import io.mezzo.v1.Protos.FrameworkID;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The tasks the supervisor has, by framework and task id, in the order they came. Owned by the agent's context. */
final class LiveTasks {
  private final Map<Key, LiveTask> tasks = new LinkedHashMap<>();

  LiveTask get(String frameworkId, String taskId) {
    return tasks.get(new Key(frameworkId, taskId));
  }

  boolean contains(String frameworkId, String taskId) {
    return tasks.containsKey(new Key(frameworkId, taskId));
  }

  void put(LiveTask live) {
    tasks.put(new Key(live.frameworkId.getValue(), live.id()), live);
  }

  LiveTask remove(String frameworkId, String taskId) {
    return tasks.remove(new Key(frameworkId, taskId));
  }

  /** A snapshot, so that callers may change the table while they go through it. */
  List<LiveTask> all() {
    return List.copyOf(tasks.values());
  }

  /** The tasks of a DEFAULT executor the agent stands in for, finished ones included. */
  List<LiveTask> ofExecutor(FrameworkID frameworkId, ExecutorID executorId) {
    return tasks.values().stream()
        .filter(t -> t.executor != null && t.frameworkId.equals(frameworkId) && t.executor.getExecutorId().equals(executorId))
        .toList();
  }

  private record Key(String frameworkId, String taskId) {}
}
