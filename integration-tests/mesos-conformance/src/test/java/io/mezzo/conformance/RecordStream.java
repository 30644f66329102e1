package io.mezzo.conformance;

import com.google.protobuf.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A streamed response read as Mesos documents it: RecordIO ({@code <length>\n<bytes>}) whose
 * records are messages of one type (scheduler or operator events). Written here from the spec,
 * independently of Mezzo's codec.
 */
class RecordStream<E extends Message> implements AutoCloseable {
  private static final Object END = new Object();
  final HttpResponse<InputStream> response;
  private final BlockingQueue<Object> records = new LinkedBlockingQueue<>();
  private final Thread reader;
  private volatile boolean ended;

  RecordStream(HttpResponse<InputStream> response, Encoding encoding, E prototype) {
    this.response = response;
    this.reader = new Thread(() -> read(encoding, prototype), "conformance-records");
    reader.setDaemon(true);
    reader.start();
  }

  private void read(Encoding encoding, E prototype) {
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
        records.add(encoding.decode(record, prototype));
      }
    } catch (IOException e) {
      // the connection closed
    } finally {
      ended = true;
      records.add(END);
    }
  }

  String header(String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  /** The next record that matches, skipping others; fails when none comes in time or the stream ends. */
  @SuppressWarnings("unchecked")
  E next(Predicate<E> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Object record = records.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (record == null) {
        throw new AssertionError("no matching record within 30 s");
      }
      if (record == END) {
        records.add(END);
        throw new AssertionError("the stream ended before a matching record");
      }
      if (wanted.test((E) record)) {
        return (E) record;
      }
    }
  }

  E next() throws InterruptedException {
    return next(e -> true);
  }

  /** True once the server closed the stream (waits up to 30 s). */
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
