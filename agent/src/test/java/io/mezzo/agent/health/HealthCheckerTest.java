package io.mezzo.agent.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.mezzo.testkit.ManualClock;
import io.mezzo.agent.testing.ManualTimers;
import io.mezzo.testkit.TestVertx;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.HealthCheck;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class HealthCheckerTest {
  @RegisterExtension
  final TestVertx vertxes = new TestVertx();
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path sandbox;

  private Vertx vertx;
  private Context context;
  private final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final ManualTimers timers = new ManualTimers(clock);
  private final List<String> events = new CopyOnWriteArrayList<>();
  private HealthChecker checker;

  @BeforeEach
  void start() {
    vertx = vertxes.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() throws Exception {
    if (checker != null) {
      context.runOnContext(v -> checker.stop());
    }
  }

  @Test
  void aCommandCheckIgnoresTheGracePeriodThenReportsChangesAndAsksForAKillAfterConsecutiveFailures() throws IOException {
    HealthCheck check = HealthCheck.newBuilder()
        .setType(HealthCheck.Type.COMMAND)
        .setCommand(CommandInfo.newBuilder().setValue("test -f ok"))
        .setDelaySeconds(5).setIntervalSeconds(10).setTimeoutSeconds(5)
        .setConsecutiveFailures(3).setGracePeriodSeconds(20)
        .build();
    start(check);

    step(Duration.ofSeconds(5));   // t=5: fails, in the grace period
    step(Duration.ofSeconds(10));  // t=15: fails, in the grace period
    assertThat(events).isEmpty();

    Files.writeString(sandbox.resolve("ok"), "");
    step(Duration.ofSeconds(10));  // t=25: passes
    assertThat(events).containsExactly("healthy");
    step(Duration.ofSeconds(10));  // t=35: passes again, no change
    assertThat(events).containsExactly("healthy");

    Files.delete(sandbox.resolve("ok"));
    step(Duration.ofSeconds(10));  // t=45: first failure
    assertThat(events).containsExactly("healthy", "unhealthy: command exited with status 1");
    step(Duration.ofSeconds(10));  // t=55: second
    assertThat(events).hasSize(2);
    step(Duration.ofSeconds(10));  // t=65: third in a row
    assertThat(events).containsExactly("healthy", "unhealthy: command exited with status 1", "kill after 3");
  }

  @Test
  void failuresAfterTheGracePeriodCountEvenWithoutAnEarlierSuccess() {
    HealthCheck check = HealthCheck.newBuilder()
        .setType(HealthCheck.Type.COMMAND)
        .setCommand(CommandInfo.newBuilder().setValue("exit 3"))
        .setDelaySeconds(0).setIntervalSeconds(10).setConsecutiveFailures(2).setGracePeriodSeconds(5)
        .build();
    start(check);

    step(Duration.ZERO);             // t=0: in the grace period
    assertThat(events).isEmpty();
    step(Duration.ofSeconds(10));    // t=10: counts
    assertThat(events).containsExactly("unhealthy: command exited with status 3");
    step(Duration.ofSeconds(10));
    assertThat(events).containsExactly("unhealthy: command exited with status 3", "kill after 2");
  }

  @Test
  void anHttpCheckIsHealthyOn2xxAnd3xx() throws IOException {
    AtomicInteger status = new AtomicInteger(204);
    HttpServer server = statusServer(status);
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
      start(httpCheck(server).build());

      step(Duration.ZERO);
      assertThat(events).containsExactly("healthy");
      status.set(503);
      step(Duration.ofSeconds(1));
      assertThat(events).containsExactly("healthy", "unhealthy: GET " + url + " answered 503");
      status.set(302);
      step(Duration.ofSeconds(1));
      assertThat(events).containsExactly("healthy", "unhealthy: GET " + url + " answered 503", "healthy");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void anHttpCheckWithStatusesIsHealthyOnlyOnThose() throws IOException {
    AtomicInteger status = new AtomicInteger(302);
    HttpServer server = statusServer(status);
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
      HealthCheck.Builder check = httpCheck(server);
      check.getHttpBuilder().addStatuses(503);
      start(check.build());

      step(Duration.ZERO);
      assertThat(events).containsExactly("unhealthy: GET " + url + " answered 302");
      status.set(503);
      step(Duration.ofSeconds(1));
      assertThat(events).containsExactly("unhealthy: GET " + url + " answered 302", "healthy");
    } finally {
      server.stop(0);
    }
  }

  private static HttpServer statusServer(AtomicInteger status) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/health", exchange -> {
      exchange.sendResponseHeaders(status.get(), -1);
      exchange.close();
    });
    server.start();
    return server;
  }

  private static HealthCheck.Builder httpCheck(HttpServer server) {
    return HealthCheck.newBuilder()
        .setType(HealthCheck.Type.HTTP)
        .setHttp(HealthCheck.HTTPCheckInfo.newBuilder().setPort(server.getAddress().getPort()).setPath("/health"))
        .setDelaySeconds(0).setIntervalSeconds(1).setGracePeriodSeconds(0).setConsecutiveFailures(10);
  }

  @Test
  void aTcpCheckIsHealthyWhileThePortAcceptsConnections() throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.bind(new InetSocketAddress("127.0.0.1", 0));
    int port = socket.getLocalPort();
    HealthCheck check = HealthCheck.newBuilder()
        .setType(HealthCheck.Type.TCP)
        .setTcp(HealthCheck.TCPCheckInfo.newBuilder().setPort(port))
        .setDelaySeconds(0).setIntervalSeconds(1).setTimeoutSeconds(2).setGracePeriodSeconds(0).setConsecutiveFailures(1)
        .build();
    start(check);

    step(Duration.ZERO);
    assertThat(events).containsExactly("healthy");
    socket.close();
    step(Duration.ofSeconds(1));
    assertThat(events).hasSize(3);
    assertThat(events.get(1)).startsWith("unhealthy: ConnectException");
    assertThat(events.get(2)).isEqualTo("kill after 1");
  }

  @Test
  void nothingRunsOrIsReportedAfterStop() {
    HealthCheck check = HealthCheck.newBuilder()
        .setType(HealthCheck.Type.COMMAND)
        .setCommand(CommandInfo.newBuilder().setValue("true"))
        .setDelaySeconds(5)
        .build();
    start(check);
    context.runOnContext(v -> checker.stop());

    await().atMost(WAIT).until(() -> timers.armedWithin(Duration.ofMinutes(1)) == 0);
    timers.advance(Duration.ofMinutes(5));
    assertThat(events).isEmpty();
  }

  private void start(HealthCheck check) {
    checker = new HealthCheckers(timers, clock).create(context, "t1", check, sandbox, Map.of(),
        new HealthChecker.Listener() {
          @Override
          public void healthChanged(boolean healthy, String why) {
            events.add(healthy ? "healthy" : "unhealthy: " + why);
          }

          @Override
          public void failedTooOften(int failures, String why) {
            events.add("kill after " + failures);
          }
        });
    context.runOnContext(v -> checker.start());
    await().atMost(WAIT).until(() -> timers.armedWithin(Duration.ofDays(1)) == 1);
  }

  /** Moves time so the next check runs, and waits until it has ended (the one after it is armed). */
  private void step(Duration duration) {
    timers.advance(duration);
    await().atMost(WAIT).until(() -> timers.armedWithin(Duration.ofDays(1)) == 1);
  }
}
