package io.mezzo.master.state;

import io.mezzo.master.offers.OfferBook;
import io.mezzo.master.offers.OfferHistory;
import io.mezzo.master.spi.Allocator;
import io.mezzo.master.spi.Resources;
import io.mezzo.protocol.Ids;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.protocol.internal.AgentChannel.StatusUpdate;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.master.Protos.Response;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * All cluster state of the leading master: agents, frameworks, tasks and offers, with the
 * allocator. Every method runs on the master's single state context (each entry point asserts
 * it, see {@link StateOwner}); nothing here blocks or locks. Calls that the master refuses throw
 * {@link CallRejected} before changing anything.
 *
 * <p>This class is the one entry point for the APIs and the verticle, and holds no logic of its
 * own beyond that check: it hands each call to a package-private part sharing the
 * {@link ClusterRecords}: {@link FrameworkRoster} (frameworks), {@link AgentRoster} (agents),
 * {@link OfferCycle} (offers), {@link TaskLauncher} (ACCEPT), {@link TaskRelay} (calls on running
 * tasks and executors) and {@link Reservations} (dynamic reservations).
 */
public final class ClusterState {
  private final MasterInfo masterInfo;
  private final Allocator allocator;
  private final StateOwner owner;
  private final ClusterRecords records = new ClusterRecords();
  private final Reservations reservations;
  private final OfferCycle offerCycle;
  private final TaskLauncher launcher;
  private final AgentRoster agentRoster;
  private final AgentPartitions partitions;
  private final FrameworkRoster frameworkRoster;
  private final TaskRelay taskRelay;
  private final OfferHistory offerHistory;
  /** Whether agents are pinged ({@link AgentPings}); a pinged agent needs no heartbeat. */
  private final boolean agentsPinged;

  /** A state that keeps the default {@link OfferHistory#DEFAULT_CAPACITY} recent offer events. */
  public ClusterState(MasterInfo masterInfo, Allocator allocator, Clock clock, Timers timers, StateOwner owner,
      Duration agentReregisterTimeout, Duration offerTimeout) {
    this(masterInfo, allocator, clock, timers, owner, agentReregisterTimeout, offerTimeout,
        OfferHistory.DEFAULT_CAPACITY);
  }

  /** A state that does not ping its agents ({@link AgentLiveness#withoutPings()}). */
  public ClusterState(MasterInfo masterInfo, Allocator allocator, Clock clock, Timers timers, StateOwner owner,
      Duration agentReregisterTimeout, Duration offerTimeout, int offerHistory) {
    this(masterInfo, allocator, clock, timers, owner, agentReregisterTimeout, offerTimeout, offerHistory,
        AgentLiveness.withoutPings());
  }

  /**
   * @param owner where the state may be used (the master's context)
   * @param offerTimeout outstanding offers older than this are rescinded; null = never
   * @param offerHistory how many recent offer events to keep for {@link #recentOfferEvents()}
   * @param liveness the agents' health checks and how long an unreachable agent may come back
   */
  public ClusterState(MasterInfo masterInfo, Allocator allocator, Clock clock, Timers timers, StateOwner owner,
      Duration agentReregisterTimeout, Duration offerTimeout, int offerHistory, AgentLiveness liveness) {
    this(masterInfo, allocator, clock, timers, owner, agentReregisterTimeout, offerTimeout, offerHistory, liveness,
        CompletedLimits.MESOS_DEFAULTS);
  }

  /** A state that does not ping its agents, keeping {@code completed} ended tasks and frameworks. */
  public ClusterState(MasterInfo masterInfo, Allocator allocator, Clock clock, Timers timers, StateOwner owner,
      Duration agentReregisterTimeout, Duration offerTimeout, int offerHistory, CompletedLimits completed) {
    this(masterInfo, allocator, clock, timers, owner, agentReregisterTimeout, offerTimeout, offerHistory,
        AgentLiveness.withoutPings(), completed);
  }

  /**
   * @param completed how many ended tasks and removed frameworks to keep for the operator API
   *     ({@code completed_tasks}, {@code completed_frameworks})
   */
  public ClusterState(MasterInfo masterInfo, Allocator allocator, Clock clock, Timers timers, StateOwner owner,
      Duration agentReregisterTimeout, Duration offerTimeout, int offerHistory, AgentLiveness liveness,
      CompletedLimits completed) {
    records.completed = new CompletedHistory(completed);
    this.offerHistory = new OfferHistory(offerHistory);
    // The history hears every offer event, whether or not anyone observes the state.
    records.observer = ClusterObserver.of(this.offerHistory::record, () -> false);
    this.masterInfo = masterInfo;
    this.allocator = allocator;
    this.owner = owner;
    this.reservations = new Reservations(allocator);
    this.offerCycle = new OfferCycle(masterInfo, allocator, clock, offerTimeout, records, reservations);
    this.launcher = new TaskLauncher(allocator, clock, records, offerCycle, reservations);
    this.partitions = new AgentPartitions(allocator, clock, timers, liveness, records, reservations, offerCycle);
    this.agentRoster = new AgentRoster(masterInfo, allocator, clock, timers, agentReregisterTimeout, records,
        reservations, offerCycle, liveness, partitions);
    this.frameworkRoster = new FrameworkRoster(masterInfo, allocator, clock, timers, records, offerCycle);
    this.taskRelay = new TaskRelay(allocator, clock, timers, records);
    this.agentsPinged = liveness.pingTimeout() != null;
  }

  private void assertOwner() {
    assert owner.isCurrent() : "ClusterState used off the master's context, on " + Thread.currentThread().getName();
  }

  /**
   * From now on this state logs nothing about its agents: for a standby's preload
   * ({@code LeaderPreload}), which registers made-up agents with a state of its own so that a new
   * leader's first registrations run compiled code.
   */
  public void logNothing() {
    assertOwner();
    records.log = org.slf4j.helpers.NOPLogger.NOP_LOGGER;
  }

  public MasterInfo masterInfo() {
    return masterInfo;
  }

  /**
   * From now on, every change this state applies is told to {@code observer}, after the observers
   * added before it (the offer history, then the operator stream, ...).
   */
  public void observe(ClusterObserver observer) {
    assertOwner();
    java.util.Objects.requireNonNull(observer, "observer");
    ClusterObserver before = records.observer;
    records.observer = before == ClusterObserver.NONE ? observer : ClusterObserver.both(before, observer);
  }

  /**
   * The most recent offer events (OFFER_CREATED ... OFFER_EXPIRED), oldest first, at most
   * {@code --offer-history} of them: what the operator stream sends right after SUBSCRIBED. A copy.
   */
  public List<io.mezzo.v1.master.Protos.Event> recentOfferEvents() {
    assertOwner();
    return offerHistory.recent();
  }

  /** From now on, the events Mesos counts in its metrics are told to {@code counters} (replacing the previous ones). */
  public void countInto(StateCounters counters) {
    assertOwner();
    records.counters = java.util.Objects.requireNonNull(counters, "counters");
  }

  /**
   * From now on, no offer is sent and no task launched unless {@code leading} says this master
   * still leads (the term's fence, which the election breaks from another thread the moment it
   * doubts the leadership, before this state is dropped on the context). An ACCEPT then gets 503.
   */
  public void fencedBy(java.util.function.BooleanSupplier leading) {
    assertOwner();
    records.leading = java.util.Objects.requireNonNull(leading, "leading");
  }

  /** The counts that the master's gauges show (agents, frameworks, offers, tasks per state, resources). */
  public StateGauges gauges() {
    assertOwner();
    return StateGauges.of(records);
  }

  // ---------------------------------------------------------------- operator API (registry)

  /**
   * Called with an agent's id right after the agent was added to the allocator (its first
   * registration with this leader), so that registry state such as dynamic reservations
   * can be re-applied.
   */
  public void onAgentAdded(Consumer<String> listener) {
    assertOwner();
    agentRoster.onAgentAdded(listener);
  }

  /** The total resources of a registered agent. */
  public Optional<Resources> agentTotal(String agentId) {
    assertOwner();
    AgentRecord agent = records.agents.get(agentId);
    return agent == null ? Optional.empty() : Optional.of(agent.total);
  }

  /**
   * Where a registered agent's HTTP API is, {@code scheme://host:port}, as it registered: the
   * scheme it serves and the host name and port of its AgentInfo.
   */
  public Optional<String> agentUrl(String agentId) {
    assertOwner();
    AgentRecord agent = records.agents.get(agentId);
    if (agent == null) {
      return Optional.empty();
    }
    String host = agent.info.getHostname();
    return Optional.of(agent.scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
        + agent.info.getPort());
  }

  /** The total resources of all registered agents. */
  public Resources totalResources() {
    assertOwner();
    Resources total = Resources.EMPTY;
    for (AgentRecord agent : records.agents.values()) {
      total = total.plus(agent.total);
    }
    return total;
  }

  public boolean hasFramework(String frameworkId) {
    assertOwner();
    return records.frameworks.containsKey(frameworkId);
  }

  // ---------------------------------------------------------------- frameworks

  /**
   * Subscribes a framework on a new stream: SUBSCRIBED and a first HEARTBEAT go out, or an
   * ERROR when the subscription is refused, after which the stream is closed.
   *
   * @return the framework id, or null when the subscription was refused
   */
  public String subscribe(Call.Subscribe subscribe, EventSink<Event> stream) {
    assertOwner();
    return frameworkRoster.subscribe(subscribe, stream);
  }

  /**
   * Checks that a non-SUBSCRIBE call may proceed: the framework exists (400), is subscribed
   * (403) and the stream id matches (400).
   */
  public void checkCaller(String frameworkId, String streamId) {
    checkCaller(frameworkId, streamId, Optional.empty());
  }

  /**
   * As {@link #checkCaller(String, String)}, and when the call was authenticated, its principal
   * must be the framework's (400 otherwise; Mesos checks it after the framework is found and
   * before its subscription).
   */
  public void checkCaller(String frameworkId, String streamId, Optional<String> principal) {
    assertOwner();
    frameworkRoster.checkCaller(frameworkId, streamId, principal);
  }

  /** The subscription stream closed (connection gone). The framework keeps its tasks until its failover timeout. */
  public void frameworkDisconnected(String frameworkId, String streamId) {
    assertOwner();
    frameworkRoster.frameworkDisconnected(frameworkId, streamId);
  }

  /** Removes the framework: its tasks are killed on their agents, its offers and stream dropped. */
  public void teardown(String frameworkId) {
    assertOwner();
    frameworkRoster.teardown(frameworkId);
  }

  /**
   * UPDATE_FRAMEWORK: all or nothing. {@code user}, {@code checkpoint} and {@code principal} cannot
   * change (400); offers for roles the framework leaves are rescinded.
   */
  public void updateFramework(String frameworkId, Call.UpdateFramework update) {
    assertOwner();
    frameworkRoster.updateFramework(frameworkId, update);
  }

  // ---------------------------------------------------------------- offers

  /** Runs one allocation round and sends the resulting offers. */
  public void allocate() {
    assertOwner();
    offerCycle.allocate(null);
  }

  /** A round over these agents only (see {@link #onResourcesFreed}); unknown ids are ignored. */
  public void allocate(java.util.Collection<String> agentIds) {
    assertOwner();
    offerCycle.allocate(agentIds);
  }

  /**
   * Called with an agent's id, on the owner, when resources on it became free other than by an
   * offer coming back: a task or executor ended, or the agent registered or re-registered. The
   * master runs a round over such agents soon after ({@link #allocate(java.util.Collection)}), so a
   * framework need not wait for the next periodic round. Declined, rescinded and expired offers
   * wait for that round, as in Mesos: offering them again at once would only bounce them between
   * the master and a framework that declines without a filter.
   */
  public void onResourcesFreed(Consumer<String> listener) {
    assertOwner();
    records.freed = Objects.requireNonNull(listener, "listener");
  }

  public void decline(String frameworkId, Call.Decline decline) {
    assertOwner();
    offerCycle.decline(frameworkId, decline);
  }

  public void accept(String frameworkId, Call.Accept accept) {
    accept(frameworkId, accept, user -> true);
  }

  /**
   * ACCEPT, where a task that would run as an OS user {@code mayRunAs} refuses gets TASK_ERROR
   * with REASON_TASK_UNAUTHORIZED (the run_tasks ACL).
   */
  public void accept(String frameworkId, Call.Accept accept, java.util.function.Predicate<String> mayRunAs) {
    assertOwner();
    launcher.accept(frameworkId, accept, mayRunAs);
  }

  /** The principal of a framework this master knows, if it has one. */
  public Optional<String> frameworkPrincipal(String frameworkId) {
    assertOwner();
    FrameworkRecord framework = records.frameworks.get(frameworkId);
    return framework == null || !framework.info.hasPrincipal() ? Optional.empty()
        : Optional.of(framework.info.getPrincipal());
  }

  public void revive(String frameworkId, List<String> roles) {
    assertOwner();
    allocator.revive(frameworkId, new HashSet<>(roles));
  }

  public void suppress(String frameworkId, List<String> roles) {
    assertOwner();
    allocator.suppress(frameworkId, new HashSet<>(roles));
  }

  // ---------------------------------------------------------------- tasks and executors

  public void kill(String frameworkId, Call.Kill kill) {
    assertOwner();
    taskRelay.kill(frameworkId, kill);
  }

  /** SHUTDOWN: the agent tells the executor to shut down and kills it after its grace period. */
  public void shutdown(String frameworkId, Call.Shutdown shutdown) {
    assertOwner();
    taskRelay.shutdown(frameworkId, shutdown);
  }

  /** MESSAGE: passed to the executor through its agent, best effort, as in Mesos. */
  public void message(String frameworkId, Call.Message message) {
    assertOwner();
    taskRelay.message(frameworkId, message);
  }

  /** An executor's message for its scheduler: a MESSAGE event, best effort. */
  public void executorMessage(String agentId, AgentCall.ExecutorMessage message) {
    assertOwner();
    taskRelay.executorMessage(agentId, message);
  }

  /** An executor ended: its resources return and its framework gets a FAILURE event. */
  public void executorTerminated(String agentId, AgentCall.ExecutorTerminated terminated) {
    assertOwner();
    taskRelay.executorTerminated(agentId, terminated);
  }

  public void acknowledge(String frameworkId, Call.Acknowledge ack) {
    assertOwner();
    taskRelay.acknowledge(frameworkId, ack);
  }

  /**
   * RECONCILE: the updates go out in slices over the next turns of the context, in the order of
   * the call's tasks; see {@link Reconciliations}.
   *
   * @throws CallRejected 503 when the framework already has too many tasks waiting for an answer
   */
  public void reconcile(String frameworkId, Call.Reconcile reconcile) {
    assertOwner();
    taskRelay.reconcile(frameworkId, reconcile);
  }

  /** A status update from an agent's status-update manager (it carries a uuid and is re-sent until acknowledged). */
  public void statusUpdate(String agentId, StatusUpdate statusUpdate) {
    assertOwner();
    taskRelay.statusUpdate(agentId, statusUpdate);
  }

  // ---------------------------------------------------------------- agents

  /**
   * Registers (or re-registers, when the agent names its id) an agent on a new stream and
   * answers REGISTERED on it.
   *
   * @return the agent id, or null when the registration was refused
   */
  public String registerAgent(AgentCall.Register register, EventSink<AgentEvent> stream) {
    assertOwner();
    return agentRoster.registerAgent(register, stream);
  }

  /**
   * Checks that an agent's call may proceed (registered 400, connected 403, same stream 400), and
   * counts it as a sign of life for the health checks: any call, a PONG or another, resets the
   * agent's count of unanswered pings.
   */
  public void checkAgentCaller(String agentId, String streamId) {
    assertOwner();
    agentRoster.checkAgentCaller(agentId, streamId);
  }

  /** The agent's stream closed. Its offers are rescinded; it is removed if it does not come back in time. */
  public void agentDisconnected(String agentId, String streamId) {
    assertOwner();
    agentRoster.agentDisconnected(agentId, streamId);
  }

  // ---------------------------------------------------------------- reservations

  /**
   * The dynamic reservations in force: agent id → role → reserved resources. What the registry
   * persists so that they survive a master failover; a copy.
   */
  public Map<String, Map<String, Resources>> dynamicReservations() {
    assertOwner();
    return reservations.copy();
  }

  /**
   * Registers who hears of dynamic reservations that frameworks make or drop through ACCEPT
   * (RESERVE, UNRESERVE), with the agent id, so they can be kept in the registry.
   */
  public void onReservationsChanged(Consumer<String> listener) {
    assertOwner();
    reservations.onReservationsChanged(listener);
  }

  /**
   * An operator's dynamic reservation of free unreserved resources on an agent.
   *
   * @throws CallRejected 400 for an unknown agent or role {@code *}, 409 when the resources are not free
   */
  public void reserve(String agentId, String role, Resources resources) {
    assertOwner();
    if (!records.agents.containsKey(agentId)) {
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
    assertOwner();
    reservations.unreserve(agentId, role, resources);
  }

  // ---------------------------------------------------------------- lifecycle and views

  /**
   * Sends a heartbeat on every open framework stream, and on every agent stream when agents are
   * not pinged. A pinged agent hears from the master every ping timeout and waits for pings, not
   * heartbeats (as a Mesos agent does); heartbeats to 10,000 agents at once were 10,000 writes
   * that held the event loop for a quarter of a second every 15 s.
   */
  public void heartbeat() {
    assertOwner();
    Event frameworkBeat = FrameworkRoster.heartbeatEvent();
    records.frameworks.values().forEach(f -> f.send(frameworkBeat));
    if (!agentsPinged) {
      AgentEvent agentBeat = AgentEvent.newBuilder().setType(AgentEvent.Type.HEARTBEAT).build();
      records.agents.values().forEach(a -> a.send(agentBeat));
    }
  }

  /**
   * Closes every stream; used when this master stops leading. Outstanding offers die with the
   * frameworks' connections (OFFER_RESCINDED, LEADERSHIP_LOST, to the observer).
   */
  public void closeAll() {
    assertOwner();
    for (OfferBook.OfferRecord offer : List.copyOf(records.offers.outstanding())) {
      offerCycle.discard(offer, io.mezzo.v1.master.Protos.Event.OfferEvent.RescindReason.LEADERSHIP_LOST,
          "This master stopped leading");
    }
    for (FrameworkRecord framework : records.frameworks.values()) {
      if (framework.stream != null) {
        framework.stream.close();
        framework.stream = null;
      }
    }
    for (AgentRecord agent : records.agents.values()) {
      if (agent.stream != null) {
        agent.stream.close();
        agent.stream = null;
      }
    }
  }

  // ---------------------------------------------------------------- operator snapshots

  /**
   * The v0 {@code /state} model: the operator snapshot taken here, on the context; its
   * {@link StateView#json()} renders it on any thread.
   */
  public StateView view() {
    assertOwner();
    Map<String, List<String>> runtimes = new java.util.LinkedHashMap<>();
    records.agents.values().forEach(a -> runtimes.put(a.id, List.copyOf(a.runtimes)));
    return new StateView(masterInfo, OperatorProtos.state(masterInfo, records), runtimes,
        records.unreachableAgents.size());
  }

  /**
   * GET_STATE: tasks, executors, frameworks and agents as immutable protos, built here on the
   * context so that the caller can encode them anywhere. SUBSCRIBED carries the same snapshot.
   */
  public Response.GetState getState() {
    assertOwner();
    return OperatorProtos.state(masterInfo, records);
  }

  public Response.GetAgents getAgents() {
    assertOwner();
    return OperatorProtos.agents(masterInfo, records);
  }

  public Response.GetFrameworks getFrameworks() {
    assertOwner();
    return OperatorProtos.frameworks(records);
  }

  public Response.GetExecutors getExecutors() {
    assertOwner();
    return OperatorProtos.executors(records);
  }

  public Response.GetTasks getTasks() {
    assertOwner();
    return OperatorProtos.tasks(records);
  }

  /** An active framework's FrameworkInfo, if this master has a framework with that id. */
  public java.util.Optional<io.mezzo.v1.Protos.FrameworkInfo> frameworkInfo(String frameworkId) {
    assertOwner();
    FrameworkRecord framework = records.frameworks.get(frameworkId);
    return framework == null ? java.util.Optional.empty() : java.util.Optional.of(framework.info);
  }

  /**
   * Each framework's OS user by framework id, active and completed, which the view ACLs on tasks and
   * executors need; without building a GET_FRAMEWORKS snapshot.
   */
  public Map<String, String> frameworkUsers() {
    assertOwner();
    Map<String, String> users = new java.util.HashMap<>();
    records.completed.frameworks().forEach(f -> users.put(f.getFrameworkInfo().getId().getValue(),
        f.getFrameworkInfo().getUser()));
    records.frameworks.values().forEach(f -> users.put(f.id, f.info.getUser()));
    return users;
  }

  /**
   * GET_ROLES: every role in use, with {@code weights} (roles without one weigh 1) and the
   * {@code otherRoles} the caller knows of (quota, reservations).
   */
  public Response.GetRoles getRoles(Map<String, Double> weights, java.util.Set<String> otherRoles) {
    assertOwner();
    return OperatorProtos.roles(records, weights, otherRoles);
  }

  /**
   * MARK_AGENT_GONE: the agent is removed for good, registered or unreachable. Its tasks end
   * (TASK_GONE_BY_OPERATOR, TASK_LOST for frameworks that are not PARTITION_AWARE), its offers are
   * rescinded, its stream closed, and it may not register again. Marking a gone agent again does nothing.
   *
   * @throws CallRejected 404 for an agent this master does not know
   */
  public void markAgentGone(String agentId) {
    assertOwner();
    agentRoster.markGone(agentId);
  }

  /** True for an agent that is registered, unreachable, removed or gone: one MARK_AGENT_GONE may name. */
  public boolean knowsAgent(String agentId) {
    assertOwner();
    return records.agents.containsKey(agentId) || records.unreachableAgents.containsKey(agentId)
        || records.goneAgents.contains(agentId) || records.removedAgents.contains(agentId);
  }

  /**
   * The agents marked unreachable, with when: they may still re-register. What the registry keeps,
   * so that a new leader knows them; a copy, oldest first.
   */
  public Map<String, java.time.Instant> unreachableAgents() {
    assertOwner();
    Map<String, java.time.Instant> out = new java.util.LinkedHashMap<>();
    records.unreachableAgents.values().forEach(a -> out.put(a.id, a.since));
    return out;
  }

  /** The agents that stayed unreachable past the removal timeout: they may never register again. A copy. */
  public List<String> removedAgents() {
    assertOwner();
    return List.copyOf(records.removedAgents);
  }

  /**
   * Called after every change to {@link #unreachableAgents()} or {@link #removedAgents()}, on the
   * state's context, so that the registry can keep them (replacing the previous listener).
   */
  public void onUnreachableAgentsChanged(Runnable listener) {
    assertOwner();
    partitions.onChanged(java.util.Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Unreachable and removed agents as a previous leader's registry kept them: the unreachable ones
   * may re-register until the removal timeout (counted from their unreachable time), the removed
   * ones never. Called once, before agents register with this leader.
   */
  public void recoverUnreachableAgents(Map<String, java.time.Instant> unreachable, List<String> removed) {
    assertOwner();
    partitions.recover(unreachable, removed);
  }

  /** Agents the registry says were marked gone: refused if they try to register with this leader. */
  public void recoverGoneAgents(Collection<String> agentIds) {
    assertOwner();
    records.goneAgents.addAll(agentIds);
  }

  Collection<FrameworkRecord> frameworks() {
    return Collections.unmodifiableCollection(records.frameworks.values());
  }

  Collection<AgentRecord> agents() {
    return Collections.unmodifiableCollection(records.agents.values());
  }

  OfferBook offers() {
    return records.offers;
  }
}
