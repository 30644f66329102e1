package io.mezzo.agent.executors;

import io.mezzo.agent.checkpoint.CheckpointStore;
import io.mezzo.agent.checkpoint.RecoverMode;
import io.mezzo.agent.executors.RunningExecutor.Launch;
import io.mezzo.agent.executors.RunningExecutor.State;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.spi.LaunchedContainer;
import io.mezzo.agent.status.StatusUpdateManager;
import io.mezzo.agent.tasks.HostServices;
import io.mezzo.protocol.internal.Checkpoints.CheckpointedExecutor;
import io.mezzo.protocol.internal.Checkpoints.CheckpointedTask;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Takes up the custom executors and their tasks an earlier run of the agent checkpointed (see {@link ExecutorRegistry#recover}). */
final class ExecutorRecovery {
  private static final Logger log = LoggerFactory.getLogger(ExecutorRecovery.class);

  private final HostServices services;
  private final ExecutorTable table;
  private final ExecutorLauncher launcher;
  private final ExecutorLifecycle lifecycle;

  ExecutorRecovery(HostServices services, ExecutorTable table, ExecutorLauncher launcher, ExecutorLifecycle lifecycle) {
    this.services = services;
    this.table = table;
    this.launcher = launcher;
    this.lifecycle = lifecycle;
  }

  /** @param taskCheckpoints checkpointed tasks with {@code custom_executor} set */
  Future<Void> recover(List<CheckpointedExecutor> executorCheckpoints, List<CheckpointStore.Recovered> taskCheckpoints,
      RecoverMode mode) {
    executorCheckpoints.forEach(checkpoint -> table.add(executor(checkpoint)));
    taskCheckpoints.forEach(checkpoint -> recoverTask(checkpoint.task(), checkpoint));
    List<Future<Void>> adopting = new ArrayList<>();
    for (RunningExecutor executor : table.executorSnapshot()) {
      if (executor.recovered) {
        adopting.add(adopt(executor, mode));
      }
    }
    return Future.join(adopting).mapEmpty();
  }

  private static RunningExecutor executor(CheckpointedExecutor checkpoint) {
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
    return executor;
  }

  private void recoverTask(CheckpointedTask saved, CheckpointStore.Recovered checkpoint) {
    RunningExecutor executor = table.executor(saved.getFrameworkId().getValue(), saved.getExecutor().getExecutorId().getValue());
    boolean executorGone = executor == null;
    if (executorGone) {
      // Its executor ended (and was forgotten) before the task's terminal update was acknowledged.
      executor = new RunningExecutor(saved.getFrameworkId(), saved.getFrameworkInfo(), saved.getExecutor(), "");
      executor.state = State.TERMINATING;
    }
    ExecutorTask task = new ExecutorTask(saved.getTask(), executor);
    table.add(task);
    if (checkpoint.updates() != null) {
      task.state = checkpoint.updates().getLatestState();
      services.updates().restore(saved.getFrameworkId(), checkpoint.updates().getPendingList());
    }
    task.sent = task.state != TaskState.TASK_STAGING;
    if (StatusUpdateManager.isTerminal(task.state)) {
      return;
    }
    if (executorGone) {
      lifecycle.update(task, TaskState.TASK_FAILED, TaskStatus.Reason.REASON_EXECUTOR_TERMINATED,
          "The executor ended while the agent restarted");
    } else if (!task.sent) {
      // Not known to have reached the executor: it goes (again) when the executor subscribes,
      // unless the executor lists it among its unacknowledged tasks.
      executor.queued.add(new Launch(task.task, null));
    }
  }

  private Future<Void> adopt(RunningExecutor executor, RecoverMode mode) {
    return launcher.recover(executor).transform(result -> {
      Promise<Void> done = Promise.promise();
      services.context().runOnContext(v -> {
        if (result.failed()) {
          log.warn("[framework={}] [executor={}] not recovered: {}", executor.frameworkId.getValue(), executor.id(),
              result.cause().getMessage());
          executor.failureMessage = "The executor ended while the agent restarted: " + result.cause().getMessage();
          lifecycle.ended(executor, null);
        } else {
          adopted(executor, result.result(), mode);
        }
        done.complete();
      });
      return done.future();
    });
  }

  private void adopted(RunningExecutor executor, LaunchedContainer container, RecoverMode mode) {
    lifecycle.watch(executor, container);
    log.info("[framework={}] [executor={}] recovered its container {} (pid {}); waiting for it to subscribe again",
        executor.frameworkId.getValue(), executor.id(), executor.containerId, executor.pid);
    if (mode == RecoverMode.CLEANUP) {
      executor.failureReason = TaskStatus.Reason.REASON_AGENT_RESTARTED;
      executor.failureMessage = "Killed when the agent restarted with --recover=cleanup";
      executor.state = State.TERMINATING;
      launcher.kill(executor, Duration.ZERO);
    } else if (!container.termination().isComplete()) {
      lifecycle.armRegistrationTimer(executor);
    }
  }
}
