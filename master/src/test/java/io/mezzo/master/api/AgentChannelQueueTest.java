package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.master.metrics.MasterMetrics;
import io.mezzo.master.state.StateGauges;
import io.mezzo.node.http.BodyBudget;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.Wire;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Value;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent channel over HTTP with its {@link AgentCallQueue} on timers the test fires: a
 * registration waits for its turn, a call that comes meanwhile waits behind it undecoded (holding
 * its body's share of the in-flight budget), and a malformed one is refused in its turn.
 */
class AgentChannelQueueTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final AgentCallQueueTest.StepTimers timers = new AgentCallQueueTest.StepTimers();
  private final BodyBudget budget = new BodyBudget(ApiLimits.defaults().inflightBodyBytes());
  private Vertx vertx;
  private Context serverContext;
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Leadership.Leading leading = LeaderGateTest.leading(vertx);
    LeaderGate gate = new LeaderGate(() -> leading, Optional::empty, () -> "self:5050");
    Router router = MasterRoutes.router(vertx, gate, () -> { }, ApiLimits.defaults(), budget,
        OperatorOptions.defaults(Clock.systemUTC(), new LoggingLevels(new LeaderGateTest.NoTimers())), timers,
        new MasterMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC(), () -> true,
            () -> StateGauges.NONE));
    serverContext = vertx.getOrCreateContext();
    server = LeaderGateTest.listen(vertx, serverContext, router);
  }

  @AfterEach
  void stop() {
    vertx.close();
  }

  @Test
  void aCallBehindAWaitingRegistrationIsDecodedInItsTurnAndAMalformedOneRefused() throws Exception {
    byte[] register = Codec.PROTOBUF.encode(AgentCall.newBuilder().setType(AgentCall.Type.REGISTER)
        .setRegister(AgentCall.Register.newBuilder().setAgentInfo(AgentInfo.newBuilder().setHostname("a1")
            .setPort(5051).addResources(Resource.newBuilder().setName("cpus").setType(Value.Type.SCALAR)
                .setScalar(Value.Scalar.newBuilder().setValue(2))))).build());
    CompletableFuture<HttpResponse<InputStream>> registered = post(register, HttpResponse.BodyHandlers.ofInputStream());
    await().atMost(Duration.ofSeconds(10)).until(() -> onContext(() -> timers.due.size()) == 1);
    assertThat(budget.inUse()).as("the waiting registration holds its body's share").isEqualTo(register.length);

    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
    CompletableFuture<HttpResponse<String>> refused = post(garbage, HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(10)).until(() -> budget.inUse() == register.length + garbage.length);
    assertThat(refused).as("queued behind the registration, not decoded yet").isNotDone();
    assertThat(registered).isNotDone();

    onContext(() -> {
      while (!timers.due.isEmpty()) {
        timers.runNext(); // the registration's turn, and the turns after it if its slice ran out
      }
      return null;
    });

    assertThat(registered.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    HttpResponse<String> answer = refused.get(10, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.body()).contains("Failed to parse");
    assertThat(budget.inUse()).isZero();
    registered.get().body().close();
  }

  private <T> CompletableFuture<HttpResponse<T>> post(byte[] body, HttpResponse.BodyHandler<T> handler) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort()
            + Wire.AGENT_CHANNEL_PATH)).header("Content-Type", Codec.PROTOBUF.mediaType())
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), handler);
  }

  /** Runs on the server's context (the master's, in a master), where the queue and its timers live. */
  private <T> T onContext(Callable<T> action) throws Exception {
    return LeaderGateTest.onContext(serverContext, action);
  }
}
