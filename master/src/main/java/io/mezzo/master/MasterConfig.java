package io.mezzo.master;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything a master needs to start. Built by {@code MasterMain} from flags, or by the
 * testkit in code.
 *
 * @param zk the ZooKeeper URL ({@code zk://host:port/path})
 * @param ip the address to listen on and advertise
 * @param hostname the name to advertise (defaults to the ip)
 * @param port the HTTP port; 0 picks a free one
 * @param allocationInterval how often a batch allocation round runs
 * @param agentReregisterTimeout how long a disconnected agent may take to come back before its tasks are lost
 * @param allocator the allocator's name
 */
public record MasterConfig(String zk, String ip, String hostname, int port, Duration allocationInterval,
    Duration agentReregisterTimeout, String allocator) {

  public MasterConfig {
    Objects.requireNonNull(zk, "zk");
    Objects.requireNonNull(ip, "ip");
    if (hostname == null || hostname.isBlank()) {
      hostname = ip;
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (allocationInterval.isNegative() || allocationInterval.isZero()) {
      throw new IllegalArgumentException("allocation interval must be positive, got " + allocationInterval);
    }
    if (agentReregisterTimeout.isNegative()) {
      throw new IllegalArgumentException("agent re-register timeout must not be negative");
    }
  }

  /** Mesos's defaults: a 1 s allocation interval, 10 min for agents to re-register, the DRF allocator. */
  public static MasterConfig defaults(String zk, String ip, int port) {
    return new MasterConfig(zk, ip, ip, port, Duration.ofSeconds(1), Duration.ofMinutes(10), "drf");
  }
}
