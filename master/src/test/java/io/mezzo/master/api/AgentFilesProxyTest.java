package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.auth.BasicAuthenticator;
import io.mezzo.master.auth.Credentials;
import io.mezzo.master.auth.HttpAuthentication;
import io.mezzo.master.auth.HttpAuthentication.Realm;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The web UI's sandbox reads through the master ({@link AgentFilesProxy}): a real master with HTTP
 * Basic on, and a stand-in for an agent's files API on loopback that records what reached it.
 */
class AgentFilesProxyTest {
  private static final String OPS = "Basic " + Base64.getEncoder().encodeToString(
      "ops:ops-secret".getBytes(StandardCharsets.UTF_8));
  private final Vertx vertx = Vertx.vertx();
  /** What the agent was asked: path?query and the Authorization it got. */
  private final List<String> asked = new CopyOnWriteArrayList<>();
  private HttpServer agentFiles;
  private MasterFixture fixture;
  private FakeAgent agent;

  @BeforeEach
  void start() throws Exception {
    agentFiles = vertx.createHttpServer().requestHandler(request -> {
      asked.add(request.uri() + " " + request.getHeader("Authorization"));
      String path = request.getParam("path");
      if ("/secret".equals(path)) {
        request.response().setStatusCode(403).end("Not authorized to access_sandboxes");
      } else if (request.path().equals("/files/download")) {
        request.response().putHeader("Content-Type", "application/octet-stream")
            .putHeader("Content-Disposition", "attachment; filename=stdout").putHeader("X-Agent-Only", "1")
            .end("every byte of stdout\n".repeat(10_000));
      } else {
        request.response().putHeader("Content-Type", "application/json").end("{\"data\":\"hello\",\"offset\":0}");
      }
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Credentials credentials = Credentials.of(Map.of("ops", "ops-secret"));
    fixture = new MasterFixture(config -> config.authentication(
        HttpAuthentication.of(new BasicAuthenticator(credentials), EnumSet.allOf(Realm.class)), "/etc/creds.json"));
    agent = FakeAgent.register(fixture.http, fixture.url(), null, agentFiles.actualPort(),
        MasterFixture.scalar("cpus", 1));
  }

  @AfterEach
  void stop() throws Exception {
    agent.close();
    fixture.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aReadReachesTheAgentWithTheCallersCredentialsAndItsAnswerComesBack() throws Exception {
    HttpResponse<String> read = get("/agents/" + agent.id() + "/files/read?path=%2Fsandbox%2Fstdout&offset=0&length=5",
        OPS);
    assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
    assertThat(read.body()).isEqualTo("{\"data\":\"hello\",\"offset\":0}");
    assertThat(read.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(asked).containsExactly("/files/read?path=%2Fsandbox%2Fstdout&offset=0&length=5 " + OPS);
  }

  @Test
  void aDownloadStreamsWithItsDispositionAndNothingElseOfTheAgents() throws Exception {
    HttpResponse<String> download = get("/agents/" + agent.id() + "/files/download?path=%2Fsandbox%2Fstdout", OPS);
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.body()).hasSize("every byte of stdout\n".length() * 10_000);
    assertThat(download.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=stdout");
    assertThat(download.headers().firstValue("X-Agent-Only")).isEmpty();
  }

  @Test
  void theAgentsRefusalIsTheCallersAnswer() throws Exception {
    HttpResponse<String> refused = get("/agents/" + agent.id() + "/files/browse?path=%2Fsecret", OPS);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).isEqualTo("Not authorized to access_sandboxes");
  }

  @Test
  void withoutCredentialsTheMasterRefusesAndTheAgentIsNotAsked() throws Exception {
    assertThat(get("/agents/" + agent.id() + "/files/read?path=%2Fx", null).statusCode()).isEqualTo(401);
    assertThat(get("/agents/" + agent.id() + "/files/read?path=%2Fx", "Basic b3BzOndyb25n").statusCode())
        .isEqualTo(401);
    assertThat(asked).isEmpty();
  }

  @Test
  void anUnknownOrMalformedAgentIdIsRefusedAndNothingIsAsked() throws Exception {
    HttpResponse<String> unknown = get("/agents/no-such-agent/files/read?path=%2Fx", OPS);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("No agent 'no-such-agent' is registered");
    HttpResponse<String> control = get("/agents/a%01b/files/read?path=%2Fx", OPS);
    assertThat(control.statusCode()).as(control.body()).isEqualTo(400);
    assertThat(get("/agents/" + agent.id() + "/files/debug?path=%2Fx", OPS).statusCode())
        .as("only read, browse and download pass").isEqualTo(404);
    assertThat(asked).isEmpty();
  }

  @Test
  void anAgentThatDoesNotAnswerIsA502NamingIt() throws Exception {
    agentFiles.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    HttpResponse<String> gone = get("/agents/" + agent.id() + "/files/read?path=%2Fx", OPS);
    assertThat(gone.statusCode()).isEqualTo(502);
    assertThat(gone.body()).contains("Agent " + agent.id() + " at http://127.0.0.1:" + agentFiles.actualPort()
        + " did not answer");
  }

  private HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fixture.url() + path));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return fixture.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
