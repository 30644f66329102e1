package io.mezzo.master.state;

import io.mezzo.protocol.Ids;
import io.mezzo.v1.Protos.ContainerInfo;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.TaskInfo;
import java.util.List;
import java.util.Optional;

/**
 * The launch checks Mesos makes (src/master/validation.cpp), each answering with the reason
 * a task, executor or task group is refused. Pure: reads state, changes nothing.
 */
final class TaskValidation {
  private TaskValidation() {}

  static Optional<String> task(FrameworkRecord framework, String agentId, TaskInfo task) {
    Optional<String> badId = Ids.checkId("Task ID", task.getTaskId().getValue());
    if (badId.isPresent()) {
      return badId;
    }
    if (framework.tasks.containsKey(task.getTaskId().getValue())) {
      return Optional.of("Task has duplicate ID: " + task.getTaskId().getValue());
    }
    if (!task.getAgentId().getValue().equals(agentId)) {
      return Optional.of("Task uses invalid agent: " + task.getAgentId().getValue());
    }
    if (task.hasKillPolicy() && task.getKillPolicy().hasGracePeriod()
        && task.getKillPolicy().getGracePeriod().getNanoseconds() < 0) {
      return Optional.of("Task's 'kill_policy.grace_period' must be non-negative");
    }
    if (task.hasMaxCompletionTime() && task.getMaxCompletionTime().getNanoseconds() < 0) {
      return Optional.of("Task's 'max_completion_time' must be non-negative");
    }
    return LaunchLimits.task(task);
  }

  /** A task of a LAUNCH operation: exactly one of a command or an executor. */
  static Optional<String> launchTask(FrameworkRecord framework, AgentRecord agent, TaskInfo task) {
    if (task.hasExecutor() == task.hasCommand()) {
      return Optional.of("Task should have at least one (but not both) of CommandInfo or ExecutorInfo present");
    }
    Optional<String> invalid = task(framework, agent.id, task);
    if (invalid.isEmpty() && task.hasExecutor()) {
      invalid = executor(framework, agent, task.getExecutor());
      if (invalid.isEmpty() && task.getExecutor().getType() == ExecutorInfo.Type.DEFAULT) {
        invalid = Optional.of("The DEFAULT executor can only run task groups (LAUNCH_GROUP)");
      }
    }
    return invalid;
  }

  /** A LAUNCH_GROUP operation as a whole: its executor and every task. */
  static Optional<String> taskGroup(FrameworkRecord framework, AgentRecord agent, ExecutorInfo executor,
      List<TaskInfo> tasks) {
    if (executor.getType() != ExecutorInfo.Type.DEFAULT && executor.getType() != ExecutorInfo.Type.CUSTOM) {
      return Optional.of("'ExecutorInfo.type' must be DEFAULT or CUSTOM for a task group");
    }
    Optional<String> invalid = executor(framework, agent, executor);
    if (invalid.isPresent()) {
      return invalid;
    }
    if (tasks.isEmpty()) {
      return Optional.of("Task group is empty");
    }
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (TaskInfo task : tasks) {
      if (!ids.add(task.getTaskId().getValue())) {
        return Optional.of("Task group has duplicate task ID: " + task.getTaskId().getValue());
      }
      if (task.hasExecutor()) {
        return Optional.of("Task '" + task.getTaskId().getValue() + "' in a task group must not set 'executor'");
      }
      if (task.hasContainer() && task.getContainer().getType() == ContainerInfo.Type.DOCKER) {
        return Optional.of("Docker container is not supported for task '" + task.getTaskId().getValue()
            + "' in a task group");
      }
      invalid = task(framework, agent.id, task);
      if (invalid.isPresent()) {
        return invalid;
      }
    }
    return Optional.empty();
  }

  /** An executor: a valid id, this framework's, and the same ExecutorInfo as a running one with that id. */
  static Optional<String> executor(FrameworkRecord framework, AgentRecord agent, ExecutorInfo executor) {
    Optional<String> badId = Ids.checkId("Executor ID", executor.getExecutorId().getValue());
    if (badId.isPresent()) {
      return badId;
    }
    if (executor.hasFrameworkId() && !executor.getFrameworkId().getValue().equals(framework.id)) {
      return Optional.of("ExecutorInfo has an invalid FrameworkID (actual: " + executor.getFrameworkId().getValue()
          + " vs expected: " + framework.id + ")");
    }
    if (executor.getType() == ExecutorInfo.Type.DEFAULT && executor.hasCommand()) {
      return Optional.of("'ExecutorInfo.command' must not be set for a DEFAULT executor");
    }
    if (executor.getType() != ExecutorInfo.Type.DEFAULT && !executor.hasCommand()) {
      return Optional.of("'ExecutorInfo.command' must be set for a custom executor");
    }
    if (executor.hasShutdownGracePeriod() && executor.getShutdownGracePeriod().getNanoseconds() < 0) {
      return Optional.of("'ExecutorInfo.shutdown_grace_period' must be non-negative");
    }
    Optional<String> overLimit = LaunchLimits.executor("executor", executor);
    if (overLimit.isPresent()) {
      return overLimit;
    }
    ExecutorRecord running = agent.executors.get(ExecutorRecord.key(framework.id, executor.getExecutorId().getValue()));
    if (running != null && !running.info.equals(withFramework(executor, framework.id))) {
      return Optional.of("ExecutorInfo is not compatible with the running executor '" + running.id()
          + "' (the same executor id must keep the same ExecutorInfo)");
    }
    return Optional.empty();
  }

  static ExecutorInfo withFramework(ExecutorInfo executor, String frameworkId) {
    return executor.toBuilder().setFrameworkId(io.mezzo.v1.Protos.FrameworkID.newBuilder().setValue(frameworkId)).build();
  }
}
