package io.mezzo.master.state;

import io.mezzo.master.offers.OfferBook;
import io.mezzo.master.offers.OfferBook.OfferRecord;
import io.mezzo.master.offers.OfferBook.Outcome;
import io.mezzo.master.spi.AgentResources;
import io.mezzo.master.spi.Allocation;
import io.mezzo.master.spi.Allocator;
import io.mezzo.master.spi.Resources;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.protocol.internal.AgentChannel.RunningTask;
import io.mezzo.protocol.internal.AgentChannel.StatusUpdate;
import io.mezzo.v1.Protos.Address;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.Protos.URL;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import io.mezzo.protocol.Wire;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 */
public final class ClusterState {
  private static final Logger log = LoggerFactory.getLogger(ClusterState.class);
  private static final double DEFAULT_REFUSE_SECONDS = 5.0;
  private static final double MAX_REFUSE_SECONDS = 365.0 * 24 * 3600;
  private static final double GPU_FILTER_SECONDS = 3600;
  private static final java.util.regex.Pattern OFFER_ID =
      java.util.regex.Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-O\\d+");

  private final MasterInfo masterInfo;
  private final Allocator allocator;
  private final Clock clock;
  private final Timers timers;
  private final Duration agentReregisterTimeout;
  /** Outstanding offers older than this are rescinded; null = never (the Mesos default). */
  private final Duration offerTimeout;
  /** Dynamic reservations per agent id and role (what the registry persists). */
  private final Map<String, Map<String, Resources>> dynamicReservations = new LinkedHashMap<>();
  private final Map<String, FrameworkRecord> frameworks = new LinkedHashMap<>();
  private final Set<String> completedFrameworks = new LinkedHashSet<>();
  private final Map<String, AgentRecord> agents = new LinkedHashMap<>();
  private Consumer<String> reservationsChanged = agentId -> { };
  /** Agents removed for not re-registering in time, with when: they may still come back. */
  private final Map<String, Instant> unreachableAgents = new LinkedHashMap<>();
  private final OfferBook offers = new OfferBook(10_000);
  private long nextFrameworkId;
  private long nextAgentId;
  private long nextOfferId;
  private java.util.function.Consumer<String> agentAddedListener = agentId -> {};

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
    this.agentReregisterTimeout = agentReregisterTimeout;
    this.offerTimeout = offerTimeout;
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
    agentAddedListener = java.util.Objects.requireNonNull(listener, "listener");
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
      retireOffer(offer, Outcome.DISCARDED, 0);
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
        Optional<String> bad = IdRules.checkRole(role);
        if (bad.isPresent()) {
          return bad;
        }
      }
    } else {
      if (info.getRolesCount() > 0) {
        return Optional.of("'FrameworkInfo.roles' must be empty when the framework is not MULTI_ROLE capable");
      }
      Optional<String> bad = IdRules.checkRole(info.getRole());
      if (bad.isPresent()) {
        return bad;
      }
    }
    if (info.hasId() && !info.getId().getValue().isEmpty()) {
      Optional<String> bad = IdRules.checkId("Framework ID", info.getId().getValue());
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
      retireOffer(offer, Outcome.RESCINDED, 0);
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
      retireOffer(offer, Outcome.DISCARDED, 0);
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
    Instant now = clock.instant();
    expireOffers(now);
    Map<String, List<Offer>> byFramework = new LinkedHashMap<>();
    for (Allocation allocation : allocator.allocate(now)) {
      FrameworkRecord framework = frameworks.get(allocation.frameworkId());
      AgentRecord agent = agents.get(allocation.agentId());
      if (framework == null || !framework.connected() || agent == null || !agent.connected()) {
        allocator.recover(allocation.frameworkId(), allocation.role(), allocation.agentId(), allocation.offered(), 0, now);
        continue;
      }
      if (agent.total.scalar("gpus") > 0 && !framework.hasCapability(FrameworkInfo.Capability.Type.GPU_RESOURCES)) {
        // As Mesos (--filter_gpu_resources): no offers at all from GPU agents to frameworks
        // that cannot use GPUs, so they stay free for those that can.
        allocator.recover(allocation.frameworkId(), allocation.role(), allocation.agentId(), allocation.offered(),
            GPU_FILTER_SECONDS, now);
        continue;
      }
      Offer offer = buildOffer(framework, agent, allocation);
      offers.add(new OfferRecord(offer.getId().getValue(), framework.id, agent.id, allocation.role(),
          allocation.resources(), offer, now, allocation.offered()));
      framework.offers.add(offer.getId().getValue());
      byFramework.computeIfAbsent(framework.id, k -> new ArrayList<>()).add(offer);
    }
    byFramework.forEach((frameworkId, list) -> frameworks.get(frameworkId).send(Event.newBuilder()
        .setType(Event.Type.OFFERS).setOffers(Event.Offers.newBuilder().addAllOffers(list)).build()));
  }

  /** Offers outstanding for longer than the offer timeout are rescinded (Mesos's --offer_timeout). */
  private void expireOffers(Instant now) {
    if (offerTimeout == null) {
      return;
    }
    Instant cutoff = now.minus(offerTimeout);
    for (OfferRecord offer : new ArrayList<>(offers.outstanding())) {
      if (!offer.createdAt().isAfter(cutoff)) {
        log.info("[framework={}] offer {} expired after {}; rescinding", offer.frameworkId(), offer.id(), offerTimeout);
        rescind(offer, Outcome.EXPIRED);
      }
    }
  }

  private Offer buildOffer(FrameworkRecord framework, AgentRecord agent, Allocation allocation) {
    boolean multiRole = framework.hasCapability(FrameworkInfo.Capability.Type.MULTI_ROLE);
    boolean refinement = framework.hasCapability(FrameworkInfo.Capability.Type.RESERVATION_REFINEMENT);
    Offer.Builder offer = Offer.newBuilder()
        .setId(OfferID.newBuilder().setValue(masterInfo.getId() + "-O" + nextOfferId++))
        .setFrameworkId(FrameworkID.newBuilder().setValue(framework.id))
        .setAgentId(AgentID.newBuilder().setValue(agent.id))
        .setHostname(agent.info.getHostname())
        .setUrl(URL.newBuilder().setScheme("http")
            .setAddress(Address.newBuilder().setHostname(agent.info.getHostname())
                .setIp(agent.info.getHostname()).setPort(agent.info.getPort()))
            .setPath("/slave(1)"))
        .addAllResources(ProtoResources.toProto(allocation.offered(), multiRole ? allocation.role() : null, refinement,
            dynamicReservations.getOrDefault(agent.id, Map.of())))
        .addAllAttributes(agent.info.getAttributesList());
    for (ExecutorRecord executor : agent.executors.values()) {
      if (executor.frameworkId.equals(framework.id)) {
        offer.addExecutorIds(executor.info.getExecutorId());
      }
    }
    if (multiRole) {
      offer.setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(allocation.role()));
    }
    return offer.build();
  }

  private void retireOffer(OfferRecord offer, Outcome outcome, double refuseSeconds) {
    offers.remove(offer.id(), outcome);
    FrameworkRecord framework = frameworks.get(offer.frameworkId());
    if (framework != null) {
      framework.offers.remove(offer.id());
    }
    allocator.recover(offer.frameworkId(), offer.role(), offer.agentId(), offer.offered(), refuseSeconds,
        clock.instant());
  }

  private void rescind(OfferRecord offer) {
    rescind(offer, Outcome.RESCINDED);
  }

  private void rescind(OfferRecord offer, Outcome outcome) {
    retireOffer(offer, outcome, 0);
    FrameworkRecord framework = frameworks.get(offer.frameworkId());
    if (framework != null) {
      framework.send(Event.newBuilder().setType(Event.Type.RESCIND)
          .setRescind(Event.Rescind.newBuilder().setOfferId(OfferID.newBuilder().setValue(offer.id()))).build());
    }
  }

  public void decline(String frameworkId, Call.Decline decline) {
    checkOfferIdsKnown(decline.getOfferIdsList());
    double refuse = refuseSeconds(decline.hasFilters() ? decline.getFilters().getRefuseSeconds() : DEFAULT_REFUSE_SECONDS);
    for (OfferID id : decline.getOfferIdsList()) {
      offers.get(id.getValue()).filter(o -> o.frameworkId().equals(frameworkId))
          .ifPresent(o -> retireOffer(o, Outcome.DECLINED, refuse));
    }
  }

  /**
   * An offer id this master never issued (and does not remember spending) is refused with
   * 400 before anything changes; spent offers are answered as Mesos does, with updates.
   */
  private void checkOfferIdsKnown(List<OfferID> ids) {
    for (OfferID id : ids) {
      String value = id.getValue();
      if (offers.get(value).isEmpty() && offers.spentOutcome(value).isEmpty() && !fromAnotherMaster(value)) {
        throw new CallRejected(400, "Unknown offer id '" + value + "': this master never made that offer");
      }
    }
  }

  /**
   * An offer of an earlier leader (its id has another master's id before "-O"): frameworks
   * accept those across a failover, and Mesos answers with TASK_LOST/TASK_DROPPED, so we do too.
   */
  private boolean fromAnotherMaster(String offerId) {
    return OFFER_ID.matcher(offerId).matches() && !offerId.startsWith(masterInfo.getId() + "-O");
  }

  private static double refuseSeconds(double requested) {
    if (!(requested >= 0) || Double.isInfinite(requested)) {
      return DEFAULT_REFUSE_SECONDS;
    }
    return Math.min(requested, MAX_REFUSE_SECONDS);
  }

  public void accept(String frameworkId, Call.Accept accept) {
    checkOfferIdsKnown(accept.getOfferIdsList());
    FrameworkRecord framework = frameworks.get(frameworkId);
    List<TaskInfo> launches = new ArrayList<>();
    List<String> unsupported = new ArrayList<>();
    for (Offer.Operation op : accept.getOperationsList()) {
      switch (op.getType()) {
        case LAUNCH -> launches.addAll(op.getLaunch().getTaskInfosList());
        case LAUNCH_GROUP -> launches.addAll(op.getLaunchGroup().getTaskGroup().getTasksList());
        case RESERVE, UNRESERVE -> { }
        default -> unsupported.add(op.getType().name());
      }
    }
    Optional<String> invalidOffers = validateOffers(framework, accept.getOfferIdsList());
    if (invalidOffers.isPresent()) {
      dropLaunches(framework, launches, "Task launched with invalid offers: " + invalidOffers.get());
      return;
    }
    List<OfferRecord> used = new ArrayList<>();
    for (OfferID id : accept.getOfferIdsList()) {
      OfferRecord offer = offers.get(id.getValue()).orElseThrow();
      offers.remove(offer.id(), Outcome.ACCEPTED);
      framework.offers.remove(offer.id());
      used.add(offer);
    }
    String agentId = used.get(0).agentId();
    String role = used.get(0).role();
    AgentResources available = AgentResources.EMPTY;
    for (OfferRecord offer : used) {
      available = available.plus(offer.offered());
    }
    for (Offer.Operation op : accept.getOperationsList()) {
      if (op.getType() == Offer.Operation.Type.RESERVE) {
        available = reserveFromOffer(framework, agentId, role, op.getReserve().getResourcesList(), available);
      } else if (op.getType() == Offer.Operation.Type.UNRESERVE) {
        available = unreserveFromOffer(framework, agentId, role, op.getUnreserve().getResourcesList(), available);
      } else if (op.getType() == Offer.Operation.Type.LAUNCH_GROUP) {
        available = launchGroup(framework, agents.get(agentId), role, op.getLaunchGroup(), available);
      } else if (op.getType() == Offer.Operation.Type.LAUNCH) {
        for (TaskInfo task : op.getLaunch().getTaskInfosList()) {
          available = launch(framework, agents.get(agentId), role, task, available);
        }
      }
    }
    if (!unsupported.isEmpty()) {
      log.warn("[framework={}] ignored offer operations not supported yet: {}", frameworkId, unsupported);
    }
    double refuse = refuseSeconds(accept.hasFilters() ? accept.getFilters().getRefuseSeconds() : DEFAULT_REFUSE_SECONDS);
    if (!available.isEmpty()) {
      allocator.recover(frameworkId, role, agentId, available, refuse, clock.instant());
    }
  }

  /**
   * RESERVE in an ACCEPT: part of the offer's unreserved resources becomes dynamically reserved
   * for the offer's role, and stays in what the framework may use in this ACCEPT. An invalid
   * operation is dropped with a warning, as Mesos does without operation feedback.
   */
  private AgentResources reserveFromOffer(FrameworkRecord framework, String agentId, String role,
      List<Resource> resources, AgentResources available) {
    Resources wanted;
    try {
      ProtoResources.Parsed parsed = ProtoResources.toAgentResources(resources);
      if (!parsed.resources().unreserved().isEmpty() || !parsed.resources().reserved().keySet().equals(Set.of(role))
          || !parsed.dynamic().getOrDefault(role, Resources.EMPTY).equals(parsed.resources().reservedFor(role))) {
        throw new ProtoResources.InvalidResources("RESERVE must name only dynamic reservations for the offer's role '"
            + role + "'");
      }
      wanted = parsed.resources().reservedFor(role);
    } catch (ProtoResources.InvalidResources e) {
      log.warn("[framework={}] dropped RESERVE: {}", framework.id, e.getMessage());
      return available;
    }
    if (!available.unreserved().covers(wanted)) {
      log.warn("[framework={}] dropped RESERVE of {}: only {} is unreserved in the offers", framework.id, wanted,
          available.unreserved());
      return available;
    }
    allocator.reserveAllocated(framework.id, role, agentId, role, wanted);
    dynamicReservations.computeIfAbsent(agentId, k -> new TreeMap<>()).merge(role, wanted, Resources::plus);
    log.info("[framework={}] reserved {} for role '{}' on agent {}", framework.id, wanted, role, agentId);
    reservationsChanged.accept(agentId);
    return available.minus(AgentResources.unreserved(wanted)).plus(AgentResources.reserved(role, wanted));
  }

  /** UNRESERVE in an ACCEPT: dynamically reserved resources of the offer go back to the unreserved pool. */
  private AgentResources unreserveFromOffer(FrameworkRecord framework, String agentId, String role,
      List<Resource> resources, AgentResources available) {
    AgentResources wanted;
    try {
      ProtoResources.Parsed parsed = ProtoResources.toAgentResources(resources);
      wanted = parsed.resources();
      if (!wanted.unreserved().isEmpty()) {
        throw new ProtoResources.InvalidResources("UNRESERVE names unreserved resources");
      }
      for (Map.Entry<String, Resources> e : wanted.reserved().entrySet()) {
        Resources dynamic = dynamicReservations.getOrDefault(agentId, Map.of()).getOrDefault(e.getKey(), Resources.EMPTY);
        if (!dynamic.covers(e.getValue())) {
          throw new ProtoResources.InvalidResources("only " + dynamic + " is dynamically reserved for role '"
              + e.getKey() + "' on agent " + agentId);
        }
      }
    } catch (ProtoResources.InvalidResources e) {
      log.warn("[framework={}] dropped UNRESERVE: {}", framework.id, e.getMessage());
      return available;
    }
    if (!available.covers(wanted)) {
      log.warn("[framework={}] dropped UNRESERVE of {}: the offers hold only {}", framework.id, wanted, available);
      return available;
    }
    for (Map.Entry<String, Resources> e : wanted.reserved().entrySet()) {
      allocator.unreserveAllocated(framework.id, role, agentId, e.getKey(), e.getValue());
      Map<String, Resources> onAgent = dynamicReservations.get(agentId);
      Resources left = onAgent.get(e.getKey()).minus(e.getValue());
      if (left.isEmpty()) {
        onAgent.remove(e.getKey());
      } else {
        onAgent.put(e.getKey(), left);
      }
      log.info("[framework={}] unreserved {} of role '{}' on agent {}", framework.id, e.getValue(), e.getKey(), agentId);
    }
    reservationsChanged.accept(agentId);
    return available.minus(wanted).plus(AgentResources.unreserved(wanted.total()));
  }

  private Optional<String> validateOffers(FrameworkRecord framework, List<OfferID> ids) {
    if (ids.isEmpty()) {
      return Optional.of("No offers specified");
    }
    Set<String> seen = new HashSet<>();
    String agentId = null;
    String role = null;
    for (OfferID id : ids) {
      if (!seen.add(id.getValue())) {
        return Optional.of("Duplicate offer " + id.getValue());
      }
      Optional<OfferRecord> offer = offers.get(id.getValue());
      if (offer.isEmpty()) {
        return Optional.of("Offer " + id.getValue() + " is no longer valid");
      }
      if (!offer.get().frameworkId().equals(framework.id)) {
        return Optional.of("Offer " + id.getValue() + " has invalid framework");
      }
      if (agentId != null && !agentId.equals(offer.get().agentId())) {
        return Optional.of("Aggregated offers must belong to one single agent");
      }
      if (role != null && !role.equals(offer.get().role())) {
        return Optional.of("Aggregated offers must be allocated to the same role");
      }
      agentId = offer.get().agentId();
      role = offer.get().role();
    }
    return Optional.empty();
  }

  private void dropLaunches(FrameworkRecord framework, List<TaskInfo> tasks, String message) {
    boolean aware = framework.hasCapability(FrameworkInfo.Capability.Type.PARTITION_AWARE);
    for (TaskInfo task : tasks) {
      masterUpdate(framework, task.getTaskId(), task.getAgentId().getValue(),
          aware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST, TaskStatus.Reason.REASON_INVALID_OFFERS, message);
    }
  }

  /** Validates one task against what is left of the offers and sends it to the agent; returns what is left after it. */
  private AgentResources launch(FrameworkRecord framework, AgentRecord agent, String role, TaskInfo task,
      AgentResources available) {
    String agentId = agent.id;
    Optional<String> invalid = TaskValidation.launchTask(framework, agent, task);
    AgentResources needed = AgentResources.EMPTY;
    AgentResources executorNeeds = AgentResources.EMPTY;
    if (invalid.isEmpty()) {
      try {
        needed = ProtoResources.toAgentResources(task.getResourcesList()).resources();
        executorNeeds = task.hasExecutor() ? newExecutorResources(framework, agent, task.getExecutor())
            : AgentResources.EMPTY;
        invalid = checkFits(needed, executorNeeds, available);
      } catch (ProtoResources.InvalidResources e) {
        invalid = Optional.of("Task uses invalid resources: " + e.getMessage());
      }
    }
    if (invalid.isPresent()) {
      masterUpdate(framework, task.getTaskId(), agentId, TaskState.TASK_ERROR, TaskStatus.Reason.REASON_TASK_INVALID,
          invalid.get());
      return available;
    }
    AgentResources total = needed.plus(executorNeeds);
    if (!agent.connected()) {
      agentGoneDuringLaunch(framework, role, agentId, List.of(task), total);
      return available.minus(total);
    }
    TaskInfo sent = task;
    if (task.hasExecutor()) {
      ExecutorInfo executor = TaskValidation.withFramework(task.getExecutor(), framework.id);
      sent = task.toBuilder().setExecutor(executor).build();
      trackExecutor(framework, agent, role, executor, executorNeeds);
    }
    track(framework, agent, role, sent, needed);
    agent.send(AgentEvent.newBuilder().setType(AgentEvent.Type.RUN_TASK)
        .setRunTask(AgentEvent.RunTask.newBuilder()
            .setFrameworkId(FrameworkID.newBuilder().setValue(framework.id))
            .setFrameworkInfo(framework.info)
            .setTask(sent))
        .build());
    log.info("[framework={}] launching task {} on agent {} with {}", framework.id, task.getTaskId().getValue(), agentId,
        total);
    return available.minus(total);
  }

  /** LAUNCH_GROUP: every task of the group is launched, or none is (all get TASK_ERROR). */
  private AgentResources launchGroup(FrameworkRecord framework, AgentRecord agent, String role,
      Offer.Operation.LaunchGroup group, AgentResources available) {
    List<TaskInfo> tasks = group.getTaskGroup().getTasksList();
    Optional<String> invalid = TaskValidation.taskGroup(framework, agent, group.getExecutor(), tasks);
    AgentResources needed = AgentResources.EMPTY;
    AgentResources executorNeeds = AgentResources.EMPTY;
    if (invalid.isEmpty()) {
      try {
        for (TaskInfo task : tasks) {
          needed = needed.plus(ProtoResources.toAgentResources(task.getResourcesList()).resources());
        }
        executorNeeds = newExecutorResources(framework, agent, group.getExecutor());
        invalid = checkFits(needed, executorNeeds, available);
      } catch (ProtoResources.InvalidResources e) {
        invalid = Optional.of("Task group uses invalid resources: " + e.getMessage());
      }
    }
    if (invalid.isPresent()) {
      for (TaskInfo task : tasks) {
        masterUpdate(framework, task.getTaskId(), agent.id, TaskState.TASK_ERROR,
            TaskStatus.Reason.REASON_TASK_GROUP_INVALID, invalid.get());
      }
      return available;
    }
    AgentResources total = needed.plus(executorNeeds);
    if (!agent.connected()) {
      agentGoneDuringLaunch(framework, role, agent.id, tasks, total);
      return available.minus(total);
    }
    ExecutorInfo executor = TaskValidation.withFramework(group.getExecutor(), framework.id);
    trackExecutor(framework, agent, role, executor, executorNeeds);
    for (TaskInfo task : tasks) {
      track(framework, agent, role, task.toBuilder().setExecutor(executor).build(),
          ProtoResources.toAgentResources(task.getResourcesList()).resources());
    }
    agent.send(AgentEvent.newBuilder().setType(AgentEvent.Type.RUN_TASK_GROUP)
        .setRunTaskGroup(AgentEvent.RunTaskGroup.newBuilder()
            .setFrameworkId(FrameworkID.newBuilder().setValue(framework.id))
            .setFrameworkInfo(framework.info)
            .setExecutor(executor)
            .setTaskGroup(group.getTaskGroup()))
        .build());
    log.info("[framework={}] launching a group of {} tasks with executor {} on agent {}", framework.id, tasks.size(),
        executor.getExecutorId().getValue(), agent.id);
    return available.minus(total);
  }

  /** An executor's own resources count only when it is not running on the agent yet. */
  private static AgentResources newExecutorResources(FrameworkRecord framework, AgentRecord agent,
      ExecutorInfo executor) {
    String key = ExecutorRecord.key(framework.id, executor.getExecutorId().getValue());
    return agent.executors.containsKey(key) ? AgentResources.EMPTY
        : ProtoResources.toAgentResources(executor.getResourcesList()).resources();
  }

  private static Optional<String> checkFits(AgentResources tasks, AgentResources executor, AgentResources available) {
    if (tasks.isEmpty()) {
      return Optional.of("Task uses no resources");
    }
    AgentResources total = tasks.plus(executor);
    if (!available.covers(total)) {
      return Optional.of("Task uses more resources " + total + " than available " + available);
    }
    return Optional.empty();
  }

  private void agentGoneDuringLaunch(FrameworkRecord framework, String role, String agentId, List<TaskInfo> tasks,
      AgentResources total) {
    boolean aware = framework.hasCapability(FrameworkInfo.Capability.Type.PARTITION_AWARE);
    allocator.recover(framework.id, role, agentId, total, 0, clock.instant());
    for (TaskInfo task : tasks) {
      masterUpdate(framework, task.getTaskId(), agentId, aware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST,
          TaskStatus.Reason.REASON_AGENT_DISCONNECTED, "Agent is disconnected");
    }
  }

  private void track(FrameworkRecord framework, AgentRecord agent, String role, TaskInfo task,
      AgentResources resources) {
    TaskRecord record = new TaskRecord(framework.id, agent.id, role, task, resources);
    framework.tasks.put(record.id(), record);
    agent.tasks.put(AgentRecord.taskKey(framework.id, record.id()), record);
  }

  private void trackExecutor(FrameworkRecord framework, AgentRecord agent, String role, ExecutorInfo executor,
      AgentResources resources) {
    agent.executors.putIfAbsent(ExecutorRecord.key(framework.id, executor.getExecutorId().getValue()),
        new ExecutorRecord(framework.id, agent.id, role, executor, resources));
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
        rescind(offer);
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
    boolean agentUnreachable = agentId != null && unreachableAgents.containsKey(agentId);
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
    masterUpdate(framework, taskId, agentId, state, TaskStatus.Reason.REASON_RECONCILIATION, message);
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

  /** An update the master makes itself: no uuid, not retried, not to be acknowledged. */
  private void masterUpdate(FrameworkRecord framework, TaskID taskId, String agentId, TaskState state,
      TaskStatus.Reason reason, String message) {
    TaskStatus.Builder status = TaskStatus.newBuilder().setTaskId(taskId).setState(state)
        .setSource(TaskStatus.Source.SOURCE_MASTER).setReason(reason).setMessage(message)
        .setTimestamp(clock.millis() / 1000.0);
    if (agentId != null && !agentId.isEmpty()) {
      status.setAgentId(AgentID.newBuilder().setValue(agentId));
    }
    framework.send(update(status.build()));
  }

  static boolean isTerminal(TaskState state) {
    return switch (state) {
      case TASK_FINISHED, TASK_FAILED, TASK_KILLED, TASK_ERROR, TASK_LOST, TASK_DROPPED, TASK_GONE,
          TASK_GONE_BY_OPERATOR -> true;
      default -> false;
    };
  }

  // ---------------------------------------------------------------- agents

  /**
   * Registers (or re-registers, when the agent names its id) an agent on a new stream and
   * answers REGISTERED on it.
   *
   * @return the agent id, or null when the registration was refused
   */
  public String registerAgent(AgentCall.Register register, EventSink<AgentEvent> stream) {
    AgentInfo info = register.getAgentInfo();
    AgentResources total;
    try {
      total = ProtoResources.toAgentResources(info.getResourcesList()).resources();
    } catch (ProtoResources.InvalidResources e) {
      stream.send(AgentEvent.newBuilder().setType(AgentEvent.Type.ERROR)
          .setError(AgentEvent.Error.newBuilder().setMessage("Invalid agent resources: " + e.getMessage())).build());
      stream.close();
      return null;
    }
    String id = info.hasId() ? info.getId().getValue() : masterInfo.getId() + "-S" + nextAgentId++;
    AgentRecord agent = agents.get(id);
    if (agent != null) {
      reregister(agent, info, total.total(), register, stream);
    } else {
      agent = new AgentRecord(id, info.toBuilder().setId(AgentID.newBuilder().setValue(id)).build(), total.total(),
          register.getRuntimesList(), clock.millis());
      agents.put(id, agent);
      unreachableAgents.remove(id);
      agent.stream = stream;
      AgentResources used = AgentResources.EMPTY;
      for (RunningTask running : register.getTasksList()) {
        used = used.plus(adoptTask(agent, running));
      }
      allocator.addAgent(id, withDynamicReservations(id, total), used);
      for (TaskRecord task : agent.tasks.values()) {
        allocator.addUsed(task.frameworkId, task.role, id, task.allocation);
      }
      agentAddedListener.accept(id);
      log.info("Agent {} at {}:{} registered with {} and {} running tasks", id, info.getHostname(), info.getPort(),
          total, register.getTasksCount());
    }
    stream.send(AgentEvent.newBuilder().setType(AgentEvent.Type.REGISTERED)
        .setRegistered(AgentEvent.Registered.newBuilder().setAgentId(AgentID.newBuilder().setValue(id))
            .setMasterInfo(masterInfo).setHeartbeatIntervalSeconds(Wire.HEARTBEAT_INTERVAL_SECONDS))
        .build());
    return id;
  }

  private void reregister(AgentRecord agent, AgentInfo info, Resources total, AgentCall.Register register,
      EventSink<AgentEvent> stream) {
    if (agent.stream != null && agent.stream != stream) {
      agent.stream.close();
    }
    if (agent.removalTimer >= 0) {
      timers.cancel(agent.removalTimer);
      agent.removalTimer = -1;
    }
    agent.stream = stream;
    agent.info = info;
    for (RunningTask running : register.getTasksList()) {
      if (!agent.tasks.containsKey(AgentRecord.taskKey(running.getFrameworkId().getValue(),
          running.getTask().getTaskId().getValue()))) {
        AgentResources used = adoptTask(agent, running);
        TaskRecord task = agent.tasks.get(AgentRecord.taskKey(running.getFrameworkId().getValue(),
            running.getTask().getTaskId().getValue()));
        if (task != null) {
          allocator.addUsed(task.frameworkId, task.role, agent.id, used);
        }
      }
    }
    dropTasksTheAgentNoLongerHas(agent, register);
    allocator.setAgentActive(agent.id, true);
    log.info("Agent {} re-registered with {} running tasks", agent.id, register.getTasksCount());
  }

  /**
   * A task this master placed on the agent that the agent does not report when it re-registers
   * (a RUN_TASK lost with the old stream, a task a restarted agent could not recover, a custom
   * executor's task) is gone: its framework hears TASK_LOST (TASK_GONE when partition-aware)
   * and its resources come back, as Mesos does when it reconciles a re-registering agent.
   */
  private void dropTasksTheAgentNoLongerHas(AgentRecord agent, AgentCall.Register register) {
    Set<String> reported = new HashSet<>();
    for (RunningTask running : register.getTasksList()) {
      reported.add(AgentRecord.taskKey(running.getFrameworkId().getValue(), running.getTask().getTaskId().getValue()));
    }
    for (Map.Entry<String, TaskRecord> entry : new ArrayList<>(agent.tasks.entrySet())) {
      TaskRecord task = entry.getValue();
      if (reported.contains(entry.getKey()) || isTerminal(task.state)) {
        continue;
      }
      agent.tasks.remove(entry.getKey());
      FrameworkRecord framework = frameworks.get(task.frameworkId);
      if (!task.resourcesRecovered) {
        task.resourcesRecovered = true;
        allocator.recover(task.frameworkId, task.role, agent.id, task.allocation, 0, clock.instant());
      }
      if (framework == null) {
        continue;
      }
      framework.tasks.remove(task.id());
      boolean aware = framework.hasCapability(FrameworkInfo.Capability.Type.PARTITION_AWARE);
      log.info("[framework={}] task {} is gone: agent {} re-registered without it", task.frameworkId, task.id(), agent.id);
      masterUpdate(framework, task.info.getTaskId(), agent.id, aware ? TaskState.TASK_GONE : TaskState.TASK_LOST,
          TaskStatus.Reason.REASON_AGENT_RESTARTED, "Task is unknown to the agent " + agent.id + " after it re-registered");
    }
  }

  /** A task an agent reports as running, which this master did not launch (e.g. after a master failover). */
  private AgentResources adoptTask(AgentRecord agent, RunningTask running) {
    String frameworkId = running.getFrameworkId().getValue();
    if (completedFrameworks.contains(frameworkId)) {
      agent.send(AgentEvent.newBuilder().setType(AgentEvent.Type.SHUTDOWN_FRAMEWORK)
          .setShutdownFramework(AgentEvent.ShutdownFramework.newBuilder().setFrameworkId(running.getFrameworkId()))
          .build());
      return AgentResources.EMPTY;
    }
    FrameworkRecord framework = frameworks.get(frameworkId);
    if (framework == null) {
      FrameworkInfo info = running.hasFrameworkInfo() ? running.getFrameworkInfo()
          : FrameworkInfo.newBuilder().setUser("unknown").setName("unknown").build();
      framework = new FrameworkRecord(frameworkId, info.toBuilder().setId(running.getFrameworkId()).build(),
          clock.millis());
      frameworks.put(frameworkId, framework);
      allocator.addFramework(frameworkId, framework.roles(), Set.of());
      allocator.setFrameworkActive(frameworkId, false);
    }
    AgentResources resources;
    try {
      resources = ProtoResources.toAgentResources(running.getTask().getResourcesList()).resources();
    } catch (ProtoResources.InvalidResources e) {
      resources = AgentResources.EMPTY;
    }
    String role = framework.roles().iterator().hasNext() ? framework.roles().iterator().next() : "*";
    TaskRecord task = new TaskRecord(frameworkId, agent.id, role, running.getTask(), resources);
    task.state = running.getState();
    framework.tasks.put(task.id(), task);
    agent.tasks.put(AgentRecord.taskKey(frameworkId, task.id()), task);
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

  public void checkAgentCaller(String agentId, String streamId) {
    AgentRecord agent = agents.get(agentId);
    if (agent == null) {
      throw new CallRejected(400, "Agent " + agentId + " is not registered");
    }
    if (!agent.connected()) {
      throw new CallRejected(403, "Agent " + agentId + " is not connected");
    }
    if (streamId == null || !streamId.equals(agent.stream.streamId())) {
      throw new CallRejected(400, "The stream ID '" + streamId + "' does not match agent " + agentId);
    }
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
    AgentRecord agent = agents.get(agentId);
    if (agent == null || agent.stream == null || !agent.stream.streamId().equals(streamId)) {
      return;
    }
    agent.stream = null;
    allocator.setAgentActive(agentId, false);
    for (OfferRecord offer : offers.forAgent(agentId)) {
      rescind(offer);
    }
    log.info("Agent {} disconnected; removing it unless it re-registers within {}", agentId, agentReregisterTimeout);
    agent.removalTimer = timers.schedule(agentReregisterTimeout, () -> {
      if (!agent.connected() && agents.get(agentId) == agent) {
        removeAgent(agent);
      }
    });
  }

  private void removeAgent(AgentRecord agent) {
    log.info("Agent {} removed: it did not re-register in time; {} tasks lost", agent.id, agent.tasks.size());
    agents.remove(agent.id);
    dynamicReservations.remove(agent.id);
    allocator.removeAgent(agent.id);
    Instant now = clock.instant();
    unreachableAgents.put(agent.id, now);
    for (TaskRecord task : new ArrayList<>(agent.tasks.values())) {
      FrameworkRecord framework = frameworks.get(task.frameworkId);
      if (framework == null) {
        continue;
      }
      framework.tasks.remove(task.id());
      if (!isTerminal(task.state)) {
        boolean aware = framework.hasCapability(FrameworkInfo.Capability.Type.PARTITION_AWARE);
        TaskStatus.Builder status = TaskStatus.newBuilder().setTaskId(task.info.getTaskId())
            .setState(aware ? TaskState.TASK_UNREACHABLE : TaskState.TASK_LOST)
            .setSource(TaskStatus.Source.SOURCE_MASTER).setReason(TaskStatus.Reason.REASON_AGENT_REMOVED)
            .setMessage("Agent " + agent.id + " is unreachable: it did not re-register in time")
            .setAgentId(AgentID.newBuilder().setValue(agent.id)).setTimestamp(now.toEpochMilli() / 1000.0);
        if (aware) {
          status.setUnreachableTime(io.mezzo.v1.Protos.TimeInfo.newBuilder()
              .setNanoseconds(now.toEpochMilli() * 1_000_000L));
        }
        framework.send(update(status.build()));
      }
    }
    Event failure = Event.newBuilder().setType(Event.Type.FAILURE)
        .setFailure(Event.Failure.newBuilder().setAgentId(AgentID.newBuilder().setValue(agent.id))).build();
    frameworks.values().forEach(f -> f.send(failure));
  }

  // ---------------------------------------------------------------- reservations and why-not

  /**
   * The agent's resources as it reported them (unreserved and static reservations), with the
   * dynamic reservations this master knows for it moved out of the unreserved part.
   */
  private AgentResources withDynamicReservations(String agentId, AgentResources reported) {
    Map<String, Resources> dynamic = dynamicReservations.getOrDefault(agentId, Map.of());
    AgentResources total = reported;
    for (Map.Entry<String, Resources> e : dynamic.entrySet()) {
      if (total.unreserved().covers(e.getValue())) {
        total = total.minus(AgentResources.unreserved(e.getValue())).plus(AgentResources.reserved(e.getKey(), e.getValue()));
      } else {
        log.warn("Agent {} no longer has {} unreserved for the dynamic reservation of role '{}'; dropping it", agentId,
            e.getValue(), e.getKey());
        dynamicReservations.get(agentId).remove(e.getKey());
      }
    }
    return total;
  }

  /**
   * The dynamic reservations in force: agent id → role → reserved resources. What the registry
   * persists so that they survive a master failover; a copy.
   */
  public Map<String, Map<String, Resources>> dynamicReservations() {
    Map<String, Map<String, Resources>> copy = new TreeMap<>();
    dynamicReservations.forEach((agent, byRole) -> {
      if (!byRole.isEmpty()) {
        copy.put(agent, Map.copyOf(byRole));
      }
    });
    return copy;
  }

  /**
   * Registers who hears of dynamic reservations that frameworks make or drop through ACCEPT
   * (RESERVE, UNRESERVE), with the agent id, so they can be kept in the registry.
   */
  public void onReservationsChanged(Consumer<String> listener) {
    this.reservationsChanged = Objects.requireNonNull(listener, "listener");
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
    try {
      allocator.reserve(agentId, role, resources);
    } catch (IllegalArgumentException e) {
      throw new CallRejected(400, e.getMessage());
    } catch (IllegalStateException e) {
      throw new CallRejected(409, e.getMessage());
    }
    dynamicReservations.computeIfAbsent(agentId, k -> new TreeMap<>()).merge(role, resources, Resources::plus);
    log.info("Reserved {} for role '{}' on agent {}", resources, role, agentId);
  }

  /**
   * An operator's unreservation of free dynamically reserved resources.
   *
   * @throws CallRejected 400 for an unknown agent or resources not dynamically reserved, 409 when they are not free
   */
  public void unreserve(String agentId, String role, Resources resources) {
    Resources dynamic = dynamicReservations.getOrDefault(agentId, Map.of()).getOrDefault(role, Resources.EMPTY);
    if (!dynamic.covers(resources)) {
      throw new CallRejected(400, "Only " + dynamic + " is dynamically reserved for role '" + role + "' on agent " + agentId);
    }
    try {
      allocator.unreserve(agentId, role, resources);
    } catch (IllegalStateException e) {
      throw new CallRejected(409, e.getMessage());
    }
    Resources left = dynamic.minus(resources);
    if (left.isEmpty()) {
      dynamicReservations.get(agentId).remove(role);
    } else {
      dynamicReservations.get(agentId).put(role, left);
    }
    log.info("Unreserved {} of role '{}' on agent {}", resources, role, agentId);
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

  private static Event update(TaskStatus status) {
    return Event.newBuilder().setType(Event.Type.UPDATE).setUpdate(Event.Update.newBuilder().setStatus(status)).build();
  }
}
