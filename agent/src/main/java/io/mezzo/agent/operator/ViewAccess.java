package io.mezzo.agent.operator;

import io.mezzo.agent.executors.ExecutorView;
import io.mezzo.agent.tasks.TaskView;
import io.mezzo.node.auth.Acls;
import io.mezzo.protocol.RunAs;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.FrameworkInfo;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one caller may see of the agent's frameworks, tasks and executors, by Mesos's view ACLs
 * ({@code --acls}), as the master filters its own reads: {@code view_frameworks} (object: the
 * framework's OS user), {@code view_tasks} and {@code view_executors} (the task's or executor's
 * {@code CommandInfo.user}, else its framework's). A task or executor shows only when its framework
 * does too, as in Mesos; the executor the agent stands in for to run a command task shows under
 * {@code view_executors} with the task's user; a framework shows in GET_FRAMEWORKS when one of its
 * visible tasks or executors names it. Without ACLs everything shows.
 */
public final class ViewAccess {
  /** No ACLs: everything shows. */
  public static final ViewAccess ALL = new ViewAccess(null, Optional.empty());

  private final Acls acls;
  private final Optional<String> principal;

  private ViewAccess(Acls acls, Optional<String> principal) {
    this.acls = acls;
    this.principal = principal;
  }

  /** @param principal the authenticated caller; empty for one without credentials (Mesos's ANY subject) */
  public static ViewAccess of(Optional<Acls> acls, Optional<String> principal) {
    Objects.requireNonNull(principal, "principal");
    return acls.map(a -> new ViewAccess(a, principal)).orElse(ALL);
  }

  boolean framework(FrameworkInfo info) {
    return approved(Acls.Action.VIEW_FRAMEWORKS, info.getUser());
  }

  public boolean task(TaskView task) {
    return visible(Acls.Action.VIEW_TASKS, commandOf(task), task.frameworkInfo());
  }

  public boolean executor(ExecutorView executor) {
    return visible(Acls.Action.VIEW_EXECUTORS, executor.info().hasCommand() ? executor.info().getCommand() : null,
        executor.frameworkInfo());
  }

  /** The executor the agent stands in for to run this task (a command task's): shown as the task's user's. */
  boolean executorOf(TaskView task) {
    return visible(Acls.Action.VIEW_EXECUTORS, commandOf(task), task.frameworkInfo());
  }

  public List<TaskView> tasks(List<TaskView> tasks) {
    return acls == null ? tasks : tasks.stream().filter(this::task).toList();
  }

  public List<ExecutorView> executors(List<ExecutorView> executors) {
    return acls == null ? executors : executors.stream().filter(this::executor).toList();
  }

  /** The snapshot with only what this caller may see. */
  public AgentSnapshot filter(AgentSnapshot snapshot) {
    if (acls == null) {
      return snapshot;
    }
    return new AgentSnapshot(snapshot.agentInfo(),
        snapshot.tasks().stream().filter(r -> task(r.view())).toList(),
        snapshot.completedTasks().stream().filter(r -> task(r.view())).toList(),
        executors(snapshot.executors()), executors(snapshot.completedExecutors()), this);
  }

  /** Its framework visible, and {@code action} approved on the user it runs as ({@link RunAs}). */
  private boolean visible(Acls.Action action, CommandInfo command, FrameworkInfo framework) {
    return framework(framework) && approved(action, RunAs.user(command, framework.getUser()));
  }

  private static CommandInfo commandOf(TaskView task) {
    return task.task().hasCommand() ? task.task().getCommand() : null;
  }

  private boolean approved(Acls.Action action, String user) {
    return acls == null || acls.approved(action, principal, Optional.of(user));
  }
}
