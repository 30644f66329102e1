package io.mezzo.agent.executors;

import io.mezzo.agent.checkpoint.CheckpointStore;
import io.mezzo.protocol.internal.Checkpoints.CheckpointedExecutor;
import io.mezzo.protocol.internal.Checkpoints.CheckpointedTask;
import io.mezzo.protocol.internal.Checkpoints.CheckpointedUpdates;
import io.mezzo.v1.Protos.Environment;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.Context;
import java.util.List;

/**
 * Writes what {@link ExecutorRecovery} needs after an agent restart: each executor with how it
 * was launched, each of its tasks, their unacknowledged updates. Writes go off the loop, in
 * the order asked for.
 */
final class ExecutorCheckpoints {
  private final Context context;
  private final CheckpointStore store;

  ExecutorCheckpoints(Context context, CheckpointStore store) {
    this.context = context;
    this.store = store;
  }

  /** Once its launch request is known (nothing before). */
  void write(RunningExecutor executor) {
    if (executor.launchRequest == null) {
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
    store.inOrder(context, "checkpoint executor " + executor.id(), s -> s.writeExecutor(built));
  }

  void write(ExecutorTask task) {
    CheckpointedTask.Builder record = CheckpointedTask.newBuilder()
        .setFrameworkId(task.executor.frameworkId)
        .setTask(task.task)
        .setExecutor(task.executor.info)
        .setCustomExecutor(true);
    if (task.executor.frameworkInfo != null) {
      record.setFrameworkInfo(task.executor.frameworkInfo);
    }
    CheckpointedTask built = record.build();
    store.inOrder(context, "checkpoint task " + task.id(), s -> s.writeTask(built));
  }

  void writeUpdates(ExecutorTask task, List<TaskStatus> pending) {
    // The newest queued update is the task's latest state (the caller sets task.state after queueing).
    TaskState latest = pending.isEmpty() ? task.state : pending.get(pending.size() - 1).getState();
    CheckpointedUpdates checkpoint = CheckpointedUpdates.newBuilder().addAllPending(pending).setLatestState(latest).build();
    String frameworkId = task.executor.frameworkId.getValue();
    store.inOrder(context, "checkpoint the updates of task " + task.id(),
        s -> s.writeUpdates(frameworkId, task.id(), checkpoint));
  }

  void remove(ExecutorTask task) {
    String frameworkId = task.executor.frameworkId.getValue();
    store.inOrder(context, "remove the checkpoint of task " + task.id(), s -> s.remove(frameworkId, task.id()));
  }

  void remove(RunningExecutor executor) {
    String frameworkId = executor.frameworkId.getValue();
    store.inOrder(context, "remove the checkpoint of executor " + executor.id(),
        s -> s.removeExecutor(frameworkId, executor.id()));
  }
}
