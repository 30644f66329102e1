package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.protocol.Codec;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.scheduler.Protos.Event;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An event stream whose reader falls behind: not ready past half its cap, closed past all of it. */
class HttpEventSinkTest {
  private static final long CAP = 64 * 1024;
  private final Vertx vertx = Vertx.vertx();
  private final CompletableFuture<HttpEventSink<Event>> sink = new CompletableFuture<>();
  private Context context;
  private HttpServer server;

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aStreamBehindByHalfItsCapIsNotReadyButOpenAndReadyAgainOnceRead() throws Exception {
    try (Socket reader = connect()) {
      HttpEventSink<Event> stream = sink.get(10, TimeUnit.SECONDS);
      int sent = onContext(() -> {
        int n = 0;
        while (stream.ready() && n < 100_000) {
          stream.send(update(n++));
        }
        return n;
      });
      assertThat(onContext(stream::ready)).as("behind after %d events", sent).isFalse();
      assertThat(onContext(stream::isClosed)).isFalse();

      Thread reading = new Thread(() -> {
        byte[] buffer = new byte[65_536];
        try (InputStream in = reader.getInputStream()) {
          while (in.read(buffer) >= 0) {
            // the reader catches up
          }
        } catch (java.io.IOException e) {
          // the test closed it
        }
      }, "slow-reader");
      reading.start();
      Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
          .until(() -> onContext(stream::ready));
      assertThat(onContext(stream::isClosed)).as("caught up, still open").isFalse();
    }
  }

  @Test
  void aStreamBehindByItsWholeCapIsClosed() throws Exception {
    try (Socket reader = connect()) {
      HttpEventSink<Event> stream = sink.get(10, TimeUnit.SECONDS);
      boolean closed = onContext(() -> {
        for (int n = 0; n < 1_000_000 && !stream.isClosed(); n++) {
          stream.send(update(n));
        }
        return stream.isClosed();
      });
      assertThat(closed).isTrue();
      assertThat(onContext(stream::ready)).as("a closed stream takes anything (and drops it)").isTrue();
    }
  }

  /** A reader that sends its request and reads nothing until the test says so; its receive buffer is small. */
  private Socket connect() throws Exception {
    server = vertx.createHttpServer(new HttpServerOptions().setStrictThreadMode(true)).requestHandler(request -> {
      context = Vertx.currentContext();
      request.response().setChunked(true);
      sink.complete(new HttpEventSink<>(request.response(), request.connection(), Codec.JSON, "s", CAP));
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress("127.0.0.1", server.actualPort()), 5_000);
    OutputStream out = socket.getOutputStream();
    out.write("GET /stream HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  private <T> T onContext(Callable<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        result.complete(action.call());
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(10, TimeUnit.SECONDS);
  }

  private static Event update(int n) {
    return Event.newBuilder().setType(Event.Type.UPDATE).setUpdate(Event.Update.newBuilder().setStatus(
        TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("task-" + n)).setState(TaskState.TASK_RUNNING)
            .setMessage("x".repeat(900)))).build();
  }
}
