package io.mezzo.sdk;

import io.mezzo.protocol.Codec;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.Filters;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.scheduler.Protos.Call;
import java.net.http.HttpClient;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Mesos v1 scheduler API client: subscribes a framework to the leading master, delivers the
 * event stream to a {@link Scheduler}, and sends calls for it as the {@link SchedulerDriver}.
 *
 * <pre>{@code
 * SchedulerClient client = SchedulerClient.builder()
 *     .master("zk://127.0.0.1:2181/mezzo")          // or "http://127.0.0.1:5050"
 *     .frameworkInfo(FrameworkInfo.newBuilder().setUser("me").setName("batch").build())
 *     .scheduler(myScheduler)
 *     .build();
 * client.start();
 * ...
 * client.close();
 * }</pre>
 *
 * <p><b>Connection.</b> {@link #start()} starts a connection thread that finds the leader
 * (ZooKeeper {@code json.info_} nodes, or the given URL with 307 redirects followed), POSTs
 * SUBSCRIBE and reads the RecordIO event stream. When the stream ends, fails, or stays silent
 * for five heartbeat intervals (measured with the builder's {@link Clock}), the client calls
 * {@link Scheduler#disconnected}, finds the leader again and re-subscribes with the framework
 * id it was given, backing off exponentially (1 s up to 15 s, with jitter), until
 * {@link #close()}. 503 (no leader yet) and connection errors are retried the same way.
 *
 * <p><b>Calls.</b> Every other call is a separate POST to the master of the current
 * subscription, carrying its {@code Mesos-Stream-Id}.
 *
 * <p>The connection thread is {@link SubscriptionLoop}, the calls go through {@link CallSender},
 * and the roles to keep suppressed across re-subscriptions are {@link SuppressedRoles}.
 *
 * <p><b>Lifecycle.</b> {@code start()} runs once; {@link #close()} is idempotent and returns a
 * future that completes when the client's threads have stopped; {@link #terminated()}
 * completes then too, also when the client stopped by itself after an ERROR event or a
 * teardown.
 */
public final class SchedulerClient implements SchedulerDriver {
  private static final Logger log = LoggerFactory.getLogger(SchedulerClient.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final String master;
  private final FrameworkInfo frameworkInfo;
  private final Filters defaultFilters;
  private final EventDispatcher dispatcher;
  private final SuppressedRoles suppressedRoles;
  private final SubscriptionLoop loop;
  private final CallSender calls;
  private final AtomicBoolean closed = new AtomicBoolean();
  private boolean started; // guarded by this

  private SchedulerClient(Builder builder, MasterDetector detector) {
    this.master = builder.master;
    this.frameworkInfo = builder.credential == null || builder.frameworkInfo.hasPrincipal() ? builder.frameworkInfo
        : builder.frameworkInfo.toBuilder().setPrincipal(builder.credential.principal()).build();
    this.defaultFilters = builder.defaultFilters;
    HttpClient.Builder httpBuilder = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(CONNECT_TIMEOUT);
    if (builder.sslContext != null) {
      httpBuilder.sslContext(builder.sslContext);
    }
    HttpClient http = httpBuilder.build();
    this.suppressedRoles = new SuppressedRoles(frameworkRoles(frameworkInfo));
    this.dispatcher = new EventDispatcher(
        builder.scheduler,
        this,
        builder.implicitAcknowledgements,
        defaultFilters,
        builder.continueAfterError,
        closed::get,
        this::close,
        this::currentFrameworkId);
    this.loop = new SubscriptionLoop(detector, frameworkInfo, builder.codec, builder.clock,
        new Backoff(builder.backoffInitial, builder.backoffMax, ThreadLocalRandom.current()), http, dispatcher,
        suppressedRoles, builder.continueAfterError, closed::get, builder.credential);
    this.calls = new CallSender(http, builder.codec, closed::get, loop, builder.credential);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts subscribing in the background and returns at once; {@link Scheduler#subscribed}
   * tells when it worked.
   *
   * @throws IllegalStateException if already started or closed
   */
  public synchronized SchedulerClient start() {
    if (closed.get()) {
      throw new IllegalStateException("The SchedulerClient is closed; build a new one");
    }
    if (started) {
      throw new IllegalStateException("The SchedulerClient is already started");
    }
    started = true;
    loop.start();
    log.info("Scheduler client for framework '{}' starting against {}", frameworkInfo.getName(), master);
    return this;
  }

  /**
   * Closes the subscription and stops the client; the framework is not torn down (see
   * {@link #teardown()}). No callback runs after this returns, except one that is already
   * running. Idempotent.
   *
   * @return completes when the client's threads have stopped; do not block on it inside a callback
   */
  public CompletableFuture<Void> close() {
    synchronized (this) {
      if (!closed.compareAndSet(false, true)) {
        return terminated();
      }
    }
    log.info("[framework={}] Closing the scheduler client", id());
    loop.stop();
    calls.close();
    return terminated();
  }

  /** Completes when the client has stopped: after {@link #close()}, a teardown, or an ERROR event. */
  public CompletableFuture<Void> terminated() {
    return loop.terminated().copy();
  }

  /** The framework id, once the master assigned one (or the one given in FrameworkInfo). */
  public Optional<FrameworkID> frameworkId() {
    return Optional.ofNullable(loop.frameworkId());
  }

  /** True while a subscription stream is open and calls can be sent. */
  public boolean isSubscribed() {
    Subscription sub = loop.subscription();
    return sub != null && sub.isSubscribed() && !closed.get();
  }

  // ---------------------------------------------------------------- SchedulerDriver

  @Override
  public CompletableFuture<Void> accept(List<OfferID> offerIds, List<Offer.Operation> operations, Filters filters) {
    List<OfferID> ids = List.copyOf(offerIds);
    List<Offer.Operation> ops = List.copyOf(operations);
    dispatcher.answered(ids);
    return send(Call.Type.ACCEPT, id -> Calls.accept(id, ids, ops, filters));
  }

  @Override
  public CompletableFuture<Void> launch(OfferID offerId, List<TaskInfo> tasks) {
    return accept(List.of(offerId), List.of(Calls.launchOperation(tasks)), defaultFilters);
  }

  @Override
  public CompletableFuture<Void> decline(List<OfferID> offerIds, Filters filters) {
    List<OfferID> ids = List.copyOf(offerIds);
    dispatcher.answered(ids);
    return send(Call.Type.DECLINE, id -> Calls.decline(id, ids, filters));
  }

  @Override
  public CompletableFuture<Void> kill(TaskID taskId, AgentID agentId) {
    Objects.requireNonNull(taskId, "taskId");
    return send(Call.Type.KILL, id -> Calls.kill(id, taskId, agentId));
  }

  @Override
  public CompletableFuture<Void> acknowledge(TaskStatus status) {
    if (!status.hasUuid()) {
      return CompletableFuture.completedFuture(null);
    }
    return send(Call.Type.ACKNOWLEDGE, id -> Calls.acknowledge(id, status));
  }

  @Override
  public CompletableFuture<Void> reconcile(List<Call.Reconcile.Task> tasks) {
    List<Call.Reconcile.Task> copy = List.copyOf(tasks);
    return send(Call.Type.RECONCILE, id -> Calls.reconcile(id, copy));
  }

  @Override
  public CompletableFuture<Void> revive(String... roles) {
    List<String> list = List.of(roles);
    suppressedRoles.revive(list);
    return send(Call.Type.REVIVE, id -> Calls.revive(id, list));
  }

  @Override
  public CompletableFuture<Void> suppress(String... roles) {
    List<String> list = List.of(roles);
    suppressedRoles.suppress(list);
    return send(Call.Type.SUPPRESS, id -> Calls.suppress(id, list));
  }

  @Override
  public CompletableFuture<Void> teardown() {
    loop.tearingDown(true);
    return send(Call.Type.TEARDOWN, Calls::teardown).whenComplete((v, e) -> {
      if (e == null) {
        log.info("[framework={}] Framework torn down", id());
        close();
      } else {
        loop.tearingDown(false);
      }
    });
  }

  @Override
  public CompletableFuture<Void> stop() {
    return close();
  }

  private CompletableFuture<Void> send(Call.Type type, Function<FrameworkID, Call> build) {
    return calls.send(type, build);
  }

  @SuppressWarnings("deprecation")
  private static List<String> frameworkRoles(FrameworkInfo frameworkInfo) {
    return frameworkInfo.getRolesCount() > 0 ? frameworkInfo.getRolesList() : List.of(frameworkInfo.getRole());
  }

  private FrameworkID currentFrameworkId() {
    return loop.frameworkId();
  }

  private String id() {
    FrameworkID id = loop.frameworkId();
    return id == null ? "-" : id.getValue();
  }

  /** Builds a {@link SchedulerClient}; {@code master}, {@code frameworkInfo} and {@code scheduler} are required. */
  public static final class Builder {
    private String master;
    private FrameworkInfo frameworkInfo;
    private Scheduler scheduler;
    private Codec codec = Codec.PROTOBUF;
    private Clock clock = Clock.systemUTC();
    private boolean implicitAcknowledgements = true;
    private Filters defaultFilters = Calls.refuseSeconds(5);
    private boolean continueAfterError;
    private Duration backoffInitial = Duration.ofSeconds(1);
    private Duration backoffMax = Duration.ofSeconds(15);
    private Credential credential;
    private SSLContext sslContext;

    private Builder() {}

    /** {@code zk://[user:pass@]host:port[,host:port...]/path} or {@code http(s)://host:port}. */
    public Builder master(String master) {
      this.master = master;
      return this;
    }

    /**
     * The framework to subscribe. Set {@code id} to re-subscribe as a framework that already
     * exists (after a restart of the scheduler process, within its failover timeout).
     */
    public Builder frameworkInfo(FrameworkInfo frameworkInfo) {
      this.frameworkInfo = frameworkInfo;
      return this;
    }

    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    /**
     * Authenticates every call with {@code credential} (HTTP Basic); {@code FrameworkInfo.principal}
     * becomes its principal when unset. None by default.
     */
    public Builder credential(Credential credential) {
      this.credential = credential;
      return this;
    }

    /**
     * Speaks HTTPS to the master, trusting only the CA certificates in {@code caPem} (a cluster's
     * {@code ca.pem}); the master's certificate must name the address the client reaches it at.
     * With a {@code zk://} master, or an {@code http://} one, the endpoints found are spoken to over
     * HTTPS: ZooKeeper's MasterInfo carries no scheme, as in Mesos. Plain HTTP by default.
     *
     * @throws IllegalArgumentException when the file holds no readable certificate
     */
    public Builder caCertificate(Path caPem) {
      return sslContext(ClusterCa.sslContext(Objects.requireNonNull(caPem, "caPem")));
    }

    /** As {@link #caCertificate}, with any SSL context (its trust decides which masters are accepted). */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /**
     * Reaches the local cluster {@code name} that {@code mezzo cluster create} made
     * ({@link LocalClusters}): its masters through its ZooKeeper, over HTTPS trusting its CA, and
     * authenticated as its frameworks' principal ({@value LocalClusters#FRAMEWORK}), each when the
     * cluster has one (a cluster made {@code --insecure} has neither CA nor credentials).
     *
     * @throws IllegalArgumentException when there is no such cluster or its files cannot be read
     */
    public Builder localCluster(String name) {
      LocalClusters.Access cluster = LocalClusters.open(name);
      master(cluster.zk());
      cluster.sslContext().ifPresent(this::sslContext);
      cluster.frameworkCredential().ifPresent(this::credential);
      return this;
    }

    /** The encoding of calls and events; protobuf by default. */
    public Builder codec(Codec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /** The clock that measures heartbeat silence; the system clock by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Whether the client acknowledges updates with a uuid after {@code update()} returns (default true). */
    public Builder implicitAcknowledgements(boolean implicitAcknowledgements) {
      this.implicitAcknowledgements = implicitAcknowledgements;
      return this;
    }

    /**
     * The filter used when declining offers a callback left unanswered and for
     * {@link SchedulerDriver#launch}; {@code refuse_seconds} 5 by default.
     */
    public Builder defaultFilters(Filters defaultFilters) {
      this.defaultFilters = Objects.requireNonNull(defaultFilters, "defaultFilters");
      return this;
    }

    /** Keep re-subscribing after an ERROR event instead of stopping (default false, as Mesos schedulers abort). */
    public Builder continueAfterError(boolean continueAfterError) {
      this.continueAfterError = continueAfterError;
      return this;
    }

    /** Reconnect backoff: starts at {@code initial}, doubles up to {@code max}, with jitter (default 1 s to 15 s). */
    public Builder reconnectBackoff(Duration initial, Duration max) {
      this.backoffInitial = Objects.requireNonNull(initial, "initial");
      this.backoffMax = Objects.requireNonNull(max, "max");
      return this;
    }

    /**
     * @throws IllegalStateException naming each required setting that is missing
     * @throws IllegalArgumentException if the master URL or a setting is invalid
     */
    public SchedulerClient build() {
      List<String> missing = new ArrayList<>();
      if (master == null || master.isBlank()) {
        missing.add("master (zk://host:port/path or http://host:port)");
      }
      if (frameworkInfo == null) {
        missing.add("frameworkInfo (at least user and name)");
      }
      if (scheduler == null) {
        missing.add("scheduler");
      }
      if (!missing.isEmpty()) {
        throw new IllegalStateException("SchedulerClient.Builder is missing: " + String.join(", ", missing));
      }
      if (!frameworkInfo.isInitialized()) {
        throw new IllegalStateException(
            "SchedulerClient.Builder: frameworkInfo lacks required fields " + frameworkInfo.findInitializationErrors());
      }
      new Backoff(backoffInitial, backoffMax, ThreadLocalRandom.current()); // validates
      MasterDetector detector = MasterDetector.forUrl(master, sslContext != null);
      return new SchedulerClient(this, detector);
    }
  }

  @Override
  public String toString() {
    return "SchedulerClient[framework=" + id() + ", master=" + master + "]";
  }
}
