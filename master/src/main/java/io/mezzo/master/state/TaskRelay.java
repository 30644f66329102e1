package io.mezzo.master.state;

import static io.mezzo.master.state.TaskUpdates.isTerminal;
import static io.mezzo.master.state.TaskUpdates.masterUpdate;
import static io.mezzo.master.state.TaskUpdates.update;

import io.mezzo.master.spi.Allocator;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.protocol.internal.AgentChannel.StatusUpdate;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls on running tasks and executors for {@link ClusterState}, passed between frameworks
 * and agents: KILL, SHUTDOWN, MESSAGE and ACKNOWLEDGE towards the agent; status updates,
 * executor messages and executor terminations towards the framework (freeing resources on the
 * way); and RECONCILE, answered from the master's own records.
 */
final class TaskRelay {
  // Same logger as ClusterState, so that the master's log reads as before the split.
  private static final Logger log = LoggerFactory.getLogger(ClusterState.class);

  private final Allocator allocator;
  private final Clock clock;
  private final ClusterRecords records;
  private final Reconciliations reconciliations;

  TaskRelay(Allocator allocator, Clock clock, Timers timers, ClusterRecords records) {
    this.allocator = allocator;
    this.clock = clock;
    this.records = records;
    this.reconciliations = new Reconciliations(timers, clock);
  }

  void kill(String frameworkId, Call.Kill kill) {
    FrameworkRecord framework = records.frameworks.get(frameworkId);
    TaskRecord task = framework.tasks.get(kill.getTaskId().getValue());
    if (task == null) {
      reconcileOne(framework, kill.getTaskId(), kill.hasAgentId() ? kill.getAgentId().getValue() : null);
      return;
    }
    AgentEvent.KillTask.Builder killTask = AgentEvent.KillTask.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId)).setTaskId(kill.getTaskId());
    if (kill.hasKillPolicy()) {
      killTask.setKillPolicy(kill.getKillPolicy());
    } else if (task.info.hasKillPolicy()) {
      killTask.setKillPolicy(task.info.getKillPolicy());
    }
    AgentRecord agent = records.agents.get(task.agentId);
    if (agent != null) {
      agent.send(AgentEvent.newBuilder().setType(AgentEvent.Type.KILL_TASK).setKillTask(killTask).build());
    }
  }

  void shutdown(String frameworkId, Call.Shutdown shutdown) {
    AgentRecord agent = records.agents.get(shutdown.getAgentId().getValue());
    if (agent == null || !agent.connected()) {
      log.info("[framework={}] dropped SHUTDOWN of executor {}: agent {} is not connected", frameworkId,
          shutdown.getExecutorId().getValue(), shutdown.getAgentId().getValue());
      return;
    }
    agent.send(AgentEvent.newBuilder().setType(AgentEvent.Type.SHUTDOWN_EXECUTOR)
        .setShutdownExecutor(AgentEvent.ShutdownExecutor.newBuilder()
            .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
            .setExecutorId(shutdown.getExecutorId()))
        .build());
  }

  void message(String frameworkId, Call.Message message) {
    AgentRecord agent = records.agents.get(message.getAgentId().getValue());
    if (agent == null || !agent.connected()) {
      log.info("[framework={}] dropped a message for executor {}: agent {} is not connected", frameworkId,
          message.getExecutorId().getValue(), message.getAgentId().getValue());
      return;
    }
    agent.send(AgentEvent.newBuilder().setType(AgentEvent.Type.FRAMEWORK_MESSAGE)
        .setFrameworkMessage(AgentEvent.FrameworkMessage.newBuilder()
            .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
            .setExecutorId(message.getExecutorId())
            .setData(message.getData()))
        .build());
  }

  void executorMessage(String agentId, AgentCall.ExecutorMessage message) {
    FrameworkRecord framework = records.frameworks.get(message.getFrameworkId().getValue());
    if (framework != null) {
      framework.send(Event.newBuilder().setType(Event.Type.MESSAGE)
          .setMessage(Event.Message.newBuilder().setAgentId(AgentID.newBuilder().setValue(agentId))
              .setExecutorId(message.getExecutorId()).setData(message.getData()))
          .build());
    }
  }

  void executorTerminated(String agentId, AgentCall.ExecutorTerminated terminated) {
    AgentRecord agent = records.agents.get(agentId);
    String frameworkId = terminated.getFrameworkId().getValue();
    ExecutorRecord executor = agent.executors.remove(
        ExecutorRecord.key(frameworkId, terminated.getExecutorId().getValue()));
    if (executor != null && !executor.resources.isEmpty()) {
      allocator.recover(frameworkId, executor.role, agentId, executor.resources, 0, clock.instant());
      records.freed.accept(agentId);
    }
    FrameworkRecord framework = records.frameworks.get(frameworkId);
    if (framework != null) {
      Event.Failure.Builder failure = Event.Failure.newBuilder().setAgentId(AgentID.newBuilder().setValue(agentId))
          .setExecutorId(terminated.getExecutorId());
      if (terminated.hasStatus()) {
        failure.setStatus(terminated.getStatus());
      }
      framework.send(Event.newBuilder().setType(Event.Type.FAILURE).setFailure(failure).build());
    }
  }

  void acknowledge(String frameworkId, Call.Acknowledge ack) {
    AgentRecord agent = records.agents.get(ack.getAgentId().getValue());
    records.counters.statusUpdateAcknowledgement(agent != null && agent.connected());
    if (agent == null || !agent.connected()) {
      log.debug("[framework={}] dropped acknowledgement for task {}: agent {} is not connected", frameworkId,
          ack.getTaskId().getValue(), ack.getAgentId().getValue());
      return;
    }
    agent.send(AgentEvent.newBuilder().setType(AgentEvent.Type.ACKNOWLEDGE)
        .setAcknowledge(AgentEvent.Acknowledge.newBuilder()
            .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
            .setTaskId(ack.getTaskId()).setUuid(ack.getUuid()))
        .build());
    FrameworkRecord framework = records.frameworks.get(frameworkId);
    TaskRecord task = framework.tasks.get(ack.getTaskId().getValue());
    if (task != null && task.latestStatus != null && isTerminal(task.state)
        && task.latestStatus.getUuid().equals(ack.getUuid())) {
      records.completed.taskEnded(OperatorProtos.ended(task, null));
      framework.tasks.remove(task.id());
      agent.tasks.remove(AgentRecord.taskKey(frameworkId, task.id()));
    }
  }

  void statusUpdate(String agentId, StatusUpdate statusUpdate) {
    String frameworkId = statusUpdate.getFrameworkId().getValue();
    TaskStatus.Builder received = statusUpdate.getStatus().toBuilder().setAgentId(AgentID.newBuilder().setValue(agentId));
    // An executor writes the message: cut, not refused, so that the update itself is never lost.
    if (received.hasMessage()) {
      received.setMessage(TextLimits.truncate(received.getMessage(), TextLimits.MESSAGE_BYTES));
    }
    TaskStatus status = received.build();
    FrameworkRecord framework = records.frameworks.get(frameworkId);
    AgentRecord agent = records.agents.get(agentId);
    records.counters.statusUpdate(framework != null && framework.connected());
    if (framework == null) {
      // Nobody will ever acknowledge this: answer for the removed framework so the agent stops retrying.
      agent.send(AgentEvent.newBuilder().setType(AgentEvent.Type.ACKNOWLEDGE)
          .setAcknowledge(AgentEvent.Acknowledge.newBuilder().setFrameworkId(statusUpdate.getFrameworkId())
              .setTaskId(status.getTaskId()).setUuid(status.getUuid()))
          .build());
      return;
    }
    TaskRecord task = framework.tasks.get(status.getTaskId().getValue());
    if (task != null) {
      // The agent re-sends an update until it is acknowledged: the same update again is no news to operators.
      boolean resent = task.latestStatus != null && status.hasUuid()
          && task.latestStatus.getUuid().equals(status.getUuid());
      if (isTerminal(status.getState()) && !isTerminal(task.state)) {
        records.counters.taskTerminated(status.getState());
      }
      task.recordStatus(status);
      if (isTerminal(status.getState()) && !task.resourcesRecovered) {
        task.resourcesRecovered = true;
        allocator.recover(frameworkId, task.role, agentId, task.allocation, 0, clock.instant());
        records.freed.accept(agentId);
      }
      if (!resent) {
        records.tellState(() -> OperatorProtos.taskUpdated(frameworkId, status));
      }
    }
    log.debug("[framework={}] task {} is {} on agent {}", frameworkId, status.getTaskId().getValue(),
        status.getState(), agentId);
    framework.send(update(status));
  }

  /** Answered in slices, see {@link Reconciliations}; the tasks of an implicit one are those known now. */
  void reconcile(String frameworkId, Call.Reconcile reconcile) {
    FrameworkRecord framework = records.frameworks.get(frameworkId);
    if (reconcile.getTasksCount() == 0) {
      reconciliations.submit(framework, List.copyOf(framework.tasks.keySet()), taskId -> {
        TaskRecord task = framework.tasks.get(taskId);
        if (task != null) {
          framework.send(update(reconciliationStatus(task)));
        }
      });
      return;
    }
    reconciliations.submit(framework, reconcile.getTasksList(),
        t -> reconcileOne(framework, t.getTaskId(), t.hasAgentId() ? t.getAgentId().getValue() : null));
  }

  private void reconcileOne(FrameworkRecord framework, TaskID taskId, String agentId) {
    TaskRecord task = framework.tasks.get(taskId.getValue());
    if (task != null) {
      framework.send(update(reconciliationStatus(task)));
      return;
    }
    boolean aware = framework.hasCapability(FrameworkInfo.Capability.Type.PARTITION_AWARE);
    boolean agentKnown = agentId != null && records.agents.containsKey(agentId);
    UnreachableAgent unreachable = agentId == null ? null : records.unreachableAgents.get(agentId);
    TaskState state;
    String message;
    if (agentKnown) {
      state = aware ? TaskState.TASK_GONE : TaskState.TASK_LOST;
      message = "Reconciliation: Task is unknown to the agent";
    } else if (unreachable != null) {
      state = aware ? TaskState.TASK_UNREACHABLE : TaskState.TASK_LOST;
      TaskStatus sent = TaskStatus.newBuilder().setTaskId(taskId).setState(state)
          .setSource(TaskStatus.Source.SOURCE_MASTER).setReason(TaskStatus.Reason.REASON_RECONCILIATION)
          .setMessage("Reconciliation: Task is unreachable").setTimestamp(clock.millis() / 1000.0)
          .setAgentId(AgentID.newBuilder().setValue(agentId))
          .setUnreachableTime(OperatorProtos.time(unreachable.since.toEpochMilli())).build();
      framework.send(update(sent));
      return;
    } else if (agentId != null && records.goneAgents.contains(agentId)) {
      state = aware ? TaskState.TASK_GONE_BY_OPERATOR : TaskState.TASK_LOST;
      message = "Reconciliation: Task is gone";
    } else if (agentId != null && records.removedAgents.contains(agentId)) {
      // Mezzo's removal timeout: the agent will never come back, so neither will the task.
      state = aware ? TaskState.TASK_GONE : TaskState.TASK_LOST;
      message = "Reconciliation: Task is gone";
    } else {
      state = aware ? TaskState.TASK_UNKNOWN : TaskState.TASK_LOST;
      message = "Reconciliation: Task is unknown";
    }
    masterUpdate(clock, framework, taskId, agentId, state, TaskStatus.Reason.REASON_RECONCILIATION, message);
  }

  private TaskStatus reconciliationStatus(TaskRecord task) {
    TaskStatus.Builder status = TaskStatus.newBuilder()
        .setTaskId(task.info.getTaskId())
        .setState(task.state)
        .setSource(TaskStatus.Source.SOURCE_MASTER)
        .setReason(TaskStatus.Reason.REASON_RECONCILIATION)
        .setMessage("Reconciliation: Latest task state")
        .setAgentId(AgentID.newBuilder().setValue(task.agentId))
        .setTimestamp(clock.millis() / 1000.0);
    if (task.latestStatus != null) {
      if (task.latestStatus.hasExecutorId()) {
        status.setExecutorId(task.latestStatus.getExecutorId());
      }
      if (task.latestStatus.hasHealthy()) {
        status.setHealthy(task.latestStatus.getHealthy());
      }
    }
    return status.build();
  }
}
