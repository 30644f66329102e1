package io.mezzo.master.metrics;

import io.mezzo.master.spi.Resources;
import io.mezzo.master.state.StateCounters;
import io.mezzo.master.state.StateGauges;
import io.mezzo.node.metrics.MesosMeters.GaugeValue;
import io.mezzo.node.metrics.MesosMeters;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.scheduler.Protos.Call;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One master's metrics under Mesos's key names (mesos-v1-api.md §6.4), in the master's own
 * Prometheus registry (which also holds Vert.x's HTTP server metrics when the master made its
 * Vert.x instance): the gauges of the cluster state, the counters the state and the APIs bump,
 * and the allocation-round timer. {@link #snapshot()} answers {@code /metrics/snapshot} and
 * GET_METRICS; {@link #scrape()} answers {@code /metrics}.
 *
 * <p>Threads: the state gauges are read from the cluster state, so {@link #refresh()} (and
 * {@link #snapshot()}, {@link #scrape()}, which refresh first) run on the master's context, as do
 * the counting methods; the registry itself may be read from any thread and then shows the
 * gauges as of the last refresh.
 */
public final class MasterMetrics implements StateCounters {
  static final List<String> RESOURCES = List.of("cpus", "mem", "disk", "gpus");
  private static final double[] PERCENTILES = {0.5, 0.9, 0.95, 0.99, 0.999, 0.9999};

  private final PrometheusMeterRegistry registry;
  private final Supplier<StateGauges> state;
  private final MesosMeters meters;
  private final GaugeValue slavesActive;
  private final GaugeValue slavesInactive;
  private final GaugeValue slavesConnected;
  private final GaugeValue slavesDisconnected;
  private final GaugeValue slavesUnreachable;
  private final GaugeValue frameworksActive;
  private final GaugeValue frameworksInactive;
  private final GaugeValue frameworksConnected;
  private final GaugeValue frameworksDisconnected;
  private final GaugeValue outstandingOffers;
  private final Map<TaskState, GaugeValue> taskGauges = new EnumMap<>(TaskState.class);
  private final Map<String, GaugeValue[]> resourceGauges = new HashMap<>();
  private final Map<TaskState, Counter> taskCounters = new EnumMap<>(TaskState.class);
  private final Counter slaveRegistrations;
  private final Counter slaveReregistrations;
  private final Counter slaveRemovals;
  private final Counter slaveRemovalsUnhealthy;
  private final Counter slaveUnreachableScheduled;
  private final Counter slaveUnreachableCompleted;
  private final Counter validStatusUpdates;
  private final Counter invalidStatusUpdates;
  private final Counter validAcknowledgements;
  private final Counter invalidAcknowledgements;
  private final Map<String, Counter> messages = new HashMap<>();
  private final AllocationTimer allocation;
  private final AllocationTimer operatorSnapshot;

  /**
   * @param registry this master's registry (never the global one: several masters may share a JVM)
   * @param clock the master's clock, for {@code master/uptime_secs} from now on
   * @param elected whether this master is the elected leader now; any thread
   * @param state the state's gauges, or {@link StateGauges#NONE} while not leading; called on the master's context
   */
  public MasterMetrics(PrometheusMeterRegistry registry, Clock clock, BooleanSupplier elected,
      Supplier<StateGauges> state) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.state = Objects.requireNonNull(state, "state");
    meters = new MesosMeters(registry);
    long startMillis = clock.millis();
    meters.gauge("master/uptime_secs", () -> (clock.millis() - startMillis) / 1000.0);
    meters.gauge("master/elected", () -> elected.getAsBoolean() ? 1 : 0);
    slavesActive = meters.gauge("master/slaves_active");
    slavesInactive = meters.gauge("master/slaves_inactive");
    slavesConnected = meters.gauge("master/slaves_connected");
    slavesDisconnected = meters.gauge("master/slaves_disconnected");
    slavesUnreachable = meters.gauge("master/slaves_unreachable");
    frameworksActive = meters.gauge("master/frameworks_active");
    frameworksInactive = meters.gauge("master/frameworks_inactive");
    frameworksConnected = meters.gauge("master/frameworks_connected");
    frameworksDisconnected = meters.gauge("master/frameworks_disconnected");
    outstandingOffers = meters.gauge("master/outstanding_offers");
    for (TaskState gauge : List.of(TaskState.TASK_STAGING, TaskState.TASK_STARTING, TaskState.TASK_RUNNING,
        TaskState.TASK_KILLING, TaskState.TASK_UNREACHABLE)) {
      taskGauges.put(gauge, meters.gauge("master/" + taskKey(gauge)));
    }
    for (TaskState counted : List.of(TaskState.TASK_FINISHED, TaskState.TASK_FAILED, TaskState.TASK_KILLED,
        TaskState.TASK_LOST, TaskState.TASK_ERROR, TaskState.TASK_DROPPED, TaskState.TASK_GONE,
        TaskState.TASK_GONE_BY_OPERATOR)) {
      taskCounters.put(counted, meters.counter("master/" + taskKey(counted)));
    }
    for (String resource : RESOURCES) {
      resourceGauges.put(resource, new GaugeValue[] {meters.gauge("master/" + resource + "_total"),
          meters.gauge("master/" + resource + "_used"), meters.gauge("master/" + resource + "_percent")});
    }
    slaveRegistrations = meters.counter("master/slave_registrations");
    slaveReregistrations = meters.counter("master/slave_reregistrations");
    slaveRemovals = meters.counter("master/slave_removals");
    slaveRemovalsUnhealthy = meters.counter("master/slave_removals/reason_unhealthy");
    // Mesos schedules the transition (rate-limited), then completes it; Mezzo does both at once.
    slaveUnreachableScheduled = meters.counter("master/slave_unreachable_scheduled");
    slaveUnreachableCompleted = meters.counter("master/slave_unreachable_completed");
    for (String message : List.of("register_framework", "reregister_framework", "unregister_framework",
        "launch_tasks", "decline_offers", "revive_offers", "suppress_offers", "kill_task",
        "status_update_acknowledgement", "reconcile_tasks", "framework_to_executor", "resource_request",
        "register_slave", "reregister_slave", "status_update", "executor_to_framework", "exited_executor")) {
      messages.put(message, meters.counter("master/messages_" + message));
    }
    validStatusUpdates = meters.counter("master/valid_status_updates");
    invalidStatusUpdates = meters.counter("master/invalid_status_updates");
    validAcknowledgements = meters.counter("master/valid_status_update_acknowledgements");
    invalidAcknowledgements = meters.counter("master/invalid_status_update_acknowledgements");
    allocation = new AllocationTimer(registry, meters, meters.counter("allocator/mesos/allocation_runs"), PERCENTILES);
    operatorSnapshot = new AllocationTimer(registry, meters, "master/operator_snapshot_ms",
        "mezzo.master.operator_snapshot", meters.counter("master/operator_snapshots"), PERCENTILES);
  }

  /** {@code TASK_GONE_BY_OPERATOR} → {@code tasks_gone_by_operator}. */
  static String taskKey(TaskState state) {
    return "tasks_" + state.name().substring("TASK_".length()).toLowerCase(Locale.ROOT);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Reads the state's gauges into the registry. On the master's context. */
  public void refresh() {
    StateGauges now = state.get();
    slavesActive.set(now.agentsConnected());
    slavesInactive.set(now.agentsDisconnected());
    slavesConnected.set(now.agentsConnected());
    slavesDisconnected.set(now.agentsDisconnected());
    slavesUnreachable.set(now.agentsUnreachable());
    frameworksActive.set(now.frameworksConnected());
    frameworksInactive.set(now.frameworksDisconnected());
    frameworksConnected.set(now.frameworksConnected());
    frameworksDisconnected.set(now.frameworksDisconnected());
    outstandingOffers.set(now.outstandingOffers());
    taskGauges.forEach((taskState, gauge) -> gauge.set(now.tasks(taskState)));
    resourceGauges.forEach((resource, gauges) -> set(gauges, resource, now.total(), now.used()));
  }

  private static void set(GaugeValue[] gauges, String resource, Resources total, Resources used) {
    double t = total.scalar(resource);
    double u = used.scalar(resource);
    gauges[0].set(t);
    gauges[1].set(u);
    gauges[2].set(t > 0 ? u / t : 0);
  }

  /** Every Mesos key with its value, as {@code /metrics/snapshot} shows it. On the master's context. */
  public Map<String, Double> snapshot() {
    refresh();
    return meters.snapshot();
  }

  /** The Prometheus text exposition of this master's registry. On the master's context. */
  public String scrape() {
    refresh();
    return registry.scrape();
  }

  /** Runs one allocation round, counted and timed as {@code allocator/mesos/allocation_run_ms}. */
  public void timeAllocation(Runnable round) {
    allocation.time(round);
  }

  /**
   * Takes one operator snapshot on the master's context (GET_STATE and the other read calls built
   * from the state, and {@code /state}), timed as Mezzo's {@code master/operator_snapshot_ms}:
   * the time the context spends on it, without encoding, which runs on a worker.
   */
  public <T> T timeSnapshot(java.util.function.Supplier<T> snapshot) {
    return operatorSnapshot.time(snapshot);
  }

  /** Counts a scheduler call that passed validation, as Mesos's {@code master/messages_*} do. */
  public void schedulerCall(Call call) {
    switch (call.getType()) {
      case SUBSCRIBE -> message(call.getSubscribe().getFrameworkInfo().hasId()
          ? "reregister_framework" : "register_framework");
      case TEARDOWN -> message("unregister_framework");
      case ACCEPT -> {
        for (Offer.Operation operation : call.getAccept().getOperationsList()) {
          if (operation.getType() == Offer.Operation.Type.LAUNCH) {
            // As Mesos: a LAUNCH without tasks declines the offers.
            message(operation.getLaunch().getTaskInfosCount() > 0 ? "launch_tasks" : "decline_offers");
          }
        }
      }
      case DECLINE -> message("decline_offers");
      case REVIVE -> message("revive_offers");
      case SUPPRESS -> message("suppress_offers");
      case KILL -> message("kill_task");
      case ACKNOWLEDGE -> message("status_update_acknowledgement");
      case RECONCILE -> message("reconcile_tasks");
      case MESSAGE -> message("framework_to_executor");
      case REQUEST -> message("resource_request");
      default -> { }
    }
  }

  /** Counts a call on the agent channel. */
  public void agentCall(AgentCall call) {
    switch (call.getType()) {
      case REGISTER -> message(call.getRegister().getAgentInfo().hasId() ? "reregister_slave" : "register_slave");
      case STATUS_UPDATE -> message("status_update");
      case EXECUTOR_MESSAGE -> message("executor_to_framework");
      case EXECUTOR_TERMINATED -> message("exited_executor");
      default -> { }
    }
  }

  private void message(String name) {
    messages.get(name).increment();
  }

  @Override
  public void taskTerminated(TaskState state) {
    Counter counter = taskCounters.get(state);
    if (counter != null) {
      counter.increment();
    }
  }

  @Override
  public void agentRegistered() {
    slaveRegistrations.increment();
  }

  @Override
  public void agentReregistered() {
    slaveReregistrations.increment();
  }

  @Override
  public void agentRemoved() {
    slaveRemovals.increment();
  }

  @Override
  public void agentUnreachable() {
    slaveUnreachableScheduled.increment();
    slaveUnreachableCompleted.increment();
    slaveRemovalsUnhealthy.increment();
  }

  @Override
  public void statusUpdate(boolean valid) {
    (valid ? validStatusUpdates : invalidStatusUpdates).increment();
  }

  @Override
  public void statusUpdateAcknowledgement(boolean valid) {
    (valid ? validAcknowledgements : invalidAcknowledgements).increment();
  }
}
