package io.mezzo.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * A SUBSCRIBE response read as Mesos documents it: a RecordIO stream ({@code <length>\n<bytes>})
 * whose records are scheduler Events. Written here from the spec, independently of Mezzo's codec.
 */
final class EventStream implements AutoCloseable {
  private static final Event END = Event.newBuilder().setType(Event.Type.UNKNOWN).build();
  final HttpResponse<InputStream> response;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final Thread reader;
  private volatile boolean ended;

  EventStream(HttpResponse<InputStream> response, Encoding encoding) {
    this.response = response;
    this.reader = new Thread(() -> read(encoding), "conformance-events");
    reader.setDaemon(true);
    reader.start();
  }

  private void read(Encoding encoding) {
    try (InputStream in = response.body()) {
      while (true) {
        long length = 0;
        int digits = 0;
        int b;
        while ((b = in.read()) != '\n') {
          if (b < 0) {
            return;
          }
          if (b < '0' || b > '9') {
            throw new AssertionError("RecordIO: unexpected byte " + b + " in a record length");
          }
          length = length * 10 + (b - '0');
          digits++;
        }
        if (digits == 0 || length == 0) {
          throw new AssertionError("RecordIO: empty or zero record length");
        }
        byte[] record = in.readNBytes((int) length);
        if (record.length != length) {
          return;
        }
        events.add(encoding.decode(record, Event.getDefaultInstance()));
      }
    } catch (IOException e) {
      // the connection closed
    } finally {
      ended = true;
      events.add(END);
    }
  }

  String header(String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  String streamId() {
    return header("Mesos-Stream-Id");
  }

  /** The next event that matches, skipping others; fails when none comes in time or the stream ends. */
  Event next(Predicate<Event> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Event event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (event == null) {
        throw new AssertionError("no matching event within 30 s");
      }
      if (event == END) {
        events.add(END);
        throw new AssertionError("the stream ended before a matching event");
      }
      if (wanted.test(event)) {
        return event;
      }
    }
  }

  Event next(Event.Type type) throws InterruptedException {
    return next(e -> e.getType() == type);
  }

  Event next() throws InterruptedException {
    return next(e -> true);
  }

  /** True once the master closed the stream (waits up to 30 s). */
  boolean endsWithin30s() throws InterruptedException {
    reader.join(30_000);
    return ended;
  }

  @Override
  public void close() {
    try {
      response.body().close();
    } catch (IOException e) {
      // already closed
    }
    reader.interrupt();
  }

  static byte[] drain(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }
}
