package io.mezzo.master.state;

import static io.mezzo.master.state.TaskUpdates.isTerminal;
import static io.mezzo.master.state.TaskUpdates.update;

import io.mezzo.master.offers.OfferBook.OfferRecord;
import io.mezzo.master.spi.Allocator;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.master.Protos.Event.OfferEvent.RescindReason;
import io.mezzo.v1.scheduler.Protos.Event;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agents leaving and coming back, with Mesos's task states: an agent is marked unreachable
 * (silent past the ping limit, or not re-registered in time), comes back when it re-registers,
 * and is gone for good after the removal timeout or when an operator marks it gone.
 *
 * <p>Unreachable: its offers are rescinded, it leaves the allocator, its tasks become
 * TASK_UNREACHABLE (TASK_LOST for frameworks that are not PARTITION_AWARE; both with
 * REASON_AGENT_REMOVED and the unreachable time, as Mesos sends them) and every framework gets a
 * FAILURE event. Back: a PARTITION_AWARE framework hears each task's state as the agent reports
 * it (REASON_AGENT_REREGISTERED, as Mesos 1.5+ sends it); a task of any other framework, already
 * reported lost, is killed on the agent (Mesos before 1.5 shut those frameworks down on the agent).
 * Gone: PARTITION_AWARE frameworks hear TASK_GONE (TASK_GONE_BY_OPERATOR when an operator said so).
 */
final class AgentPartitions {
  // Same logger as ClusterState, so that the master's log reads as before the split.
  private static final Logger log = LoggerFactory.getLogger(ClusterState.class);

  private final Allocator allocator;
  private final Clock clock;
  private final Timers timers;
  private final AgentLiveness liveness;
  private final ClusterRecords records;
  private final Reservations reservations;
  private final OfferCycle offerCycle;
  private Runnable changed = () -> {};

  AgentPartitions(Allocator allocator, Clock clock, Timers timers, AgentLiveness liveness, ClusterRecords records,
      Reservations reservations, OfferCycle offerCycle) {
    this.allocator = allocator;
    this.clock = clock;
    this.timers = timers;
    this.liveness = liveness;
    this.records = records;
    this.reservations = reservations;
    this.offerCycle = offerCycle;
  }

  /** See {@link ClusterState#onUnreachableAgentsChanged}. */
  void onChanged(Runnable listener) {
    changed = listener;
  }

  /** Why an agent with this id may not register, if it may not. */
  String refusal(String agentId) {
    if (records.goneAgents.contains(agentId)) {
      return "Agent " + agentId + " has been marked gone by an operator";
    }
    if (records.removedAgents.contains(agentId)) {
      return "Agent " + agentId + " was unreachable for longer than the agent removal timeout and is gone";
    }
    return null;
  }

  /**
   * Marks a registered agent unreachable: it leaves the master (its stream is closed, so that it
   * re-registers once it can) and its tasks are kept as unreachable until it comes back or is gone.
   */
  void markUnreachable(AgentRecord agent, String message) {
    log.warn("Agent {} is unreachable ({}); {} tasks unreachable", agent.id, message, agent.tasks.size());
    for (OfferRecord offer : records.offers.forAgent(agent.id)) {
      offerCycle.rescind(offer, RescindReason.AGENT_UNREACHABLE, "Agent " + agent.id + " is unreachable: " + message);
    }
    if (agent.stream != null) {
      agent.stream.close();
      agent.stream = null;
    }
    Instant now = clock.instant();
    UnreachableAgent unreachable = new UnreachableAgent(agent.id, now);
    records.counters.agentUnreachable();
    detach(agent);
    for (TaskRecord task : new ArrayList<>(agent.tasks.values())) {
      FrameworkRecord framework = records.frameworks.get(task.frameworkId);
      if (framework == null) {
        continue;
      }
      framework.tasks.remove(task.id());
      unreachable.tasks.add(task);
      if (isTerminal(task.state)) {
        continue;
      }
      boolean aware = framework.hasCapability(FrameworkInfo.Capability.Type.PARTITION_AWARE);
      TaskStatus status = status(task, aware ? TaskState.TASK_UNREACHABLE : TaskState.TASK_LOST,
          TaskStatus.Reason.REASON_AGENT_REMOVED, "Agent " + agent.id + " is unreachable: " + message)
          .setUnreachableTime(OperatorProtos.time(now.toEpochMilli())).build();
      tell(framework, task, status);
      if (!aware) {
        // A partition-aware framework's task is unreachable, not terminal (Mesos counts it in a gauge).
        records.counters.taskTerminated(TaskState.TASK_LOST);
      }
    }
    records.unreachableAgents.put(agent.id, unreachable);
    armRemoval(unreachable, liveness.removalTimeout());
    announceRemoval(agent.id);
    changed.run();
  }

  /**
   * An unreachable agent registered again and its reported tasks were adopted into {@code agent}:
   * partition-aware frameworks hear each task's state, the other frameworks' tasks are killed
   * (the events go into {@code afterRegistered}, since the agent ignores what comes before REGISTERED).
   *
   * @return whether the agent was unreachable
   */
  boolean reachableAgain(AgentRecord agent, List<AgentEvent> afterRegistered) {
    UnreachableAgent unreachable = records.unreachableAgents.remove(agent.id);
    if (unreachable == null) {
      return false;
    }
    cancelRemoval(unreachable);
    log.info("Unreachable agent {} re-registered after {}", agent.id,
        Duration.between(unreachable.since, clock.instant()));
    for (TaskRecord task : agent.tasks.values()) {
      FrameworkRecord framework = records.frameworks.get(task.frameworkId);
      if (framework == null || isTerminal(task.state)) {
        continue;
      }
      if (framework.hasCapability(FrameworkInfo.Capability.Type.PARTITION_AWARE)) {
        tell(framework, task, status(task, task.state, TaskStatus.Reason.REASON_AGENT_REREGISTERED,
            "Unreachable agent re-registered").build());
      } else {
        log.info("[framework={}] killing task {} on re-registered agent {}: it was reported lost and the framework"
            + " is not partition-aware", task.frameworkId, task.id(), agent.id);
        afterRegistered.add(AgentEvent.newBuilder().setType(AgentEvent.Type.KILL_TASK)
            .setKillTask(AgentEvent.KillTask.newBuilder().setFrameworkId(FrameworkID.newBuilder()
                .setValue(task.frameworkId)).setTaskId(task.info.getTaskId()))
            .build());
      }
    }
    changed.run();
    return true;
  }

  /**
   * MARK_AGENT_GONE, for a registered or unreachable agent: its tasks end (TASK_GONE_BY_OPERATOR,
   * TASK_LOST for frameworks that are not PARTITION_AWARE), its offers are rescinded, its stream
   * closed, and it may not register again.
   *
   * @throws CallRejected 404 for an agent this master does not know
   */
  void markGone(String agentId) {
    if (records.goneAgents.contains(agentId)) {
      return;
    }
    AgentRecord agent = records.agents.get(agentId);
    UnreachableAgent unreachable = records.unreachableAgents.remove(agentId);
    if (agent == null && unreachable == null && !records.removedAgents.contains(agentId)) {
      throw new CallRejected(404, "Agent '" + agentId + "' not found");
    }
    records.goneAgents.add(agentId);
    if (records.removedAgents.remove(agentId)) {
      changed.run();
    }
    String message = "Agent " + agentId + " was marked gone by an operator";
    if (unreachable != null) {
      cancelRemoval(unreachable);
      log.info("Unreachable agent {} marked gone by an operator", agentId);
      endUnreachableTasks(unreachable, TaskState.TASK_GONE_BY_OPERATOR, TaskStatus.Reason.REASON_AGENT_REMOVED_BY_OPERATOR,
          message, true);
      changed.run();
    }
    if (agent == null) {
      return;
    }
    log.info("Agent {} marked gone by an operator; {} tasks gone", agentId, agent.tasks.size());
    for (OfferRecord offer : records.offers.forAgent(agentId)) {
      offerCycle.rescind(offer, RescindReason.AGENT_REMOVED, message);
    }
    if (agent.stream != null) {
      agent.stream.send(AgentEvent.newBuilder().setType(AgentEvent.Type.ERROR).setError(AgentEvent.Error.newBuilder()
          .setMessage("Agent " + agentId + " has been marked gone by an operator")).build());
      agent.stream.close();
      agent.stream = null;
    }
    detach(agent);
    for (TaskRecord task : new ArrayList<>(agent.tasks.values())) {
      FrameworkRecord framework = records.frameworks.get(task.frameworkId);
      if (framework == null) {
        continue;
      }
      framework.tasks.remove(task.id());
      if (!isTerminal(task.state)) {
        boolean aware = framework.hasCapability(FrameworkInfo.Capability.Type.PARTITION_AWARE);
        tell(framework, task, status(task, aware ? TaskState.TASK_GONE_BY_OPERATOR : TaskState.TASK_LOST,
            TaskStatus.Reason.REASON_AGENT_REMOVED_BY_OPERATOR, message).build());
        records.counters.taskTerminated(aware ? TaskState.TASK_GONE_BY_OPERATOR : TaskState.TASK_LOST);
      }
    }
    announceRemoval(agentId);
  }

  /**
   * Unreachable and removed agents from the registry of a previous leader: the former may still
   * come back until their removal timeout, counted from when they became unreachable.
   */
  void recover(Map<String, Instant> unreachable, List<String> removed) {
    records.removedAgents.addAll(removed);
    Instant now = clock.instant();
    unreachable.forEach((agentId, since) -> {
      if (records.agents.containsKey(agentId) || records.unreachableAgents.containsKey(agentId)
          || records.goneAgents.contains(agentId) || records.removedAgents.contains(agentId)) {
        return;
      }
      UnreachableAgent agent = new UnreachableAgent(agentId, since);
      records.unreachableAgents.put(agentId, agent);
      Duration left = liveness.removalTimeout().minus(Duration.between(since, now));
      armRemoval(agent, left.isNegative() ? Duration.ZERO : left);
    });
  }

  private void armRemoval(UnreachableAgent agent, Duration delay) {
    agent.removalTimer = timers.schedule(delay, () -> {
      if (records.unreachableAgents.get(agent.id) == agent) {
        expire(agent);
      }
    });
  }

  private void cancelRemoval(UnreachableAgent agent) {
    if (agent.removalTimer >= 0) {
      timers.cancel(agent.removalTimer);
      agent.removalTimer = -1;
    }
  }

  /** The removal timeout ran out: the agent is gone and may never register again. */
  private void expire(UnreachableAgent agent) {
    records.unreachableAgents.remove(agent.id);
    records.removedAgents.add(agent.id);
    log.warn("Agent {} was unreachable for longer than {}: it is gone and may not register again", agent.id,
        liveness.removalTimeout());
    // Frameworks that are not partition-aware were told TASK_LOST already.
    endUnreachableTasks(agent, TaskState.TASK_GONE, TaskStatus.Reason.REASON_AGENT_REMOVED,
        "Agent " + agent.id + " was unreachable for longer than the agent removal timeout", false);
    changed.run();
  }

  private void endUnreachableTasks(UnreachableAgent agent, TaskState awareState, TaskStatus.Reason reason,
      String message, boolean tellOthersLost) {
    for (TaskRecord task : agent.tasks) {
      FrameworkRecord framework = records.frameworks.get(task.frameworkId);
      if (framework == null || isTerminal(task.state)) {
        continue;
      }
      boolean aware = framework.hasCapability(FrameworkInfo.Capability.Type.PARTITION_AWARE);
      if (aware || tellOthersLost) {
        tell(framework, task, status(task, aware ? awareState : TaskState.TASK_LOST, reason, message).build());
      }
      if (aware) {
        records.counters.taskTerminated(awareState);
      }
    }
    agent.tasks.clear();
  }

  /** Takes a registered agent out of the master's books: allocator, reservations, health checks. */
  private void detach(AgentRecord agent) {
    if (agent.removalTimer >= 0) {
      timers.cancel(agent.removalTimer);
      agent.removalTimer = -1;
    }
    if (agent.pingTimer >= 0) {
      timers.cancel(agent.pingTimer);
      agent.pingTimer = -1;
    }
    records.agents.remove(agent.id);
    records.counters.agentRemoved();
    reservations.forgetAgent(agent.id);
    allocator.removeAgent(agent.id);
    for (TaskRecord task : agent.tasks.values()) {
      // The allocator dropped the agent with what it held; nothing of it may be recovered again.
      task.resourcesRecovered = true;
    }
  }

  /** The operator stream hears the agent removed (as for an agent that unregisters in Mesos); frameworks get FAILURE. */
  private void announceRemoval(String agentId) {
    records.tellState(() -> OperatorProtos.agentRemoved(agentId));
    Event failure = Event.newBuilder().setType(Event.Type.FAILURE)
        .setFailure(Event.Failure.newBuilder().setAgentId(AgentID.newBuilder().setValue(agentId))).build();
    records.frameworks.values().forEach(f -> f.send(failure));
  }

  private TaskStatus.Builder status(TaskRecord task, TaskState state, TaskStatus.Reason reason, String message) {
    TaskStatus.Builder status = TaskStatus.newBuilder().setTaskId(task.info.getTaskId()).setState(state)
        .setSource(TaskStatus.Source.SOURCE_MASTER).setReason(reason).setMessage(message)
        .setAgentId(AgentID.newBuilder().setValue(task.agentId)).setTimestamp(clock.millis() / 1000.0);
    if (task.latestStatus != null && task.latestStatus.hasExecutorId()) {
      status.setExecutorId(task.latestStatus.getExecutorId());
    }
    return status;
  }

  /** The master's own update (no uuid, not retried): recorded on the task, sent, and told to the operator stream. */
  private void tell(FrameworkRecord framework, TaskRecord task, TaskStatus status) {
    task.recordStatus(status);
    framework.send(update(status));
    records.tellState(() -> OperatorProtos.taskUpdated(task.frameworkId, status));
    if (isTerminal(status.getState())) {
      records.completed.taskEnded(OperatorProtos.ended(task, status));
    }
  }
}
