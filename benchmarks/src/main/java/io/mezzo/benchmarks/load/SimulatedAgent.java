package io.mezzo.benchmarks.load;

import io.mezzo.agent.channel.AgentCalls;
import io.mezzo.agent.channel.MasterLink;
import io.mezzo.agent.channel.ReconnectBackoff;
import io.mezzo.agent.detector.MasterAddress;
import io.mezzo.agent.detector.MasterDetector;
import io.mezzo.agent.status.StatusUpdateManager;
import io.mezzo.agent.support.Timers;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.protocol.internal.AgentChannel.RunningTask;
import io.mezzo.protocol.internal.AgentChannel.StatusUpdate;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One simulated agent: the real agent's master link ({@link MasterLink}: register, follow the
 * leader, re-register with its id and running tasks after a failover, reconnect with backoff)
 * and its status-update manager (updates in order per task, resent until acknowledged), with
 * a no-op runtime: a task reports STARTING and RUNNING after the start delay and FINISHED after
 * the task duration. No thread and no Vert.x instance of its own: it lives on a shared context.
 */
final class SimulatedAgent {
  /** What the bench hears from an agent, on the agent's context. */
  interface Listener {
    /** Hears nothing: for a driver that follows the master's metrics instead. */
    Listener NONE = new Listener() {
      @Override
      public void registered(SimulatedAgent agent, boolean first) {}

      @Override
      public void freed(AgentID agentId, TaskID taskId, TaskState state, long nanos) {}
    };

    void registered(SimulatedAgent agent, boolean first);

    /** A task's terminal update was acknowledged: its resources are free at the master. */
    void freed(AgentID agentId, TaskID taskId, TaskState state, long nanos);

    /**
     * A task ended on the agent, which is about to send its terminal update (System.nanoTime
     * {@code nanos}, taken just before): the moment the task's resources free on the agent.
     */
    default void ending(AgentID agentId, TaskID taskId, TaskState state, long nanos) {}
  }

  private final Context context;
  private final AgentInfo info;
  private final Timers timers;
  private final Duration startDelay;
  private final Duration taskDuration;
  private final Listener listener;
  private final MasterLink link;
  private final StatusUpdateManager updates;
  private final Map<String, RunningTask> tasks = new HashMap<>();
  private AgentID agentId;
  private boolean runningOnly;

  SimulatedAgent(Context context, HttpClient client, MasterDetector detector, Timers timers, AgentInfo info,
      Duration startDelay, Duration taskDuration, Listener listener) {
    this.context = context;
    this.info = info;
    this.timers = timers;
    this.startDelay = startDelay;
    this.taskDuration = taskDuration;
    this.listener = listener;
    Clock clock = Clock.systemUTC();
    this.updates = new StatusUpdateManager(clock, timers, () -> agentId, this::send, this::terminalAcknowledged);
    this.link = new MasterLink(context, client, detector, timers, clock, ReconnectBackoff.standard(),
        this::registerCall, new MasterLink.Listener() {
          @Override
          public void registered(AgentID id, MasterAddress master) {
            onRegistered(id);
          }

          @Override
          public void event(AgentEvent event) {
            onEvent(event);
          }
        });
  }

  /** Tasks report RUNNING without STARTING first (before {@link #start()}). */
  void runningOnly(boolean runningOnly) {
    this.runningOnly = runningOnly;
  }

  /** Starts on the agent's context. */
  Future<Void> start() {
    return Future.<Future<Void>>future(p -> context.runOnContext(v -> p.complete(link.start()))).compose(f -> f);
  }

  Future<Void> close() {
    return Future.<Future<Void>>future(p -> context.runOnContext(v -> {
      updates.close();
      p.complete(link.close());
    })).compose(f -> f);
  }

  AgentID agentId() {
    return agentId;
  }

  String hostname() {
    return info.getHostname();
  }

  private AgentCall registerCall() {
    AgentInfo registering = agentId == null ? info : info.toBuilder().setId(agentId).build();
    return AgentCalls.register(registering, new ArrayList<>(tasks.values()), List.of("process"), "simulated");
  }

  private void onRegistered(AgentID id) {
    boolean first = agentId == null;
    agentId = id;
    updates.resendPending();
    listener.registered(this, first);
  }

  private void onEvent(AgentEvent event) {
    switch (event.getType()) {
      case RUN_TASK -> run(event.getRunTask().getFrameworkId(), event.getRunTask().getFrameworkInfo(),
          event.getRunTask().getTask());
      case KILL_TASK -> finish(event.getKillTask().getFrameworkId(), event.getKillTask().getTaskId(),
          TaskState.TASK_KILLED);
      case ACKNOWLEDGE -> updates.acknowledge(event.getAcknowledge().getFrameworkId(),
          event.getAcknowledge().getTaskId(), event.getAcknowledge().getUuid());
      case SHUTDOWN_FRAMEWORK -> List.copyOf(tasks.values()).stream()
          .filter(t -> t.getFrameworkId().equals(event.getShutdownFramework().getFrameworkId()))
          .forEach(t -> finish(t.getFrameworkId(), t.getTask().getTaskId(), TaskState.TASK_KILLED));
      default -> { } // task groups, executors and messages: the no-op runtime has none
    }
  }

  private void run(FrameworkID frameworkId, FrameworkInfo frameworkInfo, TaskInfo task) {
    String key = key(frameworkId, task.getTaskId());
    tasks.put(key, RunningTask.newBuilder().setFrameworkId(frameworkId).setFrameworkInfo(frameworkInfo)
        .setTask(task).setState(TaskState.TASK_STAGING).build());
    timers.schedule(startDelay, () -> {
      if (!tasks.containsKey(key)) {
        return; // killed while starting
      }
      if (!runningOnly) {
        report(frameworkId, task.getTaskId(), TaskState.TASK_STARTING);
      }
      report(frameworkId, task.getTaskId(), TaskState.TASK_RUNNING);
      timers.schedule(taskDuration, () -> finish(frameworkId, task.getTaskId(), TaskState.TASK_FINISHED));
    });
  }

  private void finish(FrameworkID frameworkId, TaskID taskId, TaskState state) {
    RunningTask task = tasks.get(key(frameworkId, taskId));
    if (task != null && !StatusUpdateManager.isTerminal(task.getState())) {
      listener.ending(agentId, taskId, state, System.nanoTime());
      report(frameworkId, taskId, state);
    }
  }

  private void report(FrameworkID frameworkId, TaskID taskId, TaskState state) {
    tasks.computeIfPresent(key(frameworkId, taskId), (k, t) -> t.toBuilder().setState(state).build());
    updates.update(frameworkId, TaskStatus.newBuilder().setTaskId(taskId).setState(state));
  }

  private void terminalAcknowledged(FrameworkID frameworkId, TaskID taskId) {
    RunningTask task = tasks.remove(key(frameworkId, taskId));
    listener.freed(agentId, taskId, task == null ? TaskState.TASK_FINISHED : task.getState(), System.nanoTime());
  }

  private void send(StatusUpdate update) {
    if (agentId != null && link.registered()) {
      // Fire and forget: a lost send is resent by the update manager, as on the real agent.
      link.send(AgentCalls.statusUpdate(agentId, update.getFrameworkId(), update.getStatus()));
    }
  }

  private static String key(FrameworkID frameworkId, TaskID taskId) {
    return frameworkId.getValue() + '/' + taskId.getValue();
  }
}
