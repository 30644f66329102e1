package io.mezzo.cli.cluster;

import io.mezzo.node.tls.CertificateAuthority.Purpose;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates, starts again and deletes a cluster in containers ({@code --provider docker}): a
 * network {@code mezzo-<name>}, one ZooKeeper container, the masters and the agents (process
 * runtime inside their own container), each from {@link NodeImage}, built first when the jar
 * changed, each at a fixed address of the network. Inside the network the nodes find ZooKeeper by
 * its container name; {@code cluster.json} records the container addresses this machine reaches.
 * Unless {@code --insecure}, the nodes get TLS, credentials and ACLs as a local cluster's do.
 */
final class DockerCluster {
  static final int ZK_PORT = 2181;
  static final int MASTER_PORT = 5050;
  static final int AGENT_PORT = 5051;
  /** Where a node's files are in its container. */
  private static final String TLS_DIR = "/etc/mezzo/tls/";
  private static final String CREDENTIALS = "/etc/mezzo/credentials.json";
  private static final String ACLS = "/etc/mezzo/acls.json";
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

  /**
   * Builds the node image when needed, then starts every node; returns the recorded cluster. With
   * {@code tls} and {@code secrets} (null for an {@code --insecure} cluster) every node gets a
   * certificate for its address and names, and the credentials and ACLs, as files in its
   * container; the masters get a ZooKeeper digest in their environment.
   */
  ClusterFile create(String name, int masters, int agents, List<String> masterArgs, String agentResources,
      Path jar, ClusterTls tls, ClusterSecrets secrets) {
    Instant start = Instant.now();
    if (NodeImage.ensure(docker.client(), jar)) {
      System.out.printf("Built image %s in %.1f s.%n", NodeImage.name(),
          Duration.between(start, Instant.now()).toMillis() / 1000.0);
    }
    docker.removeAll(name); // what a create that died half-way left behind
    Subnet subnet = docker.createNetwork(name);
    String scheme = tls == null ? "http" : "https";
    ClusterFile cluster = new ClusterFile(name, null, true, Instant.now().toString(), List.of(), ClusterFile.DOCKER);
    NodeProcess zookeeper = docker.run(name, new DockerNodes.NodeSpec("zookeeper", "zookeeper", subnet.host(0), ZK_PORT,
        scheme, List.of("--port", Integer.toString(ZK_PORT), "--data-dir", "/var/lib/mezzo/zookeeper"), Map.of(),
        Map.of()), NodeLauncher.jvmOptions("zookeeper", System.getenv()));
    cluster = withZooKeeper(cluster.withProcess(zookeeper), zookeeper);
    home.save(cluster);
    // As for local clusters: with security on, only the masters can write in ZooKeeper.
    Map<String, String> masterEnv = secrets == null ? Map.of() : Map.of("MEZZO_ZK", secrets.masterZooKeeper(innerZk(name)));
    for (int i = 1; i <= masters; i++) {
      String node = "master-" + i;
      String ip = subnet.host(i);
      List<String> args = new ArrayList<>(secrets == null ? List.of("--zk", innerZk(name)) : List.of());
      args.addAll(List.of("--port", Integer.toString(MASTER_PORT)));
      args.addAll(masterArgs);
      Map<String, Path> files = secured(args, tls, secrets, name, node, ip, Purpose.SERVER,
          ClusterSecrets.masterFlags(CREDENTIALS, ACLS));
      cluster = cluster.withProcess(docker.run(name, new DockerNodes.NodeSpec("master", node, ip, MASTER_PORT, scheme,
          args, masterEnv, files), NodeLauncher.jvmOptions("master", System.getenv())));
      home.save(cluster);
    }
    for (int i = 1; i <= agents; i++) {
      String node = "agent-" + i;
      String ip = subnet.host(masters + i);
      List<String> args = new ArrayList<>(List.of("--master", innerZk(name), "--port", Integer.toString(AGENT_PORT),
          "--work-dir", "/var/lib/mezzo/agent", "--runtimes", "process"));
      if (agentResources != null) {
        args.add("--resources");
        args.add(agentResources);
      }
      Map<String, Path> files = secured(args, tls, secrets, name, node, ip, Purpose.SERVER_AND_CLIENT,
          ClusterSecrets.agentFlags(CREDENTIALS, ACLS));
      cluster = cluster.withProcess(docker.run(name, new DockerNodes.NodeSpec("agent", node, ip, AGENT_PORT, scheme,
          args, Map.of(), files), NodeLauncher.jvmOptions("agent", System.getenv())));
      home.save(cluster);
    }
    return cluster;
  }

  /**
   * What a node of a secure cluster gets (nothing with an {@code --insecure} one): adds to
   * {@code args} the flags for its certificate, the CA and, with {@code authFlags}, the credentials
   * and ACLs, and returns those files by their paths in its container.
   */
  private static Map<String, Path> secured(List<String> args, ClusterTls tls, ClusterSecrets secrets, String cluster,
      String node, String ip, Purpose purpose, List<String> authFlags) {
    Map<String, Path> files = new LinkedHashMap<>();
    if (tls != null) {
      args.addAll(certificate(tls, cluster, node, ip, purpose, files));
    }
    if (secrets != null) {
      args.addAll(authFlags);
      files.put(CREDENTIALS, secrets.credentials());
      files.put(ACLS, secrets.acls());
    }
    return files;
  }

  /**
   * Issues {@code node}'s certificate for its fixed address, its host name and its container's
   * name (and loopback, for a look from inside), adds the files its container gets, and returns
   * the flags that name them there.
   */
  private static List<String> certificate(ClusterTls tls, String cluster, String node, String ip, Purpose purpose,
      Map<String, Path> files) {
    ClusterTls.Issued issued = tls.issue(node, List.of(ip, node, DockerNodes.containerName(cluster, node), "127.0.0.1",
        "localhost"), purpose);
    files.put(TLS_DIR + "ca.pem", tls.ca());
    files.put(TLS_DIR + "node.pem", issued.cert());
    files.put(TLS_DIR + "node-key.pem", issued.key());
    return ClusterTls.flags(TLS_DIR + "node.pem", TLS_DIR + "node-key.pem", TLS_DIR + "ca.pem");
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
