package io.mezzo.master.api;

import com.google.protobuf.Message;
import io.mezzo.master.state.EventSink;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.RecordIO;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/** A RecordIO-framed event stream on a chunked HTTP response. Used on the response's context only. */
final class HttpEventSink<E extends Message> implements EventSink<E> {
  private final HttpServerResponse response;
  private final Codec codec;
  private final String streamId;
  private boolean closed;

  HttpEventSink(HttpServerResponse response, Codec codec, String streamId) {
    this.response = response;
    this.codec = codec;
    this.streamId = streamId;
  }

  @Override
  public String streamId() {
    return streamId;
  }

  @Override
  public void send(E event) {
    if (!closed) {
      response.write(Buffer.buffer(RecordIO.encode(codec.encode(event))));
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
}
