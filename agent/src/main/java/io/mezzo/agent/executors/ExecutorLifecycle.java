package io.mezzo.agent.executors;

import io.mezzo.agent.executors.RunningExecutor.Launch;
import io.mezzo.agent.executors.RunningExecutor.State;
import io.mezzo.agent.spi.LaunchedContainer;
import io.mezzo.agent.spi.Termination;
import io.mezzo.agent.status.StatusUpdateManager;
import io.mezzo.agent.tasks.HostServices;
import io.mezzo.protocol.MesosDurations;
import io.mezzo.v1.Protos.TaskGroupInfo;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.AsyncResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An executor from its launch until its process has ended, as the Mesos agent drives it:
 * launched with a registration timer, its queued tasks delivered once it subscribes, SHUTDOWN
 * with a grace period before it is killed, and when it ends, the master told and every task
 * it left unfinished failed. Owned by the agent's context, timers included.
 */
final class ExecutorLifecycle {
  private static final int SIGNAL_EXIT_BASE = 128;
  private static final Logger log = LoggerFactory.getLogger(ExecutorLifecycle.class);

  private final HostServices services;
  private final ExecutorTable table;
  private final ExecutorLauncher launcher;
  private final ExecutorCheckpoints checkpoints;
  private final ExecutorRegistry.MasterNotifier master;
  private final Duration registrationTimeout;
  private boolean closed;

  ExecutorLifecycle(HostServices services, ExecutorTable table, ExecutorLauncher launcher,
      ExecutorCheckpoints checkpoints, ExecutorRegistry.MasterNotifier master, Duration registrationTimeout) {
    this.services = services;
    this.table = table;
    this.launcher = launcher;
    this.checkpoints = checkpoints;
    this.master = master;
    this.registrationTimeout = registrationTimeout;
  }

  /** Launches a new executor, which must subscribe within the registration timeout. */
  void start(RunningExecutor executor) {
    Duration grace = executor.shutdownGracePeriod(ExecutorRegistry.DEFAULT_SHUTDOWN_GRACE_PERIOD);
    log.info("[framework={}] [executor={}] launching container {}", executor.frameworkId.getValue(), executor.id(),
        executor.containerId);
    armRegistrationTimer(executor);
    launcher.launch(executor, grace).onComplete(result -> services.context().runOnContext(v -> launched(executor, result)));
  }

  /** It must (re-)subscribe within the registration timeout, or it is killed. */
  void armRegistrationTimer(RunningExecutor executor) {
    executor.registrationTimer = services.timers().schedule(registrationTimeout, () -> registrationTimedOut(executor));
  }

  /** SHUTDOWN to the executor, and its process killed after its grace period (at once when it is not subscribed). */
  void shutdown(RunningExecutor executor) {
    if (executor.state == State.TERMINATING) {
      return;
    }
    executor.state = State.TERMINATING;
    if (executor.registrationTimer != null) {
      executor.registrationTimer.cancel();
      executor.registrationTimer = null;
    }
    if (executor.stream != null) {
      Duration grace = executor.shutdownGracePeriod(ExecutorRegistry.DEFAULT_SHUTDOWN_GRACE_PERIOD);
      log.info("[framework={}] [executor={}] sending SHUTDOWN; killing it in {} unless it exits",
          executor.frameworkId.getValue(), executor.id(), MesosDurations.format(grace));
      // The timer is armed before the send so that whoever sees SHUTDOWN can move time past it.
      executor.shutdownTimer = services.timers().schedule(grace, () -> {
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
  void ended(RunningExecutor executor, Termination termination) {
    table.remove(executor);
    if (!closed) {
      checkpoints.remove(executor);
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

  /** Follows an executor's process, launched or recovered: its end is {@link #ended}. */
  void watch(RunningExecutor executor, LaunchedContainer container) {
    executor.launched = true;
    executor.pid = container.pid();
    container.termination().onComplete(end -> services.context().runOnContext(v -> ended(executor, end.result())));
  }

  /** The executor subscribed: its queued launches go to it, except tasks it says it already has. */
  void deliverQueued(RunningExecutor executor, Set<String> alreadyKnown) {
    for (Launch launch : List.copyOf(executor.queued)) {
      deliver(executor, launch, alreadyKnown);
    }
    executor.queued.clear();
  }

  void deliver(RunningExecutor executor, Launch launch, Set<String> alreadyKnown) {
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

  /** A kill of a task still queued for an executor that has not subscribed: the agent kills it (with its group). */
  void killQueued(RunningExecutor executor, ExecutorTask killed) {
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
    if (idle && table.isCurrent(executor)) {
      // As Mesos: an executor whose every task was killed before it subscribed is not needed.
      log.info("[framework={}] [executor={}] has no tasks left; shutting it down", executor.frameworkId.getValue(), executor.id());
      shutdown(executor);
    }
  }

  /** An update the agent makes about an executor's task (the executor's own come through its subscription). */
  void update(ExecutorTask task, TaskState state, TaskStatus.Reason reason, String message) {
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
    services.updates().update(task.executor.frameworkId, status);
  }

  /** Stops every executor's timers and stream; the processes are killed when the agent closes its runtimes. Idempotent. */
  void close() {
    closed = true;
    for (RunningExecutor executor : table.executors()) {
      executor.cancelTimers();
      if (executor.stream != null) {
        executor.stream.close();
      }
    }
  }

  boolean closed() {
    return closed;
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
    watch(executor, result.result());
    log.info("[framework={}] [executor={}] running as pid {}", executor.frameworkId.getValue(), executor.id(), executor.pid);
    if (executor.state == State.TERMINATING) {
      launcher.kill(executor, Duration.ZERO);
    }
  }

  private void registrationTimedOut(RunningExecutor executor) {
    executor.registrationTimer = null;
    if (!table.isCurrent(executor) || executor.state != State.REGISTERING || executor.stream != null) {
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
}
