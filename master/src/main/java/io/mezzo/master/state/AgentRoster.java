package io.mezzo.master.state;

import io.mezzo.protocol.Ids;

import static io.mezzo.master.state.TaskUpdates.isTerminal;
import static io.mezzo.master.state.TaskUpdates.masterUpdate;

import io.mezzo.master.offers.OfferBook.OfferRecord;
import io.mezzo.master.spi.AgentResources;
import io.mezzo.master.spi.Allocator;
import io.mezzo.master.spi.Resources;
import io.mezzo.protocol.Wire;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.protocol.internal.AgentChannel.RunningTask;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.master.Protos.Event.OfferEvent.RescindReason;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The agents of {@link ClusterState}: registration and re-registration on a new stream, adoption
 * of the tasks an agent reports (and of their frameworks, after a master failover), dropping the
 * tasks a re-registering agent no longer has, the check on an agent's calls (each one a sign of
 * life for the {@link AgentPings health checks}), and disconnection followed by the agent being
 * unreachable when it does not come back within the re-registration timeout; what unreachable
 * and gone mean is {@link AgentPartitions}'s.
 */
final class AgentRoster {
  private final MasterInfo masterInfo;
  private final Allocator allocator;
  private final Clock clock;
  private final Timers timers;
  private final Duration agentReregisterTimeout;
  private final ClusterRecords records;
  private final Reservations reservations;
  private final OfferCycle offerCycle;
  private final AgentLiveness liveness;
  private final AgentPartitions partitions;
  private final AgentPings pings;
  private long nextAgentId;
  private Consumer<String> agentAddedListener = agentId -> {};

  AgentRoster(MasterInfo masterInfo, Allocator allocator, Clock clock, Timers timers, Duration agentReregisterTimeout,
      ClusterRecords records, Reservations reservations, OfferCycle offerCycle, AgentLiveness liveness,
      AgentPartitions partitions) {
    this.masterInfo = masterInfo;
    this.allocator = allocator;
    this.clock = clock;
    this.timers = timers;
    this.agentReregisterTimeout = agentReregisterTimeout;
    this.records = records;
    this.reservations = reservations;
    this.offerCycle = offerCycle;
    this.liveness = liveness;
    this.partitions = partitions;
    this.pings = new AgentPings(timers, liveness, records, agent -> partitions.markUnreachable(agent,
        "no answer to " + liveness.maxPingTimeouts() + " pings in a row, sent every " + liveness.pingTimeout()));
  }

  /** See {@link ClusterState#onAgentAdded}. */
  void onAgentAdded(Consumer<String> listener) {
    agentAddedListener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Registers (or re-registers, when the agent names its id) an agent on a new stream and
   * answers REGISTERED on it.
   *
   * @return the agent id, or null when the registration was refused
   */
  String registerAgent(AgentCall.Register register, EventSink<AgentEvent> stream) {
    AgentInfo info = register.getAgentInfo();
    Optional<String> badText = registrationText(register);
    if (badText.isPresent()) {
      records.log.warn("Refused an agent registration from {}: {}", LogText.of(info.getHostname()), LogText.of(badText.get()));
      stream.send(AgentEvent.newBuilder().setType(AgentEvent.Type.ERROR)
          .setError(AgentEvent.Error.newBuilder().setMessage("Invalid agent registration: " + badText.get())).build());
      stream.close();
      return null;
    }
    AgentResources total;
    try {
      total = ProtoResources.toAgentResources(info.getResourcesList()).resources();
    } catch (ProtoResources.InvalidResources e) {
      stream.send(AgentEvent.newBuilder().setType(AgentEvent.Type.ERROR)
          .setError(AgentEvent.Error.newBuilder().setMessage("Invalid agent resources: " + e.getMessage())).build());
      stream.close();
      return null;
    }
    String refusal = info.hasId() ? partitions.refusal(info.getId().getValue()) : null;
    if (refusal != null) {
      records.log.warn("Refused the registration of agent {}: {}", info.getId().getValue(), refusal);
      stream.send(AgentEvent.newBuilder().setType(AgentEvent.Type.ERROR).setError(AgentEvent.Error.newBuilder()
          .setMessage(refusal)).build());
      stream.close();
      return null;
    }
    String id = info.hasId() ? info.getId().getValue() : masterInfo.getId() + "-S" + nextAgentId++;
    AgentRecord agent = records.agents.get(id);
    // What the agent must be told about its tasks goes after REGISTERED: it ignores events before.
    List<AgentEvent> afterRegistered = new ArrayList<>();
    if (agent != null) {
      reregister(agent, info, total.total(), register, stream, afterRegistered);
      records.counters.agentReregistered();
    } else {
      agent = new AgentRecord(id, info.toBuilder().setId(AgentID.newBuilder().setValue(id)).build(), total.total(),
          register.getRuntimesList(), clock.millis());
      agent.scheme = scheme(register);
      records.agents.put(id, agent);
      agent.stream = stream;
      AgentRecord added = agent;
      records.tellState(() -> OperatorProtos.agentAdded(masterInfo, added, records.offers));
      AgentResources used = AgentResources.EMPTY;
      for (RunningTask running : register.getTasksList()) {
        used = used.plus(adoptTask(agent, running, afterRegistered));
      }
      allocator.addAgent(id, reservations.withDynamicReservations(id, total), used);
      for (TaskRecord task : agent.tasks.values()) {
        allocator.addUsed(task.frameworkId, task.role, id, task.allocation);
      }
      agentAddedListener.accept(id);
      if (partitions.reachableAgain(agent, afterRegistered)) {
        records.counters.agentReregistered();
      } else {
        records.counters.agentRegistered();
      }
      records.log.info("Agent {} at {}:{} registered with {} and {} running tasks", id, LogText.of(info.getHostname()),
          info.getPort(), total, register.getTasksCount());
    }
    AgentEvent.Registered.Builder registered = AgentEvent.Registered.newBuilder()
        .setAgentId(AgentID.newBuilder().setValue(id)).setMasterInfo(masterInfo)
        .setHeartbeatIntervalSeconds(Wire.HEARTBEAT_INTERVAL_SECONDS);
    if (liveness.totalPingTimeout() != null) {
      registered.setPingTimeoutSeconds(liveness.totalPingTimeout().toMillis() / 1000.0);
    }
    stream.send(AgentEvent.newBuilder().setType(AgentEvent.Type.REGISTERED).setRegistered(registered).build());
    afterRegistered.forEach(stream::send);
    pings.start(agent);
    records.freed.accept(id);
    return id;
  }

  /** The ids and text an agent registers with: valid ids ({@link Ids}), text within {@link TextLimits}. */
  private static Optional<String> registrationText(AgentCall.Register register) {
    AgentInfo info = register.getAgentInfo();
    Optional<String> bad = info.hasId() ? Ids.checkId("Agent ID", info.getId().getValue())
        : Optional.empty();
    if (bad.isEmpty()) {
      bad = TextLimits.agentInfo("agent_info", info);
    }
    for (int i = 0; bad.isEmpty() && i < register.getTasksCount(); i++) {
      RunningTask running = register.getTasks(i);
      bad = Ids.checkId("Framework ID", running.getFrameworkId().getValue());
      if (bad.isEmpty()) {
        bad = Ids.checkId("Task ID", running.getTask().getTaskId().getValue());
      }
    }
    return bad;
  }

  private static String scheme(AgentCall.Register register) {
    return "https".equals(register.getScheme()) ? "https" : "http";
  }

  private void reregister(AgentRecord agent, AgentInfo info, Resources total, AgentCall.Register register,
      EventSink<AgentEvent> stream, List<AgentEvent> afterRegistered) {
    agent.scheme = scheme(register);
    if (agent.stream != null && agent.stream != stream) {
      agent.stream.close();
    }
    if (agent.removalTimer >= 0) {
      timers.cancel(agent.removalTimer);
      agent.removalTimer = -1;
    }
    agent.stream = stream;
    agent.info = info;
    // Mesos has no AGENT_UPDATED: the stream hears the reconnected agent (active again) as added anew.
    records.tellState(() -> OperatorProtos.agentAdded(masterInfo, agent, records.offers));
    for (RunningTask running : register.getTasksList()) {
      if (!agent.tasks.containsKey(AgentRecord.taskKey(running.getFrameworkId().getValue(),
          running.getTask().getTaskId().getValue()))) {
        AgentResources used = adoptTask(agent, running, afterRegistered);
        TaskRecord task = agent.tasks.get(AgentRecord.taskKey(running.getFrameworkId().getValue(),
            running.getTask().getTaskId().getValue()));
        if (task != null) {
          allocator.addUsed(task.frameworkId, task.role, agent.id, used);
        }
      }
    }
    dropTasksTheAgentNoLongerHas(agent, register);
    allocator.setAgentActive(agent.id, true);
    records.log.info("Agent {} re-registered with {} running tasks", agent.id, register.getTasksCount());
  }

  /**
   * A task this master placed on the agent that the agent does not report when it re-registers
   * (a RUN_TASK lost with the old stream, a task a restarted agent could not recover, a custom
   * executor's task) is gone: its framework hears TASK_LOST (TASK_GONE when partition-aware)
   * and its resources come back, as Mesos does when it reconciles a re-registering agent.
   */
  private void dropTasksTheAgentNoLongerHas(AgentRecord agent, AgentCall.Register register) {
    Set<AgentRecord.TaskKey> reported = new HashSet<>();
    for (RunningTask running : register.getTasksList()) {
      reported.add(AgentRecord.taskKey(running.getFrameworkId().getValue(), running.getTask().getTaskId().getValue()));
    }
    for (Map.Entry<AgentRecord.TaskKey, TaskRecord> entry : new ArrayList<>(agent.tasks.entrySet())) {
      TaskRecord task = entry.getValue();
      if (reported.contains(entry.getKey()) || isTerminal(task.state)) {
        continue;
      }
      agent.tasks.remove(entry.getKey());
      FrameworkRecord framework = records.frameworks.get(task.frameworkId);
      if (!task.resourcesRecovered) {
        task.resourcesRecovered = true;
        allocator.recover(task.frameworkId, task.role, agent.id, task.allocation, 0, clock.instant());
      }
      if (framework == null) {
        continue;
      }
      framework.tasks.remove(task.id());
      boolean aware = framework.hasCapability(FrameworkInfo.Capability.Type.PARTITION_AWARE);
      records.log.info("[framework={}] task {} is gone: agent {} re-registered without it", task.frameworkId, task.id(), agent.id);
      TaskStatus sent = masterUpdate(clock, framework, task.info.getTaskId(), agent.id,
          aware ? TaskState.TASK_GONE : TaskState.TASK_LOST, TaskStatus.Reason.REASON_AGENT_RESTARTED,
          "Task is unknown to the agent " + agent.id + " after it re-registered");
      records.counters.taskTerminated(aware ? TaskState.TASK_GONE : TaskState.TASK_LOST);
      records.tellState(() -> OperatorProtos.taskUpdated(task.frameworkId, sent));
      records.completed.taskEnded(OperatorProtos.ended(task, sent));
    }
  }

  /** A task an agent reports as running, which this master did not launch (e.g. after a master failover). */
  private AgentResources adoptTask(AgentRecord agent, RunningTask running, List<AgentEvent> afterRegistered) {
    String frameworkId = running.getFrameworkId().getValue();
    if (records.completedFrameworks.contains(frameworkId)) {
      AgentEvent shutdown = AgentEvent.newBuilder().setType(AgentEvent.Type.SHUTDOWN_FRAMEWORK)
          .setShutdownFramework(AgentEvent.ShutdownFramework.newBuilder().setFrameworkId(running.getFrameworkId()))
          .build();
      if (!afterRegistered.contains(shutdown)) {
        afterRegistered.add(shutdown);
      }
      return AgentResources.EMPTY;
    }
    FrameworkRecord framework = records.frameworks.get(frameworkId);
    if (framework == null) {
      FrameworkInfo info = running.hasFrameworkInfo() ? running.getFrameworkInfo()
          : FrameworkInfo.newBuilder().setUser("unknown").setName("unknown").build();
      framework = new FrameworkRecord(frameworkId, info.toBuilder().setId(running.getFrameworkId()).build(),
          clock.millis());
      framework.recovered = true;
      records.frameworks.put(frameworkId, framework);
      allocator.addFramework(frameworkId, framework.roles(), Set.of());
      allocator.setFrameworkActive(frameworkId, false);
      FrameworkRecord recovered = framework;
      records.tellState(() -> OperatorProtos.frameworkAdded(recovered, records));
    }
    AgentResources resources;
    try {
      resources = ProtoResources.toAgentResources(running.getTask().getResourcesList()).resources();
    } catch (ProtoResources.InvalidResources e) {
      resources = AgentResources.EMPTY;
    }
    String role = framework.roles().iterator().hasNext() ? framework.roles().iterator().next() : "*";
    TaskRecord task = new TaskRecord(framework.id, agent.protoId, role, running.getTask(), resources, records.shared);
    task.state = running.getState();
    framework.tasks.put(task.id(), task);
    agent.tasks.put(AgentRecord.taskKey(framework.id, task.id()), task);
    records.tellState(() -> OperatorProtos.taskAdded(task));
    if (running.hasExecutor()) {
      String key = ExecutorRecord.key(frameworkId, running.getExecutor().getExecutorId().getValue());
      if (!agent.executors.containsKey(key)) {
        AgentResources executorResources = ProtoResources.toAgentResources(running.getExecutor().getResourcesList())
            .resources();
        agent.executors.put(key, new ExecutorRecord(frameworkId, agent.id, role, running.getExecutor(),
            executorResources));
        resources = resources.plus(executorResources);
      }
    }
    return resources;
  }

  void checkAgentCaller(String agentId, String streamId) {
    AgentRecord agent = records.agents.get(agentId);
    if (agent == null) {
      throw new CallRejected(400, "Agent " + agentId + " is not registered");
    }
    if (!agent.connected()) {
      throw new CallRejected(403, "Agent " + agentId + " is not connected");
    }
    if (streamId == null || !streamId.equals(agent.stream.streamId())) {
      throw new CallRejected(400, "The stream ID '" + streamId + "' does not match agent " + agentId);
    }
    pings.heard(agent);
  }

  /** The agent's stream closed. Its offers are rescinded; it is removed if it does not come back in time. */
  void agentDisconnected(String agentId, String streamId) {
    AgentRecord agent = records.agents.get(agentId);
    if (agent == null || agent.stream == null || !agent.stream.streamId().equals(streamId)) {
      return;
    }
    agent.stream = null;
    pings.stop(agent);
    allocator.setAgentActive(agentId, false);
    for (OfferRecord offer : records.offers.forAgent(agentId)) {
      offerCycle.rescind(offer, RescindReason.AGENT_DISCONNECTED, "Agent " + agentId + " disconnected");
    }
    records.log.info("Agent {} disconnected; removing it unless it re-registers within {}", agentId, agentReregisterTimeout);
    agent.removalTimer = timers.schedule(agentReregisterTimeout, () -> {
      if (!agent.connected() && records.agents.get(agentId) == agent) {
        partitions.markUnreachable(agent, "it did not re-register within " + agentReregisterTimeout);
      }
    });
  }

  /** See {@link ClusterState#markAgentGone}. */
  void markGone(String agentId) {
    partitions.markGone(agentId);
  }
}
