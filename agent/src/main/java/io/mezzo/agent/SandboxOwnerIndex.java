package io.mezzo.agent;

import io.mezzo.agent.executors.ExecutorView;
import io.mezzo.agent.files.SandboxId;
import io.mezzo.agent.files.SandboxOwner;
import io.mezzo.agent.tasks.TaskView;
import io.mezzo.protocol.RunAs;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.FrameworkInfo;
import java.util.List;
import java.util.Optional;

/**
 * Whose a sandbox is, from the tasks and executors the agent tracks or remembers as completed: the
 * FrameworkInfo the master sent with each launch (checkpointed with the task and the executor, so
 * a restarted agent knows it too) gives the principal, and the user is Mesos's: the executor's
 * {@code command.user}, for a command task its own {@code command.user}, else the framework's.
 */
final class SandboxOwnerIndex {
  private SandboxOwnerIndex() {}

  /** The owner of {@code sandbox}, or empty when nothing the agent knows ran there. */
  static Optional<SandboxOwner> find(SandboxId sandbox, List<TaskView> tasks, List<ExecutorView> executors) {
    String framework = sandbox.frameworkId();
    String executor = sandbox.executorId();
    for (ExecutorView view : executors) {
      if (view.frameworkId().equals(framework) && (executor == null || view.id().equals(executor))) {
        return Optional.of(owner(view.frameworkInfo(), executor == null ? null : view.info().getCommand()));
      }
    }
    for (TaskView view : tasks) {
      if (!view.frameworkId().equals(framework)) {
        continue;
      }
      if (executor == null) {
        return Optional.of(owner(view.frameworkInfo(), null));
      }
      ExecutorInfo info = view.executor();
      if (info != null && info.getExecutorId().getValue().equals(executor)) {
        return Optional.of(owner(view.frameworkInfo(), info.getCommand()));
      }
      if (info == null && view.id().equals(executor)) {
        return Optional.of(owner(view.frameworkInfo(), view.task().getCommand()));
      }
    }
    return Optional.empty();
  }

  /** @param command the executor's or command task's command, null for a framework's directory */
  private static SandboxOwner owner(FrameworkInfo framework, CommandInfo command) {
    Optional<String> principal = framework == null || !framework.hasPrincipal()
        ? Optional.empty() : Optional.of(framework.getPrincipal());
    // An empty user (no command user, no framework) is none: SandboxOwner drops it.
    return new SandboxOwner(principal, Optional.of(RunAs.user(command, framework == null ? null : framework.getUser())));
  }
}
