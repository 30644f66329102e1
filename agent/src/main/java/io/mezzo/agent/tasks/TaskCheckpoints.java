package io.mezzo.agent.tasks;

import io.mezzo.agent.checkpoint.CheckpointStore;
import io.mezzo.protocol.internal.Checkpoints.CheckpointedTask;
import io.mezzo.protocol.internal.Checkpoints.CheckpointedUpdates;
import io.mezzo.v1.Protos.Environment;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.Context;
import java.util.List;

/**
 * Writes what {@link TaskRecovery} needs after an agent restart: each task as the supervisor
 * knows it, and its unacknowledged updates. Writes go off the loop, in the order asked for.
 */
final class TaskCheckpoints {
  private final Context context;
  private final CheckpointStore store;

  TaskCheckpoints(Context context, CheckpointStore store) {
    this.context = context;
    this.store = store;
  }

  void write(LiveTask live) {
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
    store.inOrder(context, "checkpoint task " + live.id(), s -> s.writeTask(record));
  }

  void writeUpdates(LiveTask live, List<TaskStatus> pending) {
    CheckpointedUpdates updates = CheckpointedUpdates.newBuilder().addAllPending(pending).setLatestState(live.state).build();
    String frameworkId = live.frameworkId.getValue();
    store.inOrder(context, "checkpoint the updates of task " + live.id(),
        s -> s.writeUpdates(frameworkId, live.id(), updates));
  }

  /** Removes a task's checkpoint; {@code what} names it in the log if that fails. */
  void remove(String frameworkId, String taskId, String what) {
    store.inOrder(context, what, s -> s.remove(frameworkId, taskId));
  }
}
