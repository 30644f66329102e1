package io.mezzo.node.http;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a request's body within this endpoint's cap, the node's {@link BodyBudget} and the read
 * timeout, then hands the request on ({@link #body(RoutingContext)}). A declared length over the
 * cap gets 413, and one the budget cannot take gets 503 with {@code Retry-After}, both before a
 * byte is buffered; a chunked body is counted as it arrives and refused the same way once it goes
 * over. A body that has not fully arrived within the read timeout gets 408 and its connection is
 * closed, so a slow client holds neither budget nor a connection for long. The reservation is
 * given back when the handlers after this one return (they decode the body on the spot, or
 * {@link #hold} it for later), or when the request fails, times out or its connection closes. Runs on the request's context.
 *
 * <p>Master and agent share this class; each endpoint that takes a body gets its own instance.
 */
public final class BoundedBody implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(BoundedBody.class);
  private static final String BODY = "mezzo.body";
  private static final String READING = "mezzo.body-reading";

  private final BodyBudget budget;
  private final long cap;
  private final Duration readTimeout;
  private final ReadTimer timers;

  /**
   * @param cap the largest body this endpoint takes; 0 for endpoints that take none
   * @param readTimeout how long a body may take to arrive in full
   * @param timers arms the read timeouts
   */
  public BoundedBody(BodyBudget budget, long cap, Duration readTimeout, ReadTimer timers) {
    this.budget = budget;
    this.cap = cap;
    this.readTimeout = readTimeout;
    this.timers = timers;
  }

  /** The body read by this handler (empty when there was none). */
  public static Buffer body(RoutingContext ctx) {
    Buffer body = ctx.get(BODY);
    return body == null ? Buffer.buffer() : body;
  }

  /**
   * Keeps the body, and its share of the budget, past the handlers' return, for a handler that
   * passes the request on later ({@code ctx.next()} once something else is done) or queues it:
   * {@link #body} still answers until the body is given back. Run the returned action once done
   * with it; the body is given back when every hold is, or when the connection closes.
   */
  public static Runnable hold(RoutingContext ctx) {
    Reading reading = ctx.get(READING);
    if (reading == null) {
      return () -> { };
    }
    reading.holds++;
    boolean[] given = {false};
    return () -> {
      if (!given[0]) {
        given[0] = true;
        if (--reading.holds == 0) {
          reading.release();
        }
      }
    };
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.isEnded()) {
      ctx.next();
      return;
    }
    long declared;
    try {
      String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
      declared = length == null ? -1 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      new Reading(ctx, 0).refuse(400, "Content-Length is not a number");
      return;
    }
    Reading reading = new Reading(ctx, declared);
    if (declared > cap) {
      reading.refuse(413, tooLarge(declared));
    } else if (declared > 0 && !budget.tryReserve(declared)) {
      reading.refuseBusy(declared);
    } else {
      reading.start(Math.max(declared, 0));
    }
  }

  private String tooLarge(long bytes) {
    return "Request body of " + bytes + " bytes is over this endpoint's limit of " + cap + " bytes";
  }

  /** One request's body on its way in. */
  private final class Reading {
    private final RoutingContext ctx;
    private final boolean declared;
    private long reserved;
    private long received;
    private boolean done;
    private Buffer body;
    private Runnable cancelTimeout;
    /** Holds not yet given back ({@link #hold}); while any, the handlers' return gives nothing back. */
    private int holds;

    Reading(RoutingContext ctx, long declaredLength) {
      this.ctx = ctx;
      this.declared = declaredLength >= 0;
    }

    void start(long reservation) {
      reserved = reservation;
      HttpServerRequest request = ctx.request();
      body = Buffer.buffer((int) reservation);
      Context context = Vertx.currentContext();
      cancelTimeout = timers.arm(readTimeout, () -> context.runOnContext(v -> timedOut()));
      request.exceptionHandler(failure -> release());
      request.connection().closeHandler(v -> release());
      request.handler(this::chunk);
      request.endHandler(v -> end());
      if (request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
        ctx.response().writeContinue();
      }
    }

    private void chunk(Buffer chunk) {
      if (done) {
        return;
      }
      received += chunk.length();
      if (received > cap) {
        refuse(413, tooLarge(received));
        return;
      }
      if (received > reserved) {
        long more = received - reserved;
        if (!budget.tryReserve(more)) {
          refuseBusy(received);
          return;
        }
        reserved += more;
      }
      body.appendBuffer(chunk);
    }

    private void end() {
      if (done) {
        return;
      }
      ctx.put(BODY, body);
      ctx.put(READING, this);
      try {
        ctx.next();
      } finally {
        if (holds > 0 && !done) {
          // The body is all in, so its read timeout is over; it stays in the context for the holder.
          if (cancelTimeout != null) {
            cancelTimeout.run();
            cancelTimeout = null;
          }
        } else {
          release();
        }
      }
    }

    private void timedOut() {
      if (done) {
        return;
      }
      log.warn("Closed a request to {}: its body did not arrive within {} ms ({} bytes received)",
          ctx.request().path(), readTimeout.toMillis(), received);
      release();
      HttpServerRequest request = ctx.request();
      request.handler(chunk -> { });
      HttpServerResponse response = ctx.response();
      if (response.headWritten()) {
        request.connection().close();
        return;
      }
      // No draining here: the client is the slow party, so the connection closes once the answer is out.
      response.setStatusCode(408).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .putHeader(HttpHeaders.CONNECTION, "close")
          .end("The request body did not arrive within " + readTimeout.toMillis() + " ms")
          .onComplete(v -> request.connection().close());
    }

    void refuseBusy(long bytes) {
      log.warn("Refused a {}-byte request body to {}: the {} bytes for request bodies in flight are taken",
          bytes, ctx.request().path(), budget.limit());
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
      refuse(503, "This node is reading too many request bodies at once (" + budget.limit()
          + " bytes); retry later");
    }

    /**
     * Answers without reading (more of) the body and closes the connection once the answer is out;
     * a declared body is drained unbuffered first, so the client reads the answer rather than a reset.
     */
    void refuse(int status, String message) {
      release();
      HttpServerRequest request = ctx.request();
      HttpServerResponse response = ctx.response();
      request.handler(chunk -> { });
      if (response.headWritten()) {
        request.connection().close();
        return;
      }
      response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .putHeader(HttpHeaders.CONNECTION, "close");
      response.end(message);
      if (declared && !request.isEnded()) {
        // A client that drips the rest of its body is cut off at the read timeout all the same.
        Context context = Vertx.currentContext();
        Runnable cutOff = timers.arm(readTimeout, () -> context.runOnContext(v -> request.connection().close()));
        request.endHandler(v -> {
          cutOff.run();
          request.connection().close();
        });
      } else {
        request.connection().close();
      }
    }

    /** Idempotent: the request is done with the budget and its read timeout. */
    private void release() {
      if (!done) {
        done = true;
        body = null;
        ctx.remove(BODY);
        ctx.remove(READING);
        budget.release(reserved);
        reserved = 0;
        if (cancelTimeout != null) {
          cancelTimeout.run();
        }
      }
    }
  }
}
