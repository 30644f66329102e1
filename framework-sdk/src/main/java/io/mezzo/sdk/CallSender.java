package io.mezzo.sdk;

import io.mezzo.protocol.Codec;
import io.mezzo.protocol.Wire;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.scheduler.Protos.Call;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the scheduler calls other than SUBSCRIBE: each is its own POST to the master of the
 * current subscription, carrying its {@code Mesos-Stream-Id}. Never blocks; the future fails
 * when the client is closed or not subscribed, when the call cannot be built or sent, or with a
 * {@link SchedulerCallException} when the master answers other than 2xx.
 *
 * <p>At most {@code maxInFlight} POSTs are on the wire at once; the others wait their turn in the
 * order they were made. HTTP/1.1 carries one request per connection at a time, so without a bound
 * a framework answering thousands of offers at once would open thousands of connections, run out
 * of descriptors and overrun the master's accept queue (seen at 10,000 agents: connect timeouts
 * and "Too many open files", each a lost ACCEPT whose offer stayed outstanding). Each POST is a
 * blocking send on one of at most {@code maxInFlight} sender threads, which are reused and end
 * after 30 s idle.
 */
final class CallSender {
  private static final Logger log = LoggerFactory.getLogger(CallSender.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  /** POSTs on the wire at once: enough to keep a master busy, few enough to reuse connections. */
  static final int MAX_IN_FLIGHT = 32;
  private static final AtomicInteger SENDER_THREADS = new AtomicInteger();

  private final HttpClient http;
  private final Codec codec;
  private final BooleanSupplier closed;
  private final SubscriptionLoop loop;
  private final Credential credential;
  private final ThreadPoolExecutor senders;

  /** @param credential sent with every call, or null */
  CallSender(HttpClient http, Codec codec, BooleanSupplier closed, SubscriptionLoop loop, Credential credential) {
    this(http, codec, closed, loop, credential, MAX_IN_FLIGHT);
  }

  CallSender(HttpClient http, Codec codec, BooleanSupplier closed, SubscriptionLoop loop, Credential credential,
      int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1, not " + maxInFlight);
    }
    // Blocking sends on threads of our own, at most maxInFlight and reused: HttpClient.sendAsync
    // completes its future through CompletableFuture's default executor, which on a machine of
    // one or two cores starts a new thread for every task (a thread per call).
    this.senders = new ThreadPoolExecutor(maxInFlight, maxInFlight, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "mezzo-scheduler-call-" + SENDER_THREADS.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    senders.allowCoreThreadTimeOut(true);
    this.credential = credential;
    this.http = http;
    this.codec = codec;
    this.closed = closed;
    this.loop = loop;
  }

  /** Builds the call with the framework id and sends it to the subscribed master. */
  CompletableFuture<Void> send(Call.Type type, Function<FrameworkID, Call> build) {
    if (closed.getAsBoolean()) {
      return CompletableFuture.failedFuture(new IllegalStateException("The SchedulerClient is closed; " + type + " was not sent"));
    }
    Subscription sub = loop.subscription();
    FrameworkID id = loop.frameworkId();
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
    HttpRequest.Builder post = HttpRequest.newBuilder(sub.endpoint())
        .timeout(CALL_TIMEOUT)
        .header("Content-Type", codec.mediaType())
        .header("Accept", codec.mediaType())
        .header(Wire.MESOS_STREAM_ID, sub.streamId())
        .POST(HttpRequest.BodyPublishers.ofByteArray(codec.encode(call)));
    if (credential != null) {
      post.header("Authorization", credential.authorization());
    }
    HttpRequest request = post.build();
    log.debug("[framework={}] Sending {}", id.getValue(), type);
    CompletableFuture<Void> result = new CompletableFuture<>();
    try {
      senders.execute(() -> post(type, request, result));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new IllegalStateException("The SchedulerClient is closed; " + type + " was not sent"));
    }
    return result;
  }

  /** On a sender thread: one POST, answered or failed. */
  private void post(Call.Type type, HttpRequest request, CompletableFuture<Void> result) {
    if (closed.getAsBoolean()) {
      result.completeExceptionally(new IllegalStateException("The SchedulerClient is closed; " + type + " was not sent"));
      return;
    }
    try {
      HttpResponse<String> response = http.send(request, BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (response.statusCode() / 100 == 2) {
        result.complete(null);
      } else {
        result.completeExceptionally(new SchedulerCallException(type, response.statusCode(), response.body()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.completeExceptionally(e);
    } catch (IOException | RuntimeException e) {
      result.completeExceptionally(e);
    }
  }

  /**
   * No call is sent from now on: calls still queued fail as closed, and the sender threads end once
   * the queue is empty. Idempotent.
   */
  void close() {
    senders.shutdown();
  }
}
