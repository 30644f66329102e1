package io.mezzo.master.state;

import io.mezzo.master.offers.OfferBook.OfferRecord;
import io.mezzo.master.spi.RangeSet;
import io.mezzo.master.spi.Resources;
import io.mezzo.v1.Protos.MasterInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The v0 {@code /state} JSON that Mesos tools and UIs read (a subset, with Mesos's key
 * names: agents are "slaves" there). Rendered from a snapshot taken on the state context.
 */
public final class StateView {
  private final JsonObject json;

  StateView(ClusterState state) {
    MasterInfo master = state.masterInfo();
    JsonArray slaves = new JsonArray();
    int active = 0;
    for (AgentRecord agent : state.agents()) {
      Resources used = Resources.EMPTY;
      for (TaskRecord task : agent.tasks.values()) {
        if (!task.resourcesRecovered) {
          used = used.plus(task.resources);
        }
      }
      Resources offered = Resources.EMPTY;
      for (OfferRecord offer : state.offers().forAgent(agent.id)) {
        offered = offered.plus(offer.resources());
      }
      active += agent.connected() ? 1 : 0;
      slaves.add(new JsonObject()
          .put("id", agent.id)
          .put("pid", "slave(1)@" + agent.info.getHostname() + ":" + agent.info.getPort())
          .put("hostname", agent.info.getHostname())
          .put("port", agent.info.getPort())
          .put("active", agent.connected())
          .put("registered_time", agent.registeredAtMillis / 1000.0)
          .put("resources", json(agent.total))
          .put("used_resources", json(used))
          .put("offered_resources", json(offered))
          .put("runtimes", new JsonArray(agent.runtimes)));
    }
    JsonArray frameworks = new JsonArray();
    for (FrameworkRecord framework : state.frameworks()) {
      JsonArray tasks = new JsonArray();
      for (TaskRecord task : framework.tasks.values()) {
        tasks.add(new JsonObject()
            .put("id", task.id())
            .put("name", task.info.getName())
            .put("framework_id", framework.id)
            .put("slave_id", task.agentId)
            .put("state", task.state.name())
            .put("resources", json(task.resources)));
      }
      JsonArray offers = new JsonArray();
      for (OfferRecord offer : state.offers().forFramework(framework.id)) {
        offers.add(new JsonObject()
            .put("id", offer.id())
            .put("framework_id", offer.frameworkId())
            .put("slave_id", offer.agentId())
            .put("role", offer.role())
            .put("resources", json(offer.resources())));
      }
      frameworks.add(new JsonObject()
          .put("id", framework.id)
          .put("name", framework.info.getName())
          .put("user", framework.info.getUser())
          .put("roles", new JsonArray(framework.roles().stream().toList()))
          .put("active", framework.connected())
          .put("connected", framework.connected())
          .put("failover_timeout", framework.info.getFailoverTimeout())
          .put("registered_time", framework.registeredAtMillis / 1000.0)
          .put("tasks", tasks)
          .put("offers", offers));
    }
    String pid = master.getPid();
    json = new JsonObject()
        .put("id", master.getId())
        .put("pid", pid)
        .put("hostname", master.getHostname())
        .put("version", master.getVersion())
        .put("leader", pid)
        .put("activated_slaves", active)
        .put("deactivated_slaves", slaves.size() - active)
        .put("slaves", slaves)
        .put("frameworks", frameworks);
  }

  public JsonObject json() {
    return json;
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
