package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.state.CallRejected;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The router's failure handler: a CallRejected becomes its status and message; anything else stays Vert.x's. */
class RejectionHandlerTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private Vertx vertx;
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.route("/thrown/:status").handler(ctx -> {
      throw new CallRejected(Integer.parseInt(ctx.pathParam("status")), "refused with " + ctx.pathParam("status"));
    });
    router.route("/later").handler(ctx ->
        vertx.setTimer(1, id -> ctx.fail(new CallRejected(409, "refused later, from a future"))));
    router.route("/bug").handler(ctx -> {
      throw new IllegalStateException("a bug");
    });
    router.route("/status").handler(ctx -> ctx.fail(413));
    router.route("/bare").handler(ctx -> {
      throw new CallRejected(503, "No leader elected");
    }).failureHandler(RejectionHandler.BARE);
    router.route().failureHandler(RejectionHandler.PLAIN_TEXT);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 403, 404, 405, 406, 409, 415, 500, 501, 503})
  void aRejectionIsAnsweredWithItsStatusAndMessageAsPlainText(int status) throws Exception {
    HttpResponse<String> response = get("/thrown/" + status);

    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.body()).isEqualTo("refused with " + status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
  }

  @Test
  void aRejectionFromAFutureIsAnsweredTheSameWay() throws Exception {
    HttpResponse<String> response = get("/later");

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.body()).isEqualTo("refused later, from a future");
  }

  @Test
  void theBareVariantAnswersWithoutContentType() throws Exception {
    HttpResponse<String> response = get("/bare");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).isEqualTo("No leader elected");
    assertThat(response.headers().firstValue("Content-Type")).isEmpty();
  }

  @Test
  void otherFailuresKeepVertxsAnswers() throws Exception {
    HttpResponse<String> bug = get("/bug");
    assertThat(bug.statusCode()).isEqualTo(500);
    assertThat(bug.body()).isEqualTo("Internal Server Error").doesNotContain("a bug");

    HttpResponse<String> tooLarge = get("/status");
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(tooLarge.body()).isEqualTo("Request Entity Too Large");
  }
}
