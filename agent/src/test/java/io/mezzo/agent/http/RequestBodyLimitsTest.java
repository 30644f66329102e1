package io.mezzo.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.AgentHarness;
import io.mezzo.agent.files.FilesHandler;
import io.mezzo.agent.files.FilesRoot;
import io.mezzo.agent.support.Timers;
import io.mezzo.agent.testing.FakeRuntime;
import io.mezzo.agent.testing.ManualTimers;
import io.mezzo.node.http.BoundedBody;
import io.mezzo.testkit.ManualClock;
import io.mezzo.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The agent's HTTP API bounds what request bodies may take: a budget for all, a cap each, a read timeout. */
class RequestBodyLimitsTest {
  private static final int BODY = 30_000;

  @RegisterExtension
  static final TestVertx vertxes = new TestVertx();

  @TempDir
  Path workDir;

  private final List<Socket> sockets = new ArrayList<>();
  private AgentHttpServer server;
  private int port;

  @AfterEach
  void stop() throws Exception {
    for (Socket socket : sockets) {
      socket.close();
    }
    if (server != null) {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void bodiesBeyondTheBudgetGet503WithRetryAfterWhileHealthKeepsAnswering() throws Exception {
    // Room for three 30 KB bodies at once, not four.
    start(new HttpLimits(100_000, 4L << 20, 64 << 10, Duration.ofMinutes(1)), Timers.vertx(vertxes.vertx()));
    List<Socket> held = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      held.add(startBody(BODY, 100));
      int reserved = i * BODY;
      await().atMost(AgentHarness.WAIT).until(() -> server.bodyBudget().inUse() == reserved);
    }
    for (int i = 0; i < 2; i++) {
      String refused = readResponse(startBody(BODY, 100));
      assertThat(refused).startsWith("HTTP/1.1 503").containsIgnoringCase("Retry-After: 1");
    }
    HttpResponse<String> health = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(server.bodyBudget().inUse()).isEqualTo(3 * BODY);

    // The held bodies complete and are served; their share of the budget comes back.
    for (Socket socket : held) {
      socket.getOutputStream().write(new byte[BODY - 100]);
      socket.getOutputStream().flush();
      assertThat(readResponse(socket)).startsWith("HTTP/1.1 200").endsWith("read " + BODY);
    }
    await().atMost(AgentHarness.WAIT).until(() -> server.bodyBudget().inUse() == 0);
    assertThat(server.bodyBudget().peak()).isEqualTo(3 * BODY);
  }

  @Test
  void aBodyOverItsEndpointsCapGets413BeforeItIsRead() throws Exception {
    start(new HttpLimits(100_000, 4L << 20, 64 << 10, Duration.ofMinutes(1)), Timers.vertx(vertxes.vertx()));
    assertThat(readResponse(startBody(65 << 10, 0))).startsWith("HTTP/1.1 413");
    assertThat(server.bodyBudget().peak()).isZero();
  }

  @Test
  void aSlowBodyGets408AndItsConnectionIsClosed() throws Exception {
    ManualTimers timers = new ManualTimers(new ManualClock(Instant.parse("2025-01-01T00:00:00Z")));
    start(new HttpLimits(100_000, 4L << 20, 64 << 10, Duration.ofSeconds(5)), timers);
    Socket slow = startBody(100, 10);
    // The server reserves the body's share, then arms its read timer, in one task: wait for both. The
    // other timer armed is the connection's head deadline.
    await().atMost(AgentHarness.WAIT).until(() -> server.bodyBudget().inUse() == 100
        && timers.armedWithin(Duration.ofSeconds(5)) == 2);
    timers.advance(Duration.ofSeconds(4));
    assertThat(server.bodyBudget().inUse()).as("not yet timed out").isEqualTo(100);
    timers.advance(Duration.ofSeconds(1));
    String answer = readResponse(slow);
    assertThat(answer).startsWith("HTTP/1.1 408");
    assertThat(slow.getInputStream().read()).as("the connection is closed").isEqualTo(-1);
    await().atMost(AgentHarness.WAIT).until(() -> server.bodyBudget().inUse() == 0);
  }

  @Test
  void theAgentCapsExecutorAndOperatorCalls(@TempDir Path agentDir) throws Exception {
    try (AgentHarness harness = new AgentHarness(agentDir, 3600, new FakeRuntime())) {
      port = harness.agent.httpPort();
      assertThat(readResponse(startBody("/api/v1/executor", (4 << 20) + 1, 0))).startsWith("HTTP/1.1 413");
      assertThat(readResponse(startBody("/api/v1", (1 << 20) + 1, 0))).startsWith("HTTP/1.1 413");
      assertThat(readResponse(startBody("/api/v1", 10, 10))).as("a small body passes the cap to the API")
          .startsWith("HTTP/1.1 400");
    }
  }

  private void start(HttpLimits limits, Timers timers) throws Exception {
    server = new AgentHttpServer(vertxes.vertx(), "127.0.0.1", 0, new FilesHandler(vertxes.vertx(), new FilesRoot(workDir)),
        null, ctx -> ctx.response().end("read " + BoundedBody.body(ctx).length()),
        caller -> Future.succeededFuture(new JsonObject()), limits, timers, null);
    port = server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Socket startBody(int declared, int sent) throws Exception {
    return startBody("/api/v1", declared, sent);
  }

  /** Opens a connection, sends a POST declaring {@code declared} body bytes and the first {@code sent} of them. */
  private Socket startBody(String path, int declared, int sent) throws Exception {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout((int) AgentHarness.WAIT.toMillis());
    sockets.add(socket);
    OutputStream out = socket.getOutputStream();
    out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + declared + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(new byte[sent]);
    out.flush();
    return socket;
  }

  /** Reads one response with a Content-Length: its head and body as text. */
  private static String readResponse(Socket socket) throws Exception {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    String text = head.toString(StandardCharsets.US_ASCII);
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return text + new String(body, StandardCharsets.UTF_8);
  }
}
