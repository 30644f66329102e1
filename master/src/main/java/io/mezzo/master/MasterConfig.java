package io.mezzo.master;

import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.allocator.MinimumAllocatable;
import io.mezzo.master.api.ApiLimits;
import io.mezzo.master.offers.OfferHistory;
import io.mezzo.protocol.MesosDurations;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a master needs to start, built with {@link #builder()}: by {@code MasterMain} from
 * flags, or by the testkit and tests in code ({@code MasterConfig.builder().zk(url).port(0).build()}).
 * Every default lives here, once; {@code MasterMain}'s flags show the same constants.
 */
public final class MasterConfig {
  /** The address to listen on and advertise. */
  public static final String DEFAULT_IP = "127.0.0.1";
  /** Mesos's master port. */
  public static final int DEFAULT_PORT = 5050;
  /** Time between batch allocation rounds, Mesos syntax (Mesos's default). */
  public static final String DEFAULT_ALLOCATION_INTERVAL = "1s";
  /** How long a disconnected agent may take to come back, Mesos syntax (Mesos's default). */
  public static final String DEFAULT_AGENT_REREGISTER_TIMEOUT = "10mins";
  /** How often the master pings each agent, Mesos syntax (Mesos's {@code --agent_ping_timeout}). */
  public static final String DEFAULT_AGENT_PING_TIMEOUT = "15secs";
  /** Unanswered pings after which an agent is unreachable (Mesos's {@code --max_agent_ping_timeouts}). */
  public static final int DEFAULT_MAX_AGENT_PING_TIMEOUTS = 5;
  /**
   * How long an agent may stay unreachable before it is gone for good, Mesos syntax: the default of
   * Mesos's {@code --registry_max_agent_age}, after which Mesos forgets an unreachable agent.
   */
  public static final String DEFAULT_AGENT_REMOVAL_TIMEOUT = "2weeks";
  /** The allocator used unless another is named. */
  public static final String DEFAULT_ALLOCATOR = DrfAllocator.NAME;
  /** Mesos's default minimum allocatable resources. */
  public static final String DEFAULT_MIN_ALLOCATABLE_RESOURCES = MinimumAllocatable.MESOS_DEFAULT;
  /** How many recent offer events the leader keeps for late operator-stream subscribers. */
  public static final int DEFAULT_OFFER_HISTORY = OfferHistory.DEFAULT_CAPACITY;

  private final String zk;
  private final String ip;
  private final String hostname;
  private final int port;
  private final Duration allocationInterval;
  private final Duration agentReregisterTimeout;
  private final Duration agentPingTimeout;
  private final int maxAgentPingTimeouts;
  private final Duration agentRemovalTimeout;
  private final String allocator;
  private final Duration offerTimeout;
  private final String minAllocatableResources;
  private final int offerHistory;
  private final ApiLimits limits;

  private MasterConfig(Builder b) {
    this.zk = b.zk;
    this.ip = b.ip;
    this.hostname = b.hostname == null || b.hostname.isBlank() ? b.ip : b.hostname;
    this.port = b.port;
    this.allocationInterval = b.allocationInterval;
    this.agentReregisterTimeout = b.agentReregisterTimeout;
    this.agentPingTimeout = b.agentPingTimeout;
    this.maxAgentPingTimeouts = b.maxAgentPingTimeouts;
    this.agentRemovalTimeout = b.agentRemovalTimeout;
    this.allocator = b.allocator;
    this.offerTimeout = b.offerTimeout;
    this.minAllocatableResources = b.minAllocatableResources;
    this.offerHistory = b.offerHistory;
    this.limits = b.limits;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The ZooKeeper URL ({@code zk://host:port/path}). */
  public String zk() {
    return zk;
  }

  /** The address to listen on and advertise. */
  public String ip() {
    return ip;
  }

  /** The name to advertise (the ip unless set). */
  public String hostname() {
    return hostname;
  }

  /** The HTTP port; 0 picks a free one. */
  public int port() {
    return port;
  }

  /** How often a batch allocation round runs. */
  public Duration allocationInterval() {
    return allocationInterval;
  }

  /** How long a disconnected agent may take to come back before its tasks are lost. */
  public Duration agentReregisterTimeout() {
    return agentReregisterTimeout;
  }

  /** How often the master pings each connected agent. */
  public Duration agentPingTimeout() {
    return agentPingTimeout;
  }

  /** How many pings in a row an agent may leave unanswered (with no other call) before it is unreachable. */
  public int maxAgentPingTimeouts() {
    return maxAgentPingTimeouts;
  }

  /** How long an unreachable agent may take to come back before it is gone and may never register again. */
  public Duration agentRemovalTimeout() {
    return agentRemovalTimeout;
  }

  /** The allocator's name. */
  public String allocator() {
    return allocator;
  }

  /** Outstanding offers older than this are rescinded; null = never (the Mesos default). */
  public Duration offerTimeout() {
    return offerTimeout;
  }

  /** The smallest offer, Mesos syntax ({@code cpus:0.01|mem:32}). */
  public String minAllocatableResources() {
    return minAllocatableResources;
  }

  /** How many recent offer events the leader keeps and sends after SUBSCRIBED on the operator stream. */
  public int offerHistory() {
    return offerHistory;
  }

  /** Body sizes, the memory for request bodies in flight, and each stream's queue. */
  public ApiLimits limits() {
    return limits;
  }

  @Override
  public String toString() {
    return "MasterConfig[zk=" + zk + ", ip=" + ip + ", hostname=" + hostname + ", port=" + port
        + ", allocationInterval=" + allocationInterval + ", agentReregisterTimeout=" + agentReregisterTimeout + ", agentPingTimeout=" + agentPingTimeout
        + ", maxAgentPingTimeouts=" + maxAgentPingTimeouts + ", agentRemovalTimeout=" + agentRemovalTimeout
        + ", allocator=" + allocator + ", offerTimeout=" + offerTimeout
        + ", minAllocatableResources=" + minAllocatableResources + ", offerHistory=" + offerHistory
        + ", limits=" + limits + "]";
  }

  /** Named options with the defaults above; {@link #build()} checks them. Only {@code zk} is required. */
  public static final class Builder {
    private String zk;
    private String ip = DEFAULT_IP;
    private String hostname;
    private int port = DEFAULT_PORT;
    private Duration allocationInterval = MesosDurations.parse(DEFAULT_ALLOCATION_INTERVAL);
    private Duration agentReregisterTimeout = MesosDurations.parse(DEFAULT_AGENT_REREGISTER_TIMEOUT);
    private Duration agentPingTimeout = MesosDurations.parse(DEFAULT_AGENT_PING_TIMEOUT);
    private int maxAgentPingTimeouts = DEFAULT_MAX_AGENT_PING_TIMEOUTS;
    private Duration agentRemovalTimeout = MesosDurations.parse(DEFAULT_AGENT_REMOVAL_TIMEOUT);
    private String allocator = DEFAULT_ALLOCATOR;
    private Duration offerTimeout;
    private String minAllocatableResources = DEFAULT_MIN_ALLOCATABLE_RESOURCES;
    private int offerHistory = DEFAULT_OFFER_HISTORY;
    private ApiLimits limits = ApiLimits.defaults();

    private Builder() {}

    /** Required: the ZooKeeper URL ({@code zk://host:port/path}). */
    public Builder zk(String zk) {
      this.zk = zk;
      return this;
    }

    public Builder ip(String ip) {
      this.ip = ip;
      return this;
    }

    /** Null or blank: advertise the ip. */
    public Builder hostname(String hostname) {
      this.hostname = hostname;
      return this;
    }

    /** 0 picks a free port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder allocationInterval(Duration allocationInterval) {
      this.allocationInterval = allocationInterval;
      return this;
    }

    public Builder agentReregisterTimeout(Duration agentReregisterTimeout) {
      this.agentReregisterTimeout = agentReregisterTimeout;
      return this;
    }

    public Builder agentPingTimeout(Duration agentPingTimeout) {
      this.agentPingTimeout = agentPingTimeout;
      return this;
    }

    public Builder maxAgentPingTimeouts(int maxAgentPingTimeouts) {
      this.maxAgentPingTimeouts = maxAgentPingTimeouts;
      return this;
    }

    public Builder agentRemovalTimeout(Duration agentRemovalTimeout) {
      this.agentRemovalTimeout = agentRemovalTimeout;
      return this;
    }

    public Builder allocator(String allocator) {
      this.allocator = allocator;
      return this;
    }

    /** Null: offers never time out. */
    public Builder offerTimeout(Duration offerTimeout) {
      this.offerTimeout = offerTimeout;
      return this;
    }

    /** Null: Mesos's default. */
    public Builder minAllocatableResources(String minAllocatableResources) {
      this.minAllocatableResources = minAllocatableResources;
      return this;
    }

    /** 0..{@link OfferHistory#MAX_CAPACITY} offer events; 0 keeps none. */
    public Builder offerHistory(int offerHistory) {
      this.offerHistory = offerHistory;
      return this;
    }

    /** The HTTP APIs' memory limits (default {@link ApiLimits#defaults()}). */
    public Builder limits(ApiLimits limits) {
      this.limits = limits;
      return this;
    }

    /**
     * @throws NullPointerException when {@code zk}, {@code ip} or a duration is missing
     * @throws IllegalArgumentException naming the bad value
     */
    public MasterConfig build() {
      Objects.requireNonNull(zk, "zk is required");
      Objects.requireNonNull(ip, "ip is required");
      Objects.requireNonNull(allocator, "allocator is required");
      Objects.requireNonNull(allocationInterval, "allocationInterval is required");
      Objects.requireNonNull(agentReregisterTimeout, "agentReregisterTimeout is required");
      Objects.requireNonNull(limits, "limits is required");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, got " + port);
      }
      if (allocationInterval.isNegative() || allocationInterval.isZero()) {
        throw new IllegalArgumentException("allocation interval must be positive, got " + allocationInterval);
      }
      if (agentReregisterTimeout.isNegative()) {
        throw new IllegalArgumentException("agent re-register timeout must not be negative");
      }
      Objects.requireNonNull(agentPingTimeout, "agentPingTimeout is required");
      Objects.requireNonNull(agentRemovalTimeout, "agentRemovalTimeout is required");
      if (agentPingTimeout.isNegative() || agentPingTimeout.isZero()) {
        throw new IllegalArgumentException("agent ping timeout must be positive, got " + agentPingTimeout);
      }
      if (maxAgentPingTimeouts < 1) {
        throw new IllegalArgumentException("max agent ping timeouts must be at least 1, got " + maxAgentPingTimeouts);
      }
      if (agentRemovalTimeout.isNegative() || agentRemovalTimeout.isZero()) {
        throw new IllegalArgumentException("agent removal timeout must be positive, got " + agentRemovalTimeout);
      }
      if (offerTimeout != null && (offerTimeout.isNegative() || offerTimeout.isZero())) {
        throw new IllegalArgumentException("offer timeout must be positive, got " + offerTimeout);
      }
      if (minAllocatableResources == null) {
        minAllocatableResources = DEFAULT_MIN_ALLOCATABLE_RESOURCES;
      }
      MinimumAllocatable.parse(minAllocatableResources);
      if (offerHistory < 0 || offerHistory > OfferHistory.MAX_CAPACITY) {
        throw new IllegalArgumentException("offer history must be 0.." + OfferHistory.MAX_CAPACITY
            + " events, got " + offerHistory);
      }
      return new MasterConfig(this);
    }
  }
}
