package io.mezzo.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Nodes' ports come from below the kernel's ephemeral range, never twice from one process. */
class FreePortTest {
  @Test
  void portsAreBelowTheEphemeralRangeAndNeverHandedOutTwice() {
    int low = NodeLauncher.ephemeralLow();
    if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
      assertThat(low).as("the kernel's ephemeral range, read whole").isGreaterThan(1024);
    }
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      int port = NodeLauncher.freePort("127.0.0.1");
      assertThat(ports.add(port)).as("port %d handed out twice", port).isTrue();
      if (low - NodeLauncher.LOWEST_PORT >= 1_000) {
        assertThat(port).isBetween(NodeLauncher.LOWEST_PORT, low - 1);
      }
    }
  }
}
