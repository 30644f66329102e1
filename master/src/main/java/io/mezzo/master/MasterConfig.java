package io.mezzo.master;

import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.allocator.MinimumAllocatable;
import io.mezzo.master.api.ApiLimits;
import io.mezzo.master.auth.HttpAuthentication;
import io.mezzo.master.auth.Security;
import io.mezzo.node.tls.NodeTls;
import io.mezzo.master.spi.Authorizer;
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
  /**
   * How long ZooKeeper keeps this master's session after it stops hearing from it, Mesos syntax
   * (Mesos's {@code --zk_session_timeout} default): a leader cut off longer than this loses the
   * election to another master.
   */
  public static final String DEFAULT_ZK_SESSION_TIMEOUT = "10secs";
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
  /** Mesos's {@code --max_completed_frameworks}: removed frameworks the leader keeps for the operator API. */
  public static final int DEFAULT_MAX_COMPLETED_FRAMEWORKS = 50;
  /** Mesos's {@code --max_completed_tasks_per_framework}: ended tasks kept per framework for the operator API. */
  public static final int DEFAULT_MAX_COMPLETED_TASKS_PER_FRAMEWORK = 1000;
  /** Mesos's {@code --max_operator_event_stream_subscribers}: operator streams open at once. */
  public static final int DEFAULT_MAX_OPERATOR_EVENT_STREAM_SUBSCRIBERS = 1000;
  /** The largest value of each of the three limits above (they bound the leader's memory). */
  public static final int MAX_HISTORY_LIMIT = 1_000_000;

  private final String zk;
  private final String ip;
  private final String hostname;
  private final int port;
  private final Duration allocationInterval;
  private final Duration agentReregisterTimeout;
  private final Duration zkSessionTimeout;
  private final Duration agentPingTimeout;
  private final int maxAgentPingTimeouts;
  private final Duration agentRemovalTimeout;
  private final String allocator;
  private final Duration offerTimeout;
  private final String minAllocatableResources;
  private final int offerHistory;
  private final int maxCompletedFrameworks;
  private final int maxCompletedTasksPerFramework;
  private final int maxOperatorEventStreamSubscribers;
  private final ApiLimits limits;
  private final HttpAuthentication authentication;
  private final String credentials;
  private final Authorizer authorizer;
  private final String acls;
  private final NodeTls tls;

  private MasterConfig(Builder b) {
    this.zk = b.zk;
    this.ip = b.ip;
    this.hostname = b.hostname == null || b.hostname.isBlank() ? b.ip : b.hostname;
    this.port = b.port;
    this.allocationInterval = b.allocationInterval;
    this.agentReregisterTimeout = b.agentReregisterTimeout;
    this.zkSessionTimeout = b.zkSessionTimeout;
    this.agentPingTimeout = b.agentPingTimeout;
    this.maxAgentPingTimeouts = b.maxAgentPingTimeouts;
    this.agentRemovalTimeout = b.agentRemovalTimeout;
    this.allocator = b.allocator;
    this.offerTimeout = b.offerTimeout;
    this.minAllocatableResources = b.minAllocatableResources;
    this.offerHistory = b.offerHistory;
    this.maxCompletedFrameworks = b.maxCompletedFrameworks;
    this.maxCompletedTasksPerFramework = b.maxCompletedTasksPerFramework;
    this.maxOperatorEventStreamSubscribers = b.maxOperatorEventStreamSubscribers;
    this.limits = b.limits;
    this.authentication = b.authentication;
    this.credentials = b.credentials;
    this.authorizer = b.authorizer;
    this.acls = b.acls;
    this.tls = b.tls;
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

  /** The ZooKeeper session timeout the master asks for (the server may bound it by its own min and max). */
  public Duration zkSessionTimeout() {
    return zkSessionTimeout;
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

  /** How many removed frameworks the leader keeps, with their ended tasks, for the operator API. */
  public int maxCompletedFrameworks() {
    return maxCompletedFrameworks;
  }

  /** How many ended tasks the leader keeps per framework for the operator API. */
  public int maxCompletedTasksPerFramework() {
    return maxCompletedTasksPerFramework;
  }

  /** Operator event streams open at once; one more closes the oldest. */
  public int maxOperatorEventStreamSubscribers() {
    return maxOperatorEventStreamSubscribers;
  }

  /** Body sizes, the memory for request bodies in flight, and each stream's queue. */
  public ApiLimits limits() {
    return limits;
  }

  /** Which HTTP realms require credentials, and who checks them. */
  public HttpAuthentication authentication() {
    return authentication;
  }

  /** Where the credentials were read from, or null when none were given. */
  public String credentials() {
    return credentials;
  }

  /** Authentication and authorization together, for the HTTP routes. */
  public Security security() {
    // A master that serves TLS and knows the cluster CA takes only agents that prove themselves with it.
    return new Security(authentication, authorizer, tls.serves() && tls.verifies());
  }

  /** The master's TLS files: its server's certificate and key, and the CA agents' certificates are checked against. */
  public NodeTls tls() {
    return tls;
  }

  /** The {@code --acls} given (JSON or where it was read from), or null. */
  public String acls() {
    return acls;
  }

  @Override
  public String toString() {
    return "MasterConfig[zk=" + zk + ", ip=" + ip + ", hostname=" + hostname + ", port=" + port
        + ", allocationInterval=" + allocationInterval + ", agentReregisterTimeout=" + agentReregisterTimeout
        + ", zkSessionTimeout=" + zkSessionTimeout + ", agentPingTimeout=" + agentPingTimeout
        + ", maxAgentPingTimeouts=" + maxAgentPingTimeouts + ", agentRemovalTimeout=" + agentRemovalTimeout
        + ", allocator=" + allocator + ", offerTimeout=" + offerTimeout
        + ", minAllocatableResources=" + minAllocatableResources + ", offerHistory=" + offerHistory
        + ", maxCompletedFrameworks=" + maxCompletedFrameworks
        + ", maxCompletedTasksPerFramework=" + maxCompletedTasksPerFramework
        + ", maxOperatorEventStreamSubscribers=" + maxOperatorEventStreamSubscribers
        + ", limits=" + limits + ", authentication=" + authentication.realms() + "]";
  }

  /** Named options with the defaults above; {@link #build()} checks them. Only {@code zk} is required. */
  public static final class Builder {
    private String zk;
    private String ip = DEFAULT_IP;
    private String hostname;
    private HttpAuthentication authentication = HttpAuthentication.NONE;
    private String credentials;
    private Authorizer authorizer = Authorizer.PERMISSIVE;
    private String acls;
    private NodeTls tls = NodeTls.OFF;
    private int port = DEFAULT_PORT;
    private Duration allocationInterval = MesosDurations.parse(DEFAULT_ALLOCATION_INTERVAL);
    private Duration agentReregisterTimeout = MesosDurations.parse(DEFAULT_AGENT_REREGISTER_TIMEOUT);
    private Duration zkSessionTimeout = MesosDurations.parse(DEFAULT_ZK_SESSION_TIMEOUT);
    private Duration agentPingTimeout = MesosDurations.parse(DEFAULT_AGENT_PING_TIMEOUT);
    private int maxAgentPingTimeouts = DEFAULT_MAX_AGENT_PING_TIMEOUTS;
    private Duration agentRemovalTimeout = MesosDurations.parse(DEFAULT_AGENT_REMOVAL_TIMEOUT);
    private String allocator = DEFAULT_ALLOCATOR;
    private Duration offerTimeout;
    private String minAllocatableResources = DEFAULT_MIN_ALLOCATABLE_RESOURCES;
    private int offerHistory = DEFAULT_OFFER_HISTORY;
    private int maxCompletedFrameworks = DEFAULT_MAX_COMPLETED_FRAMEWORKS;
    private int maxCompletedTasksPerFramework = DEFAULT_MAX_COMPLETED_TASKS_PER_FRAMEWORK;
    private int maxOperatorEventStreamSubscribers = DEFAULT_MAX_OPERATOR_EVENT_STREAM_SUBSCRIBERS;
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

    public Builder zkSessionTimeout(Duration zkSessionTimeout) {
      this.zkSessionTimeout = zkSessionTimeout;
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

    /** 0..{@link #MAX_HISTORY_LIMIT} removed frameworks to keep; 0 keeps none. */
    public Builder maxCompletedFrameworks(int maxCompletedFrameworks) {
      this.maxCompletedFrameworks = maxCompletedFrameworks;
      return this;
    }

    /** 0..{@link #MAX_HISTORY_LIMIT} ended tasks to keep per framework; 0 keeps none. */
    public Builder maxCompletedTasksPerFramework(int maxCompletedTasksPerFramework) {
      this.maxCompletedTasksPerFramework = maxCompletedTasksPerFramework;
      return this;
    }

    /** 1..{@link #MAX_HISTORY_LIMIT} operator event streams open at once. */
    public Builder maxOperatorEventStreamSubscribers(int maxOperatorEventStreamSubscribers) {
      this.maxOperatorEventStreamSubscribers = maxOperatorEventStreamSubscribers;
      return this;
    }

    /** The HTTP APIs' memory limits (default {@link ApiLimits#defaults()}). */
    public Builder limits(ApiLimits limits) {
      this.limits = limits;
      return this;
    }

    /**
     * Who may call which HTTP realm (default: anyone, as Mesos); {@code credentials} names the file
     * they came from, for GET_FLAGS.
     */
    public Builder authentication(HttpAuthentication authentication, String credentials) {
      this.authentication = Objects.requireNonNull(authentication, "authentication");
      this.credentials = credentials;
      return this;
    }

    /**
     * Serve HTTPS with {@code tls}'s certificate; with its CA too, ask TLS clients for certificates and
     * take on the agent channel only agents whose certificate the CA signed. Plain HTTP by default.
     */
    public Builder tls(NodeTls tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /** What each principal may do (default: everything); {@code acls} is what GET_FLAGS shows. */
    public Builder authorizer(Authorizer authorizer, String acls) {
      this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
      this.acls = acls;
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
      Objects.requireNonNull(zkSessionTimeout, "zkSessionTimeout is required");
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
      if (zkSessionTimeout.toMillis() < 1 || zkSessionTimeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("ZooKeeper session timeout must be at least 1ms and at most "
            + Integer.MAX_VALUE + "ms, got " + zkSessionTimeout);
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
      check("max completed frameworks", maxCompletedFrameworks, 0);
      check("max completed tasks per framework", maxCompletedTasksPerFramework, 0);
      check("max operator event stream subscribers", maxOperatorEventStreamSubscribers, 1);
      return new MasterConfig(this);
    }

    private static void check(String what, int value, int min) {
      if (value < min || value > MAX_HISTORY_LIMIT) {
        throw new IllegalArgumentException(what + " must be " + min + ".." + MAX_HISTORY_LIMIT + ", got " + value);
      }
    }
  }
}
