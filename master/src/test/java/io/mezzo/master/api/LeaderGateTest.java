package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.api.Leadership.Follower;
import io.mezzo.master.api.MasterRoutes.Family;
import io.mezzo.master.registry.OperatorState;
import io.mezzo.master.registry.Registry;
import io.mezzo.master.state.ClusterState;
import io.mezzo.master.state.StateOwner;
import io.mezzo.master.state.Timers;
import io.mezzo.node.http.BodyBudget;
import io.mezzo.protocol.internal.RegistryRecords;
import io.mezzo.v1.Protos.MasterInfo;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The leader gate in front of every API: the master's own router, driven with a leadership the
 * test sets, for every path of every gated family in {@link MasterRoutes}, so a route added there
 * is covered here.
 */
class LeaderGateTest {
  private static final String LEADER = "leader.example:5050";
  private static final String SELF = "self.example:5051";

  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private final AtomicReference<Leadership> leadership = new AtomicReference<>(Leadership.initial());
  private final AtomicReference<Optional<String>> leader = new AtomicReference<>(Optional.of(LEADER));
  private Vertx vertx;
  private Router router;
  private LeaderGate gate;
  private Context serverContext;
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    gate = new LeaderGate(leadership::get, leader::get, () -> SELF);
    router = MasterRoutes.router(vertx, gate, () -> { },
        ApiLimits.defaults(), new BodyBudget(ApiLimits.defaults().inflightBodyBytes()));
    serverContext = vertx.getOrCreateContext();
    server = listen(vertx, serverContext, router);
  }

  /** Starts a server for {@code router} on {@code context}, as a master's runs on its own context. */
  static HttpServer listen(Vertx vertx, Context context, Router router) throws Exception {
    return onContext(context, () -> vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static Stream<Arguments> gatedRoutes() {
    return Stream.of(Family.values()).flatMap(f -> f.paths.stream().map(path -> Arguments.of(f, path)));
  }

  /** What each API expects; the gate answers before the method is looked at. */
  private HttpResponse<String> send(Family family, String path) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path));
    if (family == Family.STATE || family == Family.EXPLAIN || family == Family.AGENT_FILES) {
      request.GET();
    } else {
      request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("gatedRoutes")
  void aFollowerRedirectsToTheLeaderKeepingPathAndQuery(Family family, String path) throws Exception {
    leadership.set(new Follower(3));

    HttpResponse<String> response = send(family, path + "?framework_id=f&x=1");

    assertThat(response.statusCode()).isEqualTo(307);
    assertThat(response.headers().firstValue("Location")).hasValue("//" + LEADER + path + "?framework_id=f&x=1");
    assertThat(response.body()).isEmpty();
  }

  /** Every gated route but the agent channel's, whose calls a recovering master holds instead. */
  static Stream<Arguments> routesARecoveringMasterRefuses() {
    return gatedRoutes().filter(a -> a.get()[0] != Family.AGENT_CHANNEL);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("routesARecoveringMasterRefuses")
  void aRecoveringMasterAnswers503(Family family, String path) throws Exception {
    leadership.set(Leadership.initial().elected());

    HttpResponse<String> response = send(family, path);

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).isEqualTo("Master has not finished recovery");
    assertThat(response.headers().firstValue("Location")).isEmpty();
    assertContentType(family, response);
  }

  @Test
  void aRecoveringMasterHoldsAnAgentsCallUntilItsRecoveryEnds() throws Exception {
    leadership.set(Leadership.initial().elected());
    java.util.concurrent.CompletableFuture<HttpResponse<String>> call = http.sendAsync(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.actualPort() + Family.AGENT_CHANNEL.paths.get(0)))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());
    await().atMost(java.time.Duration.ofSeconds(10)).until(() -> onContext(gate::heldCalls) == 1);
    assertThat(call).as("held, not answered 503").isNotDone();

    leadership.set(new Follower(3));
    onContext(() -> {
      gate.leadershipChanged();
      return null;
    });

    HttpResponse<String> response = call.get(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).as("the recovery ended without leading: answered as any call").isEqualTo(307);
    assertThat(response.headers().firstValue("Location")).hasValue("//" + LEADER + Family.AGENT_CHANNEL.paths.get(0));
    assertThat(onContext(gate::heldCalls)).isZero();
  }

  @Test
  void anAgentsCallHeldWhileRecoveringReachesTheLeaderWithItsBody() throws Exception {
    leadership.set(Leadership.initial().elected());
    byte[] register = io.mezzo.protocol.Codec.PROTOBUF.encode(io.mezzo.protocol.internal.AgentChannel.AgentCall
        .newBuilder().setType(io.mezzo.protocol.internal.AgentChannel.AgentCall.Type.REGISTER)
        .setRegister(io.mezzo.protocol.internal.AgentChannel.AgentCall.Register.newBuilder()
            .setAgentInfo(io.mezzo.v1.Protos.AgentInfo.newBuilder().setHostname("a1").setPort(5051))).build());
    java.util.concurrent.CompletableFuture<HttpResponse<java.io.InputStream>> call = http.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + Family.AGENT_CHANNEL.paths.get(0)))
            .header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(register))
            .build(), HttpResponse.BodyHandlers.ofInputStream());
    await().atMost(java.time.Duration.ofSeconds(10)).until(() -> onContext(gate::heldCalls) == 1);

    leadership.set(leading());
    onContext(() -> {
      gate.leadershipChanged();
      return null;
    });

    HttpResponse<java.io.InputStream> response = call.get(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).as("registered, its body intact").isEqualTo(200);
    response.body().close();
  }

  /** Runs on the server's context (the master's, in a master), where the gate keeps its held calls. */
  private <T> T onContext(java.util.concurrent.Callable<T> action) throws Exception {
    return onContext(serverContext, action);
  }

  /** Runs {@code action} on {@code context} and waits for its result. */
  static <T> T onContext(Context context, java.util.concurrent.Callable<T> action) throws Exception {
    java.util.concurrent.CompletableFuture<T> done = new java.util.concurrent.CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        done.complete(action.call());
      } catch (Exception e) {
        done.completeExceptionally(e);
      }
    });
    return done.get(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("gatedRoutes")
  void aFollowerThatKnowsNoLeaderAnswers503(Family family, String path) throws Exception {
    leader.set(Optional.empty());

    HttpResponse<String> response = send(family, path);

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).isEqualTo("No leader elected");
    assertContentType(family, response);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("gatedRoutes")
  void aFollowerThatZooKeeperStillNamesAsLeaderAnswers503InsteadOfRedirectingToItself(Family family, String path)
      throws Exception {
    leadership.set(new Follower(2));
    leader.set(Optional.of(SELF));

    HttpResponse<String> response = send(family, path);

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).isEqualTo("This master is not leading, and no other leader is known yet");
    assertThat(response.headers().firstValue("Location")).isEmpty();
    assertContentType(family, response);
  }

  @Test
  void redirectEndpointOfAFollowerNamedAsLeaderAnswers503() throws Exception {
    leadership.set(new Follower(2));
    leader.set(Optional.of(SELF));
    for (String path : MasterRoutes.REDIRECT) {
      HttpResponse<String> response = get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(503);
      assertThat(response.headers().firstValue("Location")).as(path).isEmpty();
    }
  }

  /** The v1 APIs answer in text/plain as Mesos's; the v0 state endpoints have always had no Content-Type. */
  private static void assertContentType(Family family, HttpResponse<String> response) {
    if (family == Family.STATE) {
      assertThat(response.headers().firstValue("Content-Type")).isEmpty();
    } else {
      assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("gatedRoutes")
  void theLeaderPassesTheCallToItsApi(Family family, String path) throws Exception {
    leadership.set(leading());

    HttpResponse<String> response = send(family, path);

    // Each API now answers itself: none of the gate's answers.
    assertThat(response.statusCode()).as(response.body()).isNotIn(307, 503);
    assertThat(response.headers().firstValue("Location")).isEmpty();
  }

  @Test
  void theLeaderServesItsStateFromTheLeadingValue() throws Exception {
    leadership.set(leading());

    HttpResponse<String> state = send(Family.STATE, "/state");

    assertThat(state.statusCode()).isEqualTo(200);
    assertThat(new io.vertx.core.json.JsonObject(state.body()).getString("id")).isEqualTo("gate-test-master");
  }

  /** Every route of the router is a gated family's or one of those that answer on any master. */
  @Test
  void everyRouteIsBehindTheGateOrKnownToAnswerEverywhere() {
    Set<String> gated = new HashSet<>();
    for (Family family : Family.values()) {
      gated.addAll(family.paths);
    }
    gated.add(MasterRoutes.UI_PAGE);
    Set<String> ungated = new HashSet<>(MasterRoutes.HEALTH);
    ungated.addAll(MasterRoutes.REDIRECT);
    ungated.addAll(MasterRoutes.METRICS);
    ungated.addAll(MastersEndpoint.PATHS);
    // Route::getPath drops the wildcard of a prefix route.
    MasterRoutes.UI_ASSETS.forEach(asset -> ungated.add(asset.replace("*", "")));
    List<String> paths = router.getRoutes().stream().map(Route::getPath).filter(p -> p != null).toList();

    assertThat(paths).allSatisfy(p -> assertThat(gated.contains(p) || ungated.contains(p)).as(p).isTrue());
    assertThat(paths).containsAll(gated).containsAll(ungated);
  }

  @Test
  void theLeaderServesTheWebUiAndAStandbySendsTheBrowserToTheLeadersPage() throws Exception {
    leadership.set(leading());
    HttpResponse<String> page = get(MasterRoutes.UI_PAGE);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.body()).contains("<script type=\"module\" src=\"/ui/app.js\">");

    leadership.set(new Follower(2));
    HttpResponse<String> standby = get(MasterRoutes.UI_PAGE);
    assertThat(standby.statusCode()).isEqualTo(307);
    assertThat(standby.headers().firstValue("Location")).hasValue("//" + LEADER + "/");

    // No leader known (the old one gone, no new one yet): the page itself, which waits for one,
    // rather than a 503 the browser would show as an error page.
    leader.set(Optional.empty());
    HttpResponse<String> waiting = get(MasterRoutes.UI_PAGE);
    assertThat(waiting.statusCode()).isEqualTo(200);
    assertThat(waiting.body()).contains("<script type=\"module\" src=\"/ui/app.js\">");
    // The API stays the leader's: no answer from a standby.
    assertThat(send(Family.OPERATOR, "/api/v1").statusCode()).isEqualTo(503);
  }

  /** The page's modules and the chart library come from the jar, on any master, with no network. */
  @Test
  void theWebUiAssetsAndTheChartLibraryAnswerOnAnyMaster() throws Exception {
    leadership.set(new Follower(2));
    HttpResponse<String> app = get("/ui/app.js");
    assertThat(app.statusCode()).isEqualTo(200);
    assertThat(app.headers().firstValue("Content-Type").orElse("")).contains("javascript");
    assertThat(app.body()).contains("new EventStream(");
    HttpResponse<String> uplot = get("/webjars/uplot/1.6.30/dist/uPlot.esm.js");
    assertThat(uplot.statusCode()).isEqualTo(200);
    assertThat(uplot.body()).contains("export { uPlot as default }");
    assertThat(get("/ui/../index.html").statusCode()).isNotEqualTo(200);
    assertThat(get("/ui/").statusCode()).isEqualTo(404);
  }

  @Test
  void healthAnswersOnAnyMaster() throws Exception {
    leader.set(Optional.empty());
    for (String path : MasterRoutes.HEALTH) {
      assertThat(get(path).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void redirectPointsAtTheLeaderWithoutAPath() throws Exception {
    for (String path : MasterRoutes.REDIRECT) {
      leadership.set(new Follower(1));
      HttpResponse<String> toLeader = get(path);
      assertThat(toLeader.statusCode()).isEqualTo(307);
      assertThat(toLeader.headers().firstValue("Location")).hasValue("//" + LEADER);

      leadership.set(Leadership.initial().elected());
      assertThat(get(path).headers().firstValue("Location")).as("itself while recovering").hasValue("//" + SELF);
      leadership.set(leading());
      assertThat(get(path).headers().firstValue("Location")).as("itself while leading").hasValue("//" + SELF);

      leadership.set(new Follower(1));
      leader.set(Optional.empty());
      HttpResponse<String> none = get(path);
      assertThat(none.statusCode()).isEqualTo(503);
      assertThat(none.body()).isEqualTo("No leader elected");
      assertThat(none.headers().firstValue("Content-Type")).isEmpty();
      leader.set(Optional.of(LEADER));
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Ownership is not what these tests are about: the state is built here and read on the event loop. */
  private static final StateOwner ANYWHERE = () -> true;

  private Leadership.Leading leading() {
    return leading(vertx);
  }

  /** A leading value over an empty cluster; its registry is never written in these tests. */
  static Leadership.Leading leading(Vertx vertx) {
    Context context = vertx.getOrCreateContext();
    ClusterState state = new ClusterState(MasterInfo.newBuilder().setId("gate-test-master").setIp(0).setPort(5050)
        .build(), new DrfAllocator(new Random(1)), Clock.systemUTC(), new NoTimers(), ANYWHERE,
        Duration.ofMinutes(10), null);
    Registry registry = new Registry(CuratorFrameworkFactory.newClient("127.0.0.1:1", new RetryOneTime(1)), "/mezzo",
        context, new io.mezzo.master.spi.LeaderFence("/mezzo/leader-latch/none", why -> { }));
    OperatorState operator = new OperatorState(registry,
        new Registry.Versioned(RegistryRecords.Registry.getDefaultInstance(), Registry.Versioned.ABSENT),
        new DrfAllocator(new Random(1)), state);
    return Leadership.initial().elected().recovered(state, operator);
  }

  static final class NoTimers implements Timers {
    @Override
    public long schedule(Duration delay, Runnable action) {
      return 0;
    }

    @Override
    public void cancel(long timerId) {
    }
  }
}
