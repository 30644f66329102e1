package io.mezzo.it.nodes;

import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.Network;

/**
 * A master ({@code mezzo master}) on port 5050, candidate in the cluster's ZooKeeper; ready on
 * {@code /health}. It may change its own routes, so that a test can cut it off one peer.
 */
public final class MasterContainer extends NodeContainer {
  public static final int PORT = 5050;

  MasterContainer(Network network, String name, String ip, List<String> extraArgs) {
    super(network, name, ip, PORT, "-Xms64m -Xmx384m", "master", args(extraArgs));
    // A test may cut a master's route to ZooKeeper alone (see cutRouteTo).
    withRouteControl();
  }

  private static List<String> args(List<String> extra) {
    List<String> args = new ArrayList<>(List.of("--zk", ZooKeeperContainer.innerUrl(), "--port",
        Integer.toString(PORT)));
    args.addAll(extra);
    return args;
  }
}
