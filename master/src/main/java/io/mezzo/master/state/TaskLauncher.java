package io.mezzo.master.state;

import static io.mezzo.master.state.TaskUpdates.masterUpdate;

import io.mezzo.master.offers.OfferBook.OfferRecord;
import io.mezzo.master.offers.OfferEvents;
import io.mezzo.master.spi.AgentResources;
import io.mezzo.master.spi.Allocator;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.scheduler.Protos.Call;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ACCEPT for {@link ClusterState}: spends the named offers, applies RESERVE and UNRESERVE through
 * {@link Reservations}, validates each LAUNCH and LAUNCH_GROUP against what is left of the offers,
 * records the tasks and executors and sends RUN_TASK or RUN_TASK_GROUP to the agent. What no
 * operation uses goes back to the allocator with the ACCEPT's filter. Each offer spent is told to
 * the observer as OFFER_ACCEPTED, with the tasks launched.
 *
 * <p>An ACCEPT naming an offer that is not the framework's outstanding one (unknown, spent, or
 * another framework's) is answered as Mesos answers it: the call succeeds (202), every task of its
 * LAUNCH and LAUNCH_GROUP operations gets TASK_LOST (TASK_DROPPED when partition-aware) with
 * REASON_INVALID_OFFERS, and the framework's valid offers it named are spent without a filter.
 */
final class TaskLauncher {
  // Same logger as ClusterState, so that the master's log reads as before the split.
  private static final Logger log = LoggerFactory.getLogger(ClusterState.class);

  private final Allocator allocator;
  private final Clock clock;
  private final ClusterRecords records;
  private final OfferCycle offerCycle;
  private final Reservations reservations;

  TaskLauncher(Allocator allocator, Clock clock, ClusterRecords records, OfferCycle offerCycle,
      Reservations reservations) {
    this.allocator = allocator;
    this.clock = clock;
    this.records = records;
    this.offerCycle = offerCycle;
    this.reservations = reservations;
  }

  /** @param mayRunAs whether the caller may run a task as the given OS user (the run_tasks ACL) */
  void accept(String frameworkId, Call.Accept accept, Predicate<String> mayRunAs) {
    if (!records.leading.getAsBoolean()) {
      throw new CallRejected(503, "This master is no longer the leader");
    }
    FrameworkRecord framework = records.frameworks.get(frameworkId);
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
    Optional<String> invalidOffers = offerCycle.validateOffers(framework, accept.getOfferIdsList());
    if (invalidOffers.isPresent()) {
      refuse(framework, accept, launches, invalidOffers.get());
      return;
    }
    List<OfferRecord> used = new ArrayList<>();
    for (OfferID id : accept.getOfferIdsList()) {
      OfferRecord offer = records.offers.get(id.getValue()).orElseThrow();
      offerCycle.spend(offer);
      used.add(offer);
    }
    List<TaskID> launched = new ArrayList<>();
    String agentId = used.get(0).agentId();
    String role = used.get(0).role();
    AgentResources available = AgentResources.EMPTY;
    for (OfferRecord offer : used) {
      available = available.plus(offer.offered());
    }
    for (Offer.Operation op : accept.getOperationsList()) {
      if (op.getType() == Offer.Operation.Type.RESERVE) {
        available = reservations.reserveFromOffer(framework, agentId, role, op.getReserve().getResourcesList(), available);
      } else if (op.getType() == Offer.Operation.Type.UNRESERVE) {
        available = reservations.unreserveFromOffer(framework, agentId, role, op.getUnreserve().getResourcesList(),
            available);
      } else if (op.getType() == Offer.Operation.Type.LAUNCH_GROUP) {
        available = launchGroup(framework, records.agents.get(agentId), role, op.getLaunchGroup(), available,
            launched, mayRunAs);
      } else if (op.getType() == Offer.Operation.Type.LAUNCH) {
        for (TaskInfo task : op.getLaunch().getTaskInfosList()) {
          available = launch(framework, records.agents.get(agentId), role, task, available, launched, mayRunAs);
        }
      }
    }
    if (!unsupported.isEmpty()) {
      log.warn("[framework={}] ignored offer operations not supported yet: {}", frameworkId, unsupported);
    }
    double refuse = OfferCycle.refuseSeconds(accept.hasFilters() ? accept.getFilters().getRefuseSeconds()
        : OfferCycle.DEFAULT_REFUSE_SECONDS);
    if (!available.isEmpty()) {
      allocator.recover(frameworkId, role, agentId, available, refuse, clock.instant());
    }
    for (OfferRecord offer : used) {
      records.observer.applied(OfferEvents.accepted(offer, clock.instant(), accept.getOperationsList(), launched, null));
    }
  }

  /**
   * An ACCEPT with invalid offers, as Mesos (Master::accept): the framework's outstanding offers it
   * names are spent, their resources back without a filter; every task it would launch is lost.
   */
  private void refuse(FrameworkRecord framework, Call.Accept accept, List<TaskInfo> launches, String why) {
    log.warn("[framework={}] ACCEPT used invalid offers: {}", framework.id, LogText.of(why));
    for (OfferID id : accept.getOfferIdsList()) {
      Optional<OfferRecord> offer = records.offers.get(id.getValue()).filter(o -> o.frameworkId().equals(framework.id));
      if (offer.isEmpty()) {
        log.warn("[framework={}] ignoring ACCEPT of offer {}: {}", framework.id, LogText.of(id.getValue()),
            offerCycle.whyNotOutstanding(framework.id, id.getValue()));
        continue;
      }
      offerCycle.spend(offer.get());
      allocator.recover(framework.id, offer.get().role(), offer.get().agentId(), offer.get().offered(), 0,
          clock.instant());
      records.observer.applied(OfferEvents.accepted(offer.get(), clock.instant(), accept.getOperationsList(),
          List.of(), "The ACCEPT used invalid offers, nothing was launched: " + why));
    }
    boolean aware = framework.hasCapability(FrameworkInfo.Capability.Type.PARTITION_AWARE);
    String message = "Task launched with invalid offers: " + why;
    for (TaskInfo task : launches) {
      masterUpdate(clock, framework, task.getTaskId(), task.getAgentId().getValue(),
          aware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST, TaskStatus.Reason.REASON_INVALID_OFFERS, message);
      records.counters.taskTerminated(aware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST);
    }
  }

  /** Validates one task against what is left of the offers and sends it to the agent; returns what is left after it. */
  private AgentResources launch(FrameworkRecord framework, AgentRecord agent, String role, TaskInfo task,
      AgentResources available, List<TaskID> launched, Predicate<String> mayRunAs) {
    String agentId = agent.id;
    Optional<String> invalid = TaskValidation.launchTask(framework, agent, task);
    String user = runAs(framework, task.hasExecutor() ? task.getExecutor() : null, task);
    if (invalid.isEmpty() && !mayRunAs.test(user)) {
      masterUpdate(clock, framework, task.getTaskId(), agentId, TaskState.TASK_ERROR,
          TaskStatus.Reason.REASON_TASK_UNAUTHORIZED, "Not authorized to launch as user '" + user + "'");
      records.counters.taskTerminated(TaskState.TASK_ERROR);
      return available;
    }
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
      masterUpdate(clock, framework, task.getTaskId(), agentId, TaskState.TASK_ERROR,
          TaskStatus.Reason.REASON_TASK_INVALID, invalid.get());
      records.counters.taskTerminated(TaskState.TASK_ERROR);
      return available;
    }
    AgentResources total = needed.plus(executorNeeds);
    if (!agent.connected()) {
      agentGoneDuringLaunch(framework, role, agentId, List.of(task), total);
      return available.minus(total);
    }
    if (!stillLeading(framework, agent)) {
      notLaunched(framework, role, agentId, List.of(task), total);
      return available.minus(total);
    }
    TaskInfo sent = task;
    if (task.hasExecutor()) {
      ExecutorInfo executor = TaskValidation.withFramework(task.getExecutor(), framework.id);
      sent = task.toBuilder().setExecutor(executor).build();
      trackExecutor(framework, agent, role, executor, executorNeeds);
    }
    track(framework, agent, role, sent, needed);
    launched.add(task.getTaskId());
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

  /** The OS user a task runs as, as Mesos picks it: its command's, else its executor's, else the framework's. */
  private static String runAs(FrameworkRecord framework, ExecutorInfo executor, TaskInfo task) {
    if (task.hasCommand() && task.getCommand().hasUser()) {
      return task.getCommand().getUser();
    }
    if (executor != null && executor.hasCommand() && executor.getCommand().hasUser()) {
      return executor.getCommand().getUser();
    }
    return framework.info.getUser();
  }

  /**
   * The last check before a launch leaves: the fence can break on another thread in the middle of
   * an ACCEPT, and a master that stopped leading must never launch.
   */
  private boolean stillLeading(FrameworkRecord framework, AgentRecord agent) {
    if (records.leading.getAsBoolean()) {
      return true;
    }
    log.warn("[framework={}] not launching on agent {}: this master no longer leads", framework.id, agent.id);
    return false;
  }

  /** LAUNCH_GROUP: every task of the group is launched, or none is (all get TASK_ERROR). */
  private AgentResources launchGroup(FrameworkRecord framework, AgentRecord agent, String role,
      Offer.Operation.LaunchGroup group, AgentResources available, List<TaskID> launched, Predicate<String> mayRunAs) {
    List<TaskInfo> tasks = group.getTaskGroup().getTasksList();
    Optional<String> invalid = TaskValidation.taskGroup(framework, agent, group.getExecutor(), tasks);
    for (TaskInfo task : tasks) {
      String user = runAs(framework, group.getExecutor(), task);
      if (invalid.isEmpty() && !mayRunAs.test(user)) {
        for (TaskInfo refused : tasks) {
          masterUpdate(clock, framework, refused.getTaskId(), agent.id, TaskState.TASK_ERROR,
              TaskStatus.Reason.REASON_TASK_UNAUTHORIZED, "Not authorized to launch as user '" + user + "'");
          records.counters.taskTerminated(TaskState.TASK_ERROR);
        }
        return available;
      }
    }
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
        masterUpdate(clock, framework, task.getTaskId(), agent.id, TaskState.TASK_ERROR,
            TaskStatus.Reason.REASON_TASK_GROUP_INVALID, invalid.get());
        records.counters.taskTerminated(TaskState.TASK_ERROR);
      }
      return available;
    }
    AgentResources total = needed.plus(executorNeeds);
    if (!agent.connected()) {
      agentGoneDuringLaunch(framework, role, agent.id, tasks, total);
      return available.minus(total);
    }
    if (!stillLeading(framework, agent)) {
      notLaunched(framework, role, agent.id, tasks, total);
      return available.minus(total);
    }
    ExecutorInfo executor = TaskValidation.withFramework(group.getExecutor(), framework.id);
    trackExecutor(framework, agent, role, executor, executorNeeds);
    for (TaskInfo task : tasks) {
      track(framework, agent, role, task.toBuilder().setExecutor(executor).build(),
          ProtoResources.toAgentResources(task.getResourcesList()).resources());
      launched.add(task.getTaskId());
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
    dropLaunch(framework, role, agentId, tasks, total, TaskStatus.Reason.REASON_AGENT_DISCONNECTED,
        "Agent is disconnected");
  }

  /**
   * Tasks whose launch never left because this master stopped acting as leader mid-ACCEPT: a term
   * that is only suspended keeps its state and may resume, so they must not stay tracked as
   * staging. Their resources go back, and the framework hears TASK_DROPPED (partition-aware) or
   * TASK_LOST, as Mesos sends for a launch that never reached its agent.
   */
  private void notLaunched(FrameworkRecord framework, String role, String agentId, List<TaskInfo> tasks,
      AgentResources total) {
    dropLaunch(framework, role, agentId, tasks, total, TaskStatus.Reason.REASON_MASTER_DISCONNECTED,
        "The master stopped acting as leader before the launch left");
  }

  /** A launch that never reached its agent: its resources go back, its tasks end DROPPED or LOST. */
  private void dropLaunch(FrameworkRecord framework, String role, String agentId, List<TaskInfo> tasks,
      AgentResources total, TaskStatus.Reason reason, String message) {
    boolean aware = framework.hasCapability(FrameworkInfo.Capability.Type.PARTITION_AWARE);
    TaskState state = aware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST;
    allocator.recover(framework.id, role, agentId, total, 0, clock.instant());
    for (TaskInfo task : tasks) {
      masterUpdate(clock, framework, task.getTaskId(), agentId, state, reason, message);
      records.counters.taskTerminated(state);
    }
  }

  private void track(FrameworkRecord framework, AgentRecord agent, String role, TaskInfo task,
      AgentResources resources) {
    TaskRecord record = new TaskRecord(framework.id, agent.protoId, role, task, resources, records.shared);
    framework.tasks.put(record.id(), record);
    agent.tasks.put(AgentRecord.taskKey(framework.id, record.id()), record);
    records.tellState(() -> OperatorProtos.taskAdded(record));
  }

  private void trackExecutor(FrameworkRecord framework, AgentRecord agent, String role, ExecutorInfo executor,
      AgentResources resources) {
    agent.executors.putIfAbsent(ExecutorRecord.key(framework.id, executor.getExecutorId().getValue()),
        new ExecutorRecord(framework.id, agent.id, role, executor, resources));
  }
}
