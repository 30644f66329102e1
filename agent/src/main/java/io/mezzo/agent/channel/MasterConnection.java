package io.mezzo.agent.channel;

import io.mezzo.agent.detector.MasterAddress;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.ProtocolException;
import io.mezzo.protocol.RecordIO;
import io.mezzo.protocol.Wire;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * One registration with one master: the REGISTER POST whose 200 response stays open as a
 * RecordIO stream of AgentEvents, and later calls as separate POSTs carrying the stream id.
 * Used from one Vert.x context; callbacks run on it. Once closed, or once the stream ends,
 * it reports nothing more.
 */
final class MasterConnection {
  private static final String PROTOBUF = Codec.PROTOBUF.mediaType();

  private final HttpClient client;
  private final MasterAddress master;
  private final Events events;
  private final RecordIO.Decoder decoder = new RecordIO.Decoder();
  private HttpClientRequest stream;
  private String streamId;
  private boolean closed;

  /** What the connection reports, on its context. */
  interface Events {
    void event(MasterConnection connection, AgentEvent event);

    /** The stream ended or failed; reported once, and never after {@link #close}. */
    void closed(MasterConnection connection, String reason);
  }

  MasterConnection(HttpClient client, MasterAddress master, Events events) {
    this.client = client;
    this.master = master;
    this.events = events;
  }

  MasterAddress master() {
    return master;
  }

  /** Posts REGISTER; succeeds when the master answered 200 and the event stream is open. */
  Future<Void> open(AgentCall register) {
    return client.request(options())
        .compose(request -> {
          stream = request;
          if (closed) {
            request.reset();
            return Future.failedFuture("closed");
          }
          return request.send(Buffer.buffer(Codec.PROTOBUF.encode(register)));
        })
        .compose(this::subscribed);
  }

  /** Posts one more call on this registration; succeeds on 202 (or 200). */
  Future<Void> send(AgentCall call) {
    if (closed || streamId == null) {
      return Future.failedFuture("Not registered with " + master);
    }
    RequestOptions options = options().putHeader(Wire.AGENT_STREAM_ID, streamId);
    return client.request(options)
        .compose(request -> request.send(Buffer.buffer(Codec.PROTOBUF.encode(call))))
        .compose(response -> response.body().compose(body -> {
          if (response.statusCode() == 202 || response.statusCode() == 200) {
            return Future.succeededFuture();
          }
          return Future.failedFuture(master + " answered " + call.getType() + " with "
              + response.statusCode() + ": " + body.toString().trim());
        }));
  }

  /** Ends the stream and drops its connection; idempotent, reports nothing. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (stream != null) {
      stream.reset();
    }
  }

  private Future<Void> subscribed(HttpClientResponse response) {
    MasterAddress redirect = response.statusCode() == 307 ? location(response.getHeader(HttpHeaders.LOCATION)) : null;
    if (redirect != null) {
      return response.body().transform(ignored -> Future.failedFuture(new MasterRedirect(master, redirect)));
    }
    if (response.statusCode() != 200) {
      return response.body().transform(body -> Future.failedFuture(master + " refused REGISTER with "
          + response.statusCode() + ": " + (body.succeeded() ? body.result().toString().trim() : "")));
    }
    streamId = response.getHeader(Wire.AGENT_STREAM_ID);
    if (streamId == null) {
      stream.reset();
      return Future.failedFuture(master + " answered REGISTER without a " + Wire.AGENT_STREAM_ID + " header");
    }
    response.handler(this::chunk);
    response.exceptionHandler(e -> ended("stream failed: " + e.getMessage()));
    response.endHandler(v -> ended("stream ended"));
    return Future.succeededFuture();
  }

  private void chunk(Buffer chunk) {
    if (closed) {
      return;
    }
    try {
      for (byte[] record : decoder.feed(chunk.getBytes())) {
        events.event(this, Codec.PROTOBUF.decode(record, AgentEvent.getDefaultInstance()));
        if (closed) {
          return;
        }
      }
    } catch (ProtocolException e) {
      ended("bad event stream: " + e.getMessage());
      stream.reset();
    }
  }

  private void ended(String reason) {
    if (!closed) {
      closed = true;
      events.closed(this, reason);
    }
  }

  /** The master a {@code Location} header names ({@code //host:port/path} as Mesos writes it, or a full URL). */
  static MasterAddress location(String location) {
    if (location == null || location.isBlank()) {
      return null;
    }
    try {
      URI uri = new URI(location.startsWith("//") ? "http:" + location : location);
      if (uri.getHost() == null) {
        return null;
      }
      return new MasterAddress(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5050);
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }

  private RequestOptions options() {
    return new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setHost(master.host())
        .setPort(master.port())
        .setURI(Wire.AGENT_CHANNEL_PATH)
        .putHeader(HttpHeaders.CONTENT_TYPE, PROTOBUF)
        .putHeader(HttpHeaders.ACCEPT, PROTOBUF);
  }
}
