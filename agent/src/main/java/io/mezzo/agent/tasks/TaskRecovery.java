package io.mezzo.agent.tasks;

import io.mezzo.agent.checkpoint.CheckpointStore;
import io.mezzo.agent.checkpoint.RecoverMode;
import io.mezzo.agent.spi.ContainerRuntime;
import io.mezzo.agent.spi.LaunchedContainer;
import io.mezzo.agent.status.StatusUpdateManager;
import io.mezzo.protocol.internal.Checkpoints.CheckpointedTask;
import io.mezzo.protocol.internal.Checkpoints.CheckpointedUpdates;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Takes up the command tasks an earlier run of the agent checkpointed (see {@link TaskSupervisor#recover}). */
final class TaskRecovery {
  private static final Logger log = LoggerFactory.getLogger(TaskRecovery.class);

  private final HostServices services;
  private final LiveTasks tasks;
  private final TaskLifecycle lifecycle;
  private final TaskLauncher launcher;
  private final TaskCheckpoints checkpoints;

  TaskRecovery(HostServices services, LiveTasks tasks, TaskLifecycle lifecycle, TaskLauncher launcher,
      TaskCheckpoints checkpoints) {
    this.services = services;
    this.tasks = tasks;
    this.lifecycle = lifecycle;
    this.launcher = launcher;
    this.checkpoints = checkpoints;
  }

  Future<Void> recover(List<CheckpointStore.Recovered> recovered, RecoverMode mode) {
    List<Future<?>> adopting = new ArrayList<>();
    for (CheckpointStore.Recovered checkpoint : recovered) {
      if (checkpoint.task() == null) {
        log.warn("[framework={}] [task={}] has checkpointed updates but no task; dropping them",
            checkpoint.frameworkId(), checkpoint.taskId());
        checkpoints.remove(checkpoint.frameworkId(), checkpoint.taskId(), "remove a partial checkpoint");
        continue;
      }
      adopting.add(recover(checkpoint.task(), checkpoint.updates(), mode));
    }
    return Future.join(adopting).mapEmpty();
  }

  private Future<Void> recover(CheckpointedTask checkpoint, CheckpointedUpdates updatesCheckpoint, RecoverMode mode) {
    LiveTask live = new LiveTask(checkpoint.getFrameworkId(),
        checkpoint.hasFrameworkInfo() ? checkpoint.getFrameworkInfo() : null, checkpoint.getTask());
    String frameworkId = live.frameworkId.getValue();
    if (tasks.contains(frameworkId, live.id())) {
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
      services.updates().restore(live.frameworkId, updatesCheckpoint.getPendingList());
    }
    tasks.put(live);
    if (StatusUpdateManager.isTerminal(live.state)) {
      log.info("[framework={}] [task={}] recovered as {}; waiting for its acknowledgement", frameworkId, live.id(), live.state);
      return Future.succeededFuture();
    }
    ContainerRuntime runtime = live.runtime == null ? null : services.runtimes().get(live.runtime);
    if (live.containerId == null || live.sandboxDir == null || live.environment.isEmpty() || runtime == null) {
      lifecycle.update(live, TaskState.TASK_FAILED, TaskStatus.Reason.REASON_AGENT_RESTARTED,
          runtime == null && live.runtime != null
              ? "The agent restarted without runtime '" + live.runtime + "', which the task needs"
              : "The agent restarted before the task was launched");
      return Future.succeededFuture();
    }
    return runtime.recover(launcher.launchRequest(live)).transform(result -> {
      Promise<Void> done = Promise.promise();
      services.context().runOnContext(v -> {
        if (result.failed()) {
          log.warn("[framework={}] [task={}] not recovered: {}", frameworkId, live.id(), result.cause().getMessage());
          lifecycle.update(live, TaskState.TASK_FAILED, TaskStatus.Reason.REASON_EXECUTOR_TERMINATED,
              "Lost while the agent restarted: " + result.cause().getMessage());
        } else {
          adopted(live, runtime, result.result(), checkpoint.getKillRequested(), mode);
        }
        done.complete();
      });
      return done.future();
    });
  }

  private void adopted(LiveTask live, ContainerRuntime runtime, LaunchedContainer container, boolean killRequested,
      RecoverMode mode) {
    live.launched = true;
    log.info("[framework={}] [task={}] recovered its {} container {}", live.frameworkId.getValue(), live.id(),
        live.runtime, live.containerId);
    if (live.state != TaskState.TASK_RUNNING && live.state != TaskState.TASK_KILLING) {
      lifecycle.update(live, TaskState.TASK_RUNNING, null, null);
    }
    if (mode == RecoverMode.CLEANUP && !container.termination().isComplete()) {
      live.cleanup = true;
      live.killRequested = true;
      runtime.kill(live.containerId, live.gracePeriod(null, TaskSupervisor.DEFAULT_GRACE_PERIOD));
    } else if (killRequested && !container.termination().isComplete()) {
      // A kill was under way when the agent went away: it goes on (its grace period starts again).
      live.killRequested = true;
      runtime.kill(live.containerId, live.gracePeriod(null, TaskSupervisor.DEFAULT_GRACE_PERIOD));
    }
    launcher.watch(live, runtime, container);
  }
}
