package io.mezzo.cli.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** What {@code cluster.json} records: the cluster's ZooKeeper URL and every process started for it. */
public record ClusterFile(String name, String zk, boolean embeddedZk, String created, List<NodeProcess> processes) {

  public ClusterFile withProcess(NodeProcess process) {
    List<NodeProcess> all = new ArrayList<>(processes);
    all.add(process);
    return new ClusterFile(name, zk, embeddedZk, created, List.copyOf(all));
  }

  /** This cluster with {@code old} replaced by {@code replacement} (a restarted process), in the same place. */
  public ClusterFile replace(NodeProcess old, NodeProcess replacement) {
    List<NodeProcess> all = new ArrayList<>(processes);
    all.set(all.indexOf(old), replacement);
    return new ClusterFile(name, zk, embeddedZk, created, List.copyOf(all));
  }

  public List<NodeProcess> byRole(String role) {
    return processes.stream().filter(p -> p.role().equals(role)).toList();
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    processes.forEach(p -> list.add(p.toJson()));
    return new JsonObject().put("name", name).put("zk", zk).put("embedded_zk", embeddedZk).put("created", created)
        .put("processes", list);
  }

  public static ClusterFile fromJson(JsonObject json) {
    List<NodeProcess> processes = new ArrayList<>();
    json.getJsonArray("processes", new JsonArray()).forEach(o -> processes.add(NodeProcess.fromJson((JsonObject) o)));
    return new ClusterFile(json.getString("name"), json.getString("zk"), json.getBoolean("embedded_zk", true),
        json.getString("created"), List.copyOf(processes));
  }
}
