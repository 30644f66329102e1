package io.mezzo.cli.views;

import io.mezzo.protocol.JsonCodec;
import io.mezzo.protocol.RecordIO;
import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.master.Protos.Event;
import io.mezzo.v1.master.Protos.Response;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A master's operator API and an agent's files API in one real HTTP server on port 0: answers
 * the GET_* calls (in JSON, as the CLI asks) with the responses a test sets, streams RecordIO
 * events to SUBSCRIBE callers when the test emits them, and serves {@code /files/read} from
 * files the test writes to. Every call's type is recorded.
 */
final class FakeOperatorApi implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final Map<Call.Type, Supplier<Response>> answers = new ConcurrentHashMap<>();
  private final Map<String, StringBuffer> files = new ConcurrentHashMap<>();
  private final List<HttpServerResponse> streams = new CopyOnWriteArrayList<>();
  private volatile Event subscribed = Event.newBuilder().setType(Event.Type.SUBSCRIBED).build();
  private volatile List<Event> history = List.of();
  final List<Call.Type> calls = new CopyOnWriteArrayList<>();

  FakeOperatorApi() throws Exception {
    server = await(vertx.createHttpServer().requestHandler(this::handle).listen(0));
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  int port() {
    return server.actualPort();
  }

  void answer(Call.Type type, Response response) {
    answers.put(type, () -> response);
  }

  /** Answers each call of this type with what the supplier gives then (it runs on the server's thread). */
  void answer(Call.Type type, Supplier<Response> response) {
    answers.put(type, response);
  }

  /** The event a SUBSCRIBE caller gets first. */
  void subscribed(Response.GetState state) {
    subscribed = Event.newBuilder().setType(Event.Type.SUBSCRIBED)
        .setSubscribed(Event.Subscribed.newBuilder().setGetState(state).setHeartbeatIntervalSeconds(15)).build();
  }

  /** The offer events a SUBSCRIBE caller gets right after SUBSCRIBED, before the first HEARTBEAT, as from a master. */
  void history(List<Event> events) {
    history = List.copyOf(events);
  }

  /** A file in the agent's sandbox namespace, to append to while a test runs. */
  StringBuffer file(String path) {
    return files.computeIfAbsent(path, p -> new StringBuffer());
  }

  int subscribers() {
    return streams.size();
  }

  /** Sends the event to every open stream. */
  void emit(Event event) {
    Buffer record = record(event);
    streams.forEach(stream -> stream.write(record));
  }

  /** Ends every open stream, as a master that steps down does. */
  void endStreams() {
    streams.forEach(HttpServerResponse::end);
    streams.clear();
  }

  private void handle(HttpServerRequest request) {
    if (request.path().equals("/files/read")) {
      readFile(request);
      return;
    }
    if (!request.path().equals("/api/v1") || request.method().name().equals("GET")) {
      request.response().setStatusCode(404).end();
      return;
    }
    if (!"application/json".equals(request.getHeader("Content-Type"))
        || !"application/json".equals(request.getHeader("Accept"))) {
      request.response().setStatusCode(415).end("The views speak JSON");
      return;
    }
    request.body().onSuccess(body -> {
      Call call = JsonCodec.parse(body.toString(StandardCharsets.UTF_8), Call.getDefaultInstance());
      calls.add(call.getType());
      if (call.getType() == Call.Type.SUBSCRIBE) {
        HttpServerResponse response = request.response().setChunked(true).putHeader("Content-Type", "application/json");
        response.write(record(subscribed));
        history.forEach(event -> response.write(record(event)));
        response.write(record(Event.newBuilder().setType(Event.Type.HEARTBEAT).build()));
        streams.add(response);
        return;
      }
      Supplier<Response> answer = answers.get(call.getType());
      if (answer == null) {
        request.response().setStatusCode(501).end("No answer set for " + call.getType());
        return;
      }
      request.response().putHeader("Content-Type", "application/json").end(JsonCodec.print(answer.get()));
    });
  }

  private void readFile(HttpServerRequest request) {
    StringBuffer file = files.get(request.getParam("path"));
    if (file == null) {
      request.response().setStatusCode(404).end("No such file");
      return;
    }
    byte[] bytes = file.toString().getBytes(StandardCharsets.UTF_8);
    long offset = Long.parseLong(request.getParam("offset"));
    long length = Long.parseLong(request.getParam("length"));
    if (offset == -1) {
      offset = bytes.length;
    }
    int from = (int) Math.min(offset, bytes.length);
    int to = (int) Math.min(bytes.length, from + (length < 0 ? bytes.length : length));
    request.response().end(new JsonObject().put("offset", from)
        .put("data", new String(bytes, from, to - from, StandardCharsets.UTF_8)).encode());
  }

  private static Buffer record(Event event) {
    return Buffer.buffer(RecordIO.encode(JsonCodec.print(event).getBytes(StandardCharsets.UTF_8)));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    await(vertx.close());
  }
}
