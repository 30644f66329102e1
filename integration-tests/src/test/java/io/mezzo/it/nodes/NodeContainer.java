package io.mezzo.it.nodes;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Capability;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * One node of a cluster in containers: {@code mezzo <role> <args>} from the node image, on the
 * cluster's network with a fixed address (so that it keeps it across a stop and start, as a
 * machine would) and its name as host name and network alias, its output piped to SLF4J
 * (logger {@code node.<name>}). The faults a test injects act on the same container: {@link #kill},
 * {@link #pause}, {@link #stopNode}/{@link #startNode}, {@link #disconnect}.
 */
public class NodeContainer extends GenericContainer<NodeContainer> {
  private final String nodeName;
  private final String ip;
  private final int port;

  NodeContainer(Network network, String name, String ip, int port, String heap, String role, List<String> args) {
    super(DockerImageName.parse(NodeImages.node()));
    this.nodeName = name;
    this.ip = ip;
    this.port = port;
    List<String> command = new ArrayList<>();
    command.add(role);
    command.addAll(args);
    withNetwork(network).withNetworkAliases(name).withEnv("JAVA_OPTS", heap).withCommand(command.toArray(String[]::new))
        .withExposedPorts(port).withLogConsumer(new Slf4jLogConsumer(LoggerFactory.getLogger("node." + name)))
        .withCreateContainerCmdModifier(cmd -> {
          cmd.withHostName(name).withName("mezzo-it-" + name + "-" + Long.toHexString(System.nanoTime() & 0xffffff));
          cmd.getHostConfig().withInit(true);
        });
    withCreateContainerCmdModifier(cmd -> cmd.withIpv4Address(ip));
    waitingFor(Wait.forHttp("/health").forPort(port).withStartupTimeout(Duration.ofSeconds(120)));
  }

  /** The node's name, also its host name and network alias (e.g. {@code master-1}). */
  public String name() {
    return nodeName;
  }

  /** Its fixed address on the cluster network, which this machine reaches directly. */
  public String ip() {
    return ip;
  }

  public int port() {
    return port;
  }

  /** {@code http://<ip>:<port>}. */
  public String url() {
    return "http://" + ip + ":" + port;
  }

  DockerClient docker() {
    return getDockerClient();
  }

  /** {@code docker kill --signal KILL}: the node dies at once, as on a power cut; the container stays. */
  public void kill() {
    docker().killContainerCmd(getContainerId()).withSignal("KILL").exec();
  }

  /** {@code docker stop}: SIGTERM, then SIGKILL after {@code grace}; the container and its files stay. */
  public void stopNode(Duration grace) {
    docker().stopContainerCmd(getContainerId()).withTimeout((int) grace.toSeconds()).exec();
  }

  /** {@code docker start} of the same container (same address, same files), after a kill or stop. */
  public void startNode() {
    docker().startContainerCmd(getContainerId()).exec();
  }

  /** {@code docker pause}: every process of the node freezes (SIGSTOP-like, by the cgroup freezer); its sockets stay open. */
  public void pause() {
    docker().pauseContainerCmd(getContainerId()).exec();
  }

  public void unpause() {
    docker().unpauseContainerCmd(getContainerId()).exec();
  }

  /** {@code docker network disconnect}: the node loses its address on that network (and every peer there). */
  public void disconnect(Network network) {
    docker().disconnectFromNetworkCmd().withContainerId(getContainerId()).withNetworkId(network.getId())
        .withForce(true).exec();
  }

  /** {@code docker network connect}, with the given address on that network. */
  public void connect(Network network, String address) {
    docker().connectToNetworkCmd().withContainerId(getContainerId()).withNetworkId(network.getId())
        .withContainerNetwork(new com.github.dockerjava.api.model.ContainerNetwork()
            .withIpamConfig(new com.github.dockerjava.api.model.ContainerNetwork.Ipam().withIpv4Address(address))
            .withAliases(nodeName))
        .exec();
  }

  /**
   * Drops every packet this node sends to {@code peer}, silently, as a broken link does: a route to
   * the peer through an address of the subnet that no container has, so nothing answers its ARP.
   * The rest of the network still reaches the node, and it them. Needs the NET_ADMIN capability
   * ({@link #withRouteControl()}).
   */
  public void cutRouteTo(NodeContainer peer) {
    route("add " + peer.ip() + "/32 via " + ip.substring(0, ip.lastIndexOf('.') + 1) + "254");
  }

  /** Undoes {@link #cutRouteTo}. */
  public void healRouteTo(NodeContainer peer) {
    route("del " + peer.ip() + "/32");
  }

  private void route(String change) {
    try {
      List<String> command = new ArrayList<>(List.of("ip", "route"));
      command.addAll(List.of(change.split(" ")));
      ExecResult result = execInContainer(command.toArray(String[]::new));
      if (result.getExitCode() != 0) {
        throw new IllegalStateException("ip route " + change + " on " + nodeName + ": " + result.getStderr());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Lets the node change its own routes (NET_ADMIN), for {@link #cutRouteTo}. */
  NodeContainer withRouteControl() {
    return withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withCapAdd(Capability.NET_ADMIN));
  }

  /** True while the container runs (a paused one included). */
  public boolean runningNow() {
    Boolean running = docker().inspectContainerCmd(getContainerId()).exec().getState().getRunning();
    return Boolean.TRUE.equals(running);
  }

  /** True while the container is paused ({@code docker pause}). */
  public boolean pausedNow() {
    return Boolean.TRUE.equals(docker().inspectContainerCmd(getContainerId()).exec().getState().getPaused());
  }
}
