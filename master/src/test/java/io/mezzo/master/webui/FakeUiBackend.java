package io.mezzo.master.webui;

import io.mezzo.master.api.MastersEndpoint;
import io.mezzo.master.spi.LeaderElection.Participant;
import io.mezzo.protocol.JsonCodec;
import io.vertx.core.Future;
import io.mezzo.protocol.RecordIO;
import io.mezzo.v1.master.Protos.Event;
import io.mezzo.v1.master.Protos.Response;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A stand-in for a leading master, for the web UI's browser tests: it serves the real UI from the
 * classpath as the master does, answers the operator calls the UI makes with canned protobuf
 * messages printed by the project's JSON codec, and holds the UI's SUBSCRIBE streams so the test
 * can push events, drop the streams, and refuse new ones.
 */
final class FakeUiBackend implements AutoCloseable {
  private final Vertx vertx;
  private final HttpServer server;
  private final AtomicReference<Response.GetState> state;
  private final List<Event> history;
  private final List<HttpServerResponse> streams = new CopyOnWriteArrayList<>();
  private final AtomicBoolean refusing = new AtomicBoolean();
  private final AtomicInteger subscriptions = new AtomicInteger();
  private volatile Response.GetMaster master = Response.GetMaster.getDefaultInstance();
  private volatile Response.GetRoles roles = Response.GetRoles.getDefaultInstance();
  private volatile JsonArray whyNot = new JsonArray();
  private volatile MastersEndpoint.State masterState = MastersEndpoint.State.LEADING;
  /** What /agents/<id>/files/read answers, per agent id. */
  private final Map<String, Handler<RoutingContext>> agentFiles = new java.util.concurrent.ConcurrentHashMap<>();
  /** The election's participants /masters lists; empty means this master alone, leading. */
  private volatile List<Participant> participants = List.of();

  FakeUiBackend(Vertx vertx, Response.GetState state, List<Event> history) throws Exception {
    this.vertx = vertx;
    this.state = new AtomicReference<>(state);
    this.history = new CopyOnWriteArrayList<>(history);
    Router router = Router.router(vertx);
    router.get("/").handler(ctx -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
        .sendFile("webui/index.html"));
    router.get("/ui/*").handler(StaticHandler.create("webui/ui"));
    router.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
    router.get("/health").handler(ctx -> ctx.response().end());
    // The master's pass-through to an agent's files API, to the agents' files the test gives.
    router.get("/agents/:agent_id/files/read").handler(ctx -> {
      Handler<RoutingContext> files = agentFiles.get(ctx.pathParam("agent_id"));
      if (files == null) {
        ctx.response().setStatusCode(404).end("No agent '" + ctx.pathParam("agent_id") + "' is registered");
      } else {
        files.handle(ctx);
      }
    });
    // The real endpoint, CORS included, over participants the test sets.
    router.get("/masters").handler(new MastersEndpoint(() -> Future.succeededFuture(participants.isEmpty()
        ? List.of(new Participant(address(), true)) : participants), this::address, () -> masterState));
    router.get("/api/v1/explain").handler(ctx -> ctx.json(new JsonObject()
        .put("framework_id", ctx.request().getParam("framework_id")).put("why_not", whyNot)));
    router.post("/api/v1").handler(BodyHandler.create()).handler(ctx -> {
      String type = ctx.body().asJsonObject().getString("type");
      switch (type) {
        case "SUBSCRIBE" -> subscribe(ctx.response());
        case "GET_MASTER" -> respond(ctx.response(), Response.newBuilder().setType(Response.Type.GET_MASTER)
            .setGetMaster(master).build());
        case "GET_ROLES" -> respond(ctx.response(), Response.newBuilder().setType(Response.Type.GET_ROLES)
            .setGetRoles(roles).build());
        case "GET_STATE" -> respond(ctx.response(), Response.newBuilder().setType(Response.Type.GET_STATE)
            .setGetState(this.state.get()).build());
        default -> ctx.response().setStatusCode(501).end(type + " is not supported by this fake");
      }
    });
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  int port() {
    return server.actualPort();
  }

  /** This fake's address as the browser's origin names it. */
  String address() {
    return "localhost:" + port();
  }

  /** Who the election lists, for /masters. */
  void participants(Participant... list) {
    participants = List.of(list);
  }

  /** What this master says it is on /masters. */
  void masterState(MastersEndpoint.State state) {
    masterState = state;
  }

  String url(String hash) {
    return "http://localhost:" + port() + "/" + hash;
  }

  void master(Response.GetMaster master) {
    this.master = master;
  }

  void roles(Response.GetRoles roles) {
    this.roles = roles;
  }

  void whyNot(JsonArray whyNot) {
    this.whyNot = whyNot;
  }

  /** What the next subscriber gets in SUBSCRIBED. */
  void state(Response.GetState next) {
    state.set(next);
  }

  /** Sends an event on every open stream (and keeps it in the history a new subscriber gets). */
  void push(Event event) {
    if (event.hasOfferEvent()) {
      history.add(event);
    }
    Buffer record = record(event);
    for (HttpServerResponse stream : streams) {
      stream.write(record);
    }
  }

  /** Closes every open stream's connection, as a master that goes away does. */
  void dropStreams() {
    for (HttpServerResponse stream : streams) {
      stream.reset();
    }
    streams.clear();
  }

  /** While refusing, a SUBSCRIBE gets 503, as a master still recovering answers. */
  void refuseSubscribes(boolean refuse) {
    refusing.set(refuse);
  }

  int subscriptions() {
    return subscriptions.get();
  }

  int openStreams() {
    return streams.size();
  }

  private void subscribe(HttpServerResponse response) {
    if (refusing.get()) {
      response.setStatusCode(503).end("Master has not finished recovery");
      return;
    }
    if (masterState != MastersEndpoint.State.LEADING) {
      response.setStatusCode(503).end("No leader elected");
      return;
    }
    subscriptions.incrementAndGet();
    response.setChunked(true).putHeader("Content-Type", "application/json");
    response.write(record(Event.newBuilder().setType(Event.Type.SUBSCRIBED).setSubscribed(Event.Subscribed
        .newBuilder().setGetState(state.get()).setHeartbeatIntervalSeconds(15)).build()));
    for (Event event : history) {
      response.write(record(event));
    }
    streams.add(response);
    response.closeHandler(v -> streams.remove(response));
  }

  private static Buffer record(Event event) {
    return Buffer.buffer(RecordIO.encode(JsonCodec.print(event).getBytes(StandardCharsets.UTF_8)));
  }

  private static void respond(HttpServerResponse response, Response message) {
    response.putHeader("Content-Type", "application/json").end(JsonCodec.print(message));
  }

  /** Serves agent {@code agentId}'s files API through {@code /agents/<id>/files/read}, as the master passes it on. */
  void agentFiles(String agentId, Handler<RoutingContext> files) {
    agentFiles.put(agentId, files);
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
