package io.mezzo.agent.metrics;

import io.mezzo.node.metrics.MesosMeters.GaugeValue;
import io.mezzo.node.metrics.MesosMeters;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * One agent's metrics under Mesos's key names ({@code slave/...}, Mesos's docs/monitoring.md),
 * in the agent's own Prometheus registry (with Vert.x's HTTP metrics when the agent made its
 * Vert.x instance). {@link #snapshot()} answers {@code /metrics/snapshot} and is what the agent's
 * GET_METRICS returns; {@link #scrape()} answers {@code /metrics}.
 *
 * <p>Threads: gauges are read from the agent's state on its context, so {@link #snapshot()} and
 * {@link #scrape()} hop onto that context (they may be called from anywhere); the counting
 * methods are called on the context.
 */
public final class AgentMetrics {
  private static final List<String> RESOURCES = List.of("cpus", "mem", "disk", "gpus");
  private static final List<TaskState> TASK_GAUGES = List.of(TaskState.TASK_STAGING, TaskState.TASK_STARTING,
      TaskState.TASK_RUNNING, TaskState.TASK_KILLING);
  private static final List<TaskState> TASK_COUNTERS = List.of(TaskState.TASK_FINISHED, TaskState.TASK_FAILED,
      TaskState.TASK_KILLED, TaskState.TASK_LOST, TaskState.TASK_GONE, TaskState.TASK_DROPPED, TaskState.TASK_ERROR);
  private static final List<String> EXECUTOR_STATES = List.of("REGISTERING", "RUNNING", "TERMINATING");

  private final PrometheusMeterRegistry registry;
  private final Context context;
  private final Supplier<AgentGauges> gauges;
  private final MesosMeters meters;
  private final GaugeValue registered;
  private final Map<TaskState, GaugeValue> taskGauges = new EnumMap<>(TaskState.class);
  private final Map<String, GaugeValue> executorGauges = new LinkedHashMap<>();
  private final Map<String, GaugeValue[]> resourceGauges = new LinkedHashMap<>();
  private final Map<TaskState, Counter> taskCounters = new EnumMap<>(TaskState.class);
  private final Counter executorsTerminated;
  private final Counter validStatusUpdates;
  private final Counter containerLaunchErrors;

  /**
   * @param registry this agent's registry (never the global one: several agents may share a JVM)
   * @param context the agent's context, where {@code gauges} may be called
   * @param gauges the agent's state now; called on {@code context}
   */
  public AgentMetrics(PrometheusMeterRegistry registry, Clock clock, Context context, Supplier<AgentGauges> gauges) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.context = Objects.requireNonNull(context, "context");
    this.gauges = Objects.requireNonNull(gauges, "gauges");
    meters = new MesosMeters(registry);
    long startMillis = clock.millis();
    meters.gauge("slave/uptime_secs", () -> (clock.millis() - startMillis) / 1000.0);
    registered = meters.gauge("slave/registered");
    for (TaskState state : TASK_GAUGES) {
      taskGauges.put(state, meters.gauge("slave/" + taskKey(state)));
    }
    for (TaskState state : TASK_COUNTERS) {
      taskCounters.put(state, meters.counter("slave/" + taskKey(state)));
    }
    for (String state : EXECUTOR_STATES) {
      executorGauges.put(state, meters.gauge("slave/executors_" + state.toLowerCase(Locale.ROOT)));
    }
    executorsTerminated = meters.counter("slave/executors_terminated");
    for (String resource : RESOURCES) {
      resourceGauges.put(resource, new GaugeValue[] {meters.gauge("slave/" + resource + "_total"),
          meters.gauge("slave/" + resource + "_used"), meters.gauge("slave/" + resource + "_percent")});
    }
    validStatusUpdates = meters.counter("slave/valid_status_updates");
    containerLaunchErrors = meters.counter("slave/container_launch_errors");
  }

  static String taskKey(TaskState state) {
    return "tasks_" + state.name().substring("TASK_".length()).toLowerCase(Locale.ROOT);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Every Mesos key with its value now, as {@code /metrics/snapshot} shows it and the agent's
   * operator API answers GET_METRICS. Any thread; completes on the agent's context.
   */
  public Future<Map<String, Double>> snapshot() {
    return onContext(() -> {
      refresh();
      return meters.snapshot();
    });
  }

  /** The Prometheus text exposition of this agent's registry. Any thread. */
  public Future<String> scrape() {
    return onContext(() -> {
      refresh();
      return registry.scrape();
    });
  }

  /** A status update the agent queued for the master (its own or an executor's). On the agent's context. */
  public void statusUpdate(TaskStatus status) {
    validStatusUpdates.increment();
    Counter terminal = taskCounters.get(status.getState());
    if (terminal != null) {
      terminal.increment();
    }
    if (status.getReason() == TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED) {
      containerLaunchErrors.increment();
    }
  }

  /** An executor (a task's command executor or a custom one) terminated. On the agent's context. */
  public void executorTerminated() {
    executorsTerminated.increment();
  }

  private void refresh() {
    AgentGauges now = gauges.get();
    registered.set(now.registered() ? 1 : 0);
    taskGauges.forEach((state, gauge) -> gauge.set(now.tasks().getOrDefault(state, 0)));
    executorGauges.forEach((state, gauge) -> gauge.set(now.executors().getOrDefault(state, 0)));
    resourceGauges.forEach((resource, g) -> {
      double total = now.total().getOrDefault(resource, 0.0);
      double used = now.used().getOrDefault(resource, 0.0);
      g[0].set(total);
      g[1].set(used);
      g[2].set(total > 0 ? used / total : 0);
    });
  }

  private <T> Future<T> onContext(Callable<T> read) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> {
      try {
        result.complete(read.call());
      } catch (Exception e) {
        result.fail(e);
      }
    });
    return result.future();
  }
}
