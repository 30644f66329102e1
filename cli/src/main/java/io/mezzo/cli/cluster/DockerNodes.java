package io.mezzo.cli.cluster;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.RestartPolicy;
import io.mezzo.agent.DockerEngines;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The nodes of a cluster in containers ({@code cluster create --provider docker}): one
 * user-defined network per cluster ({@code mezzo-<cluster>}), and one container per node from
 * {@link NodeImage}, named {@code mezzo-<cluster>-<node>} with the node's name as host name, so
 * every node has its own address and name. A node's record ({@link NodeProcess}) names its
 * container; its URL is the container's address on the cluster network, which the machine that
 * runs Docker reaches directly.
 */
public final class DockerNodes implements AutoCloseable {
  /** The label every container and network of a cluster carries, valued with the cluster's name. */
  static final String CLUSTER_LABEL = "io.mezzo.cluster";
  private static volatile DockerNodes shared;
  private final DockerClient docker;

  DockerNodes(DockerClient docker) {
    this.docker = docker;
  }

  /** The engine at DOCKER_HOST (default the local socket), or empty with why it does not answer. */
  public static DockerNodes connect() throws Unreachable {
    String host = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
    DockerClient client = DockerEngines.client(host, Duration.ofMinutes(5));
    try {
      client.pingCmd().exec();
    } catch (RuntimeException e) {
      try {
        client.close();
      } catch (IOException ignored) {
        // nothing was opened
      }
      throw new Unreachable("Docker is not reachable at " + host + ": " + DockerEngines.message(e));
    }
    return new DockerNodes(client);
  }

  /** One client for this program's liveness checks (status, list); null when Docker does not answer. */
  static synchronized DockerNodes shared() {
    if (shared == null) {
      try {
        shared = connect();
      } catch (Unreachable e) {
        return null;
      }
    }
    return shared;
  }

  public DockerClient client() {
    return docker;
  }

  static String networkName(String cluster) {
    return "mezzo-" + cluster;
  }

  static String containerName(String cluster, String node) {
    return "mezzo-" + cluster + "-" + node;
  }

  void createNetwork(String cluster) {
    docker.createNetworkCmd().withName(networkName(cluster)).withDriver("bridge")
        .withLabels(Map.of(CLUSTER_LABEL, cluster)).withCheckDuplicate(true).exec();
  }

  /**
   * Creates and starts the container of one node: {@code mezzo <role> <args>} with its heap, on
   * the cluster's network.
   */
  NodeProcess run(String cluster, String role, String node, int port, List<String> args, List<String> jvmOptions) {
    String name = containerName(cluster, node);
    HostConfig host = HostConfig.newHostConfig().withNetworkMode(networkName(cluster))
        .withRestartPolicy(RestartPolicy.noRestart()).withInit(true);
    List<String> command = new ArrayList<>();
    command.add(role);
    command.addAll(args);
    CreateContainerResponse created = docker.createContainerCmd(NodeImage.name()).withName(name).withHostName(node)
        .withLabels(Map.of(CLUSTER_LABEL, cluster, "io.mezzo.node", node, "io.mezzo.role", role))
        .withEnv("JAVA_OPTS=" + String.join(" ", jvmOptions)).withCmd(command).withHostConfig(host).exec();
    docker.startContainerCmd(created.getId()).exec();
    return record(cluster, role, node, port, args, jvmOptions);
  }

  /** Starts a stopped node's container again; its address may have changed, so the record is read anew. */
  NodeProcess start(String cluster, NodeProcess node) {
    docker.startContainerCmd(node.container()).exec();
    return record(cluster, node.role(), node.name(), node.port(), node.args(), node.jvmOptions());
  }

  private NodeProcess record(String cluster, String role, String node, int port, List<String> args,
      List<String> jvmOptions) {
    String name = containerName(cluster, node);
    String ip = address(name, cluster).orElse("0.0.0.0");
    String url = role.equals("zookeeper") ? ip + ":" + port : "http://" + ip + ":" + port;
    return new NodeProcess(role, node, 0, null, port, url, "docker logs " + name, null, args, jvmOptions, name);
  }

  /** The container's address on the cluster's network. */
  Optional<String> address(String container, String cluster) {
    InspectContainerResponse inspect = docker.inspectContainerCmd(container).exec();
    ContainerNetwork network = inspect.getNetworkSettings().getNetworks().get(networkName(cluster));
    return Optional.ofNullable(network).map(ContainerNetwork::getIpAddress).filter(s -> !s.isEmpty());
  }

  /** True when the container exists and runs (a paused one counts as running, as Docker says). */
  boolean running(String container) {
    try {
      Boolean running = docker.inspectContainerCmd(container).exec().getState().getRunning();
      return Boolean.TRUE.equals(running);
    } catch (NotFoundException e) {
      return false;
    }
  }

  /** The last lines a node's container wrote. */
  String tail(String container, int lines) {
    StringBuilder out = new StringBuilder();
    try {
      docker.logContainerCmd(container).withStdOut(true).withStdErr(true).withTail(lines)
          .exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
              out.append(new String(frame.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
            }
          }).awaitCompletion(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      out.append("(no log: ").append(DockerEngines.message(e)).append(')');
    }
    return out.toString().stripTrailing();
  }

  /** Removes every container and the network of the cluster (found by label); returns what it removed. */
  List<String> removeAll(String cluster) {
    List<String> removed = new ArrayList<>();
    docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(CLUSTER_LABEL, cluster)).exec()
        .forEach(c -> {
          docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
          removed.add(c.getNames().length > 0 ? c.getNames()[0].replaceFirst("^/", "") : c.getId());
        });
    docker.listNetworksCmd().withNameFilter(networkName(cluster)).exec().stream()
        .filter(n -> n.getName().equals(networkName(cluster))).forEach(n -> {
          docker.removeNetworkCmd(n.getId()).exec();
          removed.add("network " + n.getName());
        });
    return removed;
  }

  @Override
  public void close() {
    try {
      docker.close();
    } catch (IOException e) {
      // the engine's connection is gone either way
    }
  }

  /** Docker does not answer; the message says where it was asked. */
  public static final class Unreachable extends Exception {
    Unreachable(String message) {
      super(message);
    }
  }
}
