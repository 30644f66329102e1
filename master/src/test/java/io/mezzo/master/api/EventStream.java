package io.mezzo.master.api;

import com.google.protobuf.Message;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.RecordIO;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test client for a RecordIO event stream opened by a POST (SUBSCRIBE or agent REGISTER). */
final class EventStream<E extends Message> implements AutoCloseable {
  final HttpResponse<InputStream> response;
  private final BlockingQueue<E> events = new LinkedBlockingQueue<>();
  private final Thread reader;
  /** Why the reader stopped before the stream ended, if it did. */
  private volatile AssertionError failure;

  EventStream(HttpClient http, String url, Message call, Codec codec, E prototype) throws Exception {
    this(http, url, call, codec, prototype, null);
  }

  /** @param authorization the Authorization header to send, or null for none */
  EventStream(HttpClient http, String url, Message call, Codec codec, E prototype, String authorization)
      throws Exception {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", codec.mediaType())
        .header("Accept", codec.mediaType())
        .POST(HttpRequest.BodyPublishers.ofByteArray(codec.encode(call)));
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    HttpRequest request = builder.build();
    response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    reader = new Thread(() -> {
      RecordIO.Decoder decoder = new RecordIO.Decoder();
      byte[] buf = new byte[8192];
      long read = 0;
      try (InputStream in = response.body()) {
        int n;
        while ((n = in.read(buf)) > 0) {
          try {
            for (byte[] record : decoder.feed(buf, 0, n)) {
              events.add(codec.decode(record, prototype));
            }
          } catch (RuntimeException e) {
            // Undecodable bytes: say where, for the test that waits on next() to report.
            failure = new AssertionError("the stream could not be decoded in the " + n + " bytes read after "
                + read + " (the chunk began \"" + printable(buf, Math.min(n, 120)) + "\")", e);
            return;
          }
          read += n;
        }
      } catch (IOException e) {
        // stream closed
      }
    }, "test-event-stream");
    reader.setDaemon(true);
    reader.start();
  }

  /** The response's status: 200 for a stream. */
  int status() {
    return response.statusCode();
  }

  String header(String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  /** The next event, failing the test if none comes within the bound. */
  E next() throws InterruptedException {
    E event = events.poll(10, TimeUnit.SECONDS);
    if (event == null) {
      throw failure != null ? failure : new AssertionError("no event within 10 s");
    }
    return event;
  }

  private static String printable(byte[] bytes, int length) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      char c = (char) (bytes[i] & 0xff);
      text.append(c >= 32 && c < 127 ? c : '.');
    }
    return text.toString();
  }

  /** The next event that satisfies the predicate, skipping others (heartbeats, ...). */
  E next(java.util.function.Predicate<E> wanted) throws InterruptedException {
    return next(wanted, Duration.ofSeconds(10));
  }

  /** The next event that satisfies the predicate within {@code bound}, skipping others. */
  E next(java.util.function.Predicate<E> wanted, Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (System.nanoTime() < deadline) {
      E event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (event != null && wanted.test(event)) {
        return event;
      }
    }
    throw failure != null ? failure : new AssertionError("no matching event within " + bound);
  }

  /** True if the stream has ended by now (no waiting). */
  boolean endedNow() {
    return !reader.isAlive();
  }

  boolean ended() throws InterruptedException {
    reader.join(10_000);
    return !reader.isAlive();
  }

  @Override
  public void close() {
    reader.interrupt();
    try {
      response.body().close();
    } catch (IOException e) {
      // already closed
    }
  }
}
