package io.mezzo.agent.executors;

import com.google.protobuf.ByteString;
import io.mezzo.agent.checkpoint.CheckpointStore;
import io.mezzo.agent.checkpoint.RecoverMode;
import io.mezzo.agent.executors.RunningExecutor.Launch;
import io.mezzo.agent.sandbox.InvalidIdException;
import io.mezzo.agent.sandbox.SafeId;
import io.mezzo.agent.status.StatusUpdateManager;
import io.mezzo.agent.tasks.HostServices;
import io.mezzo.agent.tasks.TaskHost;
import io.mezzo.agent.tasks.TaskView;
import io.mezzo.protocol.internal.AgentChannel.RunningTask;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TaskHost} of custom executors and their tasks, as the Mesos agent keeps them:
 * launches an executor for the first task that names it ({@link ExecutorLauncher}), queues its
 * tasks until it SUBSCRIBEs ({@link ExecutorSubscriptions} is the executor's side), then sends
 * LAUNCH / LAUNCH_GROUP; passes kills, messages and shutdowns on; and
 * {@link ExecutorLifecycle} kills executors that do not subscribe in time or outstay their
 * shutdown grace period and, when an executor's process ends, tells the master and fails every
 * task it left unfinished. {@link ExecutorCheckpoints} and {@link ExecutorRecovery} carry them
 * over an agent restart.
 *
 * <p>Owned by the agent's context: every method, and every timer it arms, runs there.
 */
public final class ExecutorRegistry implements TaskHost {
  /** Mesos's executor heartbeat interval (DEFAULT_EXECUTOR_HEARTBEAT_INTERVAL). */
  public static final Duration HEARTBEAT_INTERVAL = Duration.ofMinutes(30);
  /** Mesos's {@code --executor_shutdown_grace_period} default, used when ExecutorInfo has none. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE_PERIOD = Duration.ofSeconds(5);
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

  private final HostServices services;
  private final ExecutorTable table = new ExecutorTable();
  private final ExecutorCheckpoints checkpoints;
  private final ExecutorLifecycle lifecycle;
  private final ExecutorRecovery recovery;
  private final ExecutorSubscriptions subscriptions;

  /**
   * @param agentEndpoint {@code ip:port} of the agent's HTTP API, given to executors
   * @param registrationTimeout how long an executor may take to SUBSCRIBE before it is killed
   * @param tlsEnvironment how to reach an agent whose HTTP API speaks TLS (Mesos's
   *     {@code LIBPROCESS_SSL_*} variables, which executor libraries read); empty without TLS
   * @param tokens when present, each executor is given its token (and the executor API requires it)
   */
  public ExecutorRegistry(HostServices services, Supplier<String> agentEndpoint, Duration registrationTimeout,
      Map<String, String> tlsEnvironment, Optional<ExecutorTokens> tokens, MasterNotifier master) {
    this.services = Objects.requireNonNull(services, "services");
    Objects.requireNonNull(master, "master");
    this.checkpoints = new ExecutorCheckpoints(services.context(), services.checkpoints());
    ExecutorLauncher launcher = new ExecutorLauncher(services, Objects.requireNonNull(agentEndpoint, "agentEndpoint"),
        Objects.requireNonNull(tokens, "tokens"), checkpoints::write, tlsEnvironment);
    this.lifecycle = new ExecutorLifecycle(services, table, launcher, checkpoints, master,
        Objects.requireNonNull(registrationTimeout, "registrationTimeout"));
    this.recovery = new ExecutorRecovery(services, table, launcher, lifecycle);
    this.subscriptions = new ExecutorSubscriptions(table, lifecycle, services, master);
  }

  // ---- routing ----

  /** Tasks whose TaskInfo names an executor. */
  @Override
  public boolean accepts(TaskInfo task) {
    return task.hasExecutor();
  }

  /** Groups for an executor with a command: CUSTOM, or DEFAULT with a command of its own. */
  @Override
  public boolean acceptsGroup(ExecutorInfo executor) {
    return executor.getType() != ExecutorInfo.Type.DEFAULT || executor.hasCommand();
  }

  @Override
  public boolean hasTask(FrameworkID frameworkId, TaskID taskId) {
    return table.hasTask(frameworkId.getValue(), taskId.getValue());
  }

  @Override
  public boolean hasExecutor(FrameworkID frameworkId, ExecutorID executorId) {
    return table.executor(frameworkId.getValue(), executorId.getValue()) != null;
  }

  // ---- events from the master ----

  /** RUN_TASK of a task whose TaskInfo names an executor. */
  @Override
  public void run(FrameworkID frameworkId, FrameworkInfo frameworkInfo, TaskInfo task) {
    services.assertOnContext(this);
    launch(frameworkId, frameworkInfo, task.getExecutor(), new Launch(task, null));
  }

  /**
   * RUN_TASK_GROUP for an executor with a command (CUSTOM, or DEFAULT with a command of its
   * own): one LAUNCH_GROUP. A DEFAULT executor without a command is not this class's job (the
   * agent runs those groups itself, see TaskSupervisor#runGroup).
   */
  @Override
  public void runGroup(FrameworkID frameworkId, FrameworkInfo frameworkInfo, ExecutorInfo executor, TaskGroupInfo group) {
    services.assertOnContext(this);
    launch(frameworkId, frameworkInfo, executor, new Launch(null, group));
  }

  /**
   * KILL_TASK: a launched task's executor gets KILL; a task still queued for an executor that
   * has not subscribed is killed by the agent (with the rest of its group).
   */
  @Override
  public void kill(FrameworkID frameworkId, TaskID taskId, KillPolicy killPolicy) {
    services.assertOnContext(this);
    ExecutorTask task = table.task(frameworkId.getValue(), taskId.getValue());
    if (task == null) {
      log.warn("[framework={}] [task={}] ignoring kill of a task this agent does not have", frameworkId.getValue(),
          taskId.getValue());
      return;
    }
    if (StatusUpdateManager.isTerminal(task.state)) {
      log.info("[framework={}] [task={}] ignoring kill of a finished task", frameworkId.getValue(), task.id());
      return;
    }
    RunningExecutor executor = task.executor;
    if (!task.sent) {
      lifecycle.killQueued(executor, task);
      return;
    }
    if (executor.stream == null) {
      log.warn("[framework={}] [executor={}] [task={}] cannot pass a kill on: the executor is not connected",
          frameworkId.getValue(), executor.id(), task.id());
      return;
    }
    KillPolicy policy = killPolicy != null ? killPolicy : task.task.hasKillPolicy() ? task.task.getKillPolicy() : null;
    log.info("[framework={}] [executor={}] [task={}] sending KILL", frameworkId.getValue(), executor.id(), task.id());
    executor.stream.send(ExecutorEvents.kill(taskId, policy));
  }

  /** FRAMEWORK_MESSAGE: passed to the executor as MESSAGE when it is subscribed, else dropped (best effort). */
  @Override
  public void frameworkMessage(FrameworkID frameworkId, ExecutorID executorId, ByteString data) {
    services.assertOnContext(this);
    RunningExecutor executor = table.executor(frameworkId.getValue(), executorId.getValue());
    if (executor == null || executor.stream == null) {
      log.warn("[framework={}] [executor={}] dropping a framework message: the executor is not {}",
          frameworkId.getValue(), executorId.getValue(), executor == null ? "running here" : "subscribed");
      return;
    }
    executor.stream.send(ExecutorEvents.message(data));
  }

  /** SHUTDOWN_EXECUTOR: SHUTDOWN to the executor, and its process killed after its grace period. */
  @Override
  public void shutdownExecutor(FrameworkID frameworkId, ExecutorID executorId) {
    services.assertOnContext(this);
    RunningExecutor executor = table.executor(frameworkId.getValue(), executorId.getValue());
    if (executor != null) {
      lifecycle.shutdown(executor);
    }
  }

  /** SHUTDOWN_FRAMEWORK: shuts down every executor of the framework. */
  @Override
  public void shutdownFramework(FrameworkID frameworkId) {
    services.assertOnContext(this);
    for (RunningExecutor executor : table.executorSnapshot()) {
      if (executor.frameworkId.equals(frameworkId)) {
        lifecycle.shutdown(executor);
      }
    }
  }

  /** Drops a task whose terminal update was acknowledged. */
  @Override
  public void forget(FrameworkID frameworkId, TaskID taskId) {
    services.assertOnContext(this);
    ExecutorTask task = table.removeTask(frameworkId.getValue(), taskId.getValue());
    if (task != null) {
      log.debug("[framework={}] [task={}] forgotten", frameworkId.getValue(), task.id());
      checkpoints.remove(task);
    }
  }

  /** Checkpoints the unacknowledged updates of an executor's task. */
  @Override
  public void pendingChanged(FrameworkID frameworkId, TaskID taskId, List<TaskStatus> pending) {
    services.assertOnContext(this);
    ExecutorTask task = table.task(frameworkId.getValue(), taskId.getValue());
    if (task != null) {
      checkpoints.writeUpdates(task, pending);
    }
  }

  // ---- for the executor API ----

  /** The executor API side of this registry. */
  ExecutorSubscriptions subscriptions() {
    return subscriptions;
  }

  // ---- recovery ----

  /**
   * Takes up the custom executors and their tasks ({@code custom_executor} set) that an earlier
   * run of the agent checkpointed, before the agent registers. An executor whose process still
   * runs is waited for: it must SUBSCRIBE again (as Mesos executors with
   * {@code MESOS_CHECKPOINT=1} do) within the registration timeout, or it is killed and its
   * tasks fail with {@code REASON_EXECUTOR_REREGISTRATION_TIMEOUT}; with
   * {@link RecoverMode#CLEANUP} it is killed at once ({@code REASON_AGENT_RESTARTED}). The tasks
   * of an executor that is gone fail with {@code REASON_EXECUTOR_TERMINATED}. Unacknowledged
   * updates are queued again with their uuids.
   */
  @Override
  public Future<Void> recover(CheckpointStore.Checkpointed checkpointed, RecoverMode mode) {
    services.assertOnContext(this);
    return recovery.recover(checkpointed.executors(), checkpointed.tasks().stream()
        .filter(r -> r.task() != null && r.task().getCustomExecutor())
        .toList(), mode);
  }

  /** The containers of the executors this registry has (for removing what nobody owns after a restart). */
  @Override
  public Set<String> containerIds() {
    Set<String> ids = new HashSet<>();
    table.executors().forEach(executor -> ids.add(executor.containerId));
    return ids;
  }

  // ---- views ----

  /** Every executor task the agent still has, with its executor, for (re-)registration. */
  @Override
  public List<RunningTask> runningTasks() {
    List<RunningTask> running = new ArrayList<>();
    for (ExecutorTask task : table.tasks()) {
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

  @Override
  public List<TaskView> taskViews() {
    List<TaskView> views = new ArrayList<>();
    for (ExecutorTask task : table.tasks()) {
      views.add(new TaskView(task.id(), task.executor.frameworkId.getValue(), task.state, task.executor.sandboxPath,
          task.task, task.executor.frameworkInfo, task.executor.info, task.executor.containerId, !task.sent));
    }
    return views;
  }

  public List<ExecutorView> views() {
    List<ExecutorView> views = new ArrayList<>();
    for (RunningExecutor executor : table.executors()) {
      views.add(view(executor, executor.state.name(), executor.stream != null));
    }
    return views;
  }

  /** The latest executors whose process ended, oldest first (at most {@link ExecutorTable#MAX_COMPLETED}). */
  public List<ExecutorView> completedViews() {
    List<ExecutorView> views = new ArrayList<>();
    for (RunningExecutor executor : table.completed()) {
      views.add(view(executor, "TERMINATED", false));
    }
    return views;
  }

  private static ExecutorView view(RunningExecutor executor, String state, boolean subscribed) {
    return new ExecutorView(executor.id(), executor.frameworkId.getValue(), executor.containerId, executor.pid,
        subscribed, state, executor.sandboxPath, List.copyOf(executor.tasks.keySet()), executor.info,
        executor.frameworkInfo);
  }

  /** The sandbox directories of the executors whose process has not ended, for log rotation. */
  @Override
  public List<Path> liveSandboxes() {
    services.assertOnContext(this);
    List<Path> dirs = new ArrayList<>();
    for (RunningExecutor executor : table.executors()) {
      if (executor.sandbox != null) {
        dirs.add(executor.sandbox);
      }
    }
    return dirs;
  }

  /**
   * Stops timers and ends every executor's stream; the processes themselves are killed when
   * the agent closes its runtimes. Idempotent.
   */
  @Override
  public void close() {
    lifecycle.close();
  }

  // ---- internals ----

  private void launch(FrameworkID frameworkId, FrameworkInfo frameworkInfo, ExecutorInfo info, Launch launch) {
    for (TaskInfo task : launch.tasks()) {
      if (table.hasTask(frameworkId.getValue(), task.getTaskId().getValue())) {
        log.warn("[framework={}] [task={}] ignoring a launch of a task this agent already has",
            frameworkId.getValue(), task.getTaskId().getValue());
        return;
      }
    }
    RunningExecutor executor = table.executor(frameworkId.getValue(), info.getExecutorId().getValue());
    if (executor == null) {
      executor = new RunningExecutor(frameworkId, frameworkInfo, info, UUID.randomUUID().toString());
      List<ExecutorTask> launched = track(executor, launch.tasks());
      String invalid = invalidIds(executor, launch);
      if (invalid != null) {
        launched.forEach(task -> lifecycle.update(task, TaskState.TASK_ERROR, TaskStatus.Reason.REASON_TASK_INVALID, invalid));
        return;
      }
      if (lifecycle.closed()) {
        launched.forEach(task -> lifecycle.update(task, TaskState.TASK_FAILED, TaskStatus.Reason.REASON_AGENT_RESTARTED,
            "The agent is shutting down"));
        return;
      }
      table.add(executor);
      executor.queued.add(launch);
      lifecycle.start(executor);
      return;
    }
    List<ExecutorTask> added = track(executor, launch.tasks());
    String terminating = "Executor '" + executor.id() + "' is shutting down";
    switch (executor.state) {
      case RUNNING -> lifecycle.deliver(executor, launch, Set.of());
      case REGISTERING -> executor.queued.add(launch);
      case TERMINATING -> added.forEach(task -> lifecycle.update(task, TaskState.TASK_FAILED,
          TaskStatus.Reason.REASON_EXECUTOR_TERMINATED, terminating));
      default -> throw new IllegalStateException("Unexpected executor state " + executor.state);
    }
  }

  private List<ExecutorTask> track(RunningExecutor executor, List<TaskInfo> infos) {
    List<ExecutorTask> tracked = new ArrayList<>();
    for (TaskInfo info : infos) {
      ExecutorTask task = new ExecutorTask(info, executor);
      table.add(task);
      tracked.add(task);
      checkpoints.write(task);
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
}
