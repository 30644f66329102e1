package io.mezzo.master.state;

import io.mezzo.master.offers.OfferBook;
import io.mezzo.master.offers.OfferBook.OfferRecord;
import io.mezzo.master.spi.Resources;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Role;
import io.mezzo.v1.Protos.Task;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.Protos.TimeInfo;
import io.mezzo.v1.master.Protos.Event;
import io.mezzo.v1.master.Protos.Response;
import io.mezzo.v1.master.Protos.Response.GetAgents;
import io.mezzo.v1.master.Protos.Response.GetExecutors;
import io.mezzo.v1.master.Protos.Response.GetFrameworks;
import io.mezzo.v1.master.Protos.Response.GetTasks;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The one converter from the state's records to the operator API's protos (Mesos's
 * {@code master.proto} shapes): what GET_STATE, GET_AGENTS, GET_FRAMEWORKS, GET_EXECUTORS,
 * GET_TASKS, GET_ROLES, the operator stream's SUBSCRIBED snapshot and its events are made of,
 * so that they always agree. Runs on the state's context; what it returns is immutable.
 */
final class OperatorProtos {
  private OperatorProtos() {}

  // ---------------------------------------------------------------- single records

  static Task task(TaskRecord task) {
    TaskInfo info = task.info;
    Task.Builder out = Task.newBuilder()
        .setName(info.getName())
        .setTaskId(info.getTaskId())
        .setFrameworkId(FrameworkID.newBuilder().setValue(task.frameworkId))
        .setAgentId(AgentID.newBuilder().setValue(task.agentId))
        .setState(task.state)
        .addAllResources(info.getResourcesList())
        .putAllLimits(info.getLimitsMap());
    if (info.hasExecutor()) {
      out.setExecutorId(info.getExecutor().getExecutorId());
    }
    if (task.latestStatus != null) {
      // The master keeps the latest status of a task only, without its data (as Mesos strips it).
      TaskStatus latest = task.latestStatus.toBuilder().clearData().build();
      out.addStatuses(latest).setStatusUpdateState(latest.getState());
      if (latest.hasUuid()) {
        out.setStatusUpdateUuid(latest.getUuid());
      }
    }
    if (info.hasLabels()) {
      out.setLabels(info.getLabels());
    }
    if (info.hasContainer()) {
      out.setContainer(info.getContainer());
    }
    if (info.hasHealthCheck()) {
      out.setHealthCheck(info.getHealthCheck());
    }
    if (info.hasKillPolicy()) {
      out.setKillPolicy(info.getKillPolicy());
    }
    if (info.hasCommand() && info.getCommand().hasUser()) {
      out.setUser(info.getCommand().getUser());
    }
    return out.build();
  }

  /**
   * A task as the master last saw it when it forgot it (its terminal update acknowledged, its
   * framework or agent removed): {@code last}, when the master itself ended the task, replaces its
   * state and latest status.
   */
  static Task ended(TaskRecord task, TaskStatus last) {
    Task view = task(task);
    if (last == null) {
      return view;
    }
    TaskStatus status = last.toBuilder().clearData().build();
    return view.toBuilder().setState(status.getState()).clearStatuses().addStatuses(status)
        .setStatusUpdateState(status.getState()).build();
  }

  /** A framework as the master shows it once removed: inactive, disconnected, holding nothing. */
  static GetFrameworks.Framework removed(FrameworkRecord framework, long nowMillis) {
    return GetFrameworks.Framework.newBuilder()
        .setFrameworkInfo(framework.info)
        .setActive(false)
        .setConnected(false)
        .setRecovered(false)
        .setRegisteredTime(time(framework.registeredAtMillis))
        .setUnregisteredTime(time(nowMillis))
        .build();
  }

  static GetAgents.Agent agent(MasterInfo master, AgentRecord agent, OfferBook offers) {
    GetAgents.Agent.Builder out = GetAgents.Agent.newBuilder()
        .setAgentInfo(agent.info)
        .setActive(agent.connected())
        .setDeactivated(false)
        .setVersion(master.getVersion())
        .setPid("slave(1)@" + agent.info.getHostname() + ":" + agent.info.getPort())
        .setRegisteredTime(time(agent.registeredAtMillis))
        .addAllTotalResources(agent.info.getResourcesList());
    Map<String, Resources> allocated = new TreeMap<>();
    for (TaskRecord task : agent.tasks.values()) {
      if (!task.resourcesRecovered) {
        allocated.merge(task.role, task.resources, Resources::plus);
      }
    }
    for (ExecutorRecord executor : agent.executors.values()) {
      allocated.merge(executor.role, executor.resources.total(), Resources::plus);
    }
    out.addAllAllocatedResources(byRole(allocated));
    for (OfferRecord offer : offers.forAgent(agent.id)) {
      out.addAllOfferedResources(offer.offer().getResourcesList());
    }
    return out.build();
  }

  static GetFrameworks.Framework framework(FrameworkRecord framework, Collection<AgentRecord> agents,
      OfferBook offers) {
    GetFrameworks.Framework.Builder out = GetFrameworks.Framework.newBuilder()
        .setFrameworkInfo(framework.info)
        .setActive(framework.connected())
        .setConnected(framework.connected())
        .setRecovered(framework.recovered)
        .setRegisteredTime(time(framework.registeredAtMillis));
    Map<String, Resources> allocated = new TreeMap<>();
    for (TaskRecord task : framework.tasks.values()) {
      if (!task.resourcesRecovered) {
        allocated.merge(task.role, task.resources, Resources::plus);
      }
    }
    for (AgentRecord agent : agents) {
      for (ExecutorRecord executor : agent.executors.values()) {
        if (executor.frameworkId.equals(framework.id)) {
          allocated.merge(executor.role, executor.resources.total(), Resources::plus);
        }
      }
    }
    out.addAllAllocatedResources(byRole(allocated));
    for (OfferRecord offer : offers.forFramework(framework.id)) {
      out.addOffers(offer.offer()).addAllOfferedResources(offer.offer().getResourcesList());
    }
    return out.build();
  }

  // ---------------------------------------------------------------- whole state

  static GetAgents agents(MasterInfo master, ClusterRecords records) {
    GetAgents.Builder out = GetAgents.newBuilder();
    for (AgentRecord agent : records.agents.values()) {
      out.addAgents(agent(master, agent, records.offers));
    }
    return out.build();
  }

  static GetFrameworks frameworks(ClusterRecords records) {
    GetFrameworks.Builder out = GetFrameworks.newBuilder();
    for (FrameworkRecord framework : records.frameworks.values()) {
      out.addFrameworks(framework(framework, records.agents.values(), records.offers));
    }
    return out.addAllCompletedFrameworks(records.completed.frameworks()).build();
  }

  static GetExecutors executors(ClusterRecords records) {
    GetExecutors.Builder out = GetExecutors.newBuilder();
    for (AgentRecord agent : records.agents.values()) {
      for (ExecutorRecord executor : agent.executors.values()) {
        out.addExecutors(GetExecutors.Executor.newBuilder().setExecutorInfo(executor.info)
            .setAgentId(AgentID.newBuilder().setValue(agent.id)));
      }
    }
    return out.build();
  }

  /**
   * The tasks the master tracks: active ones, and terminal ones whose last update the framework
   * has not acknowledged yet (Mesos lists those under {@code tasks} too); under
   * {@code completed_tasks}, the ended ones it keeps (see {@link CompletedHistory}); the tasks of
   * unreachable agents under {@code unreachable_tasks}.
   */
  static GetTasks tasks(ClusterRecords records) {
    GetTasks.Builder out = GetTasks.newBuilder();
    for (FrameworkRecord framework : records.frameworks.values()) {
      for (TaskRecord task : framework.tasks.values()) {
        out.addTasks(task(task));
      }
    }
    for (UnreachableAgent agent : records.unreachableAgents.values()) {
      for (TaskRecord task : agent.tasks) {
        out.addUnreachableTasks(task(task));
      }
    }
    return out.addAllCompletedTasks(records.completed.tasks()).build();
  }

  static Response.GetState state(MasterInfo master, ClusterRecords records) {
    return Response.GetState.newBuilder()
        .setGetTasks(tasks(records))
        .setGetExecutors(executors(records))
        .setGetFrameworks(frameworks(records))
        .setGetAgents(agents(master, records))
        .build();
  }

  /**
   * Every role with a framework, a task, an executor, a weight or an extra role named by the caller
   * (quota, reservations), sorted; its weight (1 when none is set), the frameworks subscribed to it
   * and the resources allocated to it.
   */
  static Response.GetRoles roles(ClusterRecords records, Map<String, Double> weights, Set<String> otherRoles) {
    Map<String, Set<String>> frameworksByRole = new TreeMap<>();
    Map<String, Resources> allocated = new TreeMap<>();
    for (FrameworkRecord framework : records.frameworks.values()) {
      for (String role : framework.roles()) {
        frameworksByRole.computeIfAbsent(role, r -> new TreeSet<>()).add(framework.id);
      }
      for (TaskRecord task : framework.tasks.values()) {
        if (!task.resourcesRecovered) {
          allocated.merge(task.role, task.resources, Resources::plus);
        }
      }
    }
    for (AgentRecord agent : records.agents.values()) {
      for (ExecutorRecord executor : agent.executors.values()) {
        allocated.merge(executor.role, executor.resources.total(), Resources::plus);
      }
    }
    Set<String> names = new TreeSet<>(frameworksByRole.keySet());
    names.addAll(allocated.keySet());
    names.addAll(weights.keySet());
    names.addAll(otherRoles);
    Response.GetRoles.Builder out = Response.GetRoles.newBuilder();
    for (String name : names) {
      Role.Builder role = Role.newBuilder().setName(name).setWeight(weights.getOrDefault(name, 1.0))
          .addAllResources(ProtoResources.toProto(allocated.getOrDefault(name, Resources.EMPTY), name));
      for (String id : frameworksByRole.getOrDefault(name, Set.of())) {
        role.addFrameworks(FrameworkID.newBuilder().setValue(id));
      }
      out.addRoles(role);
    }
    return out.build();
  }

  // ---------------------------------------------------------------- events

  static Event taskAdded(TaskRecord task) {
    return Event.newBuilder().setType(Event.Type.TASK_ADDED)
        .setTaskAdded(Event.TaskAdded.newBuilder().setTask(task(task))).build();
  }

  /** {@code status} is what the framework was told; {@code state} the task's latest state. */
  static Event taskUpdated(String frameworkId, TaskStatus status) {
    return Event.newBuilder().setType(Event.Type.TASK_UPDATED)
        .setTaskUpdated(Event.TaskUpdated.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
            .setStatus(status.toBuilder().clearData()).setState(status.getState()))
        .build();
  }

  static Event agentAdded(MasterInfo master, AgentRecord agent, OfferBook offers) {
    return Event.newBuilder().setType(Event.Type.AGENT_ADDED)
        .setAgentAdded(Event.AgentAdded.newBuilder().setAgent(agent(master, agent, offers))).build();
  }

  static Event agentRemoved(String agentId) {
    return Event.newBuilder().setType(Event.Type.AGENT_REMOVED)
        .setAgentRemoved(Event.AgentRemoved.newBuilder().setAgentId(AgentID.newBuilder().setValue(agentId))).build();
  }

  static Event frameworkAdded(FrameworkRecord framework, ClusterRecords records) {
    return Event.newBuilder().setType(Event.Type.FRAMEWORK_ADDED)
        .setFrameworkAdded(Event.FrameworkAdded.newBuilder()
            .setFramework(framework(framework, records.agents.values(), records.offers)))
        .build();
  }

  static Event frameworkUpdated(FrameworkRecord framework, ClusterRecords records) {
    return Event.newBuilder().setType(Event.Type.FRAMEWORK_UPDATED)
        .setFrameworkUpdated(Event.FrameworkUpdated.newBuilder()
            .setFramework(framework(framework, records.agents.values(), records.offers)))
        .build();
  }

  static Event frameworkRemoved(FrameworkRecord framework) {
    return Event.newBuilder().setType(Event.Type.FRAMEWORK_REMOVED)
        .setFrameworkRemoved(Event.FrameworkRemoved.newBuilder().setFrameworkInfo(framework.info)).build();
  }

  // ---------------------------------------------------------------- helpers

  private static List<Resource> byRole(Map<String, Resources> allocated) {
    List<Resource> out = new ArrayList<>();
    allocated.forEach((role, resources) -> out.addAll(ProtoResources.toProto(resources, role)));
    return out;
  }

  static TimeInfo time(long epochMillis) {
    return TimeInfo.newBuilder().setNanoseconds(epochMillis * 1_000_000L).build();
  }
}
