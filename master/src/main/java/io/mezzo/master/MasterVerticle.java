package io.mezzo.master;

import io.mezzo.discovery.ZkUrl;
import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.allocator.MinimumAllocatable;
import io.mezzo.master.api.AgentChannelApi;
import io.mezzo.master.api.LeaderGate;
import io.mezzo.master.api.OperatorApi;
import io.mezzo.master.api.SchedulerApi;
import io.mezzo.master.election.CuratorLeaderElection;
import io.mezzo.master.registry.OperatorState;
import io.mezzo.master.registry.Registry;
import io.mezzo.master.spi.Allocator;
import io.mezzo.master.spi.LeaderElection;
import io.mezzo.master.state.ClusterState;
import io.mezzo.master.state.Timers;
import io.mezzo.protocol.JsonCodec;
import io.mezzo.protocol.Wire;
import io.mezzo.v1.Protos.Address;
import io.mezzo.v1.Protos.MasterInfo;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The master on its Vert.x context: HTTP server, election, and the cluster state while leading. */
final class MasterVerticle extends VerticleBase implements LeaderGate {
  private static final Logger log = LoggerFactory.getLogger(MasterVerticle.class);
  /** Mezzo reports the Mesos API level it speaks, since frameworks check it. */
  static final String MESOS_API_VERSION = "1.11.0";
  private static final long MAX_BODY_BYTES = 16L * 1024 * 1024;

  private final MasterConfig config;
  private final Clock clock;
  private final Supplier<Allocator> allocatorFactory;
  private final String masterId = UUID.randomUUID().toString();
  private CuratorFramework curator;
  private LeaderElection election;
  private HttpServer server;
  private MasterInfo masterInfo;
  private ClusterState state;
  private Registry registry;
  private OperatorState operator;
  /** Counts elections won and lost, so a registry read that finishes after leadership changed is ignored. */
  private long term;
  private boolean recovering;
  private volatile boolean leading;
  private Optional<String> leaderHostPort = Optional.empty();
  private boolean allocationPending;
  private volatile int port;

  MasterVerticle(MasterConfig config, Clock clock, Supplier<Allocator> allocatorFactory) {
    this.config = config;
    this.clock = clock;
    this.allocatorFactory = allocatorFactory != null ? allocatorFactory
        : () -> allocator(config.allocator(), config.minAllocatableResources());
  }

  @Override
  public Future<?> start() {
    ZkUrl zk = ZkUrl.parse(config.zk());
    Router router = router();
    return vertx.createHttpServer().requestHandler(router).listen(config.port(), config.ip())
        .compose(s -> {
          server = s;
          port = s.actualPort();
          masterInfo = masterInfo(port);
          curator = zk.curatorBuilder().connectionTimeoutMs(10_000).retryPolicy(new ExponentialBackoffRetry(500, 10))
              .build();
          curator.start();
          registry = new Registry(curator, zk.path(), context);
          election = new CuratorLeaderElection(curator, zk.path(), context);
          return election.start(JsonCodec.print(masterInfo), this::leadership, this::leaderChanged);
        })
        .onSuccess(v -> {
          vertx.setPeriodic(config.allocationInterval().toMillis(), id -> allocateNow());
          vertx.setPeriodic((long) (Wire.HEARTBEAT_INTERVAL_SECONDS * 1000), id -> {
            if (state != null) {
              state.heartbeat();
            }
          });
          log.info("Master {} listening on {}:{}, candidate in {}", masterId, config.ip(), port, config.zk());
        });
  }

  private Router router() {
    Router router = Router.router(vertx);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
    SchedulerApi scheduler = new SchedulerApi(this, this::requestAllocation);
    router.route(Wire.SCHEDULER_PATH).handler(body).handler(scheduler);
    router.route(Wire.SCHEDULER_PATH_LIBPROCESS).handler(body).handler(scheduler);
    OperatorApi operatorApi = new OperatorApi(this, () -> operator);
    for (String path : new String[] {"/api/v1", "/master/api/v1"}) {
      router.route(path).handler(body).handler(operatorApi);
      router.route(path + "/explain").handler(operatorApi::explain);
    }
    router.route(Wire.AGENT_CHANNEL_PATH).handler(body).handler(new AgentChannelApi(this, this::requestAllocation));
    router.get("/health").handler(ctx -> ctx.response().setStatusCode(200).end());
    router.get("/master/health").handler(ctx -> ctx.response().setStatusCode(200).end());
    for (String path : new String[] {"/state", "/state.json", "/master/state", "/master/state.json"}) {
      router.get(path).handler(this::state);
    }
    for (String path : new String[] {"/redirect", "/master/redirect"}) {
      router.get(path).handler(this::redirect);
    }
    return router;
  }

  private void state(RoutingContext ctx) {
    if (state == null && recovering) {
      ctx.response().setStatusCode(503).end("Master has not finished recovery");
      return;
    }
    if (state == null) {
      redirectOr503(ctx, ctx.request().uri());
      return;
    }
    ctx.response().putHeader("Content-Type", "application/json").end(state.view().json().encode());
  }

  private void redirect(RoutingContext ctx) {
    if (state != null || recovering) {
      ctx.response().setStatusCode(307).putHeader("Location", "//" + config.hostname() + ":" + port).end();
    } else {
      redirectOr503(ctx, "");
    }
  }

  private void redirectOr503(RoutingContext ctx, String path) {
    if (leaderHostPort.isPresent()) {
      ctx.response().setStatusCode(307).putHeader("Location", "//" + leaderHostPort.get() + path).end();
    } else {
      ctx.response().setStatusCode(503).end("No leader elected");
    }
  }

  private void leadership(boolean lead) {
    if (lead && state == null && !recovering) {
      recovering = true;
      log.info("Master {} was elected; recovering the registry from {}", masterId, registry.path());
      recover(++term);
    } else if (!lead && (state != null || recovering)) {
      log.warn("Master {} stopped leading; closing every stream", masterId);
      term++;
      recovering = false;
      ClusterState old = state;
      state = null;
      operator = null;
      leading = false;
      if (old != null) {
        old.closeAll();
      }
    }
  }

  /** Reads the registry, then starts serving as leader; retries while still elected if ZooKeeper fails. */
  private void recover(long electedTerm) {
    registry.read().onComplete(read -> {
      if (term != electedTerm) {
        return;
      }
      if (read.failed()) {
        log.error("Master {} could not recover the registry, retrying: {}", masterId, read.cause().getMessage());
        vertx.setTimer(1000, id -> {
          if (term == electedTerm) {
            recover(electedTerm);
          }
        });
        return;
      }
      Allocator allocator = allocatorFactory.get();
      ClusterState recovered = new ClusterState(masterInfo, allocator, clock, new VertxTimers(),
          config.agentReregisterTimeout(), config.offerTimeout());
      operator = new OperatorState(registry, read.result(), allocator, recovered);
      state = recovered;
      recovering = false;
      leading = true;
      log.info("Master {} is the leader", masterId);
    });
  }

  private void leaderChanged(Optional<MasterInfo> leader) {
    leaderHostPort = leader.map(MasterVerticle::hostPort);
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
    if (state != null) {
      state.allocate();
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
    term++;
    recovering = false;
    operator = null;
    if (state != null) {
      state.closeAll();
      state = null;
    }
    leading = false;
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

  boolean isLeader() {
    return leading;
  }

  int port() {
    return port;
  }

  @Override
  public ClusterState leading() {
    return state;
  }

  @Override
  public Optional<String> leaderHostPort() {
    return leaderHostPort;
  }

  @Override
  public boolean recovering() {
    return recovering;
  }

  private final class VertxTimers implements Timers {
    @Override
    public long schedule(Duration delay, Runnable action) {
      return vertx.setTimer(Math.max(1, delay.toMillis()), id -> action.run());
    }

    @Override
    public void cancel(long timerId) {
      vertx.cancelTimer(timerId);
    }
  }
}
