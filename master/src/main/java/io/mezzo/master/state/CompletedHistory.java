package io.mezzo.master.state;

import io.mezzo.v1.Protos.Task;
import io.mezzo.v1.master.Protos.Response.GetFrameworks;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ended tasks and removed frameworks the operator API shows ({@code completed_tasks},
 * {@code completed_frameworks}), as Mesos keeps them: per framework a ring of its newest ended
 * tasks, and a ring of the newest removed frameworks, each with the ring of its tasks. When a ring
 * is full the oldest entry makes room, so the memory stays bounded by the {@link CompletedLimits}.
 * Entries are immutable protos taken when the task ended or the framework was removed, so a
 * snapshot only copies references. Owned by the master's state context, like the records.
 */
final class CompletedHistory {
  private final CompletedLimits limits;
  /** Ended tasks of frameworks the master still knows, oldest first, by framework id. */
  private final Map<String, ArrayDeque<Task>> tasks = new LinkedHashMap<>();
  /** Removed frameworks, oldest first. */
  private final ArrayDeque<CompletedFramework> frameworks = new ArrayDeque<>();

  /** A removed framework as it was at its removal, with its newest ended tasks. */
  record CompletedFramework(GetFrameworks.Framework framework, List<Task> tasks) {}

  CompletedHistory(CompletedLimits limits) {
    this.limits = java.util.Objects.requireNonNull(limits, "limits");
  }

  /** How many ended tasks each framework keeps: of more ending at once, only the newest that many matter. */
  int tasksKeptPerFramework() {
    return limits.maxTasksPerFramework();
  }

  /** A task of a known framework ended and the master forgets it: {@code task} is its last view. */
  void taskEnded(Task task) {
    if (limits.maxTasksPerFramework() == 0) {
      return;
    }
    ArrayDeque<Task> ring = tasks.computeIfAbsent(task.getFrameworkId().getValue(), id -> new ArrayDeque<>());
    if (ring.size() == limits.maxTasksPerFramework()) {
      ring.pollFirst();
    }
    ring.addLast(task);
  }

  /** The framework was removed ({@code framework} is its last view); its ended tasks go with it. */
  void frameworkRemoved(GetFrameworks.Framework framework) {
    ArrayDeque<Task> ended = tasks.remove(framework.getFrameworkInfo().getId().getValue());
    if (limits.maxFrameworks() == 0) {
      return;
    }
    if (frameworks.size() == limits.maxFrameworks()) {
      frameworks.pollFirst();
    }
    frameworks.addLast(new CompletedFramework(framework, ended == null ? List.of() : List.copyOf(ended)));
  }

  /** Every kept ended task: those of known frameworks, then those of removed ones, each oldest first. */
  List<Task> tasks() {
    List<Task> out = new ArrayList<>();
    tasks.values().forEach(out::addAll);
    frameworks.forEach(f -> out.addAll(f.tasks()));
    return out;
  }

  /** The kept removed frameworks, oldest first. */
  List<GetFrameworks.Framework> frameworks() {
    List<GetFrameworks.Framework> out = new ArrayList<>(frameworks.size());
    frameworks.forEach(f -> out.add(f.framework()));
    return out;
  }

  /** How many ended tasks are kept in all (tests, and to size snapshots). */
  int taskCount() {
    int n = 0;
    for (ArrayDeque<Task> ring : tasks.values()) {
      n += ring.size();
    }
    for (CompletedFramework f : frameworks) {
      n += f.tasks().size();
    }
    return n;
  }
}
