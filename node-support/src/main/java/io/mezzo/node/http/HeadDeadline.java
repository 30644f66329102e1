package io.mezzo.node.http;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose next request's head does not arrive in time: within the timeout of
 * the connection opening, and within about twice the timeout of the previous response ending on a
 * kept-alive connection. A client that sends its head a byte at a time (slowloris) or opens a
 * connection and sends nothing holds it no longer than that; the TLS handshake has its own
 * timeout (Vert.x's, 10 s) and the body {@link BoundedBody}'s read timeout. A connection with a
 * request under way (an event stream, a body being read, an answer being written) is never closed
 * by this. Bodies and answers are not watched here.
 *
 * <p>Checks once per timeout per connection, on a timer; handlers run on the connection's context.
 */
public final class HeadDeadline {
  private static final Logger log = LoggerFactory.getLogger(HeadDeadline.class);

  private final Duration timeout;
  private final ReadTimer timers;
  /**
   * The connections being watched, each held weakly (as is its last request), so that a closed
   * connection, and whatever its last answer still held (an event stream's queue), is not kept
   * alive here until its next check.
   */
  private final java.util.Map<HttpConnection, Watch> watches =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  /**
   * @param timeout how long a request's head may take to arrive
   * @param timers arms the checks
   */
  public HeadDeadline(Duration timeout, ReadTimer timers) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.timers = Objects.requireNonNull(timers, "timers");
    if (timeout.toMillis() <= 0) {
      throw new IllegalArgumentException("The request head timeout must be at least 1 ms, got " + timeout);
    }
  }

  /**
   * A server with {@code options}, whose connections are watched and whose requests go to
   * {@code requests}; {@code listen} it. HTTP/2 over cleartext (h2c) is turned off: with it, Vert.x
   * makes a connection only once a whole HTTP/1 head is in (to look for an upgrade), so a
   * dripped head would go unseen. The nodes speak HTTP/1.1 (and TLS without ALPN), as Mesos does.
   */
  public HttpServer server(Vertx vertx, HttpServerOptions options, Handler<HttpServerRequest> requests) {
    Objects.requireNonNull(requests, "requests");
    HttpServer server = vertx.createHttpServer(new HttpServerOptions(options).setHttp2ClearTextEnabled(false));
    server.connectionHandler(this::opened);
    server.invalidRequestHandler(request -> refuseMalformed(request, options));
    server.requestHandler(request -> {
      Watch watch = watches.get(request.connection());
      if (watch != null) {
        watch.requestArrived(request);
      }
      requests.handle(request);
    });
    return server;
  }

  /**
   * What Vert.x's default does with a request whose head does not decode (414 for a request line
   * over the limit, 431 for headers over it, else 400, then close), with a message saying which.
   */
  static void refuseMalformed(HttpServerRequest request, HttpServerOptions options) {
    Throwable cause = request.decoderResult().cause();
    int status;
    String message;
    if (cause instanceof io.netty.handler.codec.http.TooLongHttpLineException) {
      status = 414;
      message = "The request line is over " + options.getMaxInitialLineLength() + " bytes";
    } else if (cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException) {
      status = 431;
      message = "The request's headers are over " + options.getMaxHeaderSize() + " bytes";
    } else {
      status = 400;
      String why = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
      why = why.replaceAll("\\p{Cntrl}", "?");
      message = "Malformed request head" + (why.isEmpty() ? "" : ": " + (why.length() > 200 ? why.substring(0, 200) : why));
    }
    request.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8")
        .putHeader("Connection", "close").end(message).onComplete(v -> request.connection().close());
  }

  /** Starts watching a new connection; the request handler finds its watch again through the connection. */
  void opened(HttpConnection connection) {
    Watch watch = new Watch(connection, Vertx.currentContext());
    watches.put(connection, watch);
    watch.arm();
  }

  /** How many connections are watched now (open, or closed and not checked since). */
  public int watched() {
    return watches.size();
  }

  /** One connection's requests, as far as the deadline cares. Touched on the connection's context only. */
  private final class Watch {
    private final java.lang.ref.WeakReference<HttpConnection> connection;
    private final Context context;
    private java.lang.ref.WeakReference<HttpServerRequest> last;
    private long requests;
    private long requestsAtLastCheck;
    private boolean idleAtLastCheck;

    Watch(HttpConnection connection, Context context) {
      this.connection = new java.lang.ref.WeakReference<>(connection);
      this.context = context;
    }

    void requestArrived(HttpServerRequest request) {
      last = new java.lang.ref.WeakReference<>(request);
      requests++;
    }

    void arm() {
      timers.arm(timeout, () -> {
        if (context == null) {
          check();
        } else {
          context.runOnContext(v -> check());
        }
      });
    }

    private void check() {
      HttpConnection open = connection.get();
      if (open == null) {
        return; // Closed and collected: nothing to watch.
      }
      HttpServerRequest request = last == null ? null : last.get();
      boolean underWay = request != null && !request.response().ended() && !request.response().closed();
      if (underWay) {
        idleAtLastCheck = false;
      } else if (requests == 0 || (idleAtLastCheck && requests == requestsAtLastCheck)) {
        // No head within the timeout of the connection opening, or none in a whole period after an answer.
        log.info("Closed a connection from {}: no request head within {} ms ({} requests on it before)",
            open.remoteAddress(), timeout.toMillis(), requests);
        watches.remove(open);
        open.close();
        return;
      } else {
        idleAtLastCheck = true;
      }
      requestsAtLastCheck = requests;
      arm();
    }
  }
}
