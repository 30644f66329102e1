package io.mezzo.master.webui;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An agent's files API ({@code /files/read}) over files held in memory, on its own port as a real
 * agent's; the page reads it through its master ({@link FakeUiBackend#agentFiles}, {@link #read}).
 */
final class FakeAgentFiles implements AutoCloseable {
  private final Map<String, StringBuilder> files = new ConcurrentHashMap<>();
  private final HttpServer server;

  FakeAgentFiles(Vertx vertx) throws Exception {
    Router router = Router.router(vertx);
    router.get("/files/read").handler(this::read);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Answers a {@code /files/read}: {offset, data}, 404 for a file it does not hold. */
  void read(RoutingContext ctx) {
    StringBuilder file = files.get(ctx.request().getParam("path"));
    if (file == null) {
      ctx.response().setStatusCode(404).end();
      return;
    }
    byte[] bytes;
    synchronized (file) {
      bytes = file.toString().getBytes(StandardCharsets.UTF_8);
    }
    long offset = Long.parseLong(ctx.request().getParam("offset"));
    long length = Long.parseLong(ctx.request().getParam("length"));
    offset = offset == -1 ? bytes.length : Math.min(offset, bytes.length);
    int end = (int) Math.min(bytes.length, offset + (length == -1 ? bytes.length : length));
    ctx.json(new JsonObject().put("offset", offset)
        .put("data", new String(bytes, (int) offset, end - (int) offset, StandardCharsets.UTF_8)));
  }

  int port() {
    return server.actualPort();
  }

  void append(String path, String text) {
    StringBuilder file = files.computeIfAbsent(path, p -> new StringBuilder());
    synchronized (file) {
      file.append(text);
    }
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
