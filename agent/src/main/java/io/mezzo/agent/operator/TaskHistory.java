package io.mezzo.agent.operator;

import com.google.protobuf.ByteString;
import io.mezzo.agent.operator.AgentSnapshot.TaskRecord;
import io.mezzo.agent.tasks.TaskView;
import io.mezzo.v1.Protos.TaskStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the operator API shows of tasks beyond what their hosts keep: each tracked task's status
 * updates (as Mesos's {@code Task.statuses}, without their data), and the latest tasks whose
 * terminal update was acknowledged (GET_TASKS's {@code completed_tasks}), both bounded. Fed by the
 * agent from the status-update manager's pending changes and from forgotten tasks. Owned by the
 * agent's context.
 */
public final class TaskHistory {
  /** How many acknowledged tasks are remembered. */
  public static final int MAX_COMPLETED_TASKS = 1000;
  /** How many updates are kept per task; the oldest go first (a flapping health check makes many). */
  public static final int MAX_STATUSES_PER_TASK = 32;

  private final Map<Key, LinkedHashMap<ByteString, TaskStatus>> statuses = new HashMap<>();
  private final ArrayDeque<TaskRecord> completed = new ArrayDeque<>();

  /** A task's unacknowledged updates changed: the ones not seen before are added to its statuses. */
  public void pendingChanged(String frameworkId, String taskId, List<TaskStatus> pending) {
    LinkedHashMap<ByteString, TaskStatus> seen = statuses.computeIfAbsent(new Key(frameworkId, taskId),
        k -> new LinkedHashMap<>());
    for (TaskStatus status : pending) {
      ByteString key = status.getUuid().isEmpty() ? status.toByteString() : status.getUuid();
      if (!seen.containsKey(key)) {
        seen.put(key, status.toBuilder().clearData().build());
        if (seen.size() > MAX_STATUSES_PER_TASK) {
          seen.remove(seen.keySet().iterator().next());
        }
      }
    }
  }

  /** The task's updates seen so far, oldest first. */
  public List<TaskStatus> statuses(String frameworkId, String taskId) {
    LinkedHashMap<ByteString, TaskStatus> seen = statuses.get(new Key(frameworkId, taskId));
    return seen == null ? List.of() : List.copyOf(seen.values());
  }

  /** The task's terminal update was acknowledged: it moves to the completed tasks, with its updates. */
  public void completed(TaskView task) {
    LinkedHashMap<ByteString, TaskStatus> seen = statuses.remove(new Key(task.frameworkId(), task.id()));
    completed.addLast(new TaskRecord(task, seen == null ? List.of() : new ArrayList<>(seen.values())));
    if (completed.size() > MAX_COMPLETED_TASKS) {
      completed.removeFirst();
    }
  }

  /** The task is gone without a record (no host had it): only its updates are dropped. */
  public void forget(String frameworkId, String taskId) {
    statuses.remove(new Key(frameworkId, taskId));
  }

  /** The latest acknowledged tasks, oldest first. */
  public List<TaskRecord> completedTasks() {
    return List.copyOf(completed);
  }

  private record Key(String frameworkId, String taskId) {}
}
