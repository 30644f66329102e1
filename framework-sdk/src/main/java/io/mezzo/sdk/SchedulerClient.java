package io.mezzo.sdk;

import io.mezzo.protocol.Codec;
import io.mezzo.protocol.RecordIO;
import io.mezzo.protocol.Wire;
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
import io.mezzo.v1.scheduler.Protos.Event;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
 * <p><b>Lifecycle.</b> {@code start()} runs once; {@link #close()} is idempotent and returns a
 * future that completes when the client's threads have stopped; {@link #terminated()}
 * completes then too, also when the client stopped by itself after an ERROR event or a
 * teardown.
 */
public final class SchedulerClient implements SchedulerDriver {
  private static final Logger log = LoggerFactory.getLogger(SchedulerClient.class);

  /** Heartbeat intervals without any event after which the stream is considered dead. */
  static final double MISSED_HEARTBEATS = 5;
  static final long WATCHDOG_TICK_MILLIS = 200;
  private static final int MAX_REDIRECTS = 5;
  private static final int MAX_ERROR_BODY_BYTES = 8192;
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final long SHUTDOWN_WAIT_SECONDS = 10;

  private final String master;
  private final MasterDetector detector;
  private final FrameworkInfo frameworkInfo;
  private final Codec codec;
  private final Clock clock;
  private final Filters defaultFilters;
  private final boolean continueAfterError;
  private final Backoff backoff;
  private final HttpClient http;
  private final EventDispatcher dispatcher;
  private final ScheduledExecutorService watchdog;
  private final Set<String> suppressedRoles = ConcurrentHashMap.newKeySet();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private boolean started; // guarded by this
  private Thread connectionThread; // guarded by this
  private volatile FrameworkID frameworkId;
  private volatile Subscription subscription;
  /** An ERROR event arrived and the client stops once the error callback has run. */
  private volatile boolean stopRequested;
  /** A TEARDOWN is in flight: the stream is expected to end, so no disconnected callback. */
  private volatile boolean tearingDown;

  private SchedulerClient(Builder builder, MasterDetector detector) {
    this.master = builder.master;
    this.detector = detector;
    this.frameworkInfo = builder.frameworkInfo;
    this.codec = builder.codec;
    this.clock = builder.clock;
    this.defaultFilters = builder.defaultFilters;
    this.continueAfterError = builder.continueAfterError;
    this.backoff = new Backoff(builder.backoffInitial, builder.backoffMax, ThreadLocalRandom.current());
    this.frameworkId = frameworkInfo.hasId() ? frameworkInfo.getId() : null;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(CONNECT_TIMEOUT)
        .build();
    this.dispatcher = new EventDispatcher(
        builder.scheduler,
        this,
        builder.implicitAcknowledgements,
        defaultFilters,
        continueAfterError,
        closed::get,
        this::close,
        () -> frameworkId);
    this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mezzo-scheduler-watchdog");
      t.setDaemon(true);
      return t;
    });
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
    watchdog.scheduleWithFixedDelay(this::checkHeartbeats, WATCHDOG_TICK_MILLIS, WATCHDOG_TICK_MILLIS, TimeUnit.MILLISECONDS);
    connectionThread = new Thread(this::connectionLoop, "mezzo-scheduler-connection");
    connectionThread.setDaemon(true);
    connectionThread.start();
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
    Thread thread;
    synchronized (this) {
      if (!closed.compareAndSet(false, true)) {
        return terminated();
      }
      thread = connectionThread;
    }
    log.info("[framework={}] Closing the scheduler client", id());
    closing.countDown();
    Subscription sub = subscription;
    if (sub != null) {
      sub.abort("client closed");
    }
    if (thread == null) {
      cleanup();
    } else {
      thread.interrupt();
    }
    return terminated();
  }

  /** Completes when the client has stopped: after {@link #close()}, a teardown, or an ERROR event. */
  public CompletableFuture<Void> terminated() {
    return terminated.copy();
  }

  /** The framework id, once the master assigned one (or the one given in FrameworkInfo). */
  public Optional<FrameworkID> frameworkId() {
    return Optional.ofNullable(frameworkId);
  }

  /** True while a subscription stream is open and calls can be sent. */
  public boolean isSubscribed() {
    Subscription sub = subscription;
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
    if (list.isEmpty()) {
      suppressedRoles.clear();
    } else {
      list.forEach(suppressedRoles::remove);
    }
    return send(Call.Type.REVIVE, id -> Calls.revive(id, list));
  }

  @Override
  public CompletableFuture<Void> suppress(String... roles) {
    List<String> list = List.of(roles);
    suppressedRoles.addAll(list.isEmpty() ? frameworkRoles() : list);
    return send(Call.Type.SUPPRESS, id -> Calls.suppress(id, list));
  }

  @Override
  public CompletableFuture<Void> teardown() {
    tearingDown = true;
    return send(Call.Type.TEARDOWN, Calls::teardown).whenComplete((v, e) -> {
      if (e == null) {
        log.info("[framework={}] Framework torn down", id());
        close();
      } else {
        tearingDown = false;
      }
    });
  }

  @Override
  public CompletableFuture<Void> stop() {
    return close();
  }

  // ---------------------------------------------------------------- connection thread

  private void connectionLoop() {
    int failures = 0;
    try {
      while (!closed.get()) {
        Subscription sub = new Subscription(Thread.currentThread(), null, clock.millis());
        subscription = sub;
        try {
          subscribeAndRead(sub);
        } catch (InterruptedException | InterruptedIOException e) {
          logAttemptEnd(sub, e);
        } catch (SchedulerCallException e) {
          if (e.statusCode() == 503) {
            log.info("[framework={}] No leading master yet at {}: {}", id(), sub.endpoint(), e.body().strip());
          } else {
            log.warn("[framework={}] {}", id(), e.getMessage());
          }
        } catch (MasterNotFoundException e) {
          log.info("[framework={}] No leading master found via {}: {}", id(), detector, e.getMessage());
        } catch (IOException | RuntimeException e) {
          logAttemptEnd(sub, e);
        } finally {
          sub.finish();
          Thread.interrupted(); // an abort that raced with the end of the attempt must not cut the backoff short
          subscription = null;
        }
        if (closed.get()) {
          break;
        }
        if (sub.streamId() != null && !stopRequested && !tearingDown) {
          dispatcher.disconnected();
        }
        if (stopRequested) {
          awaitClose();
          break;
        }
        failures = sub.isSubscribed() ? 0 : failures + 1;
        Duration delay = backoff.delay(Math.max(0, failures - 1));
        log.info("[framework={}] Subscribing again in {} ms", id(), delay.toMillis());
        if (sleepUnlessClosed(delay)) {
          break;
        }
      }
    } finally {
      cleanup();
    }
  }

  private void subscribeAndRead(Subscription sub) throws IOException, InterruptedException {
    sub.endpoint(detector.schedulerEndpoint());
    if (closed.get()) {
      return;
    }
    HttpResponse<InputStream> response = postSubscribe(sub);
    String streamId = response.headers().firstValue(Wire.MESOS_STREAM_ID).orElse(null);
    if (streamId == null || streamId.isBlank()) {
      response.body().close();
      throw new SchedulerCallException(Call.Type.SUBSCRIBE, 200, "the response has no " + Wire.MESOS_STREAM_ID + " header");
    }
    sub.streamId(streamId);
    log.info("[framework={}] Subscription stream {} open at {}", id(), streamId, sub.endpoint());
    readEvents(sub, response.body());
    log.info("[framework={}] Subscription stream {} ended", id(), streamId);
  }

  private HttpResponse<InputStream> postSubscribe(Subscription sub) throws IOException, InterruptedException {
    FrameworkID id = frameworkId;
    List<String> suppressed = new ArrayList<>(new TreeSet<>(suppressedRoles));
    Call call = id == null
        ? Calls.subscribe(frameworkInfo, suppressed)
        : Calls.resubscribe(frameworkInfo, id, suppressed);
    byte[] body = codec.encode(call);
    URI target = sub.endpoint();
    for (int hops = 0; ; hops++) {
      HttpRequest request = HttpRequest.newBuilder(target)
          .header("Content-Type", codec.mediaType())
          .header("Accept", codec.mediaType())
          .POST(HttpRequest.BodyPublishers.ofByteArray(body))
          .build();
      HttpResponse<InputStream> response = http.send(request, BodyHandlers.ofInputStream());
      int status = response.statusCode();
      if (status == 200) {
        sub.endpoint(target);
        return response;
      }
      String text = readAtMost(response.body());
      if (!isRedirect(status)) {
        sub.endpoint(target);
        throw new SchedulerCallException(Call.Type.SUBSCRIBE, status, text);
      }
      String location = response.headers().firstValue("Location").orElse(null);
      if (location == null || location.isBlank()) {
        throw new SchedulerCallException(Call.Type.SUBSCRIBE, status, "redirect from " + target + " without a Location header");
      }
      if (hops >= MAX_REDIRECTS) {
        throw new SchedulerCallException(Call.Type.SUBSCRIBE, status, "more than " + MAX_REDIRECTS + " redirects; last to " + location);
      }
      URI next = redirectTarget(target, location);
      log.info("[framework={}] {} redirected SUBSCRIBE to {}", id(), target, next);
      target = next;
    }
  }

  /**
   * Resolves a Location against the current URL. Mesos sends protocol-relative
   * {@code //host:port/path}, which takes the current scheme; a bare {@code host:port} (as
   * some docs show) keeps the current path.
   */
  static URI redirectTarget(URI current, String location) {
    String loc = location.strip();
    if (!loc.startsWith("/") && !loc.contains("://")) {
      return URI.create(current.getScheme() + "://" + loc + current.getRawPath());
    }
    return current.resolve(loc);
  }

  private static boolean isRedirect(int status) {
    return status == 307 || status == 308 || status == 301 || status == 302 || status == 303;
  }

  private void readEvents(Subscription sub, InputStream body) throws IOException {
    try (InputStream in = body) {
      if (!sub.attach(in)) {
        throw new InterruptedIOException("aborted");
      }
      RecordIO.Decoder decoder = new RecordIO.Decoder();
      byte[] buffer = new byte[16 * 1024];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        for (byte[] record : decoder.feed(buffer, 0, n)) {
          sub.touch(clock.millis());
          onEvent(sub, codec.decode(record, Event.getDefaultInstance()));
        }
      }
      if (!decoder.isAtRecordBoundary()) {
        log.warn("[framework={}] Subscription stream ended inside a record", id());
      }
    }
  }

  private void onEvent(Subscription sub, Event event) {
    switch (event.getType()) {
      case SUBSCRIBED -> {
        frameworkId = event.getSubscribed().getFrameworkId();
        sub.subscribed(event.getSubscribed().getHeartbeatIntervalSeconds());
        log.info("[framework={}] Subscribed to {}", id(), sub.endpoint());
      }
      case ERROR -> {
        log.error("[framework={}] The master sent an error: {}", id(), event.getError().getMessage());
        if (!continueAfterError) {
          stopRequested = true;
        }
      }
      case HEARTBEAT -> log.trace("[framework={}] Heartbeat", id());
      default -> log.debug("[framework={}] Event {}", id(), event.getType());
    }
    dispatcher.dispatch(event);
  }

  private void logAttemptEnd(Subscription sub, Exception e) {
    if (closed.get()) {
      return;
    }
    String reason = sub.abortReason();
    if (reason != null) {
      log.warn("[framework={}] Dropping the subscription to {}: {}", id(), sub.endpoint(), reason);
    } else {
      log.warn("[framework={}] Subscription to {} failed: {}", id(), sub.endpoint(), e.toString());
    }
  }

  private void checkHeartbeats() {
    Subscription sub = subscription;
    if (sub != null && sub.isSilent(clock.millis(), MISSED_HEARTBEATS)) {
      sub.abort("no event for " + (int) MISSED_HEARTBEATS + " heartbeat intervals");
    }
  }

  /** True if the client was closed while waiting. */
  private boolean sleepUnlessClosed(Duration delay) {
    long deadline = System.nanoTime() + delay.toNanos();
    while (!closed.get()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        if (closing.await(left, TimeUnit.NANOSECONDS)) {
          return true;
        }
      } catch (InterruptedException e) {
        // close() interrupts; the loop condition tells
      }
    }
    return true;
  }

  private void awaitClose() {
    while (!closed.get()) {
      try {
        closing.await();
      } catch (InterruptedException e) {
        // close() interrupts; the loop condition tells
      }
    }
  }

  private void cleanup() {
    boolean interrupted = false;
    watchdog.shutdownNow();
    try {
      if (!dispatcher.shutdown(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)) {
        log.warn("[framework={}] A scheduler callback was still running when the client stopped", id());
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    detector.close();
    log.info("[framework={}] Scheduler client stopped", id());
    terminated.complete(null);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- calls

  private CompletableFuture<Void> send(Call.Type type, Function<FrameworkID, Call> build) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new IllegalStateException("The SchedulerClient is closed; " + type + " was not sent"));
    }
    Subscription sub = subscription;
    FrameworkID id = frameworkId;
    if (sub == null || sub.streamId() == null || id == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("Not subscribed to a master; " + type + " was not sent"));
    }
    Call call;
    try {
      call = build.apply(id);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    HttpRequest request = HttpRequest.newBuilder(sub.endpoint())
        .timeout(CALL_TIMEOUT)
        .header("Content-Type", codec.mediaType())
        .header("Accept", codec.mediaType())
        .header(Wire.MESOS_STREAM_ID, sub.streamId())
        .POST(HttpRequest.BodyPublishers.ofByteArray(codec.encode(call)))
        .build();
    log.debug("[framework={}] Sending {}", id.getValue(), type);
    CompletableFuture<Void> result = new CompletableFuture<>();
    http.sendAsync(request, BodyHandlers.ofString(StandardCharsets.UTF_8)).whenComplete((response, error) -> {
      if (error != null) {
        result.completeExceptionally(error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
      } else if (response.statusCode() / 100 == 2) {
        result.complete(null);
      } else {
        result.completeExceptionally(new SchedulerCallException(type, response.statusCode(), response.body()));
      }
    });
    return result;
  }

  private static String readAtMost(InputStream body) {
    try (InputStream in = body) {
      return new String(in.readNBytes(MAX_ERROR_BODY_BYTES), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(body unreadable: " + e.getMessage() + ")";
    }
  }

  @SuppressWarnings("deprecation")
  private List<String> frameworkRoles() {
    return frameworkInfo.getRolesCount() > 0 ? frameworkInfo.getRolesList() : List.of(frameworkInfo.getRole());
  }

  private String id() {
    FrameworkID id = frameworkId;
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
      MasterDetector detector = MasterDetector.forUrl(master);
      return new SchedulerClient(this, detector);
    }
  }

  @Override
  public String toString() {
    return "SchedulerClient[framework=" + id() + ", master=" + master + "]";
  }
}
