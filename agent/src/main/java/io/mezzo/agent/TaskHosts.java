package io.mezzo.agent;

import io.mezzo.agent.checkpoint.CheckpointStore;
import io.mezzo.agent.checkpoint.RecoverMode;
import io.mezzo.agent.operator.AgentSnapshot;
import io.mezzo.agent.operator.TaskHistory;
import io.mezzo.agent.tasks.TaskHost;
import io.mezzo.agent.tasks.TaskView;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.protocol.internal.AgentChannel.RunningTask;
import io.mezzo.v1.Protos.ExecutorID;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's {@link TaskHost}s, asked in order: new work goes to the first host that accepts
 * it, an event about a task or an executor to the first host that has it, and what no host owns
 * is logged and dropped. Called on the agent's context.
 */
final class TaskHosts {
  private static final Logger log = LoggerFactory.getLogger(TaskHosts.class);

  private final List<TaskHost> hosts;
  private final TaskHistory history;

  /** @param history told of each task's updates and of the tasks forgotten, for the operator API */
  TaskHosts(TaskHistory history, TaskHost... hosts) {
    this.history = history;
    this.hosts = List.of(hosts);
  }

  void run(AgentEvent.RunTask run) {
    first(host -> host.accepts(run.getTask())).ifPresentOrElse(
        host -> host.run(run.getFrameworkId(), run.getFrameworkInfo(), run.getTask()),
        () -> log.warn("[framework={}] [task={}] ignoring RUN_TASK: no task host takes it",
            run.getFrameworkId().getValue(), run.getTask().getTaskId().getValue()));
  }

  void runGroup(AgentEvent.RunTaskGroup run) {
    first(host -> host.acceptsGroup(run.getExecutor())).ifPresentOrElse(
        host -> host.runGroup(run.getFrameworkId(), run.getFrameworkInfo(), run.getExecutor(), run.getTaskGroup()),
        () -> log.warn("[framework={}] [executor={}] ignoring RUN_TASK_GROUP: no task host takes it",
            run.getFrameworkId().getValue(), run.getExecutor().getExecutorId().getValue()));
  }

  void kill(AgentEvent.KillTask kill) {
    FrameworkID frameworkId = kill.getFrameworkId();
    TaskID taskId = kill.getTaskId();
    first(host -> host.hasTask(frameworkId, taskId)).ifPresentOrElse(
        host -> host.kill(frameworkId, taskId, kill.hasKillPolicy() ? kill.getKillPolicy() : null),
        () -> log.warn("[framework={}] [task={}] ignoring kill of a task this agent does not have",
            frameworkId.getValue(), taskId.getValue()));
  }

  void shutdownExecutor(FrameworkID frameworkId, ExecutorID executorId) {
    first(host -> host.hasExecutor(frameworkId, executorId)).ifPresentOrElse(
        host -> host.shutdownExecutor(frameworkId, executorId),
        () -> log.warn("[framework={}] [executor={}] ignoring shutdown of an executor this agent does not run",
            frameworkId.getValue(), executorId.getValue()));
  }

  void shutdownFramework(FrameworkID frameworkId) {
    hosts.forEach(host -> host.shutdownFramework(frameworkId));
  }

  void frameworkMessage(AgentEvent.FrameworkMessage message) {
    FrameworkID frameworkId = message.getFrameworkId();
    ExecutorID executorId = message.getExecutorId();
    first(host -> host.hasExecutor(frameworkId, executorId)).ifPresentOrElse(
        host -> host.frameworkMessage(frameworkId, executorId, message.getData()),
        () -> log.warn("[framework={}] [executor={}] dropping a framework message: the executor is not running here",
            frameworkId.getValue(), executorId.getValue()));
  }

  void forget(FrameworkID frameworkId, TaskID taskId) {
    // Only terminal, acknowledged tasks are forgotten, so looking the task up among all is rare enough.
    first(host -> host.hasTask(frameworkId, taskId))
        .flatMap(host -> host.taskViews().stream()
            .filter(view -> view.frameworkId().equals(frameworkId.getValue()) && view.id().equals(taskId.getValue()))
            .findFirst())
        .ifPresentOrElse(history::completed, () -> history.forget(frameworkId.getValue(), taskId.getValue()));
    hosts.forEach(host -> host.forget(frameworkId, taskId));
  }

  void pendingChanged(FrameworkID frameworkId, TaskID taskId, List<TaskStatus> pending) {
    history.pendingChanged(frameworkId.getValue(), taskId.getValue(), pending);
    hosts.forEach(host -> host.pendingChanged(frameworkId, taskId, pending));
  }

  /** Every task the hosts have, with its updates so far, for the operator API. */
  List<AgentSnapshot.TaskRecord> taskRecords() {
    List<AgentSnapshot.TaskRecord> records = new ArrayList<>();
    for (TaskView view : taskViews()) {
      records.add(new AgentSnapshot.TaskRecord(view, history.statuses(view.frameworkId(), view.id())));
    }
    return records;
  }

  /** Each host recovers its part, one after the other. */
  Future<Void> recover(CheckpointStore.Checkpointed checkpointed, RecoverMode mode) {
    Future<Void> recovered = Future.succeededFuture();
    for (TaskHost host : hosts) {
      recovered = recovered.compose(v -> host.recover(checkpointed, mode));
    }
    return recovered;
  }

  List<RunningTask> runningTasks() {
    return all(TaskHost::runningTasks);
  }

  List<TaskView> taskViews() {
    return all(TaskHost::taskViews);
  }

  List<Path> liveSandboxes() {
    return all(TaskHost::liveSandboxes);
  }

  Set<String> containerIds() {
    Set<String> ids = new HashSet<>();
    hosts.forEach(host -> ids.addAll(host.containerIds()));
    return ids;
  }

  void close() {
    hosts.forEach(TaskHost::close);
  }

  private Optional<TaskHost> first(Predicate<TaskHost> owns) {
    return hosts.stream().filter(owns).findFirst();
  }

  private <T> List<T> all(Function<TaskHost, List<T>> list) {
    List<T> all = new ArrayList<>();
    hosts.forEach(host -> all.addAll(list.apply(host)));
    return all;
  }
}
