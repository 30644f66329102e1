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
 * @param offerTimeout outstanding offers older than this are rescinded; null = never (the Mesos default)
 * @param minAllocatableResources the smallest offer, Mesos syntax ({@code cpus:0.01|mem:32})
 */
public record MasterConfig(String zk, String ip, String hostname, int port, Duration allocationInterval,
    Duration agentReregisterTimeout, String allocator, Duration offerTimeout, String minAllocatableResources) {

  /** Mesos's default minimum allocatable resources. */
  public static final String DEFAULT_MIN_ALLOCATABLE_RESOURCES = "cpus:0.01|mem:32";

  /** Without an offer timeout and with the default minimum allocatable resources. */
  public MasterConfig(String zk, String ip, String hostname, int port, Duration allocationInterval,
      Duration agentReregisterTimeout, String allocator) {
    this(zk, ip, hostname, port, allocationInterval, agentReregisterTimeout, allocator, null,
        DEFAULT_MIN_ALLOCATABLE_RESOURCES);
  }

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
    if (offerTimeout != null && (offerTimeout.isNegative() || offerTimeout.isZero())) {
      throw new IllegalArgumentException("offer timeout must be positive, got " + offerTimeout);
    }
    if (minAllocatableResources == null) {
      minAllocatableResources = DEFAULT_MIN_ALLOCATABLE_RESOURCES;
    }
    io.mezzo.master.allocator.MinimumAllocatable.parse(minAllocatableResources);
  }

  /** Mesos's defaults: a 1 s allocation interval, 10 min for agents to re-register, the DRF allocator. */
  public static MasterConfig defaults(String zk, String ip, int port) {
    return new MasterConfig(zk, ip, ip, port, Duration.ofSeconds(1), Duration.ofMinutes(10), "drf");
  }
}
