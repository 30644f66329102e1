package io.mezzo.master;

import io.mezzo.discovery.ZkUrl;
import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.allocator.MinimumAllocatable;
import io.mezzo.master.api.LeaderGate;
import io.mezzo.master.api.Leadership.Follower;
import io.mezzo.master.api.Leadership.Leading;
import io.mezzo.master.api.Leadership.Recovering;
import io.mezzo.master.api.Leadership;
import io.mezzo.master.api.LoggingLevels;
import io.mezzo.master.api.MasterRoutes;
import io.mezzo.master.api.MastersEndpoint;
import io.mezzo.master.api.MezzoVersion;
import io.mezzo.master.api.OperatorOptions;
import io.mezzo.master.election.CuratorLeaderElection;
import io.mezzo.master.metrics.MasterMetrics;
import io.mezzo.master.registry.OperatorState;
import io.mezzo.master.registry.Registry;
import io.mezzo.master.spi.Allocator;
import io.mezzo.master.spi.LeaderElection;
import io.mezzo.master.spi.LeaderFence;
import io.mezzo.master.state.AgentLiveness;
import io.mezzo.master.state.ClusterState;
import io.mezzo.master.state.CompletedLimits;
import io.mezzo.master.state.ConfinedAllocator;
import io.mezzo.master.state.StateGauges;
import io.mezzo.master.state.StateOwner;
import io.mezzo.master.state.Timers;
import io.mezzo.node.http.BodyBudget;
import io.mezzo.protocol.JsonCodec;
import io.mezzo.protocol.Wire;
import io.mezzo.v1.Protos.Address;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.VersionInfo;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ClientAuth;
import io.mezzo.node.http.HeadDeadline;
import io.mezzo.node.http.ReadTimer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master on its Vert.x context: HTTP server, election, and the cluster state while leading.
 * Its {@link Leadership} is one value, replaced whole on the context; everything the APIs need
 * while leading travels inside it.
 */
final class MasterVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(MasterVerticle.class);
  /** Mezzo reports the Mesos API level it speaks, since frameworks check it. */
  static final String MESOS_API_VERSION = "1.11.0";
  /** How long a master is a standby before it preloads a leader's first calls ({@link LeaderPreload}). */
  static final Duration PRELOAD_AFTER = Duration.ofSeconds(5);

  private final MasterConfig config;
  private final Clock clock;
  private final Supplier<Allocator> allocatorFactory;
  private final String masterId = UUID.randomUUID().toString();
  private final BodyBudget bodyBudget;
  private final MasterMetrics metrics;
  /** When this master last became leader; read by GET_MASTER while it leads. */
  private volatile java.time.Instant electedAt;
  private final java.time.Instant startedAt;
  private CuratorFramework curator;
  private volatile LeaderElection election;
  private MastersEndpoint masters;
  private HttpServer server;
  private MasterInfo masterInfo;
  private String zkPath;
  private StateOwner owner;
  private LeaderGate gate;
  /** Written on the context only; volatile so that {@link #isLeader()} may read it from any thread. */
  private volatile Leadership leadership = Leadership.initial();
  /** The current term's fence while elected; written on the context only. */
  private volatile LeaderFence fence;
  private Optional<String> leaderHostPort = Optional.empty();
  private boolean allocationPending;
  /** Agents whose resources freed since the last round, for a round over them alone (see {@link #resourcesFreed}). */
  private final Set<String> freedAgents = new LinkedHashSet<>();
  /** The preload's thread, once a standby started it; stopped when elected or closed. Set and read on the context. */
  private Thread preload;
  private volatile int port;

  MasterVerticle(MasterConfig config, Clock clock, Supplier<Allocator> allocatorFactory,
      PrometheusMeterRegistry registry) {
    this.config = config;
    this.clock = clock;
    this.allocatorFactory = allocatorFactory != null ? allocatorFactory
        : () -> allocator(config.allocator(), config.minAllocatableResources());
    this.bodyBudget = new BodyBudget(config.limits().inflightBodyBytes());
    this.metrics = new MasterMetrics(registry, clock, () -> !(acting() instanceof Follower),
        () -> leadership instanceof Leading leading ? leading.state().gauges() : StateGauges.NONE);
    this.startedAt = clock.instant();
  }

  @Override
  public Future<?> start() {
    ZkUrl zk = ZkUrl.parse(config.zk());
    owner = new ContextOwner(context);
    gate = new LeaderGate(this::acting, () -> leadership, () -> leaderHostPort, this::ownHostPort);
    Timers timers = MasterRoutes.contextTimers(vertx);
    OperatorOptions operator = new OperatorOptions(MasterFlags.of(config),
        VersionInfo.newBuilder().setVersion(MezzoVersion.get()).build(), startedAt,
        () -> acting() instanceof Leading ? Optional.ofNullable(electedAt) : Optional.empty(),
        new LoggingLevels(timers), Duration.ofMillis((long) (Wire.HEARTBEAT_INTERVAL_SECONDS * 1000)),
        config.maxOperatorEventStreamSubscribers(), ClusterState::recentOfferEvents);
    masters = new MastersEndpoint(
        () -> election == null ? Future.succeededFuture(java.util.List.of()) : election.participants(),
        this::ownHostPort, () -> MastersEndpoint.State.of(acting()));
    Router router = MasterRoutes.router(vertx, gate, this::requestAllocation, config.limits(), bodyBudget, operator,
        timers, metrics, masters, config.security(), config.tls());
    // gzip (or deflate) when the client asks, as Mesos does; the event streams opt out (identity).
    // TLS, when configured, covers every route: there is one server. Client certificates are asked
    // for, not demanded, so that only the agent channel needs one (see Security#agentCertificates).
    // Strict thread mode: every response is written on this context's event loop, which is each
    // connection's own, so Vert.x writes straight to the connection instead of through a queue of
    // its own per connection (a 4 KB chunk each, a third of what an idle agent's stream cost).
    HttpServerOptions serverOptions = config.tls().server(new HttpServerOptions().setCompressionSupported(true)
        .setStrictThreadMode(true),
        ClientAuth.REQUEST);
    // A request's head must arrive within the body read timeout too, so a client that drips it
    // (slowloris) or sends nothing does not hold a connection for ever.
    HeadDeadline heads = new HeadDeadline(config.limits().bodyReadTimeout(), ReadTimer.vertx(vertx));
    return heads.server(vertx, serverOptions, router).listen(config.port(), config.ip())
        .compose(s -> {
          server = s;
          port = s.actualPort();
          masterInfo = masterInfo(port);
          int sessionMs = (int) config.zkSessionTimeout().toMillis();
          curator = zk.curatorBuilder().sessionTimeoutMs(sessionMs).connectionTimeoutMs(Math.min(10_000, sessionMs))
              .retryPolicy(new ExponentialBackoffRetry(500, 10)).build();
          curator.start();
          zkPath = zk.path();
          election = new CuratorLeaderElection(curator, zk.path(), context, ownHostPort(),
              config.zkSessionTimeout());
          return election.start(JsonCodec.print(masterInfo), this::leadership, this::leaderChanged);
        })
        .onSuccess(v -> {
          vertx.setPeriodic(config.allocationInterval().toMillis(), id -> allocateNow());
          vertx.setPeriodic((long) (Wire.HEARTBEAT_INTERVAL_SECONDS * 1000), id -> {
            if (acting() instanceof Leading leading) {
              leading.state().heartbeat();
            }
          });
          log.info("Master {} listening on {}://{}:{}, candidate in {}", masterId, config.tls().serverScheme(),
              config.ip(), port, config.zk());
          preloadLeaderClasses();
        });
  }

  /**
   * Builds, and drops, an empty state of the kind a new leader builds, so that its classes are
   * loaded and initialised now. A standby elected after a failover then starts serving that much
   * sooner: building the first state took 0.3–0.6 s of a 2-core machine busy with the failover,
   * nearly all of it class loading. A master elected at once loses nothing, since it needs the
   * same classes.
   */
  private void preloadLeaderClasses() {
    newState(new ConfinedAllocator(allocatorFactory.get(), owner));
    io.mezzo.protocol.internal.RegistryRecords.Registry.getDefaultInstance();
    // Only a standby needs the rest: a master that leads from the start meets these calls anyway,
    // and its start (cluster create) stays as short as it was.
    vertx.setTimer(PRELOAD_AFTER.toMillis(), id -> {
      if (leadership instanceof Follower) {
        preload = LeaderPreload.start(this::preloadState);
      }
    });
  }

  /** An empty cluster state with this master's settings. */
  private ClusterState newState(Allocator allocator) {
    return newState(allocator, MasterRoutes.contextTimers(vertx), owner);
  }

  /**
   * For the preload's thread ({@link LeaderPreload}): an empty state with this master's settings
   * and the allocator its flags name, owned by the calling thread, whose timers never fire.
   */
  private ClusterState preloadState() {
    StateOwner thread = StateOwner.currentThread();
    return newState(new ConfinedAllocator(allocator(config.allocator(), config.minAllocatableResources()), thread),
        Timers.NEVER, thread);
  }

  private ClusterState newState(Allocator allocator, Timers timers, StateOwner owner) {
    return new ClusterState(masterInfo, allocator, clock, timers, owner,
        config.agentReregisterTimeout(), config.offerTimeout(), config.offerHistory(), new AgentLiveness(
            config.agentPingTimeout(), config.maxAgentPingTimeouts(), config.agentRemovalTimeout()),
        new CompletedLimits(config.maxCompletedFrameworks(), config.maxCompletedTasksPerFramework()));
  }

  /** Replaces the leadership value; only ever on the context, so transitions never interleave. */
  private void become(Leadership next) {
    assert owner.isCurrent() : "Leadership changed off the master's context, on " + Thread.currentThread().getName();
    leadership = next;
    gate.leadershipChanged();
  }

  /**
   * The leadership as the APIs see it: a term whose fence does not hold acts as a follower at once,
   * whether it broke (before the election's news reaches the context and {@link #stepDown} drops its
   * state) or is suspended (the state stays, and acts again once the fence holds again).
   */
  private Leadership acting() {
    Leadership now = leadership;
    LeaderFence f = fence;
    return now instanceof Follower || (f != null && f.holds()) ? now : now.stepDown();
  }

  private void leadership(Optional<LeaderFence> elected) {
    if (elected.isEmpty()) {
      stepDown();
      return;
    }
    LeaderFence won = elected.get();
    if (won == fence && !(leadership instanceof Follower)) {
      return;
    }
    stepDown();
    fence = won;
    Recovering term = ((Follower) leadership).elected();
    become(term);
    if (preload != null) {
      // Elected before the preload was done: its thread stops, leaving the cores to the new leader.
      preload.interrupt();
    }
    log.info("Master {} was elected (latch node {}); recovering the registry from {}/{}", masterId, won.node(), zkPath,
        Registry.NODE);
    recover(term, new Registry(curator, zkPath, context, won));
  }

  /** Drops everything this master held as leader: offers, framework streams, agent links. Idempotent. */
  private void stepDown() {
    Leadership now = leadership;
    if (now instanceof Follower) {
      return;
    }
    log.warn("Master {} stopped leading; closing every stream", masterId);
    become(now.stepDown());
    if (now instanceof Leading old) {
      old.state().closeAll();
    }
  }

  /** Reads the registry, then starts serving as leader; retries while still elected if ZooKeeper fails. */
  private void recover(Recovering elected, Registry registry) {
    long readingSince = System.nanoTime();
    registry.read().onComplete(read -> {
      long readNanos = System.nanoTime() - readingSince;
      if (!leadership.equals(elected)) {
        return;
      }
      if (read.failed()) {
        log.error("Master {} could not recover the registry, retrying: {}", masterId, read.cause().getMessage());
        vertx.setTimer(1000, id -> {
          if (leadership.equals(elected)) {
            recover(elected, registry);
          }
        });
        return;
      }
      Allocator allocator = new ConfinedAllocator(allocatorFactory.get(), owner);
      ClusterState recovered = newState(allocator);
      LeaderFence term = fence;
      recovered.fencedBy(term::holds);
      recovered.countInto(metrics);
      recovered.onResourcesFreed(this::resourcesFreed);
      electedAt = clock.instant();
      become(elected.recovered(recovered, new OperatorState(registry, read.result(), allocator, recovered)));
      log.info("Master {} is the leader (registry read in {} ms, state built in {} ms)", masterId,
          readNanos / 1_000_000, (System.nanoTime() - readingSince - readNanos) / 1_000_000);
    });
  }

  private void leaderChanged(Optional<MasterInfo> leader) {
    leaderHostPort = leader.map(MasterVerticle::hostPort);
    // A new leader is also a master whose page may ask this one where to go once it is gone.
    masters.refresh().onFailure(e -> log.debug("Could not list the election's participants", e));
  }

  private String ownHostPort() {
    return config.hostname() + ":" + port;
  }

  static String hostPort(MasterInfo info) {
    if (info.hasAddress()) {
      String host = info.getAddress().hasHostname() ? info.getAddress().getHostname() : info.getAddress().getIp();
      return host + ":" + info.getAddress().getPort();
    }
    return (info.hasHostname() ? info.getHostname() : "") + ":" + info.getPort();
  }

  static Allocator allocator(String name) {
    return allocator(name, MasterConfig.DEFAULT_MIN_ALLOCATABLE_RESOURCES);
  }

  /** The allocator named by {@code --allocator}, with {@code --min-allocatable-resources}. */
  static Allocator allocator(String name, String minAllocatableResources) {
    if (DrfAllocator.NAME.equals(name)) {
      return new DrfAllocator(new java.util.Random(), MinimumAllocatable.parse(minAllocatableResources));
    }
    throw new IllegalArgumentException("Unknown allocator '" + name + "'; available: " + DrfAllocator.NAME);
  }

  private void requestAllocation() {
    if (!allocationPending) {
      allocationPending = true;
      context.runOnContext(v -> allocateNow());
    }
  }

  private void allocateNow() {
    allocationPending = false;
    freedAgents.clear();
    if (acting() instanceof Leading leading) {
      metrics.timeAllocation(() -> leading.state().allocate());
    }
  }

  /**
   * Resources freed on an agent (a task ended, the agent registered): a round over the agents freed
   * meanwhile runs once the context has handled what is queued before it, rather than waiting up to
   * an allocation interval. Those queued events batch into one round; its cost is that of those
   * agents, not of the cluster.
   */
  private void resourcesFreed(String agentId) {
    if (freedAgents.add(agentId) && freedAgents.size() == 1) {
      context.runOnContext(v -> allocateFreed());
    }
  }

  private void allocateFreed() {
    if (freedAgents.isEmpty()) {
      return;
    }
    List<String> agents = List.copyOf(freedAgents);
    freedAgents.clear();
    if (acting() instanceof Leading leading) {
      metrics.timeAllocation(() -> leading.state().allocate(agents));
    }
  }

  private MasterInfo masterInfo(int actualPort) {
    return MasterInfo.newBuilder()
        .setId(masterId)
        .setIp(ipv4AsMesosUint32(config.ip()))
        .setPort(actualPort)
        .setPid("master@" + config.ip() + ":" + actualPort)
        .setHostname(config.hostname())
        .setVersion(MESOS_API_VERSION)
        .setAddress(Address.newBuilder().setHostname(config.hostname()).setIp(config.ip()).setPort(actualPort))
        .build();
  }

  /** Mesos stores the IPv4 address in network byte order read as a host-order uint32 (127.0.0.1 = 16777343). */
  static int ipv4AsMesosUint32(String ip) {
    try {
      byte[] b = InetAddress.getByName(ip).getAddress();
      if (b.length != 4) {
        return 0;
      }
      return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("Not an IP address: " + ip, e);
    }
  }

  @Override
  public Future<?> stop() {
    if (preload != null) {
      preload.interrupt();
    }
    stepDown();
    Future<Void> left = election == null ? Future.succeededFuture() : election.close();
    return left
        .compose(v -> context.executeBlocking(() -> {
          if (curator != null) {
            curator.close();
          }
          return null;
        }))
        .compose(v -> server == null ? Future.succeededFuture() : server.close());
  }

  /** True while leading with the registry read. Safe from any thread. */
  boolean isLeader() {
    return acting() instanceof Leading;
  }

  /** The number of elections this master has won (its term's number while it leads). */
  long electionsWon() {
    return leadership.term();
  }

  /** The ZooKeeper client, for tests that expire its session. */
  CuratorFramework curator() {
    return curator;
  }

  int port() {
    return port;
  }

  BodyBudget bodyBudget() {
    return bodyBudget;
  }
}
