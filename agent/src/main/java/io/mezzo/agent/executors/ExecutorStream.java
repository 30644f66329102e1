package io.mezzo.agent.executors;

import io.mezzo.protocol.Codec;
import io.mezzo.protocol.RecordIO;
import io.mezzo.v1.executor.Protos.Event;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * One executor's SUBSCRIBE response: a 200 chunked RecordIO stream of events in the codec the
 * executor accepted. The registry calls it on the agent's context; every write hops to the
 * request's context in call order, so the headers go before the first event.
 */
final class ExecutorStream {
  private final HttpServerResponse response;
  private final Codec codec;
  private final Context responseContext;
  private boolean closed;
  private RunningExecutor executor;

  ExecutorStream(HttpServerResponse response, Codec codec, Context responseContext) {
    this.response = response;
    this.codec = codec;
    this.responseContext = responseContext;
  }

  /** Starts the 200 response; called once, before the first {@link #send}. */
  void open() {
    responseContext.runOnContext(v -> {
      if (!response.closed()) {
        response.setStatusCode(200)
            .setChunked(true)
            // Never compressed, whatever Accept-Encoding says (as Mesos streams): each event must go out whole, now.
            .putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY)
            .putHeader("Content-Type", codec.mediaType())
            .putHeader("Cache-Control", "no-cache");
      }
    });
  }

  void send(Event event) {
    if (closed) {
      return;
    }
    Buffer frame = Buffer.buffer(RecordIO.encode(codec.encode(event)));
    responseContext.runOnContext(v -> {
      if (!response.ended() && !response.closed()) {
        response.write(frame);
      }
    });
  }

  /** Ends the stream; idempotent. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    responseContext.runOnContext(v -> {
      if (!response.ended() && !response.closed()) {
        response.end();
      }
    });
  }

  /** The executor went away; nothing more is written. */
  void markClosed() {
    closed = true;
  }

  /** The executor whose subscription this is, once it is one. */
  void attach(RunningExecutor subscriber) {
    this.executor = subscriber;
  }

  RunningExecutor executor() {
    return executor;
  }

  boolean isClosed() {
    return closed;
  }
}
