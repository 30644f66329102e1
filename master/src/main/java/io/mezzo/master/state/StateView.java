package io.mezzo.master.state;

import io.mezzo.master.spi.RangeSet;
import io.mezzo.master.spi.Resources;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Task;
import io.mezzo.v1.master.Protos.Response;
import io.mezzo.v1.master.Protos.Response.GetAgents;
import io.mezzo.v1.master.Protos.Response.GetFrameworks;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The v0 {@code /state} JSON that Mesos tools and UIs read (a subset, with Mesos's key names:
 * agents are "slaves" there). Holds the immutable operator snapshot taken on the state context
 * ({@link ClusterState#view()}); {@link #json()} renders it and may run on any thread, so that a
 * large state is rendered off the master's loop.
 */
public final class StateView {
  private final MasterInfo master;
  private final Response.GetState state;
  private final Map<String, List<String>> runtimes;
  private final int unreachableAgents;

  /**
   * @param runtimes each agent's runtimes, by agent id (Mezzo's own key, not in the protos)
   * @param unreachableAgents how many agents are unreachable (Mesos's {@code unreachable_slaves})
   */
  StateView(MasterInfo master, Response.GetState state, Map<String, List<String>> runtimes, int unreachableAgents) {
    this.master = master;
    this.state = state;
    this.runtimes = Map.copyOf(runtimes);
    this.unreachableAgents = unreachableAgents;
  }

  /** The same view with its state cut by {@code cut} (what one caller may see); safe on any thread. */
  public StateView cut(java.util.function.UnaryOperator<Response.GetState> cut) {
    Response.GetState visible = cut.apply(state);
    return visible == state ? this : new StateView(master, visible, runtimes,
        visible.getGetAgents().getAgentsCount() == state.getGetAgents().getAgentsCount() ? unreachableAgents : 0);
  }

  /** Renders the JSON; safe on any thread. */
  public JsonObject json() {
    JsonArray slaves = new JsonArray();
    int active = 0;
    for (GetAgents.Agent agent : state.getGetAgents().getAgentsList()) {
      active += agent.getActive() ? 1 : 0;
      slaves.add(new JsonObject()
          .put("id", agent.getAgentInfo().getId().getValue())
          .put("pid", agent.getPid())
          .put("hostname", agent.getAgentInfo().getHostname())
          .put("port", agent.getAgentInfo().getPort())
          .put("active", agent.getActive())
          .put("registered_time", agent.getRegisteredTime().getNanoseconds() / 1e9)
          .put("resources", json(agent.getTotalResourcesList()))
          .put("used_resources", json(agent.getAllocatedResourcesList()))
          .put("offered_resources", json(agent.getOfferedResourcesList()))
          .put("runtimes", new JsonArray(runtimes.getOrDefault(agent.getAgentInfo().getId().getValue(), List.of()))));
    }
    Map<String, JsonArray> tasksByFramework = byFramework(state.getGetTasks().getTasksList());
    Map<String, JsonArray> completedByFramework = byFramework(state.getGetTasks().getCompletedTasksList());
    JsonArray frameworks = new JsonArray();
    for (GetFrameworks.Framework framework : state.getGetFrameworks().getFrameworksList()) {
      frameworks.add(framework(framework, tasksByFramework, completedByFramework));
    }
    JsonArray completedFrameworks = new JsonArray();
    for (GetFrameworks.Framework framework : state.getGetFrameworks().getCompletedFrameworksList()) {
      completedFrameworks.add(framework(framework, tasksByFramework, completedByFramework)
          .put("unregistered_time", framework.getUnregisteredTime().getNanoseconds() / 1e9));
    }
    String pid = master.getPid();
    return new JsonObject()
        .put("id", master.getId())
        .put("pid", pid)
        .put("hostname", master.getHostname())
        .put("version", master.getVersion())
        .put("leader", pid)
        .put("activated_slaves", active)
        .put("deactivated_slaves", slaves.size() - active)
        .put("unreachable_slaves", unreachableAgents)
        .put("slaves", slaves)
        .put("frameworks", frameworks)
        .put("completed_frameworks", completedFrameworks);
  }

  private static Map<String, JsonArray> byFramework(List<Task> tasks) {
    Map<String, JsonArray> out = new LinkedHashMap<>();
    for (Task task : tasks) {
      out.computeIfAbsent(task.getFrameworkId().getValue(), id -> new JsonArray()).add(new JsonObject()
          .put("id", task.getTaskId().getValue())
          .put("name", task.getName())
          .put("framework_id", task.getFrameworkId().getValue())
          .put("slave_id", task.getAgentId().getValue())
          .put("state", task.getState().name())
          .put("resources", json(task.getResourcesList())));
    }
    return out;
  }

  private static JsonObject framework(GetFrameworks.Framework framework, Map<String, JsonArray> tasksByFramework,
      Map<String, JsonArray> completedByFramework) {
    FrameworkInfo info = framework.getFrameworkInfo();
    String id = info.getId().getValue();
    JsonArray offers = new JsonArray();
    for (Offer offer : framework.getOffersList()) {
      offers.add(new JsonObject()
          .put("id", offer.getId().getValue())
          .put("framework_id", offer.getFrameworkId().getValue())
          .put("slave_id", offer.getAgentId().getValue())
          .put("role", offer.getAllocationInfo().getRole())
          .put("resources", json(offer.getResourcesList())));
    }
    JsonObject json = new JsonObject();
    if (info.hasPrincipal()) {
      json.put("principal", info.getPrincipal());
    }
    return json
        .put("id", id)
        .put("name", info.getName())
        .put("user", info.getUser())
        .put("roles", new JsonArray(roles(info)))
        .put("active", framework.getActive())
        .put("connected", framework.getConnected())
        .put("failover_timeout", info.getFailoverTimeout())
        .put("registered_time", framework.getRegisteredTime().getNanoseconds() / 1e9)
        .put("tasks", tasksByFramework.getOrDefault(id, new JsonArray()))
        .put("completed_tasks", completedByFramework.getOrDefault(id, new JsonArray()))
        .put("offers", offers);
  }

  private static List<String> roles(FrameworkInfo info) {
    boolean multiRole = info.getCapabilitiesList().stream()
        .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.MULTI_ROLE);
    return multiRole ? info.getRolesList() : List.of(info.getRole());
  }

  /** Sums resources by name whatever their reservation or allocation (the v0 summary shape). */
  private static JsonObject json(List<Resource> resources) {
    Map<String, Double> scalars = new java.util.TreeMap<>();
    Map<String, RangeSet> ranges = new java.util.TreeMap<>();
    for (Resource r : resources) {
      if (r.hasScalar()) {
        scalars.merge(r.getName(), r.getScalar().getValue(), Double::sum);
      } else if (r.hasRanges()) {
        List<RangeSet.Range> list = new ArrayList<>();
        r.getRanges().getRangeList().forEach(range -> list.add(new RangeSet.Range(range.getBegin(), range.getEnd())));
        ranges.merge(r.getName(), RangeSet.of(list), RangeSet::union);
      }
    }
    return json(Resources.of(scalars, ranges));
  }

  static JsonObject json(Resources resources) {
    JsonObject out = new JsonObject().put("cpus", 0.0).put("mem", 0.0).put("disk", 0.0).put("gpus", 0.0);
    resources.scalars().forEach(out::put);
    resources.ranges().forEach((name, set) -> out.put(name, mesosRanges(set)));
    return out;
  }

  private static String mesosRanges(RangeSet set) {
    StringBuilder sb = new StringBuilder("[");
    for (RangeSet.Range r : set.ranges()) {
      sb.append(sb.length() == 1 ? "" : ", ").append(r.begin()).append('-').append(r.end());
    }
    return sb.append(']').toString();
  }
}
