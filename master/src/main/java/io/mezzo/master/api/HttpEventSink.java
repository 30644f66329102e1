package io.mezzo.master.api;

import com.google.protobuf.Message;
import io.mezzo.master.state.EventSink;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.RecordIO;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.impl.ConnectionBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A RecordIO-framed event stream on a chunked HTTP response, with a bounded queue of unsent
 * bytes: a reader that falls {@code maxQueueBytes} behind (it stopped reading, or reads slower than
 * the master writes) has its connection closed, which drops what was queued for it; its framework
 * or agent sees a disconnect and subscribes again, as after any other. While half of that is
 * unsent the stream is not {@link #ready()}: bulk answers (a reconciliation of many tasks) wait for
 * it to drain instead of overrunning it. Used on the response's context only.
 */
final class HttpEventSink<E extends Message> implements EventSink<E> {
  private static final Logger log = LoggerFactory.getLogger(HttpEventSink.class);

  private final HttpServerResponse response;
  private final HttpConnection connection;
  private final Codec codec;
  private final String streamId;
  private final long maxQueueBytes;
  private String reader = "unsubscribed";
  private boolean closed;

  /**
   * @param connection the connection the stream is on (HTTP/1: the stream's own)
   * @param maxQueueBytes the unsent bytes this stream may queue; at most {@link Integer#MAX_VALUE}
   */
  HttpEventSink(HttpServerResponse response, HttpConnection connection, Codec codec, String streamId,
      long maxQueueBytes) {
    this.response = response;
    this.connection = connection;
    this.codec = codec;
    this.streamId = streamId;
    this.maxQueueBytes = maxQueueBytes;
    response.setWriteQueueMaxSize((int) maxQueueBytes);
  }

  /** Who reads this stream ({@code framework=ID}, {@code agent=ID}), for the log. */
  void readBy(String reader) {
    this.reader = reader;
  }

  @Override
  public String streamId() {
    return streamId;
  }

  @Override
  public void send(E event) {
    if (closed) {
      return;
    }
    sendRecord(RecordIO.encode(codec.encode(event)));
  }

  /** True while the opening records drain; what comes meanwhile is counted in {@code queuedWhileSettling}. */
  private boolean settling;
  private long queuedWhileSettling;

  /** The codec this stream's events are encoded in. */
  Codec codec() {
    return codec;
  }

  /**
   * Sends one event already encoded in {@link #codec()} and framed as a RecordIO record (so that an
   * event fanned out to many streams is encoded once per codec); a closed stream drops it.
   */
  void sendRecord(byte[] record) {
    sendRecords(Buffer.buffer(record));
  }

  /**
   * Sends a stream's opening records (a snapshot of the state and a history after it). They are as
   * large as the state, not a sign of a slow reader, so they are not held to the queue cap: until
   * they have drained, what follows may queue up to the cap on top of them, and only then does the
   * usual rule apply.
   */
  void sendOpening(Buffer records) {
    if (closed) {
      return;
    }
    response.write(records);
    if (response.writeQueueFull()) {
      settling = true;
      queuedWhileSettling = 0;
      response.drainHandler(v -> settling = false);
    }
  }

  /** Sends whole RecordIO records, one after the other, in one write. */
  void sendRecords(Buffer records) {
    if (closed) {
      return;
    }
    response.write(records);
    if (settling) {
      queuedWhileSettling += records.length();
      if (queuedWhileSettling <= maxQueueBytes) {
        return;
      }
    } else if (!response.writeQueueFull()) {
      return;
    }
    log.warn("[{}] Closing event stream {}: its reader is more than {} bytes behind", reader, streamId,
        maxQueueBytes);
    closed = true;
    abort();
  }

  /**
   * Vert.x closes a connection gracefully, once what is queued on it is flushed: never, for a reader
   * that does not read; so does a close from the channel's end of the pipeline. Closing from Vert.x's
   * own handler towards the socket drops the queue at once, and the connection's close handlers
   * run as for any close.
   */
  private void abort() {
    if (connection instanceof ConnectionBase base) {
      base.channelHandlerContext().close();
    } else {
      connection.close();
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      response.end();
    }
  }

  /** The peer went away. */
  void markClosed() {
    closed = true;
  }

  @Override
  public void abandon(String why) {
    if (!closed) {
      log.warn("[{}] Closing event stream {}: {}", reader, streamId, why);
      closed = true;
      abort();
    }
  }

  /** Ready while less than half the cap is unsent (closed streams too: what they are sent is dropped). */
  @Override
  public boolean ready() {
    return closed || unsentBytes() < maxQueueBytes / 2;
  }

  /** What is written to the connection and not yet on the wire. */
  private long unsentBytes() {
    if (connection instanceof ConnectionBase base) {
      io.netty.channel.ChannelOutboundBuffer unsent = base.channelHandlerContext().channel().unsafe().outboundBuffer();
      return unsent == null ? 0 : unsent.totalPendingWriteBytes();
    }
    return response.writeQueueFull() ? maxQueueBytes : 0;
  }

  /** True once closed by either end (or for falling behind). */
  boolean isClosed() {
    return closed;
  }
}
