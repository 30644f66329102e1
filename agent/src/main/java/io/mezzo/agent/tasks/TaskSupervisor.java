package io.mezzo.agent.tasks;

import io.mezzo.agent.support.Timers;
import io.mezzo.agent.checkpoint.CheckpointStore;
import io.mezzo.agent.checkpoint.RecoverMode;
import io.mezzo.agent.fetcher.FetchException;
import io.mezzo.agent.fetcher.Fetcher;
import io.mezzo.agent.health.HealthChecker;
import io.mezzo.agent.health.HealthCheckers;
import io.mezzo.agent.sandbox.InvalidIdException;
import io.mezzo.agent.sandbox.SafeId;
import io.mezzo.agent.sandbox.SandboxLayout;
import io.mezzo.agent.spi.ContainerRuntime;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.spi.LaunchedContainer;
import io.mezzo.agent.spi.Termination;
import io.mezzo.agent.status.StatusUpdateManager;
import io.mezzo.protocol.internal.Checkpoints.CheckpointedTask;
import io.mezzo.protocol.internal.Checkpoints.CheckpointedUpdates;
import io.mezzo.protocol.internal.AgentChannel.RunningTask;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.ContainerInfo;
import io.mezzo.v1.Protos.Environment;
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
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the command tasks the master sends (and the task groups of a DEFAULT executor, see
 * {@link #runGroup}): checks them, makes their sandboxes, launches them in a runtime, kills
 * them on request, and turns each step into a status update (STARTING, RUNNING, KILLING for
 * frameworks that want it, then FINISHED, FAILED or KILLED; ERROR for a task that is not
 * valid). Owned by the agent's context; blocking work runs in {@code executeBlocking}.
 */
public final class TaskSupervisor {
  public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(3);
  private static final Logger log = LoggerFactory.getLogger(TaskSupervisor.class);

  private final Context context;
  private final SandboxLayout layout;
  private final Map<String, ContainerRuntime> runtimes;
  private final StatusUpdateManager updates;
  private final Supplier<AgentID> agentId;
  private final BiConsumer<FrameworkID, ExecutorID> executorEnded;
  private final Fetcher fetcher;
  private final HealthCheckers healthCheckers;
  private final CheckpointStore checkpoints;
  private final Map<Key, LiveTask> tasks = new LinkedHashMap<>();
  private boolean closed;

  public TaskSupervisor(
      Context context,
      SandboxLayout layout,
      Map<String, ContainerRuntime> runtimes,
      StatusUpdateManager updates,
      Supplier<AgentID> agentId) {
    this(context, layout, runtimes, updates, agentId, (framework, executor) -> { });
  }

  /**
   * @param executorEnded told, on the context, when a DEFAULT executor the agent stands in for
   *     (see {@link #runGroup}) has no task left
   */
  public TaskSupervisor(
      Context context,
      SandboxLayout layout,
      Map<String, ContainerRuntime> runtimes,
      StatusUpdateManager updates,
      Supplier<AgentID> agentId,
      BiConsumer<FrameworkID, ExecutorID> executorEnded) {
    this(context, layout, runtimes, updates, agentId, executorEnded, new Fetcher(),
        new HealthCheckers(Timers.vertx(context.owner()), Clock.systemUTC()));
  }

  /**
   * @param fetcher puts each task's {@code CommandInfo.uris} into its sandbox before launch
   * @param healthCheckers run the tasks' {@code health_check}s once they are running
   */
  public TaskSupervisor(
      Context context,
      SandboxLayout layout,
      Map<String, ContainerRuntime> runtimes,
      StatusUpdateManager updates,
      Supplier<AgentID> agentId,
      BiConsumer<FrameworkID, ExecutorID> executorEnded,
      Fetcher fetcher,
      HealthCheckers healthCheckers) {
    this(context, layout, runtimes, updates, agentId, executorEnded, fetcher, healthCheckers, null);
  }

  /**
   * @param checkpoints where each task and its unacknowledged updates are checkpointed, so that
   *     {@link #recover} can take them up after an agent restart; null checkpoints nothing
   */
  public TaskSupervisor(
      Context context,
      SandboxLayout layout,
      Map<String, ContainerRuntime> runtimes,
      StatusUpdateManager updates,
      Supplier<AgentID> agentId,
      BiConsumer<FrameworkID, ExecutorID> executorEnded,
      Fetcher fetcher,
      HealthCheckers healthCheckers,
      CheckpointStore checkpoints) {
    this.checkpoints = checkpoints;
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    this.healthCheckers = Objects.requireNonNull(healthCheckers, "healthCheckers");
    this.executorEnded = Objects.requireNonNull(executorEnded, "executorEnded");
    this.context = Objects.requireNonNull(context, "context");
    this.layout = Objects.requireNonNull(layout, "layout");
    this.runtimes = Map.copyOf(runtimes);
    this.updates = Objects.requireNonNull(updates, "updates");
    this.agentId = Objects.requireNonNull(agentId, "agentId");
  }

  /** RUN_TASK. */
  public void run(FrameworkID frameworkId, FrameworkInfo frameworkInfo, TaskInfo task) {
    assertOnContext();
    Key key = new Key(frameworkId.getValue(), task.getTaskId().getValue());
    if (tasks.containsKey(key)) {
      log.warn("[framework={}] [task={}] ignoring RUN_TASK for a task this agent already has", key.frameworkId, key.taskId);
      return;
    }
    LiveTask live = new LiveTask(frameworkId, frameworkInfo, task);
    tasks.put(key, live);
    if (closed) {
      update(live, TaskState.TASK_FAILED, TaskStatus.Reason.REASON_AGENT_RESTARTED, "The agent is shutting down");
      return;
    }
    try {
      SafeId.check("framework id", key.frameworkId);
      SafeId.check("task id", key.taskId);
    } catch (InvalidIdException e) {
      update(live, TaskState.TASK_ERROR, TaskStatus.Reason.REASON_TASK_INVALID, e.getMessage());
      return;
    }
    if (task.hasExecutor()) {
      // The agent hands tasks with an executor to its executor registry; this is a guard.
      update(live, TaskState.TASK_ERROR, TaskStatus.Reason.REASON_TASK_INVALID,
          "Task '" + key.taskId + "' names an executor; the command runner runs only command tasks");
      return;
    }
    if (task.hasHealthCheck() && HealthCheckers.problem(task.getHealthCheck()) != null) {
      update(live, TaskState.TASK_ERROR, TaskStatus.Reason.REASON_TASK_INVALID,
          "Task '" + key.taskId + "' has a health check the agent cannot run: " + HealthCheckers.problem(task.getHealthCheck()));
      return;
    }
    String runtimeName = runtimeName(task);
    ContainerRuntime runtime = runtimes.get(runtimeName);
    if (runtime == null) {
      update(live, TaskState.TASK_FAILED, TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED,
          "Runtime '" + runtimeName + "' is not enabled on this agent (enabled: " + String.join(", ", runtimes.keySet()) + ")");
      return;
    }
    live.runtime = runtimeName;
    live.containerId = UUID.randomUUID().toString();
    checkpoint(live);
    start(live, runtime, () -> layout.createRun(key.frameworkId, key.taskId, live.containerId),
        SandboxLayout.virtualLatestPath(key.frameworkId, key.taskId));
  }

  /**
   * RUN_TASK_GROUP for a DEFAULT executor without a command. Mezzo has no default executor
   * binary, so the agent does its job: it runs each task of the group itself, in
   * {@code <executor sandbox>/tasks/<task id>/}, reports the group's executor id in every update,
   * and kills the rest of the group when one of its tasks fails or is killed. Once the
   * executor has no task left, {@code executorEnded} is told, as if the executor had exited.
   */
  public void runGroup(FrameworkID frameworkId, FrameworkInfo frameworkInfo, ExecutorInfo executor, TaskGroupInfo group) {
    assertOnContext();
    for (TaskInfo task : group.getTasksList()) {
      if (tasks.containsKey(new Key(frameworkId.getValue(), task.getTaskId().getValue()))) {
        log.warn("[framework={}] [task={}] ignoring a task group with a task this agent already has",
            frameworkId.getValue(), task.getTaskId().getValue());
        return;
      }
    }
    String fid = frameworkId.getValue();
    String eid = executor.getExecutorId().getValue();
    String executorContainer = tasks.values().stream()
        .filter(t -> t.executor != null && t.frameworkId.equals(frameworkId) && t.executor.getExecutorId().equals(executor.getExecutorId()))
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
      tasks.put(new Key(fid, live.id()), live);
      members.add(live);
    }
    String problem = closed ? "The agent is shutting down" : groupProblem(fid, eid, group);
    if (problem != null) {
      TaskState state = closed ? TaskState.TASK_FAILED : TaskState.TASK_ERROR;
      TaskStatus.Reason reason = closed ? TaskStatus.Reason.REASON_AGENT_RESTARTED : TaskStatus.Reason.REASON_TASK_GROUP_INVALID;
      members.forEach(live -> update(live, state, reason, problem));
      return;
    }
    log.info("[framework={}] [executor={}] running a group of {} tasks for the default executor", fid, eid, members.size());
    for (LiveTask live : members) {
      String tid = live.id();
      live.runtime = runtimeName(live.task);
      live.containerId = UUID.randomUUID().toString();
      checkpoint(live);
      start(live, runtimes.get(live.runtime), () -> {
        Path sandbox = layout.createRun(fid, eid, executorContainer).resolve("tasks").resolve(tid);
        Files.createDirectories(sandbox);
        return sandbox;
      }, SandboxLayout.virtualLatestPath(fid, eid) + "/tasks/" + tid);
    }
  }

  /** SHUTDOWN_EXECUTOR of a DEFAULT executor the agent stands in for: kills its tasks. */
  public void shutdownExecutor(FrameworkID frameworkId, ExecutorID executorId) {
    assertOnContext();
    List<LiveTask> members = List.copyOf(tasks.values()).stream()
        .filter(t -> t.executor != null && t.frameworkId.equals(frameworkId) && t.executor.getExecutorId().equals(executorId))
        .toList();
    if (members.isEmpty()) {
      log.warn("[framework={}] [executor={}] ignoring shutdown of an executor this agent does not run",
          frameworkId.getValue(), executorId.getValue());
    }
    members.forEach(live -> kill(live, null));
  }

  /** KILL_TASK; a kill of an unknown or finished task is logged and ignored. */
  public void kill(FrameworkID frameworkId, TaskID taskId, KillPolicy killPolicy) {
    assertOnContext();
    LiveTask live = tasks.get(new Key(frameworkId.getValue(), taskId.getValue()));
    if (live == null) {
      log.warn("[framework={}] [task={}] ignoring kill of a task this agent does not have", frameworkId.getValue(), taskId.getValue());
      return;
    }
    kill(live, killPolicy);
  }

  /** SHUTDOWN_FRAMEWORK: kills every task of the framework. */
  public void shutdownFramework(FrameworkID frameworkId) {
    assertOnContext();
    log.info("[framework={}] shutting down: killing its tasks", frameworkId.getValue());
    for (LiveTask live : List.copyOf(tasks.values())) {
      if (live.frameworkId.equals(frameworkId)) {
        kill(live, null);
      }
    }
  }

  /** Drops a task whose terminal update was acknowledged; its sandbox stays. */
  public void forget(FrameworkID frameworkId, TaskID taskId) {
    assertOnContext();
    if (tasks.remove(new Key(frameworkId.getValue(), taskId.getValue())) != null) {
      log.debug("[framework={}] [task={}] forgotten", frameworkId.getValue(), taskId.getValue());
      if (checkpoints != null) {
        checkpoints.inOrder(context, "remove the checkpoint of task " + taskId.getValue(),
            store -> store.remove(frameworkId.getValue(), taskId.getValue()));
      }
    }
  }

  /** Every task the agent still has, with its latest state, for (re-)registration. */
  public List<RunningTask> runningTasks() {
    List<RunningTask> running = new ArrayList<>();
    for (LiveTask live : tasks.values()) {
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

  public List<TaskView> views() {
    List<TaskView> views = new ArrayList<>();
    for (LiveTask live : tasks.values()) {
      views.add(new TaskView(live.id(), live.frameworkId.getValue(), live.state, live.sandbox));
    }
    return views;
  }

  /** Kills every task's container and completes when they have ended. */
  public Future<Void> close() {
    closed = true;
    List<Future<Void>> closing = new ArrayList<>();
    for (ContainerRuntime runtime : runtimes.values()) {
      closing.add(runtime.close(DEFAULT_GRACE_PERIOD));
    }
    return Future.join(closing).mapEmpty();
  }

  /** Creates the task's sandbox and fetches its URIs into it (blocking, off the loop), then launches it. */
  private void start(LiveTask live, ContainerRuntime runtime, Callable<Path> createSandbox, String virtualSandbox) {
    context.executeBlocking(createSandbox, false).onComplete(sandbox -> {
      if (sandbox.failed()) {
        update(live, TaskState.TASK_FAILED, TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED,
            "Failed to create the sandbox: " + sandbox.cause().getMessage());
        return;
      }
      live.sandbox = virtualSandbox;
      live.sandboxDir = sandbox.result();
      List<CommandInfo.URI> uris = live.task.getCommand().getUrisList();
      if (uris.isEmpty()) {
        launch(live, runtime, sandbox.result());
        return;
      }
      log.info("[framework={}] [task={}] fetching {} URIs", live.frameworkId.getValue(), live.id(), uris.size());
      context.<Void>executeBlocking(() -> {
        fetcher.fetch(uris, sandbox.result());
        return null;
      }, false).onComplete(fetched -> {
        if (fetched.failed()) {
          Throwable cause = fetched.cause();
          String message = cause instanceof FetchException ? cause.getMessage() : "Fetcher failed: " + cause;
          log.warn("[framework={}] [task={}] {}", live.frameworkId.getValue(), live.id(), message);
          update(live, TaskState.TASK_FAILED, TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED, message);
        } else {
          launch(live, runtime, sandbox.result());
        }
      });
    });
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
      if (!runtimes.containsKey(runtimeName)) {
        return "Task '" + task.getTaskId().getValue() + "' needs runtime '" + runtimeName
            + "', which is not enabled on this agent (enabled: " + String.join(", ", runtimes.keySet()) + ")";
      }
    }
    return null;
  }

  private void launch(LiveTask live, ContainerRuntime runtime, Path sandbox) {
    if (live.killRequested) {
      update(live, TaskState.TASK_KILLED, TaskStatus.Reason.REASON_TASK_KILLED_DURING_LAUNCH,
          "Task killed before it was launched");
      return;
    }
    update(live, TaskState.TASK_STARTING, null, null);
    Map<String, String> environment = environment(live, sandbox);
    live.environment = environment;
    checkpoint(live);
    runtime.launch(launchRequest(live)).onComplete(result -> context.runOnContext(v -> {
      if (result.failed()) {
        log.warn("[framework={}] [task={}] launch failed: {}", live.frameworkId.getValue(), live.id(), result.cause().getMessage());
        update(live, TaskState.TASK_FAILED, TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED, result.cause().getMessage());
        return;
      }
      LaunchedContainer container = result.result();
      live.launched = true;
      update(live, TaskState.TASK_RUNNING, null, null);
      watch(live, runtime, container);
    }));
  }

  /** Follows a running container: its end becomes the task's terminal update; kills and health checks go to it. */
  private void watch(LiveTask live, ContainerRuntime runtime, LaunchedContainer container) {
    container.termination().onComplete(end -> context.runOnContext(w -> terminated(live, end.result())));
    if (live.pendingKill != null) {
      runtime.kill(live.containerId, live.pendingKill);
    } else if (live.task.hasHealthCheck() && !live.killRequested && !container.termination().isComplete()) {
      startHealthChecks(live, live.sandboxDir, live.environment);
    }
  }

  private LaunchRequest launchRequest(LiveTask live) {
    return new LaunchRequest(live.containerId, live.frameworkId, live.task, live.sandboxDir, live.environment,
        live.frameworkInfo == null ? "" : live.frameworkInfo.getUser());
  }

  /** As the Mesos command executor: RUNNING updates carry health changes; too many failures kill the task. */
  private void startHealthChecks(LiveTask live, Path sandbox, Map<String, String> environment) {
    live.health = healthCheckers.create(context, live.id(), live.task.getHealthCheck(), sandbox, environment,
        new HealthChecker.Listener() {
          @Override
          public void healthChanged(boolean healthy, String why) {
            if (StatusUpdateManager.isTerminal(live.state) || live.killRequested) {
              return;
            }
            live.healthy = healthy;
            update(live, TaskState.TASK_RUNNING, TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED,
                healthy ? "Task is healthy" : "Task is unhealthy: " + why);
          }

          @Override
          public void failedTooOften(int failures, String why) {
            log.warn("[framework={}] [task={}] killing: {} health checks in a row failed ({})",
                live.frameworkId.getValue(), live.id(), failures, why);
            live.killedByHealthCheck = true;
            kill(live, null);
          }
        });
    live.health.start();
  }

  private void terminated(LiveTask live, Termination termination) {
    stopHealthChecks(live);
    if (live.cleanup) {
      update(live, TaskState.TASK_FAILED, TaskStatus.Reason.REASON_AGENT_RESTARTED,
          "Killed when the agent restarted with --recover=cleanup (" + termination.message() + ")");
      return;
    }
    if (termination.reason() != null && !termination.killed()) {
      update(live, TaskState.TASK_FAILED, termination.reason(), termination.message());
      return;
    }
    TaskState state;
    if (termination.killed()) {
      state = TaskState.TASK_KILLED;
    } else if (termination.succeeded()) {
      state = TaskState.TASK_FINISHED;
    } else {
      state = TaskState.TASK_FAILED;
    }
    update(live, state, null, live.killedByHealthCheck
        ? termination.message() + " (killed after failing its health check)"
        : termination.message());
  }

  private static void stopHealthChecks(LiveTask live) {
    if (live.health != null) {
      live.health.stop();
    }
  }

  private void kill(LiveTask live, KillPolicy override) {
    if (StatusUpdateManager.isTerminal(live.state) || live.killRequested) {
      return;
    }
    live.killRequested = true;
    checkpoint(live);
    stopHealthChecks(live);
    Duration grace = live.gracePeriod(override, DEFAULT_GRACE_PERIOD);
    log.info("[framework={}] [task={}] killing (grace period {} ms)", live.frameworkId.getValue(), live.id(), grace.toMillis());
    if (live.launched) {
      // As the Mesos command executor: TASK_KILLING only for frameworks that understand it.
      if (hasCapability(live.frameworkInfo, FrameworkInfo.Capability.Type.TASK_KILLING_STATE)) {
        update(live, TaskState.TASK_KILLING, null, null);
      }
      runtimes.get(live.runtime).kill(live.containerId, grace);
    } else {
      live.pendingKill = grace;
    }
  }

  private Map<String, String> environment(LiveTask live, Path sandbox) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("MESOS_SANDBOX", sandbox.toString());
    env.put("MEZZO_SANDBOX", sandbox.toString());
    env.put("MESOS_TASK_ID", live.id());
    env.put("MESOS_EXECUTOR_ID", live.executor != null ? live.executor.getExecutorId().getValue() : live.id());
    env.put("MESOS_FRAMEWORK_ID", live.frameworkId.getValue());
    env.put("MESOS_CONTAINER_ID", live.containerId);
    env.put("MESOS_DIRECTORY", sandbox.toString());
    AgentID id = agentId.get();
    if (id != null) {
      env.put("MESOS_AGENT_ID", id.getValue());
      env.put("MESOS_SLAVE_ID", id.getValue());
    }
    return env;
  }

  private void update(LiveTask live, TaskState state, TaskStatus.Reason reason, String message) {
    live.state = state;
    TaskStatus.Builder status = TaskStatus.newBuilder().setTaskId(live.task.getTaskId()).setState(state);
    if (live.executor != null) {
      status.setExecutorId(live.executor.getExecutorId());
    }
    if (reason != null) {
      status.setReason(reason);
    }
    if (message != null) {
      status.setMessage(message);
    }
    if (live.healthy != null) {
      // As Mesos: once a task has a health value, its later updates carry it.
      status.setHealthy(live.healthy);
    }
    log.info("[framework={}] [task={}] {}{}", live.frameworkId.getValue(), live.id(), state,
        message == null ? "" : ": " + message);
    updates.update(live.frameworkId, status);
    if (live.executor != null && StatusUpdateManager.isTerminal(state)) {
      groupMemberEnded(live);
    }
  }

  /** As the Mesos default executor: one failed or killed task takes its group down; the last task ends the executor. */
  private void groupMemberEnded(LiveTask ended) {
    List<LiveTask> siblings = tasks.values().stream()
        .filter(t -> t != ended && t.executor != null && t.frameworkId.equals(ended.frameworkId)
            && t.executor.getExecutorId().equals(ended.executor.getExecutorId())
            && !StatusUpdateManager.isTerminal(t.state))
        .toList();
    if (ended.state == TaskState.TASK_FAILED || ended.state == TaskState.TASK_KILLED) {
      for (LiveTask sibling : siblings) {
        if (ended.group.equals(sibling.group)) {
          kill(sibling, null);
        }
      }
    }
    if (siblings.isEmpty()) {
      log.info("[framework={}] [executor={}] has no task left; the default executor's work is done",
          ended.frameworkId.getValue(), ended.executor.getExecutorId().getValue());
      executorEnded.accept(ended.frameworkId, ended.executor.getExecutorId());
    }
  }

  // ---------------------------------------------------------------- checkpoints and recovery

  /**
   * Checkpoints a task's unacknowledged updates (the agent's {@link StatusUpdateManager.PendingListener});
   * updates of tasks this supervisor does not run (custom executors' tasks) are not checkpointed.
   */
  public void pendingChanged(FrameworkID frameworkId, TaskID taskId, List<TaskStatus> pending) {
    assertOnContext();
    LiveTask live = tasks.get(new Key(frameworkId.getValue(), taskId.getValue()));
    if (checkpoints == null || live == null) {
      return;
    }
    CheckpointedUpdates updates = CheckpointedUpdates.newBuilder().addAllPending(pending).setLatestState(live.state).build();
    checkpoints.inOrder(context, "checkpoint the updates of task " + taskId.getValue(),
        store -> store.writeUpdates(frameworkId.getValue(), taskId.getValue(), updates));
  }

  /**
   * Takes up the tasks an earlier run of the agent checkpointed, before the agent registers:
   * their unacknowledged updates are queued again (with their uuids); tasks whose container
   * still runs are re-adopted through their runtime (with {@link RecoverMode#CLEANUP}: killed);
   * a task whose container ended while the agent was away gets the terminal update its exit
   * status calls for, or TASK_FAILED ({@code REASON_EXECUTOR_TERMINATED}) when how it ended is
   * unknown; a task that was not launched yet fails with {@code REASON_AGENT_RESTARTED}.
   * Completes when all of that is done. (Tasks of custom executors are the executor registry's.)
   */
  public Future<Void> recover(List<CheckpointStore.Recovered> recovered, RecoverMode mode) {
    assertOnContext();
    List<Future<?>> adopting = new ArrayList<>();
    for (CheckpointStore.Recovered checkpoint : recovered) {
      if (checkpoint.task() == null) {
        log.warn("[framework={}] [task={}] has checkpointed updates but no task; dropping them",
            checkpoint.frameworkId(), checkpoint.taskId());
        if (checkpoints != null) {
          checkpoints.inOrder(context, "remove a partial checkpoint",
              store -> store.remove(checkpoint.frameworkId(), checkpoint.taskId()));
        }
        continue;
      }
      adopting.add(recover(checkpoint.task(), checkpoint.updates(), mode));
    }
    return Future.join(adopting).mapEmpty();
  }

  /** The containers of the tasks this supervisor has (for removing what nobody owns after a restart). */
  public Set<String> containerIds() {
    Set<String> ids = new java.util.HashSet<>();
    tasks.values().forEach(live -> {
      if (live.containerId != null) {
        ids.add(live.containerId);
      }
    });
    return ids;
  }

  private Future<Void> recover(CheckpointedTask checkpoint, CheckpointedUpdates updatesCheckpoint, RecoverMode mode) {
    LiveTask live = new LiveTask(checkpoint.getFrameworkId(),
        checkpoint.hasFrameworkInfo() ? checkpoint.getFrameworkInfo() : null, checkpoint.getTask());
    Key key = new Key(live.frameworkId.getValue(), live.id());
    if (tasks.containsKey(key)) {
      return Future.succeededFuture();
    }
    if (checkpoint.hasExecutor()) {
      live.executor = checkpoint.getExecutor();
      live.executorContainerId = checkpoint.getExecutorContainerId();
      live.group = checkpoint.getGroup();
    }
    live.runtime = checkpoint.hasRuntime() ? checkpoint.getRuntime() : null;
    live.containerId = checkpoint.hasContainerId() ? checkpoint.getContainerId() : null;
    live.sandbox = checkpoint.hasVirtualSandbox() ? checkpoint.getVirtualSandbox() : null;
    live.sandboxDir = checkpoint.hasSandbox() ? Path.of(checkpoint.getSandbox()) : null;
    live.environment = new LinkedHashMap<>();
    checkpoint.getEnvironmentList().forEach(v -> live.environment.put(v.getName(), v.getValue()));
    if (updatesCheckpoint != null) {
      live.state = updatesCheckpoint.getLatestState();
      updates.restore(live.frameworkId, updatesCheckpoint.getPendingList());
    }
    tasks.put(key, live);
    if (StatusUpdateManager.isTerminal(live.state)) {
      log.info("[framework={}] [task={}] recovered as {}; waiting for its acknowledgement", key.frameworkId, key.taskId, live.state);
      return Future.succeededFuture();
    }
    ContainerRuntime runtime = live.runtime == null ? null : runtimes.get(live.runtime);
    if (live.containerId == null || live.sandboxDir == null || live.environment.isEmpty() || runtime == null) {
      update(live, TaskState.TASK_FAILED, TaskStatus.Reason.REASON_AGENT_RESTARTED, runtime == null && live.runtime != null
          ? "The agent restarted without runtime '" + live.runtime + "', which the task needs"
          : "The agent restarted before the task was launched");
      return Future.succeededFuture();
    }
    return runtime.recover(launchRequest(live)).transform(result -> {
      Promise<Void> done = Promise.promise();
      context.runOnContext(v -> {
        if (result.failed()) {
          log.warn("[framework={}] [task={}] not recovered: {}", key.frameworkId, key.taskId, result.cause().getMessage());
          update(live, TaskState.TASK_FAILED, TaskStatus.Reason.REASON_EXECUTOR_TERMINATED,
              "Lost while the agent restarted: " + result.cause().getMessage());
        } else {
          LaunchedContainer container = result.result();
          live.launched = true;
          log.info("[framework={}] [task={}] recovered its {} container {}", key.frameworkId, key.taskId, live.runtime,
              live.containerId);
          if (live.state != TaskState.TASK_RUNNING && live.state != TaskState.TASK_KILLING) {
            update(live, TaskState.TASK_RUNNING, null, null);
          }
          if (mode == RecoverMode.CLEANUP && !container.termination().isComplete()) {
            live.cleanup = true;
            live.killRequested = true;
            runtime.kill(live.containerId, live.gracePeriod(null, DEFAULT_GRACE_PERIOD));
          } else if (checkpoint.getKillRequested() && !container.termination().isComplete()) {
            // A kill was under way when the agent went away: it goes on (its grace period starts again).
            live.killRequested = true;
            runtime.kill(live.containerId, live.gracePeriod(null, DEFAULT_GRACE_PERIOD));
          }
          watch(live, runtime, container);
        }
        done.complete();
      });
      return done.future();
    });
  }

  private void checkpoint(LiveTask live) {
    if (checkpoints == null) {
      return;
    }
    CheckpointedTask.Builder task = CheckpointedTask.newBuilder()
        .setFrameworkId(live.frameworkId)
        .setTask(live.task)
        .setKillRequested(live.killRequested);
    if (live.frameworkInfo != null) {
      task.setFrameworkInfo(live.frameworkInfo);
    }
    if (live.executor != null) {
      task.setExecutor(live.executor).setExecutorContainerId(live.executorContainerId).setGroup(live.group);
    }
    if (live.runtime != null) {
      task.setRuntime(live.runtime);
    }
    if (live.containerId != null) {
      task.setContainerId(live.containerId);
    }
    if (live.sandbox != null) {
      task.setVirtualSandbox(live.sandbox);
    }
    if (live.sandboxDir != null) {
      task.setSandbox(live.sandboxDir.toString());
    }
    if (live.environment != null) {
      live.environment.forEach((name, value) ->
          task.addEnvironment(Environment.Variable.newBuilder().setName(name).setValue(value)));
    }
    CheckpointedTask record = task.build();
    checkpoints.inOrder(context, "checkpoint task " + live.id(), store -> store.writeTask(record));
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

  private void assertOnContext() {
    assert Vertx.currentContext() == context : "TaskSupervisor used off its context";
  }

  private record Key(String frameworkId, String taskId) {}

  /** The sandbox directories of the tasks that have one and are not terminal, for log rotation. */
  public List<Path> liveSandboxes() {
    assertOnContext();
    List<Path> dirs = new ArrayList<>();
    for (LiveTask live : tasks.values()) {
      if (live.sandboxDir != null && !StatusUpdateManager.isTerminal(live.state)) {
        dirs.add(live.sandboxDir);
      }
    }
    return dirs;
  }
}
