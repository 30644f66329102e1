package io.mezzo.master.auth;

import io.mezzo.master.spi.Authorizer;
import io.mezzo.master.spi.Authorizer.Action;
import io.mezzo.protocol.RunAs;
import io.mezzo.protocol.TaskStates;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.Task;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.master.Protos.Event;
import io.mezzo.v1.master.Protos.Response.GetAgents;
import io.mezzo.v1.master.Protos.Response.GetExecutors;
import io.mezzo.v1.master.Protos.Response.GetFrameworks;
import io.mezzo.v1.master.Protos.Response.GetState;
import io.mezzo.v1.master.Protos.Response.GetTasks;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What one principal may see of the cluster, by Mesos's view ACLs: {@code view_frameworks} (object:
 * the framework's OS user), {@code view_tasks} and {@code view_executors} (the task's or executor's
 * user, else its framework's), {@code view_agents} (no object: ANY). Filters the operator API's
 * answers (GET_STATE, GET_FRAMEWORKS, GET_TASKS, GET_EXECUTORS, GET_AGENTS), the v0 {@code /state}
 * built from them, and the operator event stream ({@link #stream()}). Immutable; a master without
 * {@code --acls} gets {@link #EVERYTHING}, which returns what it is given.
 */
public final class ViewFilter {
  /** Sees everything: no ACLs are in force. */
  public static final ViewFilter EVERYTHING = new ViewFilter(null, Optional.empty());

  private final Authorizer authorizer;
  private final Optional<String> principal;

  private ViewFilter(Authorizer authorizer, Optional<String> principal) {
    this.authorizer = authorizer;
    this.principal = principal;
  }

  /** @param principal the authenticated caller; empty when unauthenticated (Mesos's ANY subject) */
  public static ViewFilter of(Authorizer authorizer, Optional<String> principal) {
    Objects.requireNonNull(principal, "principal");
    return authorizer == Authorizer.PERMISSIVE ? EVERYTHING : new ViewFilter(authorizer, principal);
  }

  /** Who is looking; empty when unauthenticated. */
  public Optional<String> principal() {
    return principal;
  }

  /** True when nothing is hidden from this caller, so answers need no filtering. */
  public boolean everything() {
    return authorizer == null;
  }

  private boolean approved(Action action, String user) {
    return authorizer == null || authorizer.approved(action, principal, Optional.of(user));
  }

  public boolean framework(FrameworkInfo info) {
    return approved(Action.VIEW_FRAMEWORK, info.getUser());
  }

  /** @param frameworkUser the user of the task's framework, used when the task names none */
  public boolean task(Task task, String frameworkUser) {
    return approved(Action.VIEW_TASK, task.hasUser() ? task.getUser() : frameworkUser);
  }

  public boolean executor(ExecutorInfo info, String frameworkUser) {
    return approved(Action.VIEW_EXECUTOR, RunAs.user(info.hasCommand() ? info.getCommand() : null, frameworkUser));
  }

  public boolean agents() {
    return authorizer == null || authorizer.approved(Action.VIEW_AGENT, principal, Optional.empty());
  }

  /** GET_STATE (and {@code /state}) with only what this caller may see. */
  public GetState state(GetState state) {
    if (everything()) {
      return state;
    }
    Map<String, String> users = users(state.getGetFrameworks());
    return GetState.newBuilder()
        .setGetTasks(tasks(state.getGetTasks(), users))
        .setGetExecutors(executors(state.getGetExecutors(), users))
        .setGetFrameworks(frameworks(state.getGetFrameworks()))
        .setGetAgents(agents(state.getGetAgents()))
        .build();
  }

  public GetFrameworks frameworks(GetFrameworks frameworks) {
    if (everything()) {
      return frameworks;
    }
    return GetFrameworks.newBuilder()
        .addAllFrameworks(keep(frameworks.getFrameworksList(), f -> framework(f.getFrameworkInfo())))
        .addAllCompletedFrameworks(keep(frameworks.getCompletedFrameworksList(), f -> framework(f.getFrameworkInfo())))
        .addAllRecoveredFrameworks(keep(frameworks.getRecoveredFrameworksList(), this::framework))
        .build();
  }

  /** @param users each framework's OS user by framework id (from the same snapshot) */
  public GetTasks tasks(GetTasks tasks, Map<String, String> users) {
    if (everything()) {
      return tasks;
    }
    Predicate<Task> visible = t -> task(t, users.getOrDefault(t.getFrameworkId().getValue(), ""));
    return GetTasks.newBuilder()
        .addAllPendingTasks(keep(tasks.getPendingTasksList(), visible))
        .addAllTasks(keep(tasks.getTasksList(), visible))
        .addAllUnreachableTasks(keep(tasks.getUnreachableTasksList(), visible))
        .addAllCompletedTasks(keep(tasks.getCompletedTasksList(), visible))
        .addAllOrphanTasks(keep(tasks.getOrphanTasksList(), visible))
        .build();
  }

  public GetExecutors executors(GetExecutors executors, Map<String, String> users) {
    if (everything()) {
      return executors;
    }
    Predicate<GetExecutors.Executor> visible = e -> executor(e.getExecutorInfo(),
        users.getOrDefault(e.getExecutorInfo().getFrameworkId().getValue(), ""));
    return GetExecutors.newBuilder()
        .addAllExecutors(keep(executors.getExecutorsList(), visible))
        .addAllOrphanExecutors(keep(executors.getOrphanExecutorsList(), visible))
        .build();
  }

  public GetAgents agents(GetAgents agents) {
    return agents() ? agents : GetAgents.getDefaultInstance();
  }

  /** Each framework's OS user, by framework id, from a GET_FRAMEWORKS answer. */
  public static Map<String, String> users(GetFrameworks frameworks) {
    Map<String, String> users = new HashMap<>();
    frameworks.getFrameworksList().forEach(f -> users.put(f.getFrameworkInfo().getId().getValue(),
        f.getFrameworkInfo().getUser()));
    frameworks.getCompletedFrameworksList().forEach(f -> users.put(f.getFrameworkInfo().getId().getValue(),
        f.getFrameworkInfo().getUser()));
    frameworks.getRecoveredFrameworksList().forEach(f -> users.put(f.getId().getValue(), f.getUser()));
    return users;
  }

  private static <T> List<T> keep(List<T> items, Predicate<T> visible) {
    return items.stream().filter(visible).toList();
  }

  /** An OFFER_ACCEPTED without the launched tasks this caller may not see (nor their ids). */
  private Event withVisibleLaunches(Event event, String frameworkUser) {
    Event.OfferEvent offer = event.getOfferEvent();
    if (offer.getOperationsCount() == 0) {
      return event;
    }
    Set<String> hidden = new HashSet<>();
    Event.OfferEvent.Builder out = offer.toBuilder().clearOperations();
    for (Offer.Operation operation : offer.getOperationsList()) {
      if (!operation.hasLaunch()) {
        out.addOperations(operation);
        continue;
      }
      Offer.Operation.Launch.Builder launch = operation.getLaunch().toBuilder().clearTaskInfos();
      for (TaskInfo task : operation.getLaunch().getTaskInfosList()) {
        String user = RunAs.user(task.hasCommand() ? task.getCommand() : null, frameworkUser);
        if (approved(Action.VIEW_TASK, user)) {
          launch.addTaskInfos(task);
        } else {
          hidden.add(task.getTaskId().getValue());
        }
      }
      out.addOperations(operation.toBuilder().setLaunch(launch));
    }
    if (hidden.isEmpty()) {
      return event;
    }
    List<TaskID> shown = offer.getTaskIdsList().stream().filter(id -> !hidden.contains(id.getValue())).toList();
    return event.toBuilder().setOfferEvent(out.clearTaskIds().addAllTaskIds(shown)).build();
  }

  /** A filter for one operator event stream, which remembers what it let through. */
  public Stream stream() {
    return new Stream();
  }

  /**
   * Filters one subscriber's events in order. A TASK_UPDATED or an offer event names only ids, so
   * the stream remembers the frameworks and tasks it showed (from SUBSCRIBED, FRAMEWORK_ADDED and
   * TASK_ADDED) and lets through the events about those. Used on one thread at a time.
   */
  public final class Stream {
    private final Map<String, String> frameworkUsers = new HashMap<>();
    private final Set<String> visibleFrameworks = new HashSet<>();
    private final Set<String> visibleTasks = new HashSet<>();

    private Stream() {}

    /** The event as this subscriber may see it, or empty when it may see none of it. */
    public Optional<Event> filter(Event event) {
      if (everything()) {
        return Optional.of(event);
      }
      switch (event.getType()) {
        case SUBSCRIBED -> {
          GetState all = event.getSubscribed().getGetState();
          frameworkUsers.putAll(users(all.getGetFrameworks()));
          GetState visible = state(all);
          visible.getGetFrameworks().getFrameworksList()
              .forEach(f -> visibleFrameworks.add(f.getFrameworkInfo().getId().getValue()));
          GetTasks tasks = visible.getGetTasks();
          for (List<Task> list : List.of(tasks.getTasksList(), tasks.getUnreachableTasksList(),
              tasks.getPendingTasksList())) {
            list.forEach(t -> visibleTasks.add(t.getTaskId().getValue()));
          }
          return Optional.of(event.toBuilder().setSubscribed(event.getSubscribed().toBuilder().setGetState(visible))
              .build());
        }
        case FRAMEWORK_ADDED, FRAMEWORK_UPDATED -> {
          GetFrameworks.Framework f = event.getType() == Event.Type.FRAMEWORK_ADDED
              ? event.getFrameworkAdded().getFramework() : event.getFrameworkUpdated().getFramework();
          String id = f.getFrameworkInfo().getId().getValue();
          frameworkUsers.put(id, f.getFrameworkInfo().getUser());
          if (framework(f.getFrameworkInfo())) {
            visibleFrameworks.add(id);
            return Optional.of(event);
          }
          visibleFrameworks.remove(id);
          return Optional.empty();
        }
        case FRAMEWORK_REMOVED -> {
          String id = event.getFrameworkRemoved().getFrameworkInfo().getId().getValue();
          frameworkUsers.remove(id);
          return visibleFrameworks.remove(id) ? Optional.of(event) : Optional.empty();
        }
        case TASK_ADDED -> {
          Task task = event.getTaskAdded().getTask();
          if (task(task, frameworkUsers.getOrDefault(task.getFrameworkId().getValue(), ""))) {
            visibleTasks.add(task.getTaskId().getValue());
            return Optional.of(event);
          }
          return Optional.empty();
        }
        case TASK_UPDATED -> {
          String id = event.getTaskUpdated().getStatus().getTaskId().getValue();
          boolean visible = TaskStates.isTerminal(event.getTaskUpdated().getState())
              ? visibleTasks.remove(id) : visibleTasks.contains(id);
          return visible ? Optional.of(event) : Optional.empty();
        }
        case AGENT_ADDED, AGENT_REMOVED -> {
          return agents() ? Optional.of(event) : Optional.empty();
        }
        case HEARTBEAT -> {
          return Optional.of(event);
        }
        default -> {
          if (event.hasOfferEvent()) {
            String framework = event.getOfferEvent().getFrameworkId().getValue();
            return visibleFrameworks.contains(framework)
                ? Optional.of(withVisibleLaunches(event, frameworkUsers.getOrDefault(framework, ""))) : Optional.empty();
          }
          // An event this filter does not know about: hidden, as anything it cannot vouch for.
          return Optional.empty();
        }
      }
    }
  }
}
