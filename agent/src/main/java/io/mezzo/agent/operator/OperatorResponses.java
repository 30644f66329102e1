package io.mezzo.agent.operator;

import io.mezzo.agent.executors.ExecutorView;
import io.mezzo.agent.operator.AgentSnapshot.TaskRecord;
import io.mezzo.agent.status.StatusUpdateManager;
import io.mezzo.agent.tasks.TaskView;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.ContainerID;
import io.mezzo.v1.Protos.ExecutorID;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Task;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.agent.Protos.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The GET_STATE, GET_TASKS, GET_EXECUTORS, GET_FRAMEWORKS and GET_CONTAINERS payloads of an
 * {@link AgentSnapshot}, in the Mesos agent's model: every task runs under an executor — a custom
 * executor, a DEFAULT executor the agent stands in for, or, for a command task, a command executor
 * whose id is the task's id (the executor id the agent puts in its updates) — and every executor
 * has one top-level container. Pure functions; called off the agent's context.
 */
final class OperatorResponses {
  private OperatorResponses() {}

  /**
   * launched_tasks: not terminal and handed to their executor or container; queued_tasks: not
   * terminal and waiting for their executor or launch; terminated_tasks: terminal with the terminal
   * update not yet acknowledged; completed_tasks: acknowledged (the latest ones).
   */
  static Response.GetTasks tasks(AgentSnapshot snapshot) {
    Response.GetTasks.Builder tasks = Response.GetTasks.newBuilder();
    for (TaskRecord record : snapshot.tasks()) {
      Task task = task(record, snapshot.agentInfo());
      if (terminal(record.view())) {
        tasks.addTerminatedTasks(task);
      } else if (record.view().queued()) {
        tasks.addQueuedTasks(task);
      } else {
        tasks.addLaunchedTasks(task);
      }
    }
    snapshot.completedTasks().forEach(record -> tasks.addCompletedTasks(task(record, snapshot.agentInfo())));
    return tasks.build();
  }

  /** executors: those running (or with a task that still runs); completed_executors: the ones that ended. */
  static Response.GetExecutors executors(AgentSnapshot snapshot) {
    Executors all = Executors.of(snapshot);
    Response.GetExecutors.Builder executors = Response.GetExecutors.newBuilder();
    all.live.values().forEach(e -> executors.addExecutors(Response.GetExecutors.Executor.newBuilder().setExecutorInfo(e.info)));
    all.completed.values().forEach(e -> executors.addCompletedExecutors(
        Response.GetExecutors.Executor.newBuilder().setExecutorInfo(e.info)));
    return executors.build();
  }

  /** frameworks: those with a running executor or a tracked task here; completed_frameworks: those with only ended ones. */
  static Response.GetFrameworks frameworks(AgentSnapshot snapshot) {
    Map<String, FrameworkInfo> live = new LinkedHashMap<>();
    Map<String, FrameworkInfo> completed = new LinkedHashMap<>();
    snapshot.tasks().forEach(r -> live.putIfAbsent(r.view().frameworkId(), framework(r.view().frameworkId(), r.view().frameworkInfo())));
    snapshot.executors().forEach(e -> live.putIfAbsent(e.frameworkId(), framework(e.frameworkId(), e.frameworkInfo())));
    snapshot.completedTasks().forEach(r -> completed.putIfAbsent(r.view().frameworkId(),
        framework(r.view().frameworkId(), r.view().frameworkInfo())));
    snapshot.completedExecutors().forEach(e -> completed.putIfAbsent(e.frameworkId(), framework(e.frameworkId(), e.frameworkInfo())));
    completed.keySet().removeAll(live.keySet());
    Response.GetFrameworks.Builder frameworks = Response.GetFrameworks.newBuilder();
    live.values().forEach(f -> frameworks.addFrameworks(Response.GetFrameworks.Framework.newBuilder().setFrameworkInfo(f)));
    completed.values().forEach(f -> frameworks.addCompletedFrameworks(
        Response.GetFrameworks.Framework.newBuilder().setFrameworkInfo(f)));
    return frameworks.build();
  }

  /** One entry per running executor's container (show_nested is not modelled: a task group's tasks share their executor's). */
  static Response.GetContainers containers(AgentSnapshot snapshot) {
    Response.GetContainers.Builder containers = Response.GetContainers.newBuilder();
    for (Executor executor : Executors.of(snapshot).live.values()) {
      if (executor.containerId == null) {
        continue;
      }
      Response.GetContainers.Container.Builder container = Response.GetContainers.Container.newBuilder()
          .setContainerId(ContainerID.newBuilder().setValue(executor.containerId))
          .setFrameworkId(executor.info.getFrameworkId())
          .setExecutorId(executor.info.getExecutorId());
      if (executor.info.hasName()) {
        container.setExecutorName(executor.info.getName());
      }
      containers.addContainers(container);
    }
    return containers.build();
  }

  static Response.GetState state(AgentSnapshot snapshot) {
    return Response.GetState.newBuilder()
        .setGetTasks(tasks(snapshot))
        .setGetExecutors(executors(snapshot))
        .setGetFrameworks(frameworks(snapshot))
        .build();
  }

  /** A task as Mesos's {@code Task}: its updates without data, the latest one's state and uuid as status_update_*. */
  static Task task(TaskRecord record, AgentInfo agentInfo) {
    TaskView view = record.view();
    TaskInfo info = view.task();
    Task.Builder task = Task.newBuilder()
        .setName(info.getName())
        .setTaskId(info.getTaskId())
        .setFrameworkId(FrameworkID.newBuilder().setValue(view.frameworkId()))
        .setAgentId(agentInfo.hasId() ? agentInfo.getId() : info.getAgentId())
        .setState(view.state())
        .addAllResources(info.getResourcesList())
        .addAllStatuses(record.statuses())
        .putAllLimits(info.getLimitsMap());
    if (view.executor() != null) {
      task.setExecutorId(view.executor().getExecutorId());
    }
    if (!record.statuses().isEmpty()) {
      TaskStatus latest = record.statuses().get(record.statuses().size() - 1);
      task.setStatusUpdateState(latest.getState());
      if (latest.hasUuid()) {
        task.setStatusUpdateUuid(latest.getUuid());
      }
    }
    if (info.hasLabels()) {
      task.setLabels(info.getLabels());
    }
    if (info.hasContainer()) {
      task.setContainer(info.getContainer());
    }
    if (info.hasHealthCheck()) {
      task.setHealthCheck(info.getHealthCheck());
    }
    if (info.hasKillPolicy()) {
      task.setKillPolicy(info.getKillPolicy());
    }
    if (info.getCommand().hasUser()) {
      task.setUser(info.getCommand().getUser());
    } else if (view.executor() != null && view.executor().getCommand().hasUser()) {
      task.setUser(view.executor().getCommand().getUser());
    }
    return task.build();
  }

  private static boolean terminal(TaskView view) {
    return StatusUpdateManager.isTerminal(view.state());
  }

  /** The FrameworkInfo with its id; a recovered task whose checkpoint had none gets one with the id alone. */
  private static FrameworkInfo framework(String frameworkId, FrameworkInfo info) {
    FrameworkID id = FrameworkID.newBuilder().setValue(frameworkId).build();
    if (info == null) {
      return FrameworkInfo.newBuilder().setId(id).setUser("").setName("").build();
    }
    return info.hasId() ? info : info.toBuilder().setId(id).build();
  }

  /** The command executor Mesos would run a command task under: id and source the task id, the task's command. */
  private static ExecutorInfo commandExecutor(TaskView view) {
    TaskInfo task = view.task();
    String command = task.getCommand().hasValue() ? task.getCommand().getValue()
        : String.join(" ", task.getCommand().getArgumentsList());
    return ExecutorInfo.newBuilder()
        .setType(ExecutorInfo.Type.DEFAULT)
        .setExecutorId(ExecutorID.newBuilder().setValue(view.id()))
        .setFrameworkId(FrameworkID.newBuilder().setValue(view.frameworkId()))
        .setName("Command Executor (Task: " + view.id() + ") (Command: sh -c '" + command + "')")
        .setSource(view.id())
        .setCommand(task.getCommand())
        .build();
  }

  /** An executor with its framework id set, and its container. */
  private record Executor(ExecutorInfo info, String containerId) {
    static Executor of(ExecutorInfo info, String frameworkId, String containerId) {
      ExecutorInfo withFramework = info.hasFrameworkId() ? info
          : info.toBuilder().setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId)).build();
      return new Executor(withFramework, containerId);
    }
  }

  /** The snapshot's executors, running and completed, by framework and executor id. */
  private static final class Executors {
    final Map<List<String>, Executor> live = new LinkedHashMap<>();
    final Map<List<String>, Executor> completed = new LinkedHashMap<>();

    static Executors of(AgentSnapshot snapshot) {
      Executors executors = new Executors();
      for (ExecutorView custom : snapshot.executors()) {
        executors.live.put(List.of(custom.frameworkId(), custom.id()),
            Executor.of(custom.info(), custom.frameworkId(), custom.containerId()));
      }
      // Tasks the agent runs itself: a command task is its command executor, and a DEFAULT executor
      // the agent stands in for runs while one of its tasks does.
      List<TaskRecord> ended = new ArrayList<>(snapshot.completedTasks());
      for (TaskRecord record : snapshot.tasks()) {
        TaskView view = record.view();
        if (!standsIn(view)) {
          continue;
        }
        if (terminal(view)) {
          ended.add(record);
        } else if (snapshot.views().executorOf(view)) {
          executors.live.putIfAbsent(key(view), executorOf(view));
        }
      }
      for (TaskRecord record : ended) {
        TaskView view = record.view();
        if (standsIn(view) && !executors.live.containsKey(key(view)) && snapshot.views().executorOf(view)) {
          executors.completed.putIfAbsent(key(view), executorOf(view));
        }
      }
      for (ExecutorView custom : snapshot.completedExecutors()) {
        executors.completed.putIfAbsent(List.of(custom.frameworkId(), custom.id(), custom.containerId()),
            Executor.of(custom.info(), custom.frameworkId(), custom.containerId()));
      }
      return executors;
    }

    /** Whether the agent runs the task's executor itself (a command task, or a DEFAULT executor without a command). */
    private static boolean standsIn(TaskView view) {
      return view.executor() == null
          || (view.executor().getType() == ExecutorInfo.Type.DEFAULT && !view.executor().hasCommand());
    }

    private static List<String> key(TaskView view) {
      String executorId = view.executor() == null ? view.id() : view.executor().getExecutorId().getValue();
      return List.of(view.frameworkId(), executorId);
    }

    private static Executor executorOf(TaskView view) {
      ExecutorInfo info = view.executor() == null ? commandExecutor(view) : view.executor();
      // A container that is not launched yet is not running.
      return Executor.of(info, view.frameworkId(), view.queued() ? null : view.containerId());
    }
  }
}
