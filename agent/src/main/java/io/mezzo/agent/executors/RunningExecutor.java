package io.mezzo.agent.executors;

import io.mezzo.agent.support.Timers;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.TaskGroupInfo;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One custom executor on this agent, from its launch until its process has ended. Owned by the agent's context. */
final class RunningExecutor {
  /** The executor's lifecycle, as Mesos's Executor::State. */
  enum State {
    /** Launched (or launching); no SUBSCRIBE yet, or its stream was lost. */
    REGISTERING,
    /** Subscribed with an open event stream. */
    RUNNING,
    /** Told to shut down (or killed); waiting for its process to end. */
    TERMINATING
  }

  /** Tasks waiting for the executor to subscribe: one task (LAUNCH) or a group (LAUNCH_GROUP). */
  record Launch(TaskInfo task, TaskGroupInfo group) {
    List<TaskInfo> tasks() {
      return group == null ? List.of(task) : group.getTasksList();
    }
  }

  final FrameworkID frameworkId;
  final FrameworkInfo frameworkInfo;
  final ExecutorInfo info;
  final String containerId;
  State state = State.REGISTERING;
  Path sandbox;
  String sandboxPath;
  long pid = -1;
  boolean launched;
  ExecutorStream stream;
  /** What its runtime launched it with, once known (and as checkpointed). */
  io.mezzo.agent.spi.LaunchRequest launchRequest;
  /** Recovered after an agent restart and not subscribed again yet. */
  boolean recovered;
  final List<Launch> queued = new ArrayList<>();
  /** Every task given to this executor that the agent still tracks, by task id. */
  final Map<String, ExecutorTask> tasks = new LinkedHashMap<>();
  Timers.Timer registrationTimer;
  Timers.Timer heartbeatTimer;
  Timers.Timer shutdownTimer;
  /** Why the executor's remaining tasks fail when it ends; set when the agent decides to kill it. */
  TaskStatus.Reason failureReason = TaskStatus.Reason.REASON_EXECUTOR_TERMINATED;
  String failureMessage = "Executor terminated";

  RunningExecutor(FrameworkID frameworkId, FrameworkInfo frameworkInfo, ExecutorInfo info, String containerId) {
    this.frameworkId = frameworkId;
    this.frameworkInfo = frameworkInfo;
    this.info = info;
    this.containerId = containerId;
  }

  String id() {
    return info.getExecutorId().getValue();
  }

  /** The ExecutorInfo's shutdown grace period, else {@code fallback} (Mesos's agent flag default). */
  Duration shutdownGracePeriod(Duration fallback) {
    return info.hasShutdownGracePeriod()
        ? Duration.ofNanos(Math.max(0, info.getShutdownGracePeriod().getNanoseconds()))
        : fallback;
  }

  void cancelTimers() {
    for (Timers.Timer timer : new Timers.Timer[] {registrationTimer, heartbeatTimer, shutdownTimer}) {
      if (timer != null) {
        timer.cancel();
      }
    }
    registrationTimer = null;
    heartbeatTimer = null;
    shutdownTimer = null;
  }
}
