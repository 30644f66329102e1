package io.mezzo.agent.tasks;

import com.google.protobuf.ByteString;
import io.mezzo.agent.checkpoint.CheckpointStore;
import io.mezzo.agent.checkpoint.RecoverMode;
import io.mezzo.agent.fetcher.Fetcher;
import io.mezzo.agent.health.HealthCheckers;
import io.mezzo.agent.sandbox.InvalidIdException;
import io.mezzo.agent.sandbox.SafeId;
import io.mezzo.agent.sandbox.SandboxLayout;
import io.mezzo.agent.spi.ContainerRuntime;
import io.mezzo.agent.status.StatusUpdateManager;
import io.mezzo.protocol.internal.AgentChannel.RunningTask;
import io.mezzo.v1.Protos.ContainerInfo;
import io.mezzo.v1.Protos.ExecutorID;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.KillPolicy;
import io.mezzo.v1.Protos.TaskGroupInfo;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.Future;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TaskHost} of the tasks the agent runs itself: command tasks, and the task groups of
 * a DEFAULT executor without a command (see {@link #runGroup}). It checks them, then
 * {@link TaskLauncher} makes their sandboxes and launches them, {@link TaskLifecycle} turns
 * each step into a status update (STARTING, RUNNING, KILLING for frameworks that want it, then
 * FINISHED, FAILED or KILLED; ERROR for a task that is not valid), and
 * {@link TaskCheckpoints} / {@link TaskRecovery} carry them over an agent restart. Owned by
 * the agent's context; blocking work runs in {@code executeBlocking}.
 */
public final class TaskSupervisor implements TaskHost {
  public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(3);
  private static final Logger log = LoggerFactory.getLogger(TaskSupervisor.class);

  private final HostServices services;
  private final LiveTasks tasks = new LiveTasks();
  private final TaskCheckpoints checkpoints;
  private final TaskLifecycle lifecycle;
  private final TaskLauncher launcher;
  private final TaskRecovery recovery;
  private boolean closed;

  /**
   * @param fetcher puts each task's {@code CommandInfo.uris} into its sandbox before launch
   * @param healthCheckers run the tasks' {@code health_check}s once they are running
   * @param executorEnded told, on the context, when a DEFAULT executor the agent stands in for
   *     (see {@link #runGroup}) has no task left
   */
  public TaskSupervisor(HostServices services, Fetcher fetcher, HealthCheckers healthCheckers,
      BiConsumer<FrameworkID, ExecutorID> executorEnded) {
    this.services = Objects.requireNonNull(services, "services");
    this.checkpoints = new TaskCheckpoints(services.context(), services.checkpoints());
    this.lifecycle = new TaskLifecycle(services, tasks, checkpoints,
        Objects.requireNonNull(healthCheckers, "healthCheckers"), Objects.requireNonNull(executorEnded, "executorEnded"));
    this.launcher = new TaskLauncher(services, lifecycle, checkpoints, Objects.requireNonNull(fetcher, "fetcher"));
    this.recovery = new TaskRecovery(services, tasks, lifecycle, launcher, checkpoints);
  }

  /** Tasks without an executor. */
  @Override
  public boolean accepts(TaskInfo task) {
    return !task.hasExecutor();
  }

  /** Mezzo has no default executor binary: the agent does a DEFAULT executor's work itself, unless it has a command. */
  @Override
  public boolean acceptsGroup(ExecutorInfo executor) {
    return executor.getType() == ExecutorInfo.Type.DEFAULT && !executor.hasCommand();
  }

  @Override
  public boolean hasTask(FrameworkID frameworkId, TaskID taskId) {
    return tasks.contains(frameworkId.getValue(), taskId.getValue());
  }

  /** Whether the agent stands in for this DEFAULT executor (it still has some of its tasks). */
  @Override
  public boolean hasExecutor(FrameworkID frameworkId, ExecutorID executorId) {
    return !tasks.ofExecutor(frameworkId, executorId).isEmpty();
  }

  /** RUN_TASK. */
  @Override
  public void run(FrameworkID frameworkId, FrameworkInfo frameworkInfo, TaskInfo task) {
    services.assertOnContext(this);
    String fid = frameworkId.getValue();
    String tid = task.getTaskId().getValue();
    if (tasks.contains(fid, tid)) {
      log.warn("[framework={}] [task={}] ignoring RUN_TASK for a task this agent already has", fid, tid);
      return;
    }
    LiveTask live = new LiveTask(frameworkId, frameworkInfo, task);
    tasks.put(live);
    if (closed) {
      lifecycle.update(live, TaskState.TASK_FAILED, TaskStatus.Reason.REASON_AGENT_RESTARTED, "The agent is shutting down");
      return;
    }
    String problem = taskProblem(fid, task);
    if (problem != null) {
      lifecycle.update(live, TaskState.TASK_ERROR, TaskStatus.Reason.REASON_TASK_INVALID, problem);
      return;
    }
    String runtimeName = runtimeName(task);
    ContainerRuntime runtime = services.runtimes().get(runtimeName);
    if (runtime == null) {
      lifecycle.update(live, TaskState.TASK_FAILED, TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED,
          "Runtime '" + runtimeName + "' is not enabled on this agent (enabled: " + enabledRuntimes() + ")");
      return;
    }
    live.runtime = runtimeName;
    live.containerId = UUID.randomUUID().toString();
    checkpoints.write(live);
    launcher.start(live, runtime, () -> services.layout().createRun(fid, tid, live.containerId),
        SandboxLayout.virtualLatestPath(fid, tid));
  }

  /**
   * RUN_TASK_GROUP for a DEFAULT executor without a command. Mezzo has no default executor
   * binary, so the agent does its job: it runs each task of the group itself, in
   * {@code <executor sandbox>/tasks/<task id>/}, reports the group's executor id in every update,
   * and kills the rest of the group when one of its tasks fails or is killed. Once the
   * executor has no task left, {@code executorEnded} is told, as if the executor had exited.
   */
  @Override
  public void runGroup(FrameworkID frameworkId, FrameworkInfo frameworkInfo, ExecutorInfo executor, TaskGroupInfo group) {
    services.assertOnContext(this);
    String fid = frameworkId.getValue();
    String eid = executor.getExecutorId().getValue();
    for (TaskInfo task : group.getTasksList()) {
      if (tasks.contains(fid, task.getTaskId().getValue())) {
        log.warn("[framework={}] [task={}] ignoring a task group with a task this agent already has",
            fid, task.getTaskId().getValue());
        return;
      }
    }
    String executorContainer = tasks.ofExecutor(frameworkId, executor.getExecutorId()).stream()
        .map(t -> t.executorContainerId)
        .findFirst()
        .orElseGet(() -> UUID.randomUUID().toString());
    String groupId = UUID.randomUUID().toString();
    List<LiveTask> members = new ArrayList<>();
    for (TaskInfo task : group.getTasksList()) {
      LiveTask live = new LiveTask(frameworkId, frameworkInfo, task);
      live.executor = executor;
      live.executorContainerId = executorContainer;
      live.group = groupId;
      tasks.put(live);
      members.add(live);
    }
    String problem = closed ? "The agent is shutting down" : groupProblem(fid, eid, group);
    if (problem != null) {
      TaskState state = closed ? TaskState.TASK_FAILED : TaskState.TASK_ERROR;
      TaskStatus.Reason reason = closed ? TaskStatus.Reason.REASON_AGENT_RESTARTED : TaskStatus.Reason.REASON_TASK_GROUP_INVALID;
      members.forEach(live -> lifecycle.update(live, state, reason, problem));
      return;
    }
    log.info("[framework={}] [executor={}] running a group of {} tasks for the default executor", fid, eid, members.size());
    for (LiveTask live : members) {
      String tid = live.id();
      live.runtime = runtimeName(live.task);
      live.containerId = UUID.randomUUID().toString();
      checkpoints.write(live);
      launcher.start(live, services.runtimes().get(live.runtime), () -> {
        Path sandbox = services.layout().createRun(fid, eid, executorContainer).resolve("tasks").resolve(tid);
        Files.createDirectories(sandbox);
        return sandbox;
      }, SandboxLayout.virtualLatestPath(fid, eid) + "/tasks/" + tid);
    }
  }

  /** SHUTDOWN_EXECUTOR of a DEFAULT executor the agent stands in for: kills its tasks. */
  @Override
  public void shutdownExecutor(FrameworkID frameworkId, ExecutorID executorId) {
    services.assertOnContext(this);
    tasks.ofExecutor(frameworkId, executorId).forEach(live -> lifecycle.kill(live, null));
  }

  /** KILL_TASK; a kill of a finished task is ignored. */
  @Override
  public void kill(FrameworkID frameworkId, TaskID taskId, KillPolicy killPolicy) {
    services.assertOnContext(this);
    LiveTask live = tasks.get(frameworkId.getValue(), taskId.getValue());
    if (live == null) {
      log.warn("[framework={}] [task={}] ignoring kill of a task this agent does not have", frameworkId.getValue(), taskId.getValue());
      return;
    }
    lifecycle.kill(live, killPolicy);
  }

  /** SHUTDOWN_FRAMEWORK: kills every task of the framework. */
  @Override
  public void shutdownFramework(FrameworkID frameworkId) {
    services.assertOnContext(this);
    log.info("[framework={}] shutting down: killing its tasks", frameworkId.getValue());
    for (LiveTask live : tasks.all()) {
      if (live.frameworkId.equals(frameworkId)) {
        lifecycle.kill(live, null);
      }
    }
  }

  /** A DEFAULT executor the agent stands in for takes no messages: dropped. */
  @Override
  public void frameworkMessage(FrameworkID frameworkId, ExecutorID executorId, ByteString data) {
    log.warn("[framework={}] [executor={}] dropping a framework message: the agent runs this default executor's "
        + "tasks itself", frameworkId.getValue(), executorId.getValue());
  }

  /** Drops a task whose terminal update was acknowledged; its sandbox stays. */
  @Override
  public void forget(FrameworkID frameworkId, TaskID taskId) {
    services.assertOnContext(this);
    if (tasks.remove(frameworkId.getValue(), taskId.getValue()) != null) {
      log.debug("[framework={}] [task={}] forgotten", frameworkId.getValue(), taskId.getValue());
      checkpoints.remove(frameworkId.getValue(), taskId.getValue(), "remove the checkpoint of task " + taskId.getValue());
    }
  }

  /** Checkpoints a task's unacknowledged updates; updates of tasks this supervisor does not run are not its to checkpoint. */
  @Override
  public void pendingChanged(FrameworkID frameworkId, TaskID taskId, List<TaskStatus> pending) {
    services.assertOnContext(this);
    LiveTask live = tasks.get(frameworkId.getValue(), taskId.getValue());
    if (live != null) {
      checkpoints.writeUpdates(live, pending);
    }
  }

  /** Every task the agent still has, with its latest state, for (re-)registration. */
  @Override
  public List<RunningTask> runningTasks() {
    List<RunningTask> running = new ArrayList<>();
    for (LiveTask live : tasks.all()) {
      RunningTask.Builder task = RunningTask.newBuilder()
          .setFrameworkId(live.frameworkId)
          .setTask(live.task)
          .setState(live.state);
      if (live.frameworkInfo != null) {
        task.setFrameworkInfo(live.frameworkInfo);
      }
      if (live.executor != null) {
        task.setExecutor(live.executor);
      }
      running.add(task.build());
    }
    return running;
  }

  @Override
  public List<TaskView> taskViews() {
    List<TaskView> views = new ArrayList<>();
    for (LiveTask live : tasks.all()) {
      views.add(new TaskView(live.id(), live.frameworkId.getValue(), live.state, live.sandbox, live.task,
          live.frameworkInfo, live.executor, live.executor != null ? live.executorContainerId : live.containerId,
          !live.launched));
    }
    return views;
  }

  /** The containers of the tasks this supervisor has (for removing what nobody owns after a restart). */
  @Override
  public Set<String> containerIds() {
    Set<String> ids = new HashSet<>();
    tasks.all().forEach(live -> {
      if (live.containerId != null) {
        ids.add(live.containerId);
      }
    });
    return ids;
  }

  /** The sandbox directories of the tasks that have one and are not terminal, for log rotation. */
  @Override
  public List<Path> liveSandboxes() {
    services.assertOnContext(this);
    List<Path> dirs = new ArrayList<>();
    for (LiveTask live : tasks.all()) {
      if (live.sandboxDir != null && !StatusUpdateManager.isTerminal(live.state)) {
        dirs.add(live.sandboxDir);
      }
    }
    return dirs;
  }

  /**
   * Takes up the command tasks (those without {@code custom_executor}) an earlier run of the
   * agent checkpointed, before the agent registers: their unacknowledged updates are queued
   * again (with their uuids); tasks whose container still runs are re-adopted through their
   * runtime (with {@link RecoverMode#CLEANUP}: killed); a task whose container ended while the
   * agent was away gets the terminal update its exit status calls for, or TASK_FAILED
   * ({@code REASON_EXECUTOR_TERMINATED}) when how it ended is unknown; a task that was not
   * launched yet fails with {@code REASON_AGENT_RESTARTED}. Completes when all of that is done.
   */
  @Override
  public Future<Void> recover(CheckpointStore.Checkpointed checkpointed, RecoverMode mode) {
    services.assertOnContext(this);
    return recovery.recover(checkpointed.tasks().stream()
        .filter(r -> r.task() == null || !r.task().getCustomExecutor())
        .toList(), mode);
  }

  /** From now on new tasks fail; the agent kills the running ones when it closes its runtimes. */
  @Override
  public void close() {
    closed = true;
  }

  /** Why a command task cannot run, or null. */
  private static String taskProblem(String frameworkId, TaskInfo task) {
    try {
      SafeId.check("framework id", frameworkId);
      SafeId.check("task id", task.getTaskId().getValue());
    } catch (InvalidIdException e) {
      return e.getMessage();
    }
    String tid = task.getTaskId().getValue();
    if (task.hasExecutor()) {
      // The agent hands tasks with an executor to its executor registry; this is a guard.
      return "Task '" + tid + "' names an executor; the command runner runs only command tasks";
    }
    if (task.hasHealthCheck() && HealthCheckers.problem(task.getHealthCheck()) != null) {
      return "Task '" + tid + "' has a health check the agent cannot run: " + HealthCheckers.problem(task.getHealthCheck());
    }
    return null;
  }

  /** Why a default-executor task group cannot run, or null. */
  private String groupProblem(String frameworkId, String executorId, TaskGroupInfo group) {
    try {
      SafeId.check("framework id", frameworkId);
      SafeId.check("executor id", executorId);
      for (TaskInfo task : group.getTasksList()) {
        SafeId.check("task id", task.getTaskId().getValue());
      }
    } catch (InvalidIdException e) {
      return e.getMessage();
    }
    if (group.getTasksCount() == 0) {
      return "The task group is empty";
    }
    for (TaskInfo task : group.getTasksList()) {
      if (task.hasExecutor()) {
        return "Task '" + task.getTaskId().getValue() + "' of a task group must not name an executor";
      }
      if (task.hasHealthCheck() && HealthCheckers.problem(task.getHealthCheck()) != null) {
        return "Task '" + task.getTaskId().getValue() + "' has a health check the agent cannot run: "
            + HealthCheckers.problem(task.getHealthCheck());
      }
      String runtimeName = runtimeName(task);
      if (!services.runtimes().containsKey(runtimeName)) {
        return "Task '" + task.getTaskId().getValue() + "' needs runtime '" + runtimeName
            + "', which is not enabled on this agent (enabled: " + enabledRuntimes() + ")";
      }
    }
    return null;
  }

  private String enabledRuntimes() {
    return String.join(", ", services.runtimes().keySet());
  }

  /** Whether the framework declared {@code capability} in its FrameworkInfo. */
  public static boolean hasCapability(FrameworkInfo info, FrameworkInfo.Capability.Type capability) {
    return info != null && info.getCapabilitiesList().stream().anyMatch(c -> c.getType() == capability);
  }

  /** The runtime a task asks for: none or MESOS without an image is a process; DOCKER is docker; MESOS with an image is oci. */
  public static String runtimeName(TaskInfo task) {
    return task.hasContainer() ? runtimeName(task.getContainer()) : "process";
  }

  /** The runtime a container asks for (see {@link #runtimeName(TaskInfo)}). */
  public static String runtimeName(ContainerInfo container) {
    if (container.getType() == ContainerInfo.Type.DOCKER) {
      return "docker";
    }
    return container.hasMesos() && container.getMesos().hasImage() ? "oci" : "process";
  }
}
