package io.mezzo.master.state;

import io.mezzo.protocol.Ids;

import io.mezzo.master.offers.OfferBook.OfferRecord;
import io.mezzo.v1.master.Protos.Event.OfferEvent.RescindReason;
import io.mezzo.master.spi.Allocator;
import io.mezzo.master.spi.Resources;
import io.mezzo.protocol.Wire;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frameworks of {@link ClusterState}: subscription on a new stream (and failover onto it),
 * the check on a framework's calls, UPDATE_FRAMEWORK, disconnection followed by removal when the
 * failover timeout runs out, and removal itself (teardown), which kills the framework's tasks.
 */
final class FrameworkRoster {
  // Same logger as ClusterState, so that the master's log reads as before the split.
  private static final Logger log = LoggerFactory.getLogger(ClusterState.class);

  private final MasterInfo masterInfo;
  private final Allocator allocator;
  private final Clock clock;
  private final Timers timers;
  private final ClusterRecords records;
  private final OfferCycle offerCycle;
  private long nextFrameworkId;

  FrameworkRoster(MasterInfo masterInfo, Allocator allocator, Clock clock, Timers timers, ClusterRecords records,
      OfferCycle offerCycle) {
    this.masterInfo = masterInfo;
    this.allocator = allocator;
    this.clock = clock;
    this.timers = timers;
    this.records = records;
    this.offerCycle = offerCycle;
  }

  /** See {@link ClusterState#subscribe}. */
  String subscribe(Call.Subscribe subscribe, EventSink<Event> stream) {
    FrameworkInfo info = subscribe.getFrameworkInfo();
    Optional<String> invalid = validateFrameworkInfo(info);
    if (invalid.isPresent()) {
      refuseSubscription(stream, invalid.get());
      return null;
    }
    String id = info.hasId() && !info.getId().getValue().isEmpty() ? info.getId().getValue() : null;
    if (id != null && records.completedFrameworks.contains(id)) {
      refuseSubscription(stream, "Framework has been removed");
      return null;
    }
    FrameworkRecord framework = id == null ? null : records.frameworks.get(id);
    if (framework != null && framework.info.hasPrincipal() && !framework.info.getPrincipal().equals(info.getPrincipal())) {
      refuseSubscription(stream, "Changing framework's principal is not allowed.");
      return null;
    }
    if (id == null) {
      id = String.format("%s-%04d", masterInfo.getId(), nextFrameworkId++);
    }
    boolean added = framework == null;
    if (added) {
      framework = new FrameworkRecord(id, info.toBuilder().setId(FrameworkID.newBuilder().setValue(id)).build(),
          clock.millis());
      records.frameworks.put(id, framework);
      log.info("[framework={}] subscribed: name '{}', roles {}", id, LogText.of(info.getName()),
          LogText.of(framework.roles()));
    } else {
      failOver(framework, info);
    }
    framework.stream = stream;
    framework.recovered = false;
    FrameworkRecord subscribed = framework;
    records.tellState(() -> added ? OperatorProtos.frameworkAdded(subscribed, records)
        : OperatorProtos.frameworkUpdated(subscribed, records));
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
    for (OfferRecord offer : records.offers.forFramework(framework.id)) {
      offerCycle.discard(offer, RescindReason.FRAMEWORK_DISCONNECTED, "Framework re-subscribed");
    }
    FrameworkInfo.Builder updated = info.toBuilder().setId(FrameworkID.newBuilder().setValue(framework.id))
        .setUser(framework.info.getUser()).setCheckpoint(framework.info.getCheckpoint());
    if (framework.info.hasPrincipal()) {
      updated.setPrincipal(framework.info.getPrincipal());
    }
    framework.info = updated.build();
    log.info("[framework={}] re-subscribed", framework.id);
  }

  private static Optional<String> validateFrameworkInfo(FrameworkInfo info) {
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

  private static void refuseSubscription(EventSink<Event> stream, String message) {
    log.info("Refused a subscription: {}", LogText.of(message));
    stream.send(error(message));
    stream.close();
  }

  /** See {@link ClusterState#checkCaller}. */
  void checkCaller(String frameworkId, String streamId, Optional<String> principal) {
    FrameworkRecord framework = records.frameworks.get(frameworkId);
    if (framework == null) {
      throw new CallRejected(400, "Framework cannot be found");
    }
    if (principal.isPresent() && !principal.get().equals(framework.info.getPrincipal())) {
      throw new CallRejected(400, "Authenticated principal '" + principal.get() + "' does not match principal '"
          + framework.info.getPrincipal() + "' set in `FrameworkInfo`");
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

  /** See {@link ClusterState#frameworkDisconnected}. */
  void frameworkDisconnected(String frameworkId, String streamId) {
    FrameworkRecord framework = records.frameworks.get(frameworkId);
    if (framework == null || framework.stream == null || !framework.stream.streamId().equals(streamId)) {
      return;
    }
    framework.stream = null;
    allocator.setFrameworkActive(frameworkId, false);
    for (OfferRecord offer : records.offers.forFramework(frameworkId)) {
      offerCycle.discard(offer, RescindReason.FRAMEWORK_DISCONNECTED, "Framework disconnected");
    }
    double timeout = framework.info.getFailoverTimeout();
    log.info("[framework={}] disconnected; failover timeout {} s", frameworkId, timeout);
    records.tellState(() -> OperatorProtos.frameworkUpdated(framework, records));
    if (timeout <= 0) {
      removeFramework(framework, "its failover timeout is 0");
    } else {
      framework.failoverTimer = timers.schedule(Duration.ofMillis((long) (timeout * 1000)),
          () -> {
            if (!framework.connected() && records.frameworks.get(frameworkId) == framework) {
              removeFramework(framework, "its failover timeout of " + timeout + " s expired");
            }
          });
    }
  }

  void teardown(String frameworkId) {
    removeFramework(records.frameworks.get(frameworkId), "it asked to be torn down");
  }

  /** Removes a framework: its tasks are killed on their agents, its offers and stream dropped. */
  private void removeFramework(FrameworkRecord framework, String why) {
    log.info("[framework={}] removed because {}; killing {} tasks", framework.id, why, framework.tasks.size());
    if (framework.failoverTimer >= 0) {
      timers.cancel(framework.failoverTimer);
    }
    for (OfferRecord offer : records.offers.forFramework(framework.id)) {
      offerCycle.discard(offer, RescindReason.FRAMEWORK_REMOVED, "Framework removed because " + why);
    }
    Set<String> agentIds = new LinkedHashSet<>();
    for (AgentRecord agent : records.agents.values()) {
      if (agent.executors.values().removeIf(e -> e.frameworkId.equals(framework.id))) {
        agentIds.add(agent.id);
      }
    }
    // The completed tasks keep the framework's newest few: only the last that many are built for them
    // (a framework of 100,000 tasks would otherwise build 100,000 views to keep 1,000).
    int forgotten = Math.max(0, framework.tasks.size() - records.completed.tasksKeptPerFramework());
    int index = 0;
    for (TaskRecord task : framework.tasks.values()) {
      boolean kept = index++ >= forgotten;
      if (!TaskUpdates.isTerminal(task.state)) {
        // Mesos kills the tasks of a removed framework and counts them so.
        records.counters.taskTerminated(TaskState.TASK_KILLED);
      }
      agentIds.add(task.agentId);
      AgentRecord agent = records.agents.get(task.agentId);
      if (agent != null) {
        agent.tasks.remove(AgentRecord.taskKey(framework.id, task.id()));
      }
      if (!TaskUpdates.isTerminal(task.state)) {
        if (!kept && !records.observer.hearsStateEvents()) {
          continue;
        }
        // The operator stream hears how each task ended; the framework itself is gone.
        TaskStatus killed = TaskStatus.newBuilder()
            .setTaskId(task.info.getTaskId()).setState(TaskState.TASK_KILLED)
            .setSource(TaskStatus.Source.SOURCE_MASTER).setReason(TaskStatus.Reason.REASON_FRAMEWORK_REMOVED)
            .setMessage("Framework " + framework.id + " removed").setAgentId(AgentID.newBuilder().setValue(task.agentId))
            .setTimestamp(clock.millis() / 1000.0).build();
        records.tellState(() -> OperatorProtos.taskUpdated(framework.id, killed));
        if (kept) {
          records.completed.taskEnded(OperatorProtos.ended(task, killed));
        }
      } else if (kept) {
        records.completed.taskEnded(OperatorProtos.ended(task, null));
      }
    }
    for (String agentId : agentIds) {
      AgentRecord agent = records.agents.get(agentId);
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
    records.frameworks.remove(framework.id);
    records.completedFrameworks.add(framework.id);
    records.completed.frameworkRemoved(OperatorProtos.removed(framework, clock.millis()));
    records.tellState(() -> OperatorProtos.frameworkRemoved(framework));
  }

  /** See {@link ClusterState#updateFramework}. */
  void updateFramework(String frameworkId, Call.UpdateFramework update) {
    FrameworkRecord framework = records.frameworks.get(frameworkId);
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
    for (OfferRecord offer : records.offers.forFramework(frameworkId)) {
      if (!roles.contains(offer.role())) {
        offerCycle.rescind(offer, RescindReason.ROLE_REMOVED,
            "Framework left role '" + TextLimits.truncate(offer.role(), TextLimits.ROLE_BYTES) + "'");
      }
    }
    framework.info = info;
    allocator.addFramework(frameworkId, roles, new HashSet<>(update.getSuppressedRolesList()));
    records.tellState(() -> OperatorProtos.frameworkUpdated(framework, records));
    log.info("[framework={}] updated: name '{}', roles {}", frameworkId, LogText.of(info.getName()),
        LogText.of(roles));
  }

  static Event heartbeatEvent() {
    return Event.newBuilder().setType(Event.Type.HEARTBEAT).build();
  }

  private static Event error(String message) {
    return Event.newBuilder().setType(Event.Type.ERROR).setError(Event.Error.newBuilder().setMessage(message)).build();
  }
}
