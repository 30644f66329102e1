package io.mezzo.cli.operator;

import io.mezzo.protocol.ProtocolException;
import io.mezzo.protocol.RecordIO;
import io.mezzo.v1.master.Protos.Event;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The master's operator event stream as it arrives: RecordIO records of JSON {@link Event}s,
 * read one at a time on the caller's thread. Not thread-safe; {@link #close()} may be called
 * from another thread to end a blocked {@link #next()}.
 */
public final class EventStream implements AutoCloseable {
  private final InputStream in;
  private final RecordIO.Decoder decoder = new RecordIO.Decoder();
  private final Deque<byte[]> records = new ArrayDeque<>();
  private final byte[] buffer = new byte[64 * 1024];

  EventStream(InputStream in) {
    this.in = in;
  }

  /**
   * The next event, blocking until it arrives; null when the master ended the stream.
   *
   * @throws OperatorClient.OperatorException when the stream broke or carried something else than events
   */
  public Event next() {
    try {
      while (records.isEmpty()) {
        int n = in.read(buffer);
        if (n < 0) {
          if (!decoder.isAtRecordBoundary()) {
            throw new OperatorClient.OperatorException("The event stream ended in the middle of a record");
          }
          return null;
        }
        records.addAll(decoder.feed(buffer, 0, n));
      }
    } catch (IOException e) {
      throw new OperatorClient.OperatorException("The event stream broke: " + e.getMessage());
    } catch (ProtocolException e) {
      throw new OperatorClient.OperatorException("The event stream is not RecordIO: " + e.getMessage());
    }
    return MesosJson.parse(new String(records.removeFirst(), StandardCharsets.UTF_8), Event.newBuilder());
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      // closing what we only read from: nothing to report
    }
  }
}
