package io.mezzo.it.nodes;

import java.util.List;
import org.testcontainers.containers.Network;

/**
 * An agent ({@code mezzo agent}) on port 5051 with the process runtime: its tasks run inside its
 * own container, so a fault to the container is a fault to its tasks' machine. Ready on {@code /health}.
 */
public final class AgentContainer extends NodeContainer {
  public static final int PORT = 5051;

  AgentContainer(Network network, String name, String ip, String resources) {
    super(network, name, ip, PORT, "-Xms32m -Xmx256m", "agent", List.of("--master", ZooKeeperContainer.innerUrl(),
        "--port", Integer.toString(PORT), "--work-dir", "/var/lib/mezzo/agent", "--runtimes", "process",
        "--resources", resources));
  }
}
