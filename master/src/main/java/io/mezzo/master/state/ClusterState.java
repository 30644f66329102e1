package io.mezzo.master.state;

import static io.mezzo.master.state.TaskUpdates.isTerminal;
import static io.mezzo.master.state.TaskUpdates.masterUpdate;
import static io.mezzo.master.state.TaskUpdates.update;

import io.mezzo.master.offers.OfferBook;
import io.mezzo.master.offers.OfferBook.OfferRecord;
import io.mezzo.master.offers.OfferBook.Outcome;
import io.mezzo.master.spi.Allocator;
import io.mezzo.master.spi.Resources;
import io.mezzo.protocol.Ids;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.protocol.internal.AgentChannel.StatusUpdate;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import io.mezzo.protocol.Wire;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All cluster state of the leading master: agents, frameworks, tasks and offers, with the
 * allocator. Every method runs on the master's single state context; nothing here blocks
 * or locks. Calls that the master refuses throw {@link CallRejected} before changing
 * anything.
 *
 * <p>This class is the one entry point for the APIs and the verticle. It handles frameworks
 * (subscription, failover, removal) and the calls on running tasks itself, and hands the rest
 * to package-private parts that share the {@link ClusterRecords}: {@link OfferCycle} (offers),
 * {@link TaskLauncher} (ACCEPT), {@link AgentRoster} (agents) and {@link Reservations}
 * (dynamic reservations).
 */
public final class ClusterState {
  private static final Logger log = LoggerFactory.getLogger(ClusterState.class);

  private final MasterInfo masterInfo;
  private final Allocator allocator;
  private final Clock clock;
  private final Timers timers;
  private final ClusterRecords records = new ClusterRecords();
  private final Map<String, FrameworkRecord> frameworks = records.frameworks;
  private final Set<String> completedFrameworks = records.completedFrameworks;
  private final Map<String, AgentRecord> agents = records.agents;
  private final OfferBook offers = records.offers;
  private final Reservations reservations;
  private final OfferCycle offerCycle;
  private final TaskLauncher launcher;
  private final AgentRoster agentRoster;
  private long nextFrameworkId;

  public ClusterState(MasterInfo masterInfo, Allocator allocator, Clock clock, Timers timers,
      Duration agentReregisterTimeout) {
    this(masterInfo, allocator, clock, timers, agentReregisterTimeout, null);
  }

  /** {@code offerTimeout}: outstanding offers older than this are rescinded; null = never. */
  public ClusterState(MasterInfo masterInfo, Allocator allocator, Clock clock, Timers timers,
      Duration agentReregisterTimeout, Duration offerTimeout) {
    this.masterInfo = masterInfo;
    this.allocator = allocator;
    this.clock = clock;
    this.timers = timers;
    this.reservations = new Reservations(allocator);
    this.offerCycle = new OfferCycle(masterInfo, allocator, clock, offerTimeout, records, reservations);
    this.launcher = new TaskLauncher(allocator, clock, records, offerCycle, reservations);
    this.agentRoster = new AgentRoster(masterInfo, allocator, clock, timers, agentReregisterTimeout, records,
        reservations, offerCycle);
  }

  public MasterInfo masterInfo() {
    return masterInfo;
  }

  // ---------------------------------------------------------------- operator API (registry)

  /**
   * Called with an agent's id right after the agent was added to the allocator (its first
   * registration with this leader), so that registry state such as dynamic reservations
   * can be re-applied.
   */
  public void onAgentAdded(java.util.function.Consumer<String> listener) {
    agentRoster.onAgentAdded(listener);
  }

  /** The total resources of a registered agent. */
  public Optional<Resources> agentTotal(String agentId) {
    AgentRecord agent = agents.get(agentId);
    return agent == null ? Optional.empty() : Optional.of(agent.total);
  }

  /** The total resources of all registered agents. */
  public Resources totalResources() {
    Resources total = Resources.EMPTY;
    for (AgentRecord agent : agents.values()) {
      total = total.plus(agent.total);
    }
    return total;
  }

  public boolean hasFramework(String frameworkId) {
    return frameworks.containsKey(frameworkId);
  }

  // ---------------------------------------------------------------- frameworks

  /**
   * Subscribes a framework on a new stream: SUBSCRIBED and a first HEARTBEAT go out, or an
   * ERROR when the subscription is refused, after which the stream is closed.
   *
   * @return the framework id, or null when the subscription was refused
   */
  public String subscribe(Call.Subscribe subscribe, EventSink<Event> stream) {
    FrameworkInfo info = subscribe.getFrameworkInfo();
    Optional<String> invalid = validateFrameworkInfo(info);
    if (invalid.isPresent()) {
      refuseSubscription(stream, invalid.get());
      return null;
    }
    String id = info.hasId() && !info.getId().getValue().isEmpty() ? info.getId().getValue() : null;
    if (id != null && completedFrameworks.contains(id)) {
      refuseSubscription(stream, "Framework has been removed");
      return null;
    }
    FrameworkRecord framework = id == null ? null : frameworks.get(id);
    if (framework != null && framework.info.hasPrincipal() && !framework.info.getPrincipal().equals(info.getPrincipal())) {
      refuseSubscription(stream, "Changing framework's principal is not allowed.");
      return null;
    }
    if (id == null) {
      id = String.format("%s-%04d", masterInfo.getId(), nextFrameworkId++);
    }
    if (framework == null) {
      framework = new FrameworkRecord(id, info.toBuilder().setId(FrameworkID.newBuilder().setValue(id)).build(),
          clock.millis());
      frameworks.put(id, framework);
      log.info("[framework={}] subscribed: name '{}', roles {}", id, info.getName(), framework.roles());
    } else {
      failOver(framework, info);
    }
    framework.stream = stream;
    stream.send(Event.newBuilder().setType(Event.Type.SUBSCRIBED)
        .setSubscribed(Event.Subscribed.newBuilder()
            .setFrameworkId(FrameworkID.newBuilder().setValue(id))
            .setHeartbeatIntervalSeconds(Wire.HEARTBEAT_INTERVAL_SECONDS)
            .setMasterInfo(masterInfo))
        .build());
    stream.send(heartbeatEvent());
    // The allocator already knows this framework's running tasks (launched here or adopted from agents).
    allocator.addFramework(id, framework.roles(), new HashSet<>(subscribe.getSuppressedRolesList()),
        minAllocatable(framework.info));
    return id;
  }

  /** {@code FrameworkInfo.offer_filters[role].min_allocatable_resources}, for the allocator. */
  private static Map<String, List<Resources>> minAllocatable(FrameworkInfo info) {
    Map<String, List<Resources>> out = new TreeMap<>();
    info.getOfferFiltersMap().forEach((role, filters) -> {
      if (filters.hasMinAllocatableResources()) {
        List<Resources> sets = new ArrayList<>();
        for (io.mezzo.v1.Protos.ResourceQuantities q : filters.getMinAllocatableResources().getQuantitiesList()) {
          Map<String, Double> scalars = new TreeMap<>();
          q.getQuantitiesMap().forEach((name, scalar) -> scalars.put(name, Math.max(0, scalar.getValue())));
          sets.add(Resources.scalars(scalars));
        }
        out.put(role, sets);
      }
    });
    return out;
  }

  /** Re-subscription: the old stream is told and closed, outstanding offers are dropped without RESCIND. */
  private void failOver(FrameworkRecord framework, FrameworkInfo info) {
    if (framework.stream != null) {
      framework.stream.send(error("Framework failed over"));
      framework.stream.close();
      framework.stream = null;
    }
    if (framework.failoverTimer >= 0) {
      timers.cancel(framework.failoverTimer);
      framework.failoverTimer = -1;
    }
    for (OfferRecord offer : offers.forFramework(framework.id)) {
      offerCycle.retire(offer, Outcome.DISCARDED, 0);
    }
    FrameworkInfo.Builder updated = info.toBuilder().setId(FrameworkID.newBuilder().setValue(framework.id))
        .setUser(framework.info.getUser()).setCheckpoint(framework.info.getCheckpoint());
    if (framework.info.hasPrincipal()) {
      updated.setPrincipal(framework.info.getPrincipal());
    }
    framework.info = updated.build();
    log.info("[framework={}] re-subscribed", framework.id);
  }

  private Optional<String> validateFrameworkInfo(FrameworkInfo info) {
    boolean multiRole = info.getCapabilitiesList().stream()
        .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.MULTI_ROLE);
    if (multiRole) {
      if (info.hasRole()) {
        return Optional.of("'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable");
      }
      Set<String> seen = new HashSet<>();
      for (String role : info.getRolesList()) {
        if (!seen.add(role)) {
          return Optional.of("'FrameworkInfo.roles' contains duplicate role '" + role + "'");
        }
        Optional<String> bad = Ids.checkRole(role);
        if (bad.isPresent()) {
          return bad;
        }
      }
    } else {
      if (info.getRolesCount() > 0) {
        return Optional.of("'FrameworkInfo.roles' must be empty when the framework is not MULTI_ROLE capable");
      }
      Optional<String> bad = Ids.checkRole(info.getRole());
      if (bad.isPresent()) {
        return bad;
      }
    }
    if (info.hasId() && !info.getId().getValue().isEmpty()) {
      Optional<String> bad = Ids.checkId("Framework ID", info.getId().getValue());
      if (bad.isPresent()) {
        return bad;
      }
    }
    if (!(info.getFailoverTimeout() >= 0) || Double.isInfinite(info.getFailoverTimeout())) {
      return Optional.of("Invalid failover_timeout: " + info.getFailoverTimeout());
    }
    return Optional.empty();
  }

  private void refuseSubscription(EventSink<Event> stream, String message) {
    log.info("Refused a subscription: {}", message);
    stream.send(error(message));
    stream.close();
  }

  /**
   * Checks that a non-SUBSCRIBE call may proceed: the framework exists (400), is subscribed
   * (403) and the stream id matches (400).
   */
  public void checkCaller(String frameworkId, String streamId) {
    FrameworkRecord framework = frameworks.get(frameworkId);
    if (framework == null) {
      throw new CallRejected(400, "Framework cannot be found");
    }
    if (!framework.connected()) {
      throw new CallRejected(403, "Framework is not subscribed");
    }
    if (streamId == null) {
      throw new CallRejected(400, "All non-subscribe calls should include the '" + Wire.MESOS_STREAM_ID + "' header");
    }
    if (!streamId.equals(framework.stream.streamId())) {
      throw new CallRejected(400, "The stream ID '" + streamId + "' included in this request didn't match the stream ID"
          + " currently associated with framework ID " + frameworkId);
    }
  }

  /** The subscription stream closed (connection gone). The framework keeps its tasks until its failover timeout. */
  public void frameworkDisconnected(String frameworkId, String streamId) {
    FrameworkRecord framework = frameworks.get(frameworkId);
    if (framework == null || framework.stream == null || !framework.stream.streamId().equals(streamId)) {
      return;
    }
    framework.stream = null;
    allocator.setFrameworkActive(frameworkId, false);
    for (OfferRecord offer : offers.forFramework(frameworkId)) {
      offerCycle.retire(offer, Outcome.RESCINDED, 0);
    }
    double timeout = framework.info.getFailoverTimeout();
    log.info("[framework={}] disconnected; failover timeout {} s", frameworkId, timeout);
    if (timeout <= 0) {
      removeFramework(framework, "its failover timeout is 0");
    } else {
      framework.failoverTimer = timers.schedule(Duration.ofMillis((long) (timeout * 1000)),
          () -> {
            if (!framework.connected() && frameworks.get(frameworkId) == framework) {
              removeFramework(framework, "its failover timeout of " + timeout + " s expired");
            }
          });
    }
  }

  public void teardown(String frameworkId) {
    removeFramework(frameworks.get(frameworkId), "it asked to be torn down");
  }

  /** Removes a framework: its tasks are killed on their agents, its offers and stream dropped. */
  private void removeFramework(FrameworkRecord framework, String why) {
    log.info("[framework={}] removed because {}; killing {} tasks", framework.id, why, framework.tasks.size());
    if (framework.failoverTimer >= 0) {
      timers.cancel(framework.failoverTimer);
    }
    for (OfferRecord offer : offers.forFramework(framework.id)) {
      offerCycle.retire(offer, Outcome.DISCARDED, 0);
    }
    Set<String> agentIds = new LinkedHashSet<>();
    for (AgentRecord agent : agents.values()) {
      if (agent.executors.values().removeIf(e -> e.frameworkId.equals(framework.id))) {
        agentIds.add(agent.id);
      }
    }
    for (TaskRecord task : framework.tasks.values()) {
      agentIds.add(task.agentId);
      AgentRecord agent = agents.get(task.agentId);
      if (agent != null) {
        agent.tasks.remove(AgentRecord.taskKey(framework.id, task.id()));
      }
    }
    for (String agentId : agentIds) {
      AgentRecord agent = agents.get(agentId);
      if (agent != null) {
        agent.send(AgentEvent.newBuilder().setType(AgentEvent.Type.SHUTDOWN_FRAMEWORK)
            .setShutdownFramework(AgentEvent.ShutdownFramework.newBuilder()
                .setFrameworkId(FrameworkID.newBuilder().setValue(framework.id)))
            .build());
      }
    }
    framework.tasks.clear();
    allocator.removeFramework(framework.id);
    if (framework.stream != null) {
      framework.stream.close();
      framework.stream = null;
    }
    frameworks.remove(framework.id);
    completedFrameworks.add(framework.id);
  }

  // ---------------------------------------------------------------- offers

  /** Runs one allocation round and sends the resulting offers. */
  public void allocate() {
    offerCycle.allocate();
  }

  public void decline(String frameworkId, Call.Decline decline) {
    offerCycle.decline(frameworkId, decline);
  }

  public void accept(String frameworkId, Call.Accept accept) {
    launcher.accept(frameworkId, accept);
  }

  public void revive(String frameworkId, List<String> roles) {
    allocator.revive(frameworkId, new HashSet<>(roles));
  }

  public void suppress(String frameworkId, List<String> roles) {
    allocator.suppress(frameworkId, new HashSet<>(roles));
  }

  // ---------------------------------------------------------------- tasks

  public void kill(String frameworkId, Call.Kill kill) {
    FrameworkRecord framework = frameworks.get(frameworkId);
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
    AgentRecord agent = agents.get(task.agentId);
    if (agent != null) {
      agent.send(AgentEvent.newBuilder().setType(AgentEvent.Type.KILL_TASK).setKillTask(killTask).build());
    }
  }

  /** SHUTDOWN: the agent tells the executor to shut down and kills it after its grace period. */
  public void shutdown(String frameworkId, Call.Shutdown shutdown) {
    AgentRecord agent = agents.get(shutdown.getAgentId().getValue());
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

  /** MESSAGE: passed to the executor through its agent, best effort, as in Mesos. */
  public void message(String frameworkId, Call.Message message) {
    AgentRecord agent = agents.get(message.getAgentId().getValue());
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

  /** An executor's message for its scheduler: a MESSAGE event, best effort. */
  public void executorMessage(String agentId, AgentCall.ExecutorMessage message) {
    FrameworkRecord framework = frameworks.get(message.getFrameworkId().getValue());
    if (framework != null) {
      framework.send(Event.newBuilder().setType(Event.Type.MESSAGE)
          .setMessage(Event.Message.newBuilder().setAgentId(AgentID.newBuilder().setValue(agentId))
              .setExecutorId(message.getExecutorId()).setData(message.getData()))
          .build());
    }
  }

  /** An executor ended: its resources return and its framework gets a FAILURE event. */
  public void executorTerminated(String agentId, AgentCall.ExecutorTerminated terminated) {
    AgentRecord agent = agents.get(agentId);
    String frameworkId = terminated.getFrameworkId().getValue();
    ExecutorRecord executor = agent.executors.remove(
        ExecutorRecord.key(frameworkId, terminated.getExecutorId().getValue()));
    if (executor != null && !executor.resources.isEmpty()) {
      allocator.recover(frameworkId, executor.role, agentId, executor.resources, 0, clock.instant());
    }
    FrameworkRecord framework = frameworks.get(frameworkId);
    if (framework != null) {
      Event.Failure.Builder failure = Event.Failure.newBuilder().setAgentId(AgentID.newBuilder().setValue(agentId))
          .setExecutorId(terminated.getExecutorId());
      if (terminated.hasStatus()) {
        failure.setStatus(terminated.getStatus());
      }
      framework.send(Event.newBuilder().setType(Event.Type.FAILURE).setFailure(failure).build());
    }
  }

  /**
   * UPDATE_FRAMEWORK: all or nothing. {@code user}, {@code checkpoint} and {@code principal} cannot
   * change (400); offers for roles the framework leaves are rescinded.
   */
  public void updateFramework(String frameworkId, Call.UpdateFramework update) {
    FrameworkRecord framework = frameworks.get(frameworkId);
    FrameworkInfo info = update.getFrameworkInfo();
    Optional<String> invalid = validateFrameworkInfo(info);
    if (invalid.isPresent()) {
      throw new CallRejected(400, invalid.get());
    }
    if (!info.getUser().equals(framework.info.getUser())) {
      throw new CallRejected(400, "Updating 'FrameworkInfo.user' is unsupported");
    }
    if (info.getCheckpoint() != framework.info.getCheckpoint()) {
      throw new CallRejected(400, "Updating 'FrameworkInfo.checkpoint' is unsupported");
    }
    if (!info.getPrincipal().equals(framework.info.getPrincipal())) {
      throw new CallRejected(400, "Changing framework's principal is not allowed.");
    }
    FrameworkRecord probe = new FrameworkRecord(frameworkId, info, 0);
    Set<String> roles = probe.roles();
    if (!roles.containsAll(update.getSuppressedRolesList())) {
      throw new CallRejected(400, "Suppressed roles " + update.getSuppressedRolesList()
          + " are not a subset of the framework's roles " + roles);
    }
    for (OfferRecord offer : offers.forFramework(frameworkId)) {
      if (!roles.contains(offer.role())) {
        offerCycle.rescind(offer);
      }
    }
    framework.info = info;
    allocator.addFramework(frameworkId, roles, new HashSet<>(update.getSuppressedRolesList()));
    log.info("[framework={}] updated: name '{}', roles {}", frameworkId, info.getName(), roles);
  }

  public void acknowledge(String frameworkId, Call.Acknowledge ack) {
    AgentRecord agent = agents.get(ack.getAgentId().getValue());
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
    FrameworkRecord framework = frameworks.get(frameworkId);
    TaskRecord task = framework.tasks.get(ack.getTaskId().getValue());
    if (task != null && task.latestStatus != null && isTerminal(task.state)
        && task.latestStatus.getUuid().equals(ack.getUuid())) {
      framework.tasks.remove(task.id());
      agent.tasks.remove(AgentRecord.taskKey(frameworkId, task.id()));
    }
  }

  public void reconcile(String frameworkId, Call.Reconcile reconcile) {
    FrameworkRecord framework = frameworks.get(frameworkId);
    if (reconcile.getTasksCount() == 0) {
      for (TaskRecord task : framework.tasks.values()) {
        framework.send(update(reconciliationStatus(task)));
      }
      return;
    }
    for (Call.Reconcile.Task t : reconcile.getTasksList()) {
      reconcileOne(framework, t.getTaskId(), t.hasAgentId() ? t.getAgentId().getValue() : null);
    }
  }

  private void reconcileOne(FrameworkRecord framework, TaskID taskId, String agentId) {
    TaskRecord task = framework.tasks.get(taskId.getValue());
    if (task != null) {
      framework.send(update(reconciliationStatus(task)));
      return;
    }
    boolean aware = framework.hasCapability(FrameworkInfo.Capability.Type.PARTITION_AWARE);
    boolean agentKnown = agentId != null && agents.containsKey(agentId);
    boolean agentUnreachable = agentId != null && records.unreachableAgents.containsKey(agentId);
    TaskState state;
    String message;
    if (agentKnown) {
      state = aware ? TaskState.TASK_GONE : TaskState.TASK_LOST;
      message = "Reconciliation: Task is unknown to the agent";
    } else if (agentUnreachable) {
      state = aware ? TaskState.TASK_UNREACHABLE : TaskState.TASK_LOST;
      message = "Reconciliation: Task is unreachable";
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

  // ---------------------------------------------------------------- agents

  /**
   * Registers (or re-registers, when the agent names its id) an agent on a new stream and
   * answers REGISTERED on it.
   *
   * @return the agent id, or null when the registration was refused
   */
  public String registerAgent(AgentCall.Register register, EventSink<AgentEvent> stream) {
    return agentRoster.registerAgent(register, stream);
  }

  public void checkAgentCaller(String agentId, String streamId) {
    agentRoster.checkAgentCaller(agentId, streamId);
  }

  /** A status update from an agent's status-update manager (it carries a uuid and is re-sent until acknowledged). */
  public void statusUpdate(String agentId, StatusUpdate statusUpdate) {
    String frameworkId = statusUpdate.getFrameworkId().getValue();
    TaskStatus status = statusUpdate.getStatus().toBuilder().setAgentId(AgentID.newBuilder().setValue(agentId)).build();
    FrameworkRecord framework = frameworks.get(frameworkId);
    AgentRecord agent = agents.get(agentId);
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
      task.state = status.getState();
      task.latestStatus = status;
      if (isTerminal(status.getState()) && !task.resourcesRecovered) {
        task.resourcesRecovered = true;
        allocator.recover(frameworkId, task.role, agentId, task.allocation, 0, clock.instant());
      }
    }
    log.debug("[framework={}] task {} is {} on agent {}", frameworkId, status.getTaskId().getValue(),
        status.getState(), agentId);
    framework.send(update(status));
  }

  /** The agent's stream closed. Its offers are rescinded; it is removed if it does not come back in time. */
  public void agentDisconnected(String agentId, String streamId) {
    agentRoster.agentDisconnected(agentId, streamId);
  }

  // ---------------------------------------------------------------- reservations

  /**
   * The dynamic reservations in force: agent id → role → reserved resources. What the registry
   * persists so that they survive a master failover; a copy.
   */
  public Map<String, Map<String, Resources>> dynamicReservations() {
    return reservations.copy();
  }

  /**
   * Registers who hears of dynamic reservations that frameworks make or drop through ACCEPT
   * (RESERVE, UNRESERVE), with the agent id, so they can be kept in the registry.
   */
  public void onReservationsChanged(Consumer<String> listener) {
    reservations.onReservationsChanged(listener);
  }

  /**
   * An operator's dynamic reservation of free unreserved resources on an agent.
   *
   * @throws CallRejected 400 for an unknown agent or role {@code *}, 409 when the resources are not free
   */
  public void reserve(String agentId, String role, Resources resources) {
    if (!agents.containsKey(agentId)) {
      throw new CallRejected(400, "Unknown agent " + agentId);
    }
    reservations.reserve(agentId, role, resources);
  }

  /**
   * An operator's unreservation of free dynamically reserved resources.
   *
   * @throws CallRejected 400 for an unknown agent or resources not dynamically reserved, 409 when they are not free
   */
  public void unreserve(String agentId, String role, Resources resources) {
    reservations.unreserve(agentId, role, resources);
  }

  // ---------------------------------------------------------------- lifecycle and views

  /** Sends a heartbeat on every open framework and agent stream. */
  public void heartbeat() {
    Event frameworkBeat = heartbeatEvent();
    AgentEvent agentBeat = AgentEvent.newBuilder().setType(AgentEvent.Type.HEARTBEAT).build();
    frameworks.values().forEach(f -> f.send(frameworkBeat));
    agents.values().forEach(a -> a.send(agentBeat));
  }

  /** Closes every stream; used when this master stops leading. */
  public void closeAll() {
    for (FrameworkRecord framework : frameworks.values()) {
      if (framework.stream != null) {
        framework.stream.close();
        framework.stream = null;
      }
    }
    for (AgentRecord agent : agents.values()) {
      if (agent.stream != null) {
        agent.stream.close();
        agent.stream = null;
      }
    }
  }

  public StateView view() {
    return new StateView(this);
  }

  Collection<FrameworkRecord> frameworks() {
    return Collections.unmodifiableCollection(frameworks.values());
  }

  Collection<AgentRecord> agents() {
    return Collections.unmodifiableCollection(agents.values());
  }

  OfferBook offers() {
    return offers;
  }

  private static Event heartbeatEvent() {
    return Event.newBuilder().setType(Event.Type.HEARTBEAT).build();
  }

  private static Event error(String message) {
    return Event.newBuilder().setType(Event.Type.ERROR).setError(Event.Error.newBuilder().setMessage(message)).build();
  }
}
