package io.mezzo.cli.views;

import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Task;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.master.Protos.Event;
import io.mezzo.v1.master.Protos.Response.GetAgents;
import io.mezzo.v1.master.Protos.Response.GetFrameworks;
import io.mezzo.v1.master.Protos.Response.GetState;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What {@code mezzo top} shows, kept from the operator stream: the SUBSCRIBED snapshot, then
 * every event applied to it. Allocated is the resources of the tasks that have not ended,
 * offered those of the outstanding offers, idle what is left of the agents' totals. A role's
 * total is what is reserved for it on the agents. Used from one thread.
 */
final class ClusterUsage {
  private static final Set<TaskState> TERMINAL = EnumSet.of(TaskState.TASK_FINISHED, TaskState.TASK_FAILED,
      TaskState.TASK_KILLED, TaskState.TASK_ERROR, TaskState.TASK_LOST, TaskState.TASK_DROPPED, TaskState.TASK_GONE,
      TaskState.TASK_GONE_BY_OPERATOR, TaskState.TASK_UNKNOWN);

  /** One row: a role or an agent. {@code total} is null for a role with nothing reserved. */
  record Row(String name, Quantities total, Quantities allocated, Quantities offered) {
    /** Null when the total is unknown. */
    Quantities idle() {
      return total == null ? null : total.minus(allocated).minus(offered);
    }
  }

  private record Held(String agentId, String role, Quantities quantities) {}

  private final Map<String, GetAgents.Agent> agents = new LinkedHashMap<>();
  /** By framework id and task id. */
  private final Map<String, Held> tasks = new HashMap<>();
  private final Map<String, Held> offers = new HashMap<>();
  /** A framework's first role, for resources that carry no allocation role. */
  private final Map<String, String> frameworkRoles = new HashMap<>();

  /**
   * Applies one event; returns whether anything shown changed.
   */
  boolean apply(Event event) {
    switch (EventKind.of(event)) {
      case SUBSCRIBED -> reset(event.getSubscribed().getGetState());
      case AGENT_ADDED -> {
        GetAgents.Agent agent = event.getAgentAdded().getAgent();
        agents.put(agent.getAgentInfo().getId().getValue(), agent);
      }
      case AGENT_REMOVED -> {
        String id = event.getAgentRemoved().getAgentId().getValue();
        agents.remove(id);
        offers.values().removeIf(held -> held.agentId().equals(id));
      }
      case FRAMEWORK_ADDED -> framework(event.getFrameworkAdded().getFramework());
      case FRAMEWORK_UPDATED -> framework(event.getFrameworkUpdated().getFramework());
      case TASK_ADDED -> task(event.getTaskAdded().getTask());
      case TASK_UPDATED -> {
        if (TERMINAL.contains(event.getTaskUpdated().getState())) {
          tasks.remove(event.getTaskUpdated().getFrameworkId().getValue() + "/"
              + event.getTaskUpdated().getStatus().getTaskId().getValue());
        }
      }
      case OFFER_CREATED -> {
        Event.OfferEvent o = event.getOfferEvent();
        offers.put(o.getOfferId().getValue(), new Held(o.getAgentId().getValue(),
            o.getRole().isEmpty() ? frameworkRole(o.getFrameworkId().getValue()) : o.getRole(),
            Quantities.of(o.getResourcesList())));
      }
      case OFFER_ACCEPTED, OFFER_DECLINED, OFFER_RESCINDED, OFFER_EXPIRED ->
          offers.remove(event.getOfferEvent().getOfferId().getValue());
      default -> {
        return false;
      }
    }
    return true;
  }

  private void reset(GetState state) {
    agents.clear();
    tasks.clear();
    offers.clear();
    frameworkRoles.clear();
    state.getGetAgents().getAgentsList().forEach(a -> agents.put(a.getAgentInfo().getId().getValue(), a));
    for (GetFrameworks.Framework framework : state.getGetFrameworks().getFrameworksList()) {
      framework(framework);
      for (Offer offer : framework.getOffersList()) {
        String role = offer.getAllocationInfo().getRole();
        offers.put(offer.getId().getValue(), new Held(offer.getAgentId().getValue(),
            role.isEmpty() ? frameworkRole(offer.getFrameworkId().getValue()) : role,
            Quantities.of(offer.getResourcesList())));
      }
    }
    state.getGetTasks().getTasksList().forEach(this::task);
  }

  private void framework(GetFrameworks.Framework framework) {
    frameworkRoles.put(framework.getFrameworkInfo().getId().getValue(),
        FrameworksCommand.roles(framework.getFrameworkInfo()).get(0));
  }

  private void task(Task task) {
    if (TERMINAL.contains(task.getState())) {
      return;
    }
    String role = task.getResourcesList().stream().filter(Resource::hasAllocationInfo)
        .map(r -> r.getAllocationInfo().getRole()).findFirst()
        .orElseGet(() -> frameworkRole(task.getFrameworkId().getValue()));
    tasks.put(task.getFrameworkId().getValue() + "/" + task.getTaskId().getValue(),
        new Held(task.getAgentId().getValue(), role, Quantities.of(task.getResourcesList())));
  }

  private String frameworkRole(String frameworkId) {
    return frameworkRoles.getOrDefault(frameworkId, "*");
  }

  /** One row per agent, in the order they came. */
  List<Row> agents() {
    return agents.values().stream().map(agent -> {
      String id = agent.getAgentInfo().getId().getValue();
      return new Row(id, Quantities.of(agent.getTotalResourcesList()), sum(tasks, id, null), sum(offers, id, null));
    }).toList();
  }

  /** One row per role that holds, is offered or has reserved something, by name. */
  List<Row> roles() {
    Map<String, Quantities> reserved = new TreeMap<>();
    for (GetAgents.Agent agent : agents.values()) {
      for (Resource r : agent.getTotalResourcesList()) {
        String role = reservedRole(r);
        if (role != null) {
          reserved.merge(role, Quantities.of(List.of(r)), Quantities::plus);
        }
      }
    }
    Set<String> names = new TreeSet<>(reserved.keySet());
    tasks.values().forEach(held -> names.add(held.role()));
    offers.values().forEach(held -> names.add(held.role()));
    return names.stream().map(role -> new Row(role, reserved.get(role), sum(tasks, null, role), sum(offers, null, role)))
        .toList();
  }

  /** The whole cluster: every agent's total, every task, every offer. */
  Row cluster() {
    Quantities total = agents.values().stream().map(a -> Quantities.of(a.getTotalResourcesList()))
        .reduce(Quantities.ZERO, Quantities::plus);
    return new Row("(cluster)", total, sum(tasks, null, null), sum(offers, null, null));
  }

  private static Quantities sum(Map<String, Held> held, String agentId, String role) {
    return held.values().stream()
        .filter(h -> (agentId == null || h.agentId().equals(agentId)) && (role == null || h.role().equals(role)))
        .map(Held::quantities).reduce(Quantities.ZERO, Quantities::plus);
  }

  /** The role a resource is reserved for (the last of its reservations), or null when unreserved. */
  @SuppressWarnings("deprecation")
  private static String reservedRole(Resource r) {
    if (r.getReservationsCount() > 0) {
      return r.getReservations(r.getReservationsCount() - 1).getRole();
    }
    return r.hasRole() && !r.getRole().equals("*") ? r.getRole() : null;
  }
}
