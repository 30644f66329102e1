package io.mezzo.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link BoundedBody} on a real Vert.x server: caps, the budget, and the budget coming back. */
class BoundedBodyTest {
  private static final long CAP = 64 * 1024;
  private static final long BUDGET = 100 * 1024;
  private static final Duration READ_TIMEOUT = Duration.ofMillis(300);

  private Vertx vertx;
  private HttpServer server;
  private HttpClient client;
  private BodyBudget budget;
  private final AtomicInteger handled = new AtomicInteger();
  private volatile Runnable heldRelease;
  private volatile io.vertx.core.Context heldContext;
  private volatile io.vertx.core.http.HttpServerResponse heldResponse;
  /** The /held route's read timeouts, fired by the test when it wants the time to be up. */
  private final java.util.List<Runnable> heldTimeouts = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    budget = new BodyBudget(BUDGET);
    Router router = Router.router(vertx);
    for (String path : new String[] {"/call", "/slow"}) {
      Duration timeout = path.equals("/slow") ? READ_TIMEOUT : Duration.ofSeconds(20);
      router.post(path).handler(new BoundedBody(budget, CAP, timeout, ReadTimer.vertx(vertx))).handler(ctx -> {
        handled.incrementAndGet();
        ctx.response().end("read " + BoundedBody.body(ctx).length());
      });
    }
    // Holds the body past the handler's return, as a handler that queues its call does; the test releases it.
    ReadTimer manual = (delay, action) -> {
      java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
      heldTimeouts.add(() -> {
        if (!cancelled.get()) {
          action.run();
        }
      });
      return () -> cancelled.set(true);
    };
    router.post("/held").handler(new BoundedBody(budget, CAP, READ_TIMEOUT, manual)).handler(ctx -> {
      int length = BoundedBody.body(ctx).length();
      Runnable release = BoundedBody.hold(ctx);
      heldContext = vertx.getOrCreateContext();
      heldResponse = ctx.response();
      heldRelease = () -> {
        release.run();
        ctx.response().end("held " + length);
      };
    });
    server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(server.actualPort()));
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  @Test
  void aBodyWithinTheCapIsReadAndItsReservationReturned() throws Exception {
    Answer response = await(client.request(HttpMethod.POST, "/call")
        .compose(r -> answer(r.send(Buffer.buffer(new byte[50_000])))));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("read 50000");
    assertThat(budget.peak()).isEqualTo(50_000);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> budget.inUse() == 0);
  }

  @Test
  void aHeldBodyKeepsItsReservationPastTheReadTimeoutUntilReleased() throws Exception {
    Future<Answer> answer = client.request(HttpMethod.POST, "/held")
        .compose(r -> answer(r.send(Buffer.buffer(new byte[30_000]))));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> heldRelease != null);

    // The read timeout comes: a held body is all in, so it is not cut off as a slow one.
    assertThat(heldTimeouts).isNotEmpty();
    java.util.concurrent.CompletableFuture<Boolean> answered = new java.util.concurrent.CompletableFuture<>();
    heldContext.runOnContext(v -> {
      heldTimeouts.forEach(Runnable::run);
      // A timeout hops onto this context to answer 408; this runs after it would have.
      heldContext.runOnContext(w -> answered.complete(heldResponse.ended()));
    });
    assertThat(answered.get(5, TimeUnit.SECONDS)).as("no 408 for a body held past its read timeout").isFalse();
    assertThat(budget.inUse()).as("held: still counted").isEqualTo(30_000);

    heldContext.runOnContext(v -> heldRelease.run());

    assertThat(await(answer).body()).isEqualTo("held 30000");
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> budget.inUse() == 0);
  }

  @Test
  void aDeclaredLengthOverTheCapGets413BeforeAnyByteIsBuffered() throws Exception {
    HttpClientRequest request = await(client.request(HttpMethod.POST, "/call"));
    Future<Answer> answer = answer(request.response());
    request.putHeader("Content-Length", String.valueOf(CAP + 1));
    request.sendHead();
    Answer response = await(answer);

    assertThat(response.status()).isEqualTo(413);
    assertThat(response.body()).contains("over this endpoint's limit of " + CAP + " bytes");
    assertThat(budget.peak()).isZero();
    assertThat(handled).hasValue(0);
  }

  @Test
  void aChunkedBodyOverTheCapGets413WhileStreaming() throws Exception {
    HttpClientRequest request = await(client.request(HttpMethod.POST, "/call")).setChunked(true);
    Future<Answer> answer = answer(request.response());
    for (int i = 0; i < 5; i++) {
      request.write(Buffer.buffer(new byte[16 * 1024]));
    }
    Answer response = await(answer);

    assertThat(response.status()).isEqualTo(413);
    assertThat(budget.peak()).isLessThanOrEqualTo(CAP);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> budget.inUse() == 0);
    assertThat(handled).hasValue(0);
  }

  @Test
  void aBodyTheBudgetCannotTakeGets503WithRetryAfterBeforeItIsRead() throws Exception {
    // Two bodies in flight take 120 KB of the 100 KB budget: the second is refused on its headers.
    HttpClientRequest first = await(client.request(HttpMethod.POST, "/call"));
    Future<Answer> firstAnswer = answer(first.response());
    first.putHeader("Content-Length", String.valueOf(60_000)).write(Buffer.buffer(new byte[1000]));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> budget.inUse() == 60_000);

    HttpClientRequest second = await(client.request(HttpMethod.POST, "/call"));
    Future<Answer> answer = answer(second.response());
    second.putHeader("Content-Length", String.valueOf(60_000)).sendHead();
    Answer refused = await(answer);

    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.retryAfter()).isEqualTo("1");
    assertThat(refused.body()).contains("retry later");
    assertThat(budget.inUse()).isEqualTo(60_000);

    first.end(Buffer.buffer(new byte[59_000]));
    assertThat(await(firstAnswer).body()).isEqualTo("read 60000");
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> budget.inUse() == 0);
    assertThat(budget.peak()).isEqualTo(60_000);
    assertThat(handled).hasValue(1);
  }

  @Test
  void aChunkedBodyIsCountedAsItArrivesAndRefusedWhenTheBudgetRunsOut() throws Exception {
    HttpClientRequest holder = await(client.request(HttpMethod.POST, "/call"));
    holder.putHeader("Content-Length", String.valueOf(60_000)).write(Buffer.buffer(new byte[1000]));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> budget.inUse() == 60_000);

    HttpClientRequest chunked = await(client.request(HttpMethod.POST, "/call")).setChunked(true);
    Future<Answer> answer = answer(chunked.response());
    for (int i = 0; i < 3; i++) {
      chunked.write(Buffer.buffer(new byte[20_000]));
    }
    Answer refused = await(answer);

    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.retryAfter()).isEqualTo("1");
    assertThat(budget.peak()).isLessThanOrEqualTo(BUDGET);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> budget.inUse() == 60_000);
    holder.reset();
  }

  @Test
  void aConnectionResetMidBodyGivesTheReservationBack() throws Exception {
    NetClient net = vertx.createNetClient();
    NetSocket socket = await(net.connect(server.actualPort(), "127.0.0.1"));
    await(socket.write("POST /call HTTP/1.1\r\nHost: x\r\nContent-Length: 50000\r\n\r\n" + "x".repeat(10_000)));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> budget.inUse() == 50_000);

    await(socket.close());

    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> budget.inUse() == 0);
    assertThat(handled).hasValue(0);
  }

  @Test
  void aBodyNotInWithinTheReadTimeoutGets408AndItsConnectionIsClosed() throws Exception {
    NetClient net = vertx.createNetClient();
    NetSocket socket = await(net.connect(server.actualPort(), "127.0.0.1"));
    StringBuffer received = new StringBuffer();
    io.vertx.core.Promise<Void> closed = io.vertx.core.Promise.promise();
    socket.handler(b -> received.append(b.toString()));
    socket.closeHandler(v -> closed.complete());
    // Headers and a fifth of the body, then nothing more: a stalled upload.
    await(socket.write("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 50000\r\n\r\n" + "x".repeat(10_000)));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> budget.inUse() == 50_000);

    await(closed.future());

    assertThat(received.toString()).startsWith("HTTP/1.1 408").containsIgnoringCase("connection: close")
        .contains("The request body did not arrive within 300 ms");
    assertThat(budget.inUse()).isZero();
    assertThat(handled).hasValue(0);
  }

  @Test
  void aBodyThatArrivesInTimeIsNotCutByTheReadTimeout() throws Exception {
    HttpClientRequest request = await(client.request(HttpMethod.POST, "/slow"));
    Future<Answer> answer = answer(request.response());
    request.putHeader("Content-Length", "2000").write(Buffer.buffer(new byte[1000]));
    await(vertx.timer(READ_TIMEOUT.toMillis() / 3));
    request.end(Buffer.buffer(new byte[1000]));

    assertThat(await(answer).body()).isEqualTo("read 2000");
  }

  record Answer(int status, String retryAfter, String body) {}

  /** Reads the body as the response arrives (a Vert.x response drops what arrives before a handler). */
  static Future<Answer> answer(Future<HttpClientResponse> response) {
    return response.compose(r -> r.body().map(b -> new Answer(r.statusCode(), r.getHeader("Retry-After"),
        b.toString())));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
