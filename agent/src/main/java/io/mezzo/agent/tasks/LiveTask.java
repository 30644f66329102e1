package io.mezzo.agent.tasks;

import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.KillPolicy;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import java.time.Duration;

/** A task the agent knows, from RUN_TASK until its terminal update is acknowledged. Owned by the agent's context. */
final class LiveTask {
  final FrameworkID frameworkId;
  final FrameworkInfo frameworkInfo;
  final TaskInfo task;
  TaskState state = TaskState.TASK_STAGING;
  String runtime;
  String containerId;
  String sandbox;
  /** The sandbox directory on this machine, once created. */
  java.nio.file.Path sandboxDir;
  boolean launched;
  /** Set by a kill that arrives before the container is running; the launch then kills at once. */
  Duration pendingKill;
  boolean killRequested;
  /** For a task of a DEFAULT-executor group the agent runs itself: the group's executor, else null. */
  ExecutorInfo executor;
  /** That executor's container (its sandbox's run directory). */
  String executorContainerId;
  /** Identifies the task group, whose tasks are killed together when one fails or is killed. */
  String group;
  /** The running health check, if the task has one. */
  io.mezzo.agent.health.HealthChecker health;
  /** The latest health value, null before the first check result. */
  Boolean healthy;
  boolean killedByHealthCheck;

  LiveTask(FrameworkID frameworkId, FrameworkInfo frameworkInfo, TaskInfo task) {
    this.frameworkId = frameworkId;
    this.frameworkInfo = frameworkInfo;
    this.task = task;
  }

  String id() {
    return task.getTaskId().getValue();
  }

  Duration gracePeriod(KillPolicy override, Duration fallback) {
    KillPolicy policy = override != null && override.hasGracePeriod() ? override : task.getKillPolicy();
    if (policy.hasGracePeriod()) {
      return Duration.ofNanos(Math.max(0, policy.getGracePeriod().getNanoseconds()));
    }
    return fallback;
  }
}
