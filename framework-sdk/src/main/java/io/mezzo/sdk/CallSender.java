package io.mezzo.sdk;

import io.mezzo.protocol.Codec;
import io.mezzo.protocol.Wire;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.scheduler.Protos.Call;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 * and "Too many open files", each a lost ACCEPT whose offer stayed outstanding).
 */
final class CallSender {
  private static final Logger log = LoggerFactory.getLogger(CallSender.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  /** POSTs on the wire at once: enough to keep a master busy, few enough to reuse connections. */
  static final int MAX_IN_FLIGHT = 32;

  private final HttpClient http;
  private final Codec codec;
  private final BooleanSupplier closed;
  private final SubscriptionLoop loop;
  private final Credential credential;
  private final int maxInFlight;
  private final Queue<Runnable> waiting = new ArrayDeque<>(); // guarded by this
  private int inFlight; // guarded by this

  /** @param credential sent with every call, or null */
  CallSender(HttpClient http, Codec codec, BooleanSupplier closed, SubscriptionLoop loop, Credential credential) {
    this(http, codec, closed, loop, credential, MAX_IN_FLIGHT);
  }

  CallSender(HttpClient http, Codec codec, BooleanSupplier closed, SubscriptionLoop loop, Credential credential,
      int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1, not " + maxInFlight);
    }
    this.maxInFlight = maxInFlight;
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
    enqueue(() -> {
      try {
        http.sendAsync(request, BodyHandlers.ofString(StandardCharsets.UTF_8)).whenComplete((response, error) -> {
          done();
          if (error != null) {
            result.completeExceptionally(
                error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
          } else if (response.statusCode() / 100 == 2) {
            result.complete(null);
          } else {
            result.completeExceptionally(new SchedulerCallException(type, response.statusCode(), response.body()));
          }
        });
      } catch (RuntimeException e) {
        done();
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  private void enqueue(Runnable post) {
    synchronized (this) {
      if (inFlight >= maxInFlight) {
        waiting.add(post);
        return;
      }
      inFlight++;
    }
    post.run();
  }

  /** One POST answered (or failed): the next waiting one, if any, goes out. */
  private void done() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        inFlight--;
        return;
      }
    }
    next.run();
  }
}
