package io.mezzo.cli.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code cluster.json} records: the cluster's ZooKeeper URL and every process started for it.
 *
 * @param provider where its nodes run: {@code local} (processes of this machine) or {@code docker} (containers)
 */
public record ClusterFile(String name, String zk, boolean embeddedZk, String created, List<NodeProcess> processes,
    String provider) {
  public static final String LOCAL = "local";
  public static final String DOCKER = "docker";

  public ClusterFile {
    provider = provider == null ? LOCAL : provider;
  }

  /** A cluster of local processes. */
  public ClusterFile(String name, String zk, boolean embeddedZk, String created, List<NodeProcess> processes) {
    this(name, zk, embeddedZk, created, processes, LOCAL);
  }

  public boolean inContainers() {
    return provider.equals(DOCKER);
  }

  public ClusterFile withProcess(NodeProcess process) {
    List<NodeProcess> all = new ArrayList<>(processes);
    all.add(process);
    return new ClusterFile(name, zk, embeddedZk, created, List.copyOf(all), provider);
  }

  /** This cluster with {@code old} replaced by {@code replacement} (a restarted process), in the same place. */
  public ClusterFile replace(NodeProcess old, NodeProcess replacement) {
    List<NodeProcess> all = new ArrayList<>(processes);
    all.set(all.indexOf(old), replacement);
    return new ClusterFile(name, zk, embeddedZk, created, List.copyOf(all), provider);
  }

  public List<NodeProcess> byRole(String role) {
    return processes.stream().filter(p -> p.role().equals(role)).toList();
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    processes.forEach(p -> list.add(p.toJson()));
    return new JsonObject().put("name", name).put("zk", zk).put("embedded_zk", embeddedZk).put("created", created)
        .put("processes", list).put("provider", provider);
  }

  public static ClusterFile fromJson(JsonObject json) {
    List<NodeProcess> processes = new ArrayList<>();
    json.getJsonArray("processes", new JsonArray()).forEach(o -> processes.add(NodeProcess.fromJson((JsonObject) o)));
    return new ClusterFile(json.getString("name"), json.getString("zk"), json.getBoolean("embedded_zk", true),
        json.getString("created"), List.copyOf(processes), json.getString("provider", LOCAL));
  }
}
