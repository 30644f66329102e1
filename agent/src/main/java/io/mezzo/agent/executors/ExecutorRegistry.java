package io.mezzo.agent.executors;

import com.google.protobuf.ByteString;
import io.mezzo.agent.support.Timers;
import io.mezzo.agent.checkpoint.CheckpointStore;
import io.mezzo.agent.checkpoint.RecoverMode;
import io.mezzo.agent.executors.RunningExecutor.Launch;
import io.mezzo.agent.executors.RunningExecutor.State;
import io.mezzo.agent.sandbox.InvalidIdException;
import io.mezzo.agent.sandbox.SafeId;
import io.mezzo.agent.sandbox.SandboxLayout;
import io.mezzo.agent.spi.ContainerRuntime;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.spi.LaunchedContainer;
import io.mezzo.agent.spi.Termination;
import io.mezzo.agent.status.StatusUpdateManager;
import io.mezzo.agent.tasks.TaskView;
import io.mezzo.protocol.MesosDurations;
import io.mezzo.protocol.internal.AgentChannel.RunningTask;
import io.mezzo.protocol.internal.Checkpoints.CheckpointedExecutor;
import io.mezzo.protocol.internal.Checkpoints.CheckpointedTask;
import io.mezzo.protocol.internal.Checkpoints.CheckpointedUpdates;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.AgentInfo;
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
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The custom executors on this agent and their tasks, as the Mesos agent keeps them: launches
 * an executor for the first task that names it, queues its tasks until it SUBSCRIBEs (see
 * {@link ExecutorSubscriptions} for the executor's side), then sends LAUNCH / LAUNCH_GROUP;
 * passes kills, messages and shutdowns on; kills executors that do not subscribe in time or
 * outstay their shutdown grace period; and when an executor's process ends, tells the master
 * and fails every task it left unfinished.
 *
 * <p>Owned by the agent's context: every method, and every timer it arms, runs there.
 */
public final class ExecutorRegistry {
  /** Mesos's executor heartbeat interval (DEFAULT_EXECUTOR_HEARTBEAT_INTERVAL). */
  public static final Duration HEARTBEAT_INTERVAL = Duration.ofMinutes(30);
  /** Mesos's {@code --executor_shutdown_grace_period} default, used when ExecutorInfo has none. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE_PERIOD = Duration.ofSeconds(5);
  private static final int SIGNAL_EXIT_BASE = 128;
  private static final Logger log = LoggerFactory.getLogger(ExecutorRegistry.class);

  /**
   * What the registry tells the master. Called on the agent's context; best effort (an
   * implementation drops what it cannot send and must not block).
   */
  public interface MasterNotifier {
    /** An executor's MESSAGE for its scheduler. */
    void executorMessage(FrameworkID frameworkId, ExecutorID executorId, ByteString data);

    /**
     * An executor's process ended (or never started), so that the master frees its resources.
     *
     * @param status its exit code, or 128 + the signal that ended it; null when it never ran
     */
    void executorTerminated(FrameworkID frameworkId, ExecutorID executorId, Integer status);
  }

  private final Context context;
  private final Timers timers;
  private final ExecutorLauncher launcher;
  private final StatusUpdateManager updates;
  private final MasterNotifier master;
  private final Duration registrationTimeout;
  private final Map<Key, RunningExecutor> executors = new LinkedHashMap<>();
  private final Map<Key, ExecutorTask> tasks = new LinkedHashMap<>();
  private final ExecutorSubscriptions subscriptions;
  private final CheckpointStore checkpoints;
  private boolean closed;

  /**
   * @param timers timers whose actions run on {@code context}
   * @param agentInfo the agent's current AgentInfo (with its id once registered), for SUBSCRIBED
   * @param agentEndpoint {@code ip:port} of the agent's HTTP API, given to executors
   * @param registrationTimeout how long an executor may take to SUBSCRIBE before it is killed
   */
  public ExecutorRegistry(
      Context context,
      Timers timers,
      SandboxLayout layout,
      Map<String, ContainerRuntime> runtimes,
      StatusUpdateManager updates,
      Supplier<AgentInfo> agentInfo,
      Supplier<String> agentEndpoint,
      MasterNotifier master,
      Duration registrationTimeout) {
    this(context, timers, layout, runtimes, updates, agentInfo, agentEndpoint, master, registrationTimeout, null);
  }

  /**
   * @param checkpoints where executors, their tasks and their unacknowledged updates are
   *     checkpointed so that {@link #recover} can take them up after an agent restart (and
   *     executors are told {@code MESOS_CHECKPOINT=1}); null checkpoints nothing
   */
  public ExecutorRegistry(
      Context context,
      Timers timers,
      SandboxLayout layout,
      Map<String, ContainerRuntime> runtimes,
      StatusUpdateManager updates,
      Supplier<AgentInfo> agentInfo,
      Supplier<String> agentEndpoint,
      MasterNotifier master,
      Duration registrationTimeout,
      CheckpointStore checkpoints) {
    this.checkpoints = checkpoints;
    this.context = Objects.requireNonNull(context, "context");
    this.timers = Objects.requireNonNull(timers, "timers");
    this.updates = Objects.requireNonNull(updates, "updates");
    this.master = Objects.requireNonNull(master, "master");
    this.registrationTimeout = Objects.requireNonNull(registrationTimeout, "registrationTimeout");
    Supplier<AgentID> agentId = () -> {
      AgentInfo info = agentInfo.get();
      return info != null && info.hasId() ? info.getId() : null;
    };
    this.launcher = new ExecutorLauncher(context, layout, runtimes, agentId, agentEndpoint, checkpoints != null,
        this::checkpoint);
    this.subscriptions = new ExecutorSubscriptions(this, context, timers, updates, agentInfo, master);
  }

  // ---- events from the master ----

  /** RUN_TASK of a task whose TaskInfo names an executor. */
  public void run(FrameworkID frameworkId, FrameworkInfo frameworkInfo, TaskInfo task) {
    assertOnContext();
    launch(frameworkId, frameworkInfo, task.getExecutor(), new Launch(task, null));
  }

  /**
   * RUN_TASK_GROUP for an executor with a command (CUSTOM, or DEFAULT with a command of its
   * own): one LAUNCH_GROUP. A DEFAULT executor without a command is not this class's job (the
   * agent runs those groups itself, see TaskSupervisor#runGroup).
   */
  public void runGroup(FrameworkID frameworkId, FrameworkInfo frameworkInfo, ExecutorInfo executor, TaskGroupInfo group) {
    assertOnContext();
    launch(frameworkId, frameworkInfo, executor, new Launch(null, group));
  }

  /**
   * KILL_TASK: a launched task's executor gets KILL; a task still queued for an executor that
   * has not subscribed is killed by the agent (with the rest of its group).
   *
   * @return false when the task is not an executor task this agent knows (a command task, perhaps)
   */
  public boolean kill(FrameworkID frameworkId, TaskID taskId, KillPolicy killPolicy) {
    assertOnContext();
    ExecutorTask task = tasks.get(new Key(frameworkId.getValue(), taskId.getValue()));
    if (task == null) {
      return false;
    }
    if (StatusUpdateManager.isTerminal(task.state)) {
      log.info("[framework={}] [task={}] ignoring kill of a finished task", frameworkId.getValue(), task.id());
      return true;
    }
    RunningExecutor executor = task.executor;
    if (task.sent) {
      if (executor.stream == null) {
        log.warn("[framework={}] [executor={}] [task={}] cannot pass a kill on: the executor is not connected",
            frameworkId.getValue(), executor.id(), task.id());
        return true;
      }
      KillPolicy policy = killPolicy != null ? killPolicy : task.task.hasKillPolicy() ? task.task.getKillPolicy() : null;
      log.info("[framework={}] [executor={}] [task={}] sending KILL", frameworkId.getValue(), executor.id(), task.id());
      executor.stream.send(ExecutorEvents.kill(taskId, policy));
      return true;
    }
    killQueued(executor, task);
    return true;
  }

  /** FRAMEWORK_MESSAGE: passed to the executor as MESSAGE when it is subscribed, else dropped (best effort). */
  public void frameworkMessage(FrameworkID frameworkId, ExecutorID executorId, ByteString data) {
    assertOnContext();
    RunningExecutor executor = executors.get(new Key(frameworkId.getValue(), executorId.getValue()));
    if (executor == null || executor.stream == null) {
      log.warn("[framework={}] [executor={}] dropping a framework message: the executor is not {}",
          frameworkId.getValue(), executorId.getValue(), executor == null ? "running here" : "subscribed");
      return;
    }
    executor.stream.send(ExecutorEvents.message(data));
  }

  /**
   * SHUTDOWN_EXECUTOR: SHUTDOWN to the executor, and its process killed after its grace period.
   *
   * @return false when no such custom executor runs here
   */
  public boolean shutdownExecutor(FrameworkID frameworkId, ExecutorID executorId) {
    assertOnContext();
    RunningExecutor executor = executors.get(new Key(frameworkId.getValue(), executorId.getValue()));
    if (executor == null) {
      return false;
    }
    shutdown(executor);
    return true;
  }

  /** SHUTDOWN_FRAMEWORK: shuts down every executor of the framework. */
  public void shutdownFramework(FrameworkID frameworkId) {
    assertOnContext();
    for (RunningExecutor executor : List.copyOf(executors.values())) {
      if (executor.frameworkId.equals(frameworkId)) {
        shutdown(executor);
      }
    }
  }

  /** Drops a task whose terminal update was acknowledged. */
  public void forget(FrameworkID frameworkId, TaskID taskId) {
    assertOnContext();
    ExecutorTask task = tasks.remove(new Key(frameworkId.getValue(), taskId.getValue()));
    if (task != null) {
      task.executor.tasks.remove(task.id());
      log.debug("[framework={}] [task={}] forgotten", frameworkId.getValue(), task.id());
      if (checkpoints != null) {
        checkpoints.inOrder(context, "remove the checkpoint of task " + task.id(),
            store -> store.remove(frameworkId.getValue(), task.id()));
      }
    }
  }

  // ---- for ExecutorSubscriptions ----

  /** The executor API side of this registry. */
  ExecutorSubscriptions subscriptions() {
    return subscriptions;
  }

  /** The running executor, or null. */
  RunningExecutor find(String frameworkId, String executorId) {
    return executors.get(new Key(frameworkId, executorId));
  }

  /** Whether any executor of the framework runs here. */
  boolean knowsFramework(String frameworkId) {
    return executors.keySet().stream().anyMatch(k -> k.frameworkId.equals(frameworkId));
  }

  /** The executor subscribed: its queued launches go to it, except tasks it says it already has. */
  void deliverQueued(RunningExecutor executor, Set<String> alreadyKnown) {
    for (Launch launch : List.copyOf(executor.queued)) {
      deliver(executor, launch, alreadyKnown);
    }
    executor.queued.clear();
  }

  // ---- checkpoints and recovery ----

  /** Checkpoints a task's unacknowledged updates, for the tasks of executors (see TaskSupervisor's twin). */
  public void pendingChanged(FrameworkID frameworkId, TaskID taskId, List<TaskStatus> pending) {
    assertOnContext();
    ExecutorTask task = tasks.get(new Key(frameworkId.getValue(), taskId.getValue()));
    if (checkpoints == null || task == null) {
      return;
    }
    // The newest queued update is the task's latest state (the caller sets task.state after queueing).
    TaskState latest = pending.isEmpty() ? task.state : pending.get(pending.size() - 1).getState();
    CheckpointedUpdates checkpoint = CheckpointedUpdates.newBuilder().addAllPending(pending).setLatestState(latest).build();
    checkpoints.inOrder(context, "checkpoint the updates of task " + task.id(),
        store -> store.writeUpdates(frameworkId.getValue(), task.id(), checkpoint));
  }

  /** The containers of the executors this registry has (for removing what nobody owns after a restart). */
  public Set<String> containerIds() {
    Set<String> ids = new HashSet<>();
    executors.values().forEach(executor -> ids.add(executor.containerId));
    return ids;
  }

  /**
   * Takes up the custom executors and their tasks that an earlier run of the agent
   * checkpointed, before the agent registers. An executor whose process still runs is waited
   * for: it must SUBSCRIBE again (as Mesos executors with {@code MESOS_CHECKPOINT=1} do) within
   * the registration timeout, or it is killed and its tasks fail with
   * {@code REASON_EXECUTOR_REREGISTRATION_TIMEOUT}; with {@link RecoverMode#CLEANUP} it is killed
   * at once ({@code REASON_AGENT_RESTARTED}). The tasks of an executor that is gone fail with
   * {@code REASON_EXECUTOR_TERMINATED}. Unacknowledged updates are queued again with their uuids.
   *
   * @param taskCheckpoints checkpointed tasks with {@code custom_executor} set
   */
  public Future<Void> recover(List<CheckpointedExecutor> executorCheckpoints, List<CheckpointStore.Recovered> taskCheckpoints,
      RecoverMode mode) {
    assertOnContext();
    for (CheckpointedExecutor checkpoint : executorCheckpoints) {
      RunningExecutor executor = new RunningExecutor(checkpoint.getFrameworkId(),
          checkpoint.hasFrameworkInfo() ? checkpoint.getFrameworkInfo() : FrameworkInfo.getDefaultInstance(),
          checkpoint.getExecutor(), checkpoint.getContainerId());
      executor.recovered = true;
      executor.sandbox = Path.of(checkpoint.getSandbox());
      executor.sandboxPath = checkpoint.getVirtualSandbox();
      Map<String, String> environment = new LinkedHashMap<>();
      checkpoint.getEnvironmentList().forEach(v -> environment.put(v.getName(), v.getValue()));
      executor.launchRequest = new LaunchRequest(executor.containerId, executor.frameworkId, checkpoint.getLaunchTask(),
          executor.sandbox, environment);
      executors.put(keyOf(executor), executor);
    }
    for (CheckpointStore.Recovered checkpoint : taskCheckpoints) {
      CheckpointedTask saved = checkpoint.task();
      Key executorKey = new Key(saved.getFrameworkId().getValue(), saved.getExecutor().getExecutorId().getValue());
      RunningExecutor executor = executors.get(executorKey);
      boolean executorGone = executor == null;
      if (executorGone) {
        // Its executor ended (and was forgotten) before the task's terminal update was acknowledged.
        executor = new RunningExecutor(saved.getFrameworkId(), saved.getFrameworkInfo(), saved.getExecutor(), "");
        executor.state = State.TERMINATING;
      }
      ExecutorTask task = new ExecutorTask(saved.getTask(), executor);
      executor.tasks.put(task.id(), task);
      tasks.put(new Key(saved.getFrameworkId().getValue(), task.id()), task);
      if (checkpoint.updates() != null) {
        task.state = checkpoint.updates().getLatestState();
        updates.restore(saved.getFrameworkId(), checkpoint.updates().getPendingList());
      }
      task.sent = task.state != TaskState.TASK_STAGING;
      if (StatusUpdateManager.isTerminal(task.state)) {
        continue;
      }
      if (executorGone) {
        update(task, TaskState.TASK_FAILED, TaskStatus.Reason.REASON_EXECUTOR_TERMINATED,
            "The executor ended while the agent restarted");
      } else if (!task.sent) {
        // Not known to have reached the executor: it goes (again) when the executor subscribes,
        // unless the executor lists it among its unacknowledged tasks.
        executor.queued.add(new Launch(task.task, null));
      }
    }
    List<Future<Void>> adopting = new ArrayList<>();
    for (RunningExecutor executor : List.copyOf(executors.values())) {
      if (executor.recovered) {
        adopting.add(adopt(executor, mode));
      }
    }
    return Future.join(adopting).mapEmpty();
  }

  private Future<Void> adopt(RunningExecutor executor, RecoverMode mode) {
    return launcher.recover(executor).transform(result -> {
      io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
      context.runOnContext(v -> {
        if (result.failed()) {
          log.warn("[framework={}] [executor={}] not recovered: {}", executor.frameworkId.getValue(), executor.id(),
              result.cause().getMessage());
          executor.failureMessage = "The executor ended while the agent restarted: " + result.cause().getMessage();
          ended(executor, null);
        } else {
          LaunchedContainer container = result.result();
          executor.launched = true;
          executor.pid = container.pid();
          log.info("[framework={}] [executor={}] recovered its container {} (pid {}); waiting for it to subscribe again",
              executor.frameworkId.getValue(), executor.id(), executor.containerId, executor.pid);
          container.termination().onComplete(end -> context.runOnContext(w -> ended(executor, end.result())));
          if (mode == RecoverMode.CLEANUP) {
            executor.failureReason = TaskStatus.Reason.REASON_AGENT_RESTARTED;
            executor.failureMessage = "Killed when the agent restarted with --recover=cleanup";
            executor.state = State.TERMINATING;
            launcher.kill(executor, Duration.ZERO);
          } else if (!container.termination().isComplete()) {
            executor.registrationTimer = timers.schedule(registrationTimeout, () -> registrationTimedOut(executor));
          }
        }
        done.complete();
      });
      return done.future();
    });
  }

  private void checkpoint(RunningExecutor executor) {
    if (checkpoints == null || executor.launchRequest == null) {
      return;
    }
    CheckpointedExecutor.Builder record = CheckpointedExecutor.newBuilder()
        .setFrameworkId(executor.frameworkId)
        .setExecutor(executor.info)
        .setContainerId(executor.containerId)
        .setSandbox(executor.sandbox.toString())
        .setVirtualSandbox(executor.sandboxPath)
        .setLaunchTask(executor.launchRequest.task());
    if (executor.frameworkInfo != null) {
      record.setFrameworkInfo(executor.frameworkInfo);
    }
    executor.launchRequest.environment().forEach((name, value) ->
        record.addEnvironment(Environment.Variable.newBuilder().setName(name).setValue(value)));
    CheckpointedExecutor built = record.build();
    checkpoints.inOrder(context, "checkpoint executor " + executor.id(), store -> store.writeExecutor(built));
  }

  private void checkpoint(ExecutorTask task) {
    if (checkpoints == null) {
      return;
    }
    CheckpointedTask.Builder record = CheckpointedTask.newBuilder()
        .setFrameworkId(task.executor.frameworkId)
        .setTask(task.task)
        .setExecutor(task.executor.info)
        .setCustomExecutor(true);
    if (task.executor.frameworkInfo != null) {
      record.setFrameworkInfo(task.executor.frameworkInfo);
    }
    CheckpointedTask built = record.build();
    checkpoints.inOrder(context, "checkpoint task " + task.id(), store -> store.writeTask(built));
  }

  // ---- views ----

  /** Every executor task the agent still has, with its executor, for (re-)registration. */
  public List<RunningTask> runningTasks() {
    List<RunningTask> running = new ArrayList<>();
    for (ExecutorTask task : tasks.values()) {
      running.add(RunningTask.newBuilder()
          .setFrameworkId(task.executor.frameworkId)
          .setFrameworkInfo(task.executor.frameworkInfo)
          .setTask(task.task)
          .setState(task.state)
          .setExecutor(task.executor.info)
          .build());
    }
    return running;
  }

  public List<TaskView> taskViews() {
    List<TaskView> views = new ArrayList<>();
    for (ExecutorTask task : tasks.values()) {
      views.add(new TaskView(task.id(), task.executor.frameworkId.getValue(), task.state, task.executor.sandboxPath));
    }
    return views;
  }

  public List<ExecutorView> views() {
    List<ExecutorView> views = new ArrayList<>();
    for (RunningExecutor executor : executors.values()) {
      views.add(new ExecutorView(executor.id(), executor.frameworkId.getValue(), executor.containerId, executor.pid,
          executor.stream != null, executor.state.name(), executor.sandboxPath, List.copyOf(executor.tasks.keySet())));
    }
    return views;
  }

  /**
   * Stops timers and ends every executor's stream; the processes themselves are killed when
   * the agent closes its runtimes. Idempotent.
   */
  public void close() {
    closed = true;
    for (RunningExecutor executor : executors.values()) {
      executor.cancelTimers();
      if (executor.stream != null) {
        executor.stream.close();
      }
    }
  }

  // ---- internals ----

  private void launch(FrameworkID frameworkId, FrameworkInfo frameworkInfo, ExecutorInfo info, Launch launch) {
    for (TaskInfo task : launch.tasks()) {
      if (tasks.containsKey(new Key(frameworkId.getValue(), task.getTaskId().getValue()))) {
        log.warn("[framework={}] [task={}] ignoring a launch of a task this agent already has",
            frameworkId.getValue(), task.getTaskId().getValue());
        return;
      }
    }
    Key key = new Key(frameworkId.getValue(), info.getExecutorId().getValue());
    RunningExecutor executor = executors.get(key);
    if (executor == null) {
      executor = new RunningExecutor(frameworkId, frameworkInfo, info, UUID.randomUUID().toString());
      List<ExecutorTask> launched = track(executor, launch.tasks());
      String invalid = invalidIds(executor, launch);
      if (invalid != null) {
        launched.forEach(task -> update(task, TaskState.TASK_ERROR, TaskStatus.Reason.REASON_TASK_INVALID, invalid));
        return;
      }
      if (closed) {
        launched.forEach(task -> update(task, TaskState.TASK_FAILED, TaskStatus.Reason.REASON_AGENT_RESTARTED,
            "The agent is shutting down"));
        return;
      }
      executors.put(key, executor);
      executor.queued.add(launch);
      start(executor);
      return;
    }
    List<ExecutorTask> added = track(executor, launch.tasks());
    String terminating = "Executor '" + executor.id() + "' is shutting down";
    switch (executor.state) {
      case RUNNING -> deliver(executor, launch, Set.of());
      case REGISTERING -> executor.queued.add(launch);
      case TERMINATING -> added.forEach(task -> update(task, TaskState.TASK_FAILED,
          TaskStatus.Reason.REASON_EXECUTOR_TERMINATED, terminating));
      default -> throw new IllegalStateException("Unexpected executor state " + executor.state);
    }
  }

  private List<ExecutorTask> track(RunningExecutor executor, List<TaskInfo> infos) {
    List<ExecutorTask> tracked = new ArrayList<>();
    for (TaskInfo info : infos) {
      ExecutorTask task = new ExecutorTask(info, executor);
      executor.tasks.put(task.id(), task);
      tasks.put(new Key(executor.frameworkId.getValue(), task.id()), task);
      tracked.add(task);
      checkpoint(task);
    }
    return tracked;
  }

  private static String invalidIds(RunningExecutor executor, Launch launch) {
    try {
      SafeId.check("framework id", executor.frameworkId.getValue());
      SafeId.check("executor id", executor.id());
      for (TaskInfo task : launch.tasks()) {
        SafeId.check("task id", task.getTaskId().getValue());
      }
      return null;
    } catch (InvalidIdException e) {
      return e.getMessage();
    }
  }

  private void start(RunningExecutor executor) {
    Duration grace = executor.shutdownGracePeriod(DEFAULT_SHUTDOWN_GRACE_PERIOD);
    log.info("[framework={}] [executor={}] launching container {}", executor.frameworkId.getValue(), executor.id(),
        executor.containerId);
    executor.registrationTimer = timers.schedule(registrationTimeout, () -> registrationTimedOut(executor));
    launcher.launch(executor, grace).onComplete(result -> context.runOnContext(v -> launched(executor, result)));
  }

  private void launched(RunningExecutor executor, AsyncResult<LaunchedContainer> result) {
    if (result.failed()) {
      String message = result.cause().getMessage();
      log.warn("[framework={}] [executor={}] launch failed: {}", executor.frameworkId.getValue(), executor.id(), message);
      executor.failureReason = TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED;
      executor.failureMessage = message;
      ended(executor, null);
      return;
    }
    LaunchedContainer container = result.result();
    executor.launched = true;
    executor.pid = container.pid();
    log.info("[framework={}] [executor={}] running as pid {}", executor.frameworkId.getValue(), executor.id(), executor.pid);
    container.termination().onComplete(end -> context.runOnContext(v -> ended(executor, end.result())));
    if (executor.state == State.TERMINATING) {
      launcher.kill(executor, Duration.ZERO);
    }
  }

  private void registrationTimedOut(RunningExecutor executor) {
    executor.registrationTimer = null;
    if (executors.get(keyOf(executor)) != executor || executor.state != State.REGISTERING || executor.stream != null) {
      return;
    }
    log.warn("[framework={}] [executor={}] did not {} within {}; killing it", executor.frameworkId.getValue(),
        executor.id(), executor.recovered ? "subscribe again after the agent restarted" : "subscribe",
        MesosDurations.format(registrationTimeout));
    executor.failureReason = executor.recovered ? TaskStatus.Reason.REASON_EXECUTOR_REREGISTRATION_TIMEOUT
        : TaskStatus.Reason.REASON_EXECUTOR_REGISTRATION_TIMEOUT;
    executor.failureMessage = "Executor did not " + (executor.recovered ? "re-register" : "register") + " within "
        + MesosDurations.format(registrationTimeout);
    executor.state = State.TERMINATING;
    if (executor.launched) {
      launcher.kill(executor, Duration.ZERO);
    }
  }

  private void shutdown(RunningExecutor executor) {
    if (executor.state == State.TERMINATING) {
      return;
    }
    executor.state = State.TERMINATING;
    if (executor.registrationTimer != null) {
      executor.registrationTimer.cancel();
      executor.registrationTimer = null;
    }
    if (executor.stream != null) {
      Duration grace = executor.shutdownGracePeriod(DEFAULT_SHUTDOWN_GRACE_PERIOD);
      log.info("[framework={}] [executor={}] sending SHUTDOWN; killing it in {} unless it exits",
          executor.frameworkId.getValue(), executor.id(), MesosDurations.format(grace));
      // The timer is armed before the send so that whoever sees SHUTDOWN can move time past it.
      executor.shutdownTimer = timers.schedule(grace, () -> {
        executor.shutdownTimer = null;
        log.warn("[framework={}] [executor={}] still running after its shutdown grace period; killing it",
            executor.frameworkId.getValue(), executor.id());
        launcher.kill(executor, Duration.ZERO);
      });
      executor.stream.send(ExecutorEvents.shutdown());
    } else if (executor.launched) {
      log.info("[framework={}] [executor={}] not subscribed; killing it", executor.frameworkId.getValue(), executor.id());
      launcher.kill(executor, Duration.ZERO);
    }
  }

  /** The executor's process ended, or never started ({@code termination} null). */
  private void ended(RunningExecutor executor, Termination termination) {
    if (executors.get(keyOf(executor)) == executor) {
      executors.remove(keyOf(executor));
    }
    if (checkpoints != null && !closed) {
      checkpoints.inOrder(context, "remove the checkpoint of executor " + executor.id(),
          store -> store.removeExecutor(executor.frameworkId.getValue(), executor.id()));
    }
    executor.cancelTimers();
    executor.state = State.TERMINATING;
    if (executor.stream != null) {
      executor.stream.close();
      executor.stream = null;
    }
    executor.queued.clear();
    Integer status = null;
    if (termination != null) {
      status = termination.signalled() ? SIGNAL_EXIT_BASE + termination.signal() : termination.exitCode();
      log.info("[framework={}] [executor={}] terminated: {}", executor.frameworkId.getValue(), executor.id(),
          termination.message().replace("Command", "Executor"));
    }
    if (closed) {
      return;
    }
    master.executorTerminated(executor.frameworkId, executor.info.getExecutorId(), status);
    for (ExecutorTask task : List.copyOf(executor.tasks.values())) {
      if (!StatusUpdateManager.isTerminal(task.state)) {
        update(task, TaskState.TASK_FAILED, executor.failureReason, executor.failureMessage);
      }
    }
  }

  private void deliver(RunningExecutor executor, Launch launch, Set<String> alreadyKnown) {
    List<TaskInfo> live = new ArrayList<>();
    for (TaskInfo info : launch.tasks()) {
      ExecutorTask task = executor.tasks.get(info.getTaskId().getValue());
      if (task != null && !StatusUpdateManager.isTerminal(task.state)) {
        task.sent = true;
        if (!alreadyKnown.contains(task.id())) {
          live.add(info);
        }
      }
    }
    if (live.isEmpty()) {
      return;
    }
    if (launch.group() == null) {
      log.info("[framework={}] [executor={}] sending LAUNCH of task {}", executor.frameworkId.getValue(), executor.id(),
          live.get(0).getTaskId().getValue());
      executor.stream.send(ExecutorEvents.launch(live.get(0)));
    } else {
      log.info("[framework={}] [executor={}] sending LAUNCH_GROUP of {} tasks", executor.frameworkId.getValue(),
          executor.id(), live.size());
      executor.stream.send(ExecutorEvents.launchGroup(TaskGroupInfo.newBuilder().addAllTasks(live).build()));
    }
  }

  private void killQueued(RunningExecutor executor, ExecutorTask killed) {
    Launch launch = executor.queued.stream()
        .filter(l -> l.tasks().stream().anyMatch(t -> t.getTaskId().getValue().equals(killed.id())))
        .findFirst().orElse(null);
    if (launch != null) {
      executor.queued.remove(launch);
    }
    // A task group is launched, and so killed before launch, as one.
    List<TaskInfo> group = launch == null ? List.of(killed.task) : launch.tasks();
    for (TaskInfo info : group) {
      ExecutorTask task = executor.tasks.get(info.getTaskId().getValue());
      if (task != null && !StatusUpdateManager.isTerminal(task.state)) {
        update(task, TaskState.TASK_KILLED, TaskStatus.Reason.REASON_TASK_KILLED_DURING_LAUNCH,
            "Task killed before it was launched");
      }
    }
    boolean idle = executor.tasks.values().stream().allMatch(t -> StatusUpdateManager.isTerminal(t.state));
    if (idle && executors.get(keyOf(executor)) == executor) {
      // As Mesos: an executor whose every task was killed before it subscribed is not needed.
      log.info("[framework={}] [executor={}] has no tasks left; shutting it down", executor.frameworkId.getValue(), executor.id());
      shutdown(executor);
    }
  }

  private void update(ExecutorTask task, TaskState state, TaskStatus.Reason reason, String message) {
    task.state = state;
    TaskStatus.Builder status = TaskStatus.newBuilder()
        .setTaskId(task.task.getTaskId())
        .setState(state)
        .setSource(TaskStatus.Source.SOURCE_AGENT)
        .setExecutorId(task.executor.info.getExecutorId());
    if (reason != null) {
      status.setReason(reason);
    }
    if (message != null) {
      status.setMessage(message);
    }
    log.info("[framework={}] [executor={}] [task={}] {}{}", task.executor.frameworkId.getValue(), task.executor.id(),
        task.id(), state, message == null ? "" : ": " + message);
    updates.update(task.executor.frameworkId, status);
  }

  private static Key keyOf(RunningExecutor executor) {
    return new Key(executor.frameworkId.getValue(), executor.id());
  }

  private void assertOnContext() {
    assert Vertx.currentContext() == context : "ExecutorRegistry used off its context";
  }

  private record Key(String frameworkId, String id) {}

  /** The sandbox directories of the executors whose process has not ended, for log rotation. */
  public List<java.nio.file.Path> liveSandboxes() {
    assertOnContext();
    List<java.nio.file.Path> dirs = new ArrayList<>();
    for (RunningExecutor executor : executors.values()) {
      if (executor.sandbox != null) {
        dirs.add(executor.sandbox);
      }
    }
    return dirs;
  }
}
