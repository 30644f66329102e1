package io.mezzo.cli.cluster;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.RestartPolicy;
import io.mezzo.agent.DockerEngines;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The nodes of a cluster in containers ({@code cluster create --provider docker}): one
 * user-defined network per cluster ({@code mezzo-<cluster>}), and one container per node from
 * {@link NodeImage}, named {@code mezzo-<cluster>-<node>} with the node's name as host name, so
 * every node has its own address and name. A node's record ({@link NodeProcess}) names its
 * container; its URL is the container's address on the cluster network, which the machine that
 * runs Docker reaches directly. Each node keeps one address for good ({@link Subnet}), so a
 * certificate issued for it stays right when its container starts again.
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

  /**
   * Creates the cluster's network on a subnet Docker picks, and returns it. Docker gives fixed
   * addresses only on a network whose subnet was named when it was made, so the network is made
   * once to learn a free subnet and then again naming it.
   */
  Subnet createNetwork(String cluster) {
    String id = docker.createNetworkCmd().withName(networkName(cluster)).withDriver("bridge")
        .withLabels(Map.of(CLUSTER_LABEL, cluster)).withCheckDuplicate(true).exec().getId();
    Network.Ipam.Config picked = docker.inspectNetworkCmd().withNetworkId(id).exec().getIpam().getConfig().stream()
        .filter(c -> c.getSubnet() != null && Subnet.isIpv4(c.getSubnet())).findFirst()
        .orElseThrow(() -> new IllegalStateException("Docker gave network " + networkName(cluster) + " no IPv4 subnet"));
    docker.removeNetworkCmd(id).exec();
    Network.Ipam.Config config = new Network.Ipam.Config().withSubnet(picked.getSubnet());
    if (picked.getGateway() != null && !picked.getGateway().isEmpty()) {
      config.withGateway(picked.getGateway());
    }
    docker.createNetworkCmd().withName(networkName(cluster)).withDriver("bridge")
        .withLabels(Map.of(CLUSTER_LABEL, cluster)).withCheckDuplicate(true)
        .withIpam(new Network.Ipam().withConfig(config)).exec();
    return Subnet.parse(picked.getSubnet());
  }

  /**
   * Creates and starts the container of one node at address {@code ip}: {@code mezzo <role> <args>}
   * with its heap and {@code env}, on the cluster's network, with {@code files} in place before it
   * starts.
   */
  NodeProcess run(String cluster, NodeSpec spec, List<String> jvmOptions) {
    String name = containerName(cluster, spec.node());
    HostConfig host = HostConfig.newHostConfig().withNetworkMode(networkName(cluster))
        .withRestartPolicy(RestartPolicy.noRestart()).withInit(true);
    List<String> command = new ArrayList<>();
    command.add(spec.role());
    command.addAll(spec.args());
    List<String> env = new ArrayList<>(List.of("JAVA_OPTS=" + String.join(" ", jvmOptions)));
    spec.env().forEach((k, v) -> env.add(k + "=" + v));
    CreateContainerResponse created = docker.createContainerCmd(NodeImage.name()).withName(name)
        .withHostName(spec.node()).withIpv4Address(spec.ip())
        .withLabels(Map.of(CLUSTER_LABEL, cluster, "io.mezzo.node", spec.node(), "io.mezzo.role", spec.role()))
        .withEnv(env).withCmd(command).withHostConfig(host).exec();
    if (!spec.files().isEmpty()) {
      docker.copyArchiveToContainerCmd(created.getId()).withRemotePath("/")
          .withTarInputStream(new ByteArrayInputStream(tar(spec.files()))).exec();
    }
    docker.startContainerCmd(created.getId()).exec();
    return record(cluster, spec.role(), spec.node(), spec.scheme(), spec.port(), spec.args(), jvmOptions);
  }

  /**
   * A node to start: its role and name, its fixed address, its port and the scheme it serves
   * there, its arguments, its environment (beyond {@code JAVA_OPTS}), and files to put in its
   * container, each owner-only, by their path in it.
   */
  record NodeSpec(String role, String node, String ip, int port, String scheme, List<String> args,
      Map<String, String> env, Map<String, Path> files) {}

  /** The files as a tar whose entries are owner-only, with their directories (0700 below the top one). */
  private static byte[] tar(Map<String, Path> files) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      java.util.Set<String> dirs = new java.util.TreeSet<>();
      for (String target : files.keySet()) {
        String dir = target.replaceFirst("^/", "");
        while (dir.contains("/")) {
          dir = dir.substring(0, dir.lastIndexOf('/'));
          dirs.add(dir + "/");
        }
      }
      for (String dir : dirs) {
        TarArchiveEntry entry = new TarArchiveEntry(dir);
        // A top directory such as etc/ is the image's and everyone's; those below it are the node's.
        entry.setMode(dir.indexOf('/') == dir.length() - 1 ? 040755 : 040700);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
      }
      for (Map.Entry<String, Path> file : files.entrySet()) {
        byte[] content = Files.readAllBytes(file.getValue());
        TarArchiveEntry entry = new TarArchiveEntry(file.getKey().replaceFirst("^/", ""));
        entry.setMode(0100600);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot pack the node's files", e);
    }
    return bytes.toByteArray();
  }

  /** Starts a stopped node's container again; its address may have changed, so the record is read anew. */
  NodeProcess start(String cluster, NodeProcess node) {
    docker.startContainerCmd(node.container()).exec();
    String scheme = node.url().startsWith("https:") ? "https" : "http";
    return record(cluster, node.role(), node.name(), scheme, node.port(), node.args(), node.jvmOptions());
  }

  private NodeProcess record(String cluster, String role, String node, String scheme, int port, List<String> args,
      List<String> jvmOptions) {
    String name = containerName(cluster, node);
    String ip = address(name, cluster).orElse("0.0.0.0");
    String url = role.equals("zookeeper") ? ip + ":" + port : scheme + "://" + ip + ":" + port;
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
