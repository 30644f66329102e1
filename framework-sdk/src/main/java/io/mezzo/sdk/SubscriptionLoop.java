package io.mezzo.sdk;

import io.mezzo.protocol.Codec;
import io.mezzo.protocol.RecordIO;
import io.mezzo.protocol.Wire;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection side of a {@link SchedulerClient}: one thread finds the leader, POSTs
 * SUBSCRIBE (following redirects), reads the RecordIO event stream and hands each event to the
 * {@link EventDispatcher}; when the stream ends or fails it backs off and subscribes again with
 * the framework id it was given, until the client closes. A watchdog drops a stream that stays
 * silent for {@link #MISSED_HEARTBEATS} heartbeat intervals.
 *
 * <p>The current {@link Subscription} and the framework id are published for the calls
 * ({@link CallSender}); {@link #stop()} may come from any thread.
 */
final class SubscriptionLoop {
  private static final Logger log = LoggerFactory.getLogger(SubscriptionLoop.class);

  /** Heartbeat intervals without any event after which the stream is considered dead. */
  static final double MISSED_HEARTBEATS = 5;
  static final long WATCHDOG_TICK_MILLIS = 200;
  private static final int MAX_REDIRECTS = 5;
  private static final int MAX_ERROR_BODY_BYTES = 8192;
  private static final long SHUTDOWN_WAIT_SECONDS = 10;

  private final MasterDetector detector;
  private final FrameworkInfo frameworkInfo;
  private final Codec codec;
  private final Clock clock;
  private final Backoff backoff;
  private final HttpClient http;
  private final EventDispatcher dispatcher;
  private final SuppressedRoles suppressedRoles;
  private final boolean continueAfterError;
  private final BooleanSupplier closed;
  /** Sent with SUBSCRIBE, or null. */
  private final Credential credential;
  private final ScheduledExecutorService watchdog;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();

  private Thread thread; // guarded by this
  private volatile FrameworkID frameworkId;
  private volatile Subscription subscription;
  /** An ERROR event arrived and the client stops once the error callback has run. */
  private volatile boolean stopRequested;
  /** A TEARDOWN is in flight: the stream is expected to end, so no disconnected callback. */
  private volatile boolean tearingDown;

  SubscriptionLoop(MasterDetector detector, FrameworkInfo frameworkInfo, Codec codec, Clock clock, Backoff backoff,
      HttpClient http, EventDispatcher dispatcher, SuppressedRoles suppressedRoles, boolean continueAfterError,
      BooleanSupplier closed, Credential credential) {
    this.credential = credential;
    this.detector = detector;
    this.frameworkInfo = frameworkInfo;
    this.codec = codec;
    this.clock = clock;
    this.backoff = backoff;
    this.http = http;
    this.dispatcher = dispatcher;
    this.suppressedRoles = suppressedRoles;
    this.continueAfterError = continueAfterError;
    this.closed = closed;
    this.frameworkId = frameworkInfo.hasId() ? frameworkInfo.getId() : null;
    this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mezzo-scheduler-watchdog");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts the connection thread and the watchdog. Called once. */
  synchronized void start() {
    watchdog.scheduleWithFixedDelay(this::checkHeartbeats, WATCHDOG_TICK_MILLIS, WATCHDOG_TICK_MILLIS, TimeUnit.MILLISECONDS);
    thread = new Thread(this::run, "mezzo-scheduler-connection");
    thread.setDaemon(true);
    thread.start();
  }

  /** Ends the subscription and the threads; {@link #terminated()} completes when they are done. Call once the client is closed. */
  void stop() {
    Thread running;
    synchronized (this) {
      running = thread;
    }
    closing.countDown();
    Subscription sub = subscription;
    if (sub != null) {
      sub.abort("client closed");
    }
    if (running == null) {
      cleanup();
    } else {
      running.interrupt();
    }
  }

  CompletableFuture<Void> terminated() {
    return terminated;
  }

  /** The framework id, once the master assigned one (or the one given in FrameworkInfo); else null. */
  FrameworkID frameworkId() {
    return frameworkId;
  }

  /** The current SUBSCRIBE attempt or open stream, else null. */
  Subscription subscription() {
    return subscription;
  }

  void tearingDown(boolean expected) {
    tearingDown = expected;
  }

  private void run() {
    int failures = 0;
    try {
      while (!closed.getAsBoolean()) {
        Subscription sub = new Subscription(Thread.currentThread(), null, clock.millis());
        subscription = sub;
        detected = null;
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
        if (closed.getAsBoolean()) {
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
        URI named = sleepUnlessClosedOrNewLeader(delay, detected);
        if (named == CLOSED) {
          break;
        }
        if (named != null) {
          // A failover: the detector names another master. The backoff grew while no master led;
          // the new leader is tried now, and its own refusals back off from the start again.
          log.info("[framework={}] The detector names a new leader at {}: subscribing now", id(), named);
          failures = 0;
        }
      }
    } finally {
      cleanup();
    }
  }

  private void subscribeAndRead(Subscription sub) throws IOException, InterruptedException {
    detected = detector.schedulerEndpoint();
    sub.endpoint(detected);
    if (closed.getAsBoolean()) {
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
    Call call = id == null
        ? Calls.subscribe(frameworkInfo, suppressedRoles.sorted())
        : Calls.resubscribe(frameworkInfo, id, suppressedRoles.sorted());
    byte[] body = codec.encode(call);
    URI target = sub.endpoint();
    for (int hops = 0; ; hops++) {
      HttpRequest.Builder post = HttpRequest.newBuilder(target)
          .header("Content-Type", codec.mediaType())
          .header("Accept", codec.mediaType())
          .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      if (credential != null) {
        post.header("Authorization", credential.authorization());
      }
      HttpRequest request = post.build();
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
    if (closed.getAsBoolean()) {
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

  /**
   * The endpoint the detector named for the current attempt (null if it named none), on the
   * connection thread. Not the subscription's endpoint, which a redirect may have moved elsewhere.
   */
  private URI detected;

  /** What {@link #sleepUnlessClosedOrNewLeader} answers when the client was closed while waiting. */
  private static final URI CLOSED = URI.create("mezzo:closed");
  /** How often a backoff looks whether the detector names a new leader. */
  private static final long LEADER_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /**
   * Waits out {@code delay}, unless the client closes ({@link #CLOSED}) or the detector comes to
   * name a leader other than {@code tried}, the endpoint it named for the last attempt (null when
   * it named none): then that leader's endpoint, at once. Null when the delay ran out.
   */
  private URI sleepUnlessClosedOrNewLeader(Duration delay, URI tried) {
    long deadline = System.nanoTime() + delay.toNanos();
    while (!closed.getAsBoolean()) {
      Optional<URI> known = detector.knownEndpoint();
      if (known.isPresent() && !known.get().equals(tried)) {
        return known.get();
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      try {
        if (closing.await(Math.min(left, LEADER_CHECK_NANOS), TimeUnit.NANOSECONDS)) {
          return CLOSED;
        }
      } catch (InterruptedException e) {
        // stop() interrupts; the loop condition tells
      }
    }
    return CLOSED;
  }

  private void awaitClose() {
    while (!closed.getAsBoolean()) {
      try {
        closing.await();
      } catch (InterruptedException e) {
        // stop() interrupts; the loop condition tells
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

  private static String readAtMost(InputStream body) {
    try (InputStream in = body) {
      return new String(in.readNBytes(MAX_ERROR_BODY_BYTES), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(body unreadable: " + e.getMessage() + ")";
    }
  }

  private String id() {
    FrameworkID id = frameworkId;
    return id == null ? "-" : id.getValue();
  }
}
