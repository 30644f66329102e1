package io.mezzo.agent.tasks;

import io.mezzo.agent.health.HealthChecker;
import io.mezzo.agent.health.HealthCheckers;
import io.mezzo.agent.spi.Termination;
import io.mezzo.agent.status.StatusUpdateManager;
import io.mezzo.v1.Protos.ExecutorID;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.KillPolicy;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a task once the supervisor has it: each state change becomes a status update;
 * kills (with KILLING for frameworks that want it), health checks, the end of its container; and,
 * for the tasks of a DEFAULT executor the agent stands in for, the fate of their group. Owned by
 * the agent's context.
 */
final class TaskLifecycle {
  private static final Logger log = LoggerFactory.getLogger(TaskLifecycle.class);

  private final HostServices services;
  private final LiveTasks tasks;
  private final TaskCheckpoints checkpoints;
  private final HealthCheckers healthCheckers;
  private final BiConsumer<FrameworkID, ExecutorID> executorEnded;

  TaskLifecycle(HostServices services, LiveTasks tasks, TaskCheckpoints checkpoints, HealthCheckers healthCheckers,
      BiConsumer<FrameworkID, ExecutorID> executorEnded) {
    this.services = services;
    this.tasks = tasks;
    this.checkpoints = checkpoints;
    this.healthCheckers = healthCheckers;
    this.executorEnded = executorEnded;
  }

  void update(LiveTask live, TaskState state, TaskStatus.Reason reason, String message) {
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
    services.updates().update(live.frameworkId, status);
    if (live.executor != null && StatusUpdateManager.isTerminal(state)) {
      groupMemberEnded(live);
    }
  }

  /** Kills the task's container, or marks the kill for the launch under way; a task ending or ended is left alone. */
  void kill(LiveTask live, KillPolicy override) {
    if (StatusUpdateManager.isTerminal(live.state) || live.killRequested) {
      return;
    }
    live.killRequested = true;
    checkpoints.write(live);
    stopHealthChecks(live);
    Duration grace = live.gracePeriod(override, TaskSupervisor.DEFAULT_GRACE_PERIOD);
    log.info("[framework={}] [task={}] killing (grace period {} ms)", live.frameworkId.getValue(), live.id(), grace.toMillis());
    if (live.launched) {
      // As the Mesos command executor: TASK_KILLING only for frameworks that understand it.
      if (TaskSupervisor.hasCapability(live.frameworkInfo, FrameworkInfo.Capability.Type.TASK_KILLING_STATE)) {
        update(live, TaskState.TASK_KILLING, null, null);
      }
      services.runtimes().get(live.runtime).kill(live.containerId, grace);
    } else {
      live.pendingKill = grace;
    }
  }

  /** The task's container ended: its terminal update says how. */
  void terminated(LiveTask live, Termination termination) {
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

  /** As the Mesos command executor: RUNNING updates carry health changes; too many failures kill the task. */
  void startHealthChecks(LiveTask live) {
    live.health = healthCheckers.create(services.context(), live.id(), live.task.getHealthCheck(), live.sandboxDir,
        live.environment, new HealthChecker.Listener() {
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

  private static void stopHealthChecks(LiveTask live) {
    if (live.health != null) {
      live.health.stop();
    }
  }

  /** As the Mesos default executor: one failed or killed task takes its group down; the last task ends the executor. */
  private void groupMemberEnded(LiveTask ended) {
    List<LiveTask> siblings = tasks.ofExecutor(ended.frameworkId, ended.executor.getExecutorId()).stream()
        .filter(t -> t != ended && !StatusUpdateManager.isTerminal(t.state))
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
}
