package io.mezzo.cli.framework;

import io.mezzo.sdk.Calls;
import io.mezzo.sdk.Scheduler;
import io.mezzo.sdk.SchedulerDriver;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.Filters;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.scheduler.Protos.Call;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler of the CLI's own frameworks ({@code mezzo run}: one task, {@code mezzo batch}:
 * N): runs one task per given id from one {@link TaskTemplate}, packs as many as fit into each
 * offer, declines the rest with a filter, suppresses offers once every task is launched, never
 * launches a task twice, reconciles its running tasks after a re-subscription, and completes
 * {@link #outcome()} when every task has ended or the master sent an error.
 *
 * <p>Callbacks run on the SDK's event thread; a refused launch is reported from an HTTP thread,
 * so the state is guarded by this object.
 */
public final class CommandTasks implements Scheduler {
  private static final Logger log = LoggerFactory.getLogger(CommandTasks.class);

  /** Once every task is launched, offers are refused for this long: the framework needs no more. */
  static final Filters DONE_FILTER = Calls.refuseSeconds(3600);
  /** An offer too small for one task comes back after the master's default. */
  static final Filters TOO_SMALL_FILTER = Calls.refuseSeconds(5);

  private static final Set<TaskState> TERMINAL = EnumSet.of(
      TaskState.TASK_FINISHED, TaskState.TASK_FAILED, TaskState.TASK_KILLED, TaskState.TASK_ERROR,
      TaskState.TASK_LOST, TaskState.TASK_DROPPED, TaskState.TASK_GONE, TaskState.TASK_GONE_BY_OPERATOR,
      TaskState.TASK_UNKNOWN);

  /** What a command shows of its framework. Runs on the SDK's event thread, or an HTTP thread for a refused launch. */
  public interface Listener {
    default void subscribed(FrameworkID frameworkId) {}

    default void launched(TaskInfo task, Offer offer) {}

    /** Every status update of one of the tasks, duplicates included. */
    default void update(TaskStatus status) {}

    /** The first terminal update of a task (a refused launch is a TASK_ERROR). */
    default void ended(TaskStatus status) {}
  }

  /**
   * How the tasks ended, in the order they did, or the error the master sent.
   *
   * @param error the master's ERROR message, or null
   */
  public record Outcome(Map<String, TaskStatus> ended, String error) {
    public Outcome {
      ended = Collections.unmodifiableMap(new LinkedHashMap<>(ended));
    }

    public int finished() {
      return (int) ended.values().stream().filter(s -> s.getState() == TaskState.TASK_FINISHED).count();
    }

    /** Tasks that ended any other way than TASK_FINISHED. */
    public int failed() {
      return ended.size() - finished();
    }

    /** True when every task finished and the master reported no error. */
    public boolean succeeded() {
      return error == null && failed() == 0;
    }
  }

  private final TaskTemplate template;
  private final Set<String> taskIds;
  private final String taskName;
  private final String role;
  private final Listener listener;
  private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

  private final Deque<String> waiting;
  /** Launched tasks not yet ended, with their agent (for reconciliation). */
  private final Map<String, AgentID> running = new LinkedHashMap<>();
  private final Map<String, TaskStatus> ended = new LinkedHashMap<>();
  private boolean suppressed;

  /**
   * @param taskIds one task per id, launched in this order; at least one
   * @param taskName the name of every task, or null to name each by its id
   * @param role the role the framework subscribes with, for SUPPRESS
   */
  public CommandTasks(TaskTemplate template, List<String> taskIds, String taskName, String role, Listener listener) {
    this.template = Objects.requireNonNull(template, "template");
    this.taskIds = new LinkedHashSet<>(taskIds);
    if (this.taskIds.isEmpty() || this.taskIds.size() != taskIds.size()) {
      throw new IllegalArgumentException("Give at least one task id, each once, got " + taskIds);
    }
    this.taskName = taskName;
    this.role = Objects.requireNonNull(role, "role");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.waiting = new ArrayDeque<>(taskIds);
  }

  /** Completes once every task has ended, or when the master sent an error. */
  public CompletableFuture<Outcome> outcome() {
    return outcome;
  }

  /** How many tasks were launched so far. */
  public synchronized int launched() {
    return taskIds.size() - waiting.size();
  }

  @Override
  public synchronized void subscribed(SchedulerDriver driver, FrameworkID frameworkId, MasterInfo master) {
    log.info("Subscribed as framework {}; {} of {} tasks launched", frameworkId.getValue(), launched(), taskIds.size());
    listener.subscribed(frameworkId);
    if (!running.isEmpty()) {
      List<Call.Reconcile.Task> reconcile = new ArrayList<>();
      running.forEach((id, agent) -> reconcile.add(Calls.reconcileTask(TaskID.newBuilder().setValue(id).build(), agent)));
      driver.reconcile(reconcile);
    }
  }

  @Override
  public synchronized void offers(SchedulerDriver driver, List<Offer> offers) {
    for (Offer offer : offers) {
      if (waiting.isEmpty()) {
        driver.decline(List.of(offer.getId()), DONE_FILTER);
        continue;
      }
      int fit = Math.min(waiting.size(), template.fitCount(offer));
      if (fit == 0) {
        driver.decline(List.of(offer.getId()), TOO_SMALL_FILTER);
        continue;
      }
      launch(driver, offer, fit);
    }
    if (waiting.isEmpty() && !suppressed) {
      suppressed = true;
      driver.suppress(role);
    }
  }

  private void launch(SchedulerDriver driver, Offer offer, int count) {
    List<TaskInfo> tasks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String id = waiting.removeFirst();
      TaskInfo task = template.task(id, taskName == null ? id : taskName, offer);
      tasks.add(task);
      running.put(id, offer.getAgentId());
      listener.launched(task, offer);
    }
    log.info("Launching {} tasks on agent {} ({})", count, offer.getAgentId().getValue(), offer.getHostname());
    driver.launch(offer.getId(), tasks).whenComplete((v, e) -> {
      if (e != null) {
        launchRefused(tasks, e);
      }
    });
  }

  private synchronized void launchRefused(List<TaskInfo> tasks, Throwable e) {
    log.warn("The master refused to launch {} tasks: {}", tasks.size(), e.toString());
    for (TaskInfo task : tasks) {
      TaskStatus error = TaskStatus.newBuilder().setTaskId(task.getTaskId()).setAgentId(task.getAgentId())
          .setState(TaskState.TASK_ERROR).setMessage("launch refused: " + e.getMessage()).build();
      listener.update(error);
      end(error);
    }
  }

  @Override
  public synchronized void update(SchedulerDriver driver, TaskStatus status) {
    if (!taskIds.contains(status.getTaskId().getValue())) {
      return;
    }
    listener.update(status);
    if (TERMINAL.contains(status.getState())) {
      end(status);
    } else {
      log.debug("task {} {}", status.getTaskId().getValue(), status.getState());
    }
  }

  private void end(TaskStatus status) {
    String id = status.getTaskId().getValue();
    if (running.remove(id) == null) {
      return; // already ended: a retried update
    }
    ended.put(id, status);
    listener.ended(status);
    if (ended.size() == taskIds.size()) {
      outcome.complete(new Outcome(ended, null));
    }
  }

  @Override
  public synchronized void error(SchedulerDriver driver, String message) {
    outcome.complete(new Outcome(ended, message));
  }

  @Override
  public void disconnected(SchedulerDriver driver) {
    log.warn("Disconnected from the master; the SDK is reconnecting");
  }
}
