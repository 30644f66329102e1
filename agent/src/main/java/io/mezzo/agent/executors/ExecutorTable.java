package io.mezzo.agent.executors;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The custom executors on this agent (until their process ended) and their tasks (until their
 * terminal update is acknowledged, which may be after their executor ended), by framework and
 * id. Owned by the agent's context.
 */
final class ExecutorTable {
  /** How many ended executors are remembered, as the Mesos agent bounds its completed executors. */
  static final int MAX_COMPLETED = 150;
  private final Map<Key, RunningExecutor> executors = new LinkedHashMap<>();
  private final java.util.ArrayDeque<RunningExecutor> completed = new java.util.ArrayDeque<>();
  private final Map<Key, ExecutorTask> tasks = new LinkedHashMap<>();

  RunningExecutor executor(String frameworkId, String executorId) {
    return executors.get(new Key(frameworkId, executorId));
  }

  /** Whether {@code executor} is the one the table has under its id (not one that ended and was replaced). */
  boolean isCurrent(RunningExecutor executor) {
    return executors.get(keyOf(executor)) == executor;
  }

  void add(RunningExecutor executor) {
    executors.put(keyOf(executor), executor);
  }

  /** Removes {@code executor} if it is the current one under its id, and keeps it among the completed ones. */
  void remove(RunningExecutor executor) {
    if (executors.remove(keyOf(executor), executor)) {
      completed.addLast(executor);
      if (completed.size() > MAX_COMPLETED) {
        completed.removeFirst();
      }
    }
  }

  /** The latest executors whose process ended, oldest first; the operator API's completed_executors. */
  List<RunningExecutor> completed() {
    return List.copyOf(completed);
  }

  Collection<RunningExecutor> executors() {
    return executors.values();
  }

  /** Whether any executor of the framework runs here. */
  boolean knowsFramework(String frameworkId) {
    return executors.keySet().stream().anyMatch(k -> k.frameworkId.equals(frameworkId));
  }

  ExecutorTask task(String frameworkId, String taskId) {
    return tasks.get(new Key(frameworkId, taskId));
  }

  boolean hasTask(String frameworkId, String taskId) {
    return tasks.containsKey(new Key(frameworkId, taskId));
  }

  /** Tracks a task, with its executor. */
  void add(ExecutorTask task) {
    task.executor.tasks.put(task.id(), task);
    tasks.put(new Key(task.executor.frameworkId.getValue(), task.id()), task);
  }

  ExecutorTask removeTask(String frameworkId, String taskId) {
    ExecutorTask task = tasks.remove(new Key(frameworkId, taskId));
    if (task != null) {
      task.executor.tasks.remove(task.id());
    }
    return task;
  }

  Collection<ExecutorTask> tasks() {
    return tasks.values();
  }

  /** A snapshot of the executors, so that callers may change the table while they go through it. */
  List<RunningExecutor> executorSnapshot() {
    return List.copyOf(executors.values());
  }

  private static Key keyOf(RunningExecutor executor) {
    return new Key(executor.frameworkId.getValue(), executor.id());
  }

  private record Key(String frameworkId, String id) {}
}
