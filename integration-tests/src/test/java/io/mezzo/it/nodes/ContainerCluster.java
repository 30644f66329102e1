package io.mezzo.it.nodes;

import com.github.dockerjava.api.model.Network.Ipam;
import io.mezzo.cli.cluster.ClusterProbe;
import io.mezzo.cli.cluster.NodeProcess;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Network;
import org.testcontainers.lifecycle.Startable;

/**
 * A cluster in containers for the fault tests: one {@link Network} with a subnet of its own, a
 * {@link ZooKeeperContainer}, masters and agents, each at a fixed address of that subnet
 * (ZooKeeper .10, masters .11 up, agents .21 up), so a node stopped and started again keeps its
 * address as a machine would. Nodes start in order (ZooKeeper, masters, agents) and stop in reverse.
 */
public final class ContainerCluster implements Startable {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private final Network network;
  private final String prefix;
  private final ZooKeeperContainer zookeeper;
  private final List<MasterContainer> masters = new ArrayList<>();
  private final List<AgentContainer> agents = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * @param masterArgs extra flags of every master (e.g. {@code --agent-reregister-timeout 1mins})
   * @param agentResources each agent's {@code --resources}, e.g. {@code cpus:4;mem:2048}
   */
  public ContainerCluster(int masterCount, int agentCount, List<String> masterArgs, String agentResources) {
    NodeImages.ensureBuilt();
    String subnet = freeSubnet();
    prefix = subnet.substring(0, subnet.lastIndexOf('.') + 1);
    network = Network.builder().createNetworkCmdModifier(cmd -> cmd.withIpam(new Ipam()
        .withConfig(new Ipam.Config().withSubnet(subnet).withGateway(prefix + "1")))).build();
    zookeeper = new ZooKeeperContainer(network, prefix + "10");
    for (int i = 1; i <= masterCount; i++) {
      masters.add(new MasterContainer(network, "master-" + i, prefix + (10 + i), masterArgs));
    }
    for (int i = 1; i <= agentCount; i++) {
      agents.add(new AgentContainer(network, "agent-" + i, prefix + (20 + i), agentResources));
    }
  }

  /** A /24 that no Docker network uses yet, in 10.210.0.0/16. */
  private static String freeSubnet() {
    Set<String> used = new HashSet<>();
    DockerClientFactory.lazyClient().listNetworksCmd().exec().forEach(n -> {
      if (n.getIpam() != null && n.getIpam().getConfig() != null) {
        n.getIpam().getConfig().forEach(c -> used.add(c.getSubnet()));
      }
    });
    for (int tries = 0; tries < 50; tries++) {
      String candidate = "10.210." + ThreadLocalRandom.current().nextInt(1, 255) + ".0/24";
      if (!used.contains(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("No free /24 in 10.210.0.0/16 among " + used);
  }

  @Override
  public void start() {
    zookeeper.start();
    // The masters and agents start together: each waits on its own /health.
    List<NodeContainer> rest = new ArrayList<>(masters);
    rest.addAll(agents);
    rest.parallelStream().forEach(NodeContainer::start);
    awaitLeader();
    awaitAgents(agents.size());
  }

  @Override
  public void stop() {
    agents.forEach(NodeContainer::stop);
    masters.forEach(NodeContainer::stop);
    zookeeper.stop();
    network.close();
  }

  public Network network() {
    return network;
  }

  public ZooKeeperContainer zookeeper() {
    return zookeeper;
  }

  public List<MasterContainer> masters() {
    return List.copyOf(masters);
  }

  public List<AgentContainer> agents() {
    return List.copyOf(agents);
  }

  /** {@code zk://<zookeeper address>:2181/mezzo}, for a framework on this machine. */
  public String zkUrl() {
    return zookeeper.url();
  }

  /**
   * Undoes what a test did to the nodes: every paused node resumes, every stopped one starts again;
   * then a master leads and every agent is active. What a test changed inside a node (a route) is
   * the test's to undo.
   */
  public void restore() {
    List<NodeContainer> nodes = new ArrayList<>();
    nodes.add(zookeeper);
    nodes.addAll(masters);
    nodes.addAll(agents);
    for (NodeContainer node : nodes) {
      if (node.pausedNow()) {
        node.unpause();
      } else if (!node.runningNow()) {
        node.startNode();
      }
    }
    awaitLeader();
    awaitAgents(agents.size());
  }

  /** The master that leads now (answers {@code /state} with 200), if one does. */
  public Optional<MasterContainer> leader() {
    return leaderAmong(masters);
  }

  /**
   * The one of {@code candidates} that leads now. Asking only the live masters keeps a poll fast:
   * a killed master's address answers nothing until the connect timeout.
   */
  public Optional<MasterContainer> leaderAmong(List<MasterContainer> candidates) {
    return candidates.parallelStream().filter(m -> status(m.url() + "/state") == 200).findAny();
  }

  /** Waits until a master leads, and returns it. */
  public MasterContainer awaitLeader() {
    return Awaitility.await("a leading master").atMost(WAIT).pollInterval(Duration.ofMillis(100))
        .until(this::leader, Optional::isPresent).orElseThrow();
  }

  /** The leader's {@code /state}. */
  public JsonObject state() {
    MasterContainer leader = awaitLeader();
    return new ClusterProbe().leaderState(record(leader)).orElseThrow(() -> new AssertionError(
        leader.name() + " stopped leading"));
  }

  /** Waits until the leader counts {@code count} active agents. */
  public void awaitAgents(int count) {
    Awaitility.await("agents registered").atMost(WAIT).pollInterval(Duration.ofMillis(200))
        .until(() -> leader().flatMap(l -> new ClusterProbe().leaderState(record(l)))
            .map(s -> s.getInteger("activated_slaves", 0)).orElse(-1) >= count);
  }

  /** The HTTP status of a GET, or -1 when nothing answers. */
  public int status(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (java.io.IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** A POST of a JSON body to {@code url}; returns status and body. */
  public HttpResponse<String> postJson(String url, String json) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json").header("Accept", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static NodeProcess record(NodeContainer node) {
    return new NodeProcess("master", node.name(), 0, null, node.port(), node.url(), null, null, null, null);
  }
}
