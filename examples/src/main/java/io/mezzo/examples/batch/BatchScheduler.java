package io.mezzo.examples.batch;

import io.mezzo.sdk.Calls;
import io.mezzo.sdk.Resources;
import io.mezzo.sdk.ScalarResources;
import io.mezzo.sdk.Scheduler;
import io.mezzo.sdk.SchedulerDriver;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.Filters;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.scheduler.Protos.Call;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduling logic of the batch framework: runs {@code tasks} copies of a shell command,
 * each with the same resources, packs as many as fit into each offer, never re-launches, and
 * completes {@link #result()} when every task is terminal.
 *
 * <p>Callbacks run on the SDK's event thread; the launch-failure path runs on an HTTP thread,
 * so the methods that touch state are synchronized.
 */
public final class BatchScheduler implements Scheduler {
  private static final Logger log = LoggerFactory.getLogger(BatchScheduler.class);

  /** Once every task is launched, offers are refused for this long: this framework needs no more. */
  static final Filters DONE_FILTER = Calls.refuseSeconds(3600);
  /** An offer too small for one task comes back after the master's default. */
  static final Filters TOO_SMALL_FILTER = Calls.refuseSeconds(5);

  private static final Set<TaskState> TERMINAL = EnumSet.of(
      TaskState.TASK_FINISHED, TaskState.TASK_FAILED, TaskState.TASK_KILLED, TaskState.TASK_ERROR,
      TaskState.TASK_LOST, TaskState.TASK_DROPPED, TaskState.TASK_GONE, TaskState.TASK_GONE_BY_OPERATOR,
      TaskState.TASK_UNKNOWN);

  private final int tasks;
  private final String command;
  private final String role;
  private final ScalarResources perTask;
  private final Consumer<String> out;
  private final CompletableFuture<BatchResult> result = new CompletableFuture<>();

  private int launched;
  private int finished;
  private int failed;
  private boolean suppressed;
  /** Launched tasks not yet terminal, with their agent (for reconciliation). */
  private final Map<String, AgentID> running = new LinkedHashMap<>();

  /**
   * @param tasks how many tasks to run, at least 1
   * @param command the shell command of every task
   * @param cpus cpus per task, positive
   * @param mem memory per task in MB, positive
   * @param role the role the framework subscribes with
   * @param out where the one-line-per-terminal-task report goes
   */
  public BatchScheduler(int tasks, String command, double cpus, double mem, String role, Consumer<String> out) {
    if (tasks < 1) {
      throw new IllegalArgumentException("The number of tasks must be at least 1, got " + tasks);
    }
    if (command == null || command.isBlank()) {
      throw new IllegalArgumentException("The command must not be empty");
    }
    if (!(cpus > 0) || !(mem > 0)) {
      throw new IllegalArgumentException("cpus and mem per task must be positive, got cpus=" + cpus + " mem=" + mem);
    }
    this.tasks = tasks;
    this.command = command;
    this.role = Objects.requireNonNull(role, "role");
    this.perTask = ScalarResources.of(Resources.cpus(cpus), Resources.mem(mem));
    this.out = Objects.requireNonNull(out, "out");
  }

  /** Completes once every task is terminal, or when the master sent an error. */
  public CompletableFuture<BatchResult> result() {
    return result;
  }

  @Override
  public synchronized void subscribed(SchedulerDriver driver, FrameworkID frameworkId, MasterInfo master) {
    log.info("Subscribed as framework {}; {} of {} tasks launched", frameworkId.getValue(), launched, tasks);
    if (!running.isEmpty()) {
      List<Call.Reconcile.Task> reconcile = new ArrayList<>();
      running.forEach((id, agent) -> reconcile.add(Calls.reconcileTask(taskId(id), agent)));
      driver.reconcile(reconcile);
    }
  }

  @Override
  public synchronized void offers(SchedulerDriver driver, List<Offer> offers) {
    for (Offer offer : offers) {
      int pending = tasks - launched;
      if (pending == 0) {
        driver.decline(List.of(offer.getId()), DONE_FILTER);
        continue;
      }
      int fit = Math.min(pending, ScalarResources.of(offer).fitCount(perTask));
      if (fit == 0) {
        driver.decline(List.of(offer.getId()), TOO_SMALL_FILTER);
        continue;
      }
      launch(driver, offer, fit);
    }
    if (launched == tasks && !suppressed) {
      suppressed = true;
      driver.suppress(role);
    }
  }

  private void launch(SchedulerDriver driver, Offer offer, int count) {
    List<TaskInfo> batch = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      launched++;
      String id = "batch-" + launched;
      batch.add(TaskInfo.newBuilder()
          .setName(id)
          .setTaskId(taskId(id))
          .setAgentId(offer.getAgentId())
          .addAllResources(Resources.allocatedAs(offer, perTask.toResources()))
          .setCommand(CommandInfo.newBuilder().setShell(true).setValue(command))
          .build());
      running.put(id, offer.getAgentId());
    }
    log.info("Launching {} tasks on agent {} ({})", count, offer.getAgentId().getValue(), offer.getHostname());
    OfferID offerId = offer.getId();
    driver.launch(offerId, batch).whenComplete((v, e) -> {
      if (e != null) {
        launchFailed(batch, e);
      }
    });
  }

  private synchronized void launchFailed(List<TaskInfo> batch, Throwable e) {
    log.warn("The master refused to launch {} tasks: {}", batch.size(), e.toString());
    for (TaskInfo task : batch) {
      terminal(task.getTaskId().getValue(), TaskState.TASK_ERROR, "launch refused: " + e.getMessage());
    }
  }

  @Override
  public synchronized void update(SchedulerDriver driver, TaskStatus status) {
    String id = status.getTaskId().getValue();
    if (!TERMINAL.contains(status.getState())) {
      log.debug("task {} {}", id, status.getState());
      return;
    }
    terminal(id, status.getState(), status.hasMessage() ? status.getMessage() : null);
  }

  private void terminal(String id, TaskState state, String message) {
    if (running.remove(id) == null) {
      return; // not ours, or already counted
    }
    if (state == TaskState.TASK_FINISHED) {
      finished++;
      out.accept("task " + id + " " + state);
    } else {
      failed++;
      out.accept("task " + id + " " + state + (message == null || message.isBlank() ? "" : ": " + message));
    }
    if (finished + failed == tasks) {
      result.complete(new BatchResult(finished, failed, null));
    }
  }

  @Override
  public synchronized void error(SchedulerDriver driver, String message) {
    result.complete(new BatchResult(finished, failed, message));
  }

  @Override
  public void disconnected(SchedulerDriver driver) {
    log.warn("Disconnected from the master; the SDK is reconnecting");
  }

  private static TaskID taskId(String id) {
    return TaskID.newBuilder().setValue(id).build();
  }
}
