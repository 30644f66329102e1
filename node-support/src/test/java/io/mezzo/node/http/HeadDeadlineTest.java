package io.mezzo.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HeadDeadline} on a real Vert.x server with a short timeout: a connection that drips its
 * head (slowloris) or sends nothing is closed; a request under way longer than the timeout is not.
 */
class HeadDeadlineTest {
  private static final Duration TIMEOUT = Duration.ofMillis(400);

  private Vertx vertx;
  private HttpServer server;
  private HeadDeadline deadline;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    deadline = new HeadDeadline(TIMEOUT, ReadTimer.vertx(vertx));
    server = await(deadline.server(vertx, new io.vertx.core.http.HttpServerOptions(), request -> {
      if (request.path().equals("/slow-answer")) {
        // An answer that takes five timeouts, as an event stream would.
        request.response().setChunked(true).write("first ");
        vertx.setTimer(TIMEOUT.toMillis() * 5, id -> request.response().end("last"));
      } else {
        request.response().end("ok");
      }
    }).listen(0, "127.0.0.1"));
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  @Test
  void aHeadDrippedAByteAtATimeIsCutOffAtTheTimeout() throws Exception {
    try (Socket socket = connect()) {
      byte[] head = "GET /x HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
      long start = System.nanoTime();
      boolean closed = false;
      // One byte every 50 ms: never idle, never a whole head.
      for (int i = 0; i < 200 && !closed; i++) {
        try {
          socket.getOutputStream().write(head[i % head.length]);
          socket.getOutputStream().flush();
          closed = endOfStream(socket, Duration.ofMillis(50));
        } catch (IOException reset) {
          closed = true;
        }
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(closed).as("closed by the server").isTrue();
      assertThat(millis).as("closed after the timeout, well before the 10 s the drip would take")
          .isGreaterThanOrEqualTo(TIMEOUT.toMillis() - 50).isLessThan(TIMEOUT.toMillis() * 5);
    }
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> deadline.watched() == 0);
  }

  @Test
  void aConnectionThatSendsNothingIsClosed() throws Exception {
    try (Socket socket = connect()) {
      assertThat(endOfStream(socket, TIMEOUT.multipliedBy(5))).isTrue();
    }
  }

  @Test
  void aRequestUnderWayLongerThanTheTimeoutKeepsItsConnectionAndKeepAliveWorks() throws Exception {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write("GET /slow-answer HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = readUntil(socket.getInputStream(), "last", Duration.ofSeconds(10));
      assertThat(answer).startsWith("HTTP/1.1 200").contains("first ").contains("last");
      // The same connection takes a next request sent at once.
      out.write("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(readUntil(socket.getInputStream(), "ok", Duration.ofSeconds(5))).startsWith("HTTP/1.1 200");
      // Then, idle, it is closed within two timeouts.
      assertThat(endOfStream(socket, TIMEOUT.multipliedBy(4))).isTrue();
    }
  }

  @Test
  void aMalformedOrOversizedHeadGetsItsStatusWithAMessage() throws Exception {
    String[][] cases = {
        {"GARBAGE\r\n\r\n", " 400 ", "Malformed request head"},
        {"GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", " 414 ", "The request line is over 4096 bytes"},
        {"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n", " 431 ",
            "The request's headers are over 8192 bytes"}};
    for (String[] c : cases) {
      try (Socket socket = connect()) {
        socket.getOutputStream().write(c[0].getBytes(StandardCharsets.US_ASCII));
        String answer = readUntil(socket.getInputStream(), c[2], Duration.ofSeconds(5));
        assertThat(answer).startsWith("HTTP/1.").contains(c[1]).contains(c[2]);
        assertThat(endOfStream(socket, Duration.ofSeconds(5))).isTrue();
      }
    }
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", server.actualPort()), 5_000);
    return socket;
  }

  /** True when the server closes the connection within {@code wait}. */
  private static boolean endOfStream(Socket socket, Duration wait) throws IOException {
    socket.setSoTimeout((int) wait.toMillis());
    try {
      return socket.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  private static String readUntil(InputStream in, String end, Duration wait) throws IOException {
    long deadline = System.nanoTime() + wait.toNanos();
    StringBuilder text = new StringBuilder();
    byte[] buffer = new byte[1024];
    while (!text.toString().contains(end) && System.nanoTime() < deadline) {
      int n = in.read(buffer);
      if (n < 0) {
        break;
      }
      text.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
    }
    return text.toString();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
