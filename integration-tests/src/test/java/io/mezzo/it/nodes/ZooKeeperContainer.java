package io.mezzo.it.nodes;

import io.mezzo.cli.cluster.ClusterProbe;
import java.time.Duration;
import java.util.List;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;

/** The cluster's ZooKeeper ({@code mezzo zookeeper}), ready when it says it serves. */
public final class ZooKeeperContainer extends NodeContainer {
  public static final int PORT = 2181;

  ZooKeeperContainer(Network network, String ip) {
    super(network, "zookeeper", ip, PORT, "-Xms32m -Xmx128m", "zookeeper",
        List.of("--port", Integer.toString(PORT), "--data-dir", "/var/lib/mezzo/zookeeper"));
    waitingFor(Wait.forLogMessage(".*ZooKeeper serving.*", 1).withStartupTimeout(Duration.ofSeconds(120)));
  }

  /** The URL the nodes use inside the network: by host name, as an operator would write it. */
  public static String innerUrl() {
    return "zk://zookeeper:" + PORT + "/mezzo";
  }

  /** The URL this machine uses (the container's address). */
  public String url() {
    return "zk://" + ip() + ":" + PORT + "/mezzo";
  }

  /** True when it answers {@code ruok}. */
  public boolean serving() {
    return ClusterProbe.zooKeeperServing(ip(), PORT);
  }
}
