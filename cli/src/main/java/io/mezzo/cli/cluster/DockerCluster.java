package io.mezzo.cli.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates, starts again and deletes a cluster in containers ({@code --provider docker}): a
 * network {@code mezzo-<name>}, one ZooKeeper container, the masters and the agents (process
 * runtime inside their own container), each from {@link NodeImage}, built first when the jar
 * changed. Inside the network the nodes find ZooKeeper by its container name; {@code cluster.json}
 * records the container addresses this machine reaches.
 */
final class DockerCluster {
  static final int ZK_PORT = 2181;
  static final int MASTER_PORT = 5050;
  static final int AGENT_PORT = 5051;
  private final ClusterHome home;
  private final DockerNodes docker;

  DockerCluster(ClusterHome home, DockerNodes docker) {
    this.home = home;
    this.docker = docker;
  }

  /** The ZooKeeper URL the nodes use inside the cluster's network. */
  static String innerZk(String cluster) {
    return "zk://" + DockerNodes.containerName(cluster, "zookeeper") + ":" + ZK_PORT + "/mezzo";
  }

  /** Builds the node image when needed, then starts every node; returns the recorded cluster. */
  ClusterFile create(String name, int masters, int agents, List<String> masterArgs, String agentResources,
      Path jar) {
    Instant start = Instant.now();
    if (NodeImage.ensure(docker.client(), jar)) {
      System.out.printf("Built image %s in %.1f s.%n", NodeImage.name(),
          Duration.between(start, Instant.now()).toMillis() / 1000.0);
    }
    docker.removeAll(name); // what a create that died half-way left behind
    docker.createNetwork(name);
    ClusterFile cluster = new ClusterFile(name, null, true, Instant.now().toString(), List.of(), ClusterFile.DOCKER);
    NodeProcess zookeeper = docker.run(name, "zookeeper", "zookeeper", ZK_PORT,
        List.of("--port", Integer.toString(ZK_PORT), "--data-dir", "/var/lib/mezzo/zookeeper"),
        NodeLauncher.jvmOptions("zookeeper", System.getenv()));
    cluster = withZooKeeper(cluster.withProcess(zookeeper), zookeeper);
    home.save(cluster);
    for (int i = 1; i <= masters; i++) {
      List<String> args = new ArrayList<>(List.of("--zk", innerZk(name), "--port", Integer.toString(MASTER_PORT)));
      args.addAll(masterArgs);
      cluster = cluster.withProcess(docker.run(name, "master", "master-" + i, MASTER_PORT, args,
          NodeLauncher.jvmOptions("master", System.getenv())));
      home.save(cluster);
    }
    for (int i = 1; i <= agents; i++) {
      List<String> args = new ArrayList<>(List.of("--master", innerZk(name), "--port", Integer.toString(AGENT_PORT),
          "--work-dir", "/var/lib/mezzo/agent", "--runtimes", "process"));
      if (agentResources != null) {
        args.add("--resources");
        args.add(agentResources);
      }
      cluster = cluster.withProcess(docker.run(name, "agent", "agent-" + i, AGENT_PORT, args,
          NodeLauncher.jvmOptions("agent", System.getenv())));
      home.save(cluster);
    }
    return cluster;
  }

  /** Starts the nodes whose containers are stopped, ZooKeeper first; records their (maybe new) addresses. */
  ClusterFile start(ClusterFile cluster, List<String> started) {
    for (String role : List.of("zookeeper", "master", "agent")) {
      for (NodeProcess node : cluster.byRole(role)) {
        if (docker.running(node.container())) {
          continue;
        }
        NodeProcess restarted = docker.start(cluster.name(), node);
        cluster = cluster.replace(node, restarted);
        if (role.equals("zookeeper")) {
          cluster = withZooKeeper(cluster, restarted);
        }
        home.save(cluster);
        started.add(restarted.name() + " (" + restarted.container() + ")");
      }
    }
    return cluster;
  }

  /** Removes the containers and the network; the caller removes the files. */
  List<String> delete(String name) {
    return docker.removeAll(name);
  }

  /** The last lines of each node that is not running. */
  String exited(ClusterFile cluster) {
    StringBuilder out = new StringBuilder();
    for (NodeProcess node : cluster.processes()) {
      if (!docker.running(node.container())) {
        out.append(String.format("  %s exited; its last lines:%n%s%n", node.name(), docker.tail(node.container(), 15)));
      }
    }
    return out.toString();
  }

  private static ClusterFile withZooKeeper(ClusterFile cluster, NodeProcess zookeeper) {
    return new ClusterFile(cluster.name(), "zk://" + zookeeper.url() + "/mezzo", true, cluster.created(),
        cluster.processes(), ClusterFile.DOCKER);
  }
}
