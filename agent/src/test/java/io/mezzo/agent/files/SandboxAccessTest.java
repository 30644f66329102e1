package io.mezzo.agent.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.agent.http.AgentHttpServer;
import io.mezzo.agent.http.AgentSecurity;
import io.mezzo.agent.http.HttpLimits;
import io.mezzo.agent.operator.AgentOperatorApi;
import io.mezzo.agent.operator.AgentSnapshot;
import io.mezzo.agent.sandbox.SandboxLayout;
import io.mezzo.agent.support.Timers;
import io.mezzo.node.auth.Acls;
import io.mezzo.node.auth.Credentials;
import io.mezzo.protocol.Codec;
import io.mezzo.testkit.TestVertx;
import io.mezzo.v1.agent.Protos.Call;
import io.mezzo.v1.agent.Protos.Response;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's read-only endpoints behind HTTP Basic, and {@code access_sandboxes} on the files API
 * and the operator API's LIST_FILES and READ_FILE, on a real agent HTTP server with the example
 * ACL of docs/security.md. Sandboxes: {@code fw-1} is principal fw's (run as root), {@code fw-2}
 * other's (root), {@code fw-3} other's (run as nobody), {@code fw-9} nobody's the agent knows.
 */
class SandboxAccessTest {
  /** The example ACL of docs/security.md's "Sandbox access", read from there, so the page shows what this test checks. */
  private static final String ACLS = documentedAcls();
  private static final Credentials CREDENTIALS =
      Credentials.of(Map.of("fw", "fw-secret", "other", "other-secret", "ops", "ops-secret"));
  private static final String FW = basic("fw", "fw-secret");
  private static final String OPS = basic("ops", "ops-secret");
  private static final Map<String, SandboxOwner> OWNERS = Map.of(
      "fw-1", owner("fw", "root"), "fw-2", owner("other", "root"), "fw-3", owner("other", "nobody"));

  @RegisterExtension
  final TestVertx vertxes = new TestVertx();
  @TempDir
  Path root;

  private final HttpClient http = HttpClient.newHttpClient();
  private Path workDir;
  private AgentHttpServer server;
  private int port;

  @BeforeEach
  void sandboxes() throws Exception {
    workDir = root.resolve("work");
    SandboxLayout layout = new SandboxLayout(workDir);
    for (String n : new String[] {"1", "2", "3", "9"}) {
      Files.writeString(layout.createRun("fw-" + n, "task-" + n, "run-" + n).resolve("stdout"), "log of fw-" + n + "\n");
    }
    Files.writeString(workDir.resolve("agent-secret"), "secret");
    Path mine = layout.runDir("fw-1", "task-1", "run-1");
    Files.createSymbolicLink(mine.resolve("peek"), layout.runDir("fw-2", "task-2", "run-2"));
    Files.createSymbolicLink(mine.resolve("escape"), workDir.resolve("agent-secret"));
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void withoutCredentialsOrWithWrongOnesEveryReadIs401WithTheChallengeAndHealthStaysOpen() throws Exception {
    start(AgentSecurity.of(CREDENTIALS, "creds.json", true, Acls.parse(ACLS), ACLS));
    String stdout = sandbox(1) + "/stdout";
    for (String auth : new String[] {null, basic("fw", "wrong"), basic("nobody", "fw-secret"), "Bearer x"}) {
      for (String path : new String[] {"/files/read?path=" + q(stdout) + "&offset=0", "/files/browse?path=" + q(sandbox(1)),
          "/files/download?path=" + q(stdout), "/state", "/metrics/snapshot"}) {
        HttpResponse<String> response = get(path, auth);
        assertThat(response.statusCode()).as(path + " with " + auth).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).as(path).contains("Basic realm=\"mesos\"");
        assertThat(response.body()).doesNotContain("log of");
      }
      HttpResponse<String> operator = operator(listFiles(sandbox(1)), auth);
      assertThat(operator.statusCode()).isEqualTo(401);
      assertThat(operator.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"mesos\"");
    }
    assertThat(get("/health", null).statusCode()).isEqualTo(200);
    assertThat(get("/state", FW).statusCode()).isEqualTo(200);
  }

  @Test
  void aPrincipalReadsItsOwnFrameworksSandboxButNotAnotherPrincipals() throws Exception {
    start(AgentSecurity.of(CREDENTIALS, "creds.json", true, Acls.parse(ACLS), ACLS));

    assertThat(read(sandbox(1) + "/stdout", FW)).satisfies(ok("log of fw-1"));
    assertThat(get("/files/browse?path=" + q(sandbox(1)), FW)).satisfies(ok("/stdout"));
    assertThat(get("/files/download?path=" + q(sandbox(1) + "/stdout"), FW)).satisfies(ok("log of fw-1"));

    assertThat(read(sandbox(2) + "/stdout", FW)).satisfies(forbidden("principal 'fw'"));
    assertThat(get("/files/browse?path=" + q(sandbox(2)), FW)).satisfies(forbidden("framework 'fw-2'"));
    assertThat(get("/files/download?path=" + q(sandbox(2) + "/stdout"), FW)).satisfies(forbidden("task-2"));
    assertThat(read(sandbox(2) + "/no-such-file", FW)).as("refused before it is looked up: no 404")
        .satisfies(forbidden("fw-2"));
    assertThat(get("/files/browse?path=" + q("/frameworks/fw-2"), FW)).as("the framework's directory")
        .satisfies(forbidden("framework 'fw-2'"));
    assertThat(get("/files/browse?path=" + q("/frameworks"), FW)).as("only framework ids").satisfies(ok("fw-2"));
    assertThat(read(sandbox(9) + "/stdout", FW)).as("an owner the agent does not know").satisfies(forbidden("fw-9"));
  }

  @Test
  void accessSandboxesRulesLetOthersRead() throws Exception {
    start(AgentSecurity.of(CREDENTIALS, "creds.json", true, Acls.parse(ACLS), ACLS));

    assertThat(read(sandbox(3) + "/stdout", FW)).as("run as nobody, which any principal may read")
        .satisfies(ok("log of fw-3"));
    assertThat(read(sandbox(2) + "/stdout", OPS)).satisfies(ok("log of fw-2"));
    assertThat(read(sandbox(9) + "/stdout", OPS)).as("users ANY covers an unknown owner").satisfies(ok("log of fw-9"));
    assertThat(read(sandbox(1) + "/stdout", basic("other", "other-secret"))).satisfies(forbidden("principal 'other'"));
  }

  @Test
  void pathsThatLeaveASandboxAreCheckedWhereTheyLead() throws Exception {
    start(AgentSecurity.of(CREDENTIALS, "creds.json", true, Acls.parse(ACLS), ACLS));

    assertThat(read(sandbox(1) + "/../../../../../fw-2/executors/task-2/runs/latest/stdout", FW)).as("..")
        .satisfies(forbidden("fw-2"));
    assertThat(get("/files/read?path=" + sandbox(1).replace("/", "%2F") + "%2F..%2F..%2F..%2F..%2F..%2Ffw-2%2Fexecutors"
        + "%2Ftask-2%2Fruns%2Flatest%2Fstdout", FW)).as("encoded ..").satisfies(forbidden("fw-2"));
    assertThat(read(sandbox(1) + "/peek/stdout", FW)).as("a link into another's sandbox").satisfies(forbidden("fw-2"));
    assertThat(read(sandbox(1) + "/peek/stdout", OPS)).satisfies(ok("log of fw-2"));
    assertThat(read("/frameworks/../agent-secret", OPS)).satisfies(status(403, "outside the sandboxes"));
    assertThat(read(sandbox(1) + "/escape", OPS)).satisfies(status(403, "outside the sandboxes"));
    assertThat(read(workDir.resolve("agent-secret").toString(), OPS)).as("absolute").satisfies(status(403, "outside"));
  }

  @Test
  void listFilesAndReadFileFollowTheSameRule() throws Exception {
    start(AgentSecurity.of(CREDENTIALS, "creds.json", true, Acls.parse(ACLS), ACLS));

    HttpResponse<String> listed = operator(listFiles(sandbox(1)), FW);
    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(Codec.JSON.decode(listed.body().getBytes(StandardCharsets.UTF_8), Response.getDefaultInstance())
        .getListFiles().getFileInfosList()).extracting(info -> info.getPath()).contains(sandbox(1) + "/stdout");
    HttpResponse<String> read = operator(readFile(sandbox(1) + "/stdout"), FW);
    assertThat(Codec.JSON.decode(read.body().getBytes(StandardCharsets.UTF_8), Response.getDefaultInstance())
        .getReadFile().getData().toStringUtf8()).isEqualTo("log of fw-1\n");

    assertThat(operator(listFiles(sandbox(2)), FW)).satisfies(forbidden("access_sandboxes"));
    assertThat(operator(readFile(sandbox(2) + "/stdout"), FW)).satisfies(forbidden("fw-2"));
    assertThat(operator(readFile(sandbox(2) + "/stdout"), OPS).statusCode()).isEqualTo(200);
  }

  @Test
  void withoutAclsEveryAuthenticatedCallerReadsEverySandboxAsMesos() throws Exception {
    start(AgentSecurity.of(CREDENTIALS, "creds.json", true, null, null));
    assertThat(read(sandbox(2) + "/stdout", FW)).satisfies(ok("log of fw-2"));
    assertThat(read(sandbox(2) + "/stdout", null).statusCode()).isEqualTo(401);
    assertThat(read(sandbox(1) + "/escape", FW)).satisfies(status(403, "outside the sandboxes"));
  }

  @Test
  void aclsWithoutAuthenticationJudgeEveryCallerAsAnUnauthenticatedOne() throws Exception {
    start(AgentSecurity.of(null, null, false, Acls.parse(ACLS), ACLS));
    assertThat(read(sandbox(3) + "/stdout", null)).as("the ANY-principal rule").satisfies(ok("log of fw-3"));
    assertThat(read(sandbox(1) + "/stdout", null)).satisfies(forbidden("an unauthenticated caller"));
    assertThat(read(sandbox(1) + "/stdout", FW)).as("credentials prove nothing when not checked")
        .satisfies(forbidden("an unauthenticated caller"));
  }

  private void start(AgentSecurity security) throws Exception {
    Vertx vertx = vertxes.vertx();
    FilesHandler files = new FilesHandler(vertx, new FilesRoot(workDir)).access(SandboxAccess.of(security.acls(),
        sandbox -> Future.succeededFuture(Optional.ofNullable(OWNERS.get(sandbox.frameworkId())))));
    AgentOperatorApi operatorApi = new AgentOperatorApi(vertx, new AgentOperatorApi.Source() {
      @Override
      public Future<AgentSnapshot> snapshot() {
        return Future.failedFuture(new IllegalStateException("not in this test"));
      }

      @Override
      public Map<String, String> flags() {
        return Map.of();
      }

      @Override
      public String version() {
        return "test";
      }

      @Override
      public Future<Map<String, Double>> metrics() {
        return Future.succeededFuture(Map.of());
      }
    }, files);
    server = new AgentHttpServer(vertx, "127.0.0.1", 0, files, null, operatorApi,
        caller -> Future.succeededFuture(new JsonObject().put("id", "agent-1")), HttpLimits.defaults(), Timers.vertx(vertx),
        new io.mezzo.agent.metrics.AgentMetrics(new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT), java.time.Clock.systemUTC(),
            vertx.getOrCreateContext(), () -> null)).security(security);
    port = server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String sandbox(int n) {
    return SandboxLayout.virtualLatestPath("fw-" + n, "task-" + n);
  }

  private HttpResponse<String> read(String path, String auth) throws Exception {
    return get("/files/read?offset=0&path=" + q(path), auth);
  }

  private HttpResponse<String> get(String pathAndQuery, String auth) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).GET();
    if (auth != null) {
      request.header("Authorization", auth);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> operator(Call call, String auth) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1"))
        .header("Content-Type", "application/json").header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Codec.JSON.encode(call)));
    if (auth != null) {
      request.header("Authorization", auth);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Call listFiles(String path) {
    return Call.newBuilder().setType(Call.Type.LIST_FILES).setListFiles(Call.ListFiles.newBuilder().setPath(path)).build();
  }

  private static Call readFile(String path) {
    return Call.newBuilder().setType(Call.Type.READ_FILE)
        .setReadFile(Call.ReadFile.newBuilder().setPath(path).setOffset(0)).build();
  }

  private static java.util.function.Consumer<HttpResponse<String>> ok(String content) {
    return response -> {
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body()).contains(content);
    };
  }

  private static java.util.function.Consumer<HttpResponse<String>> forbidden(String detail) {
    return response -> {
      assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
      assertThat(response.body()).contains("access_sandboxes").contains(detail).doesNotContain("log of");
    };
  }

  private static java.util.function.Consumer<HttpResponse<String>> status(int status, String detail) {
    return response -> {
      assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
      assertThat(response.body()).contains(detail);
    };
  }

  private static SandboxOwner owner(String principal, String user) {
    return new SandboxOwner(Optional.of(principal), Optional.of(user));
  }

  private static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String basic(String principal, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString((principal + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  static String documentedAcls() {
    try {
      String text = Files.readString(Path.of("..", "docs", "security.md").toAbsolutePath().normalize());
      int section = text.indexOf("### Sandbox access");
      int start = text.indexOf("```json\n", section) + "```json\n".length();
      return text.substring(start, text.indexOf("```", start));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
