package io.mezzo.agent.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.agent.http.AgentHttpServer;
import io.mezzo.agent.sandbox.SandboxLayout;
import io.mezzo.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FilesApiTest {
  private static final String MASTER_ORIGIN = "http://127.0.0.1:5050";
  @RegisterExtension
  static final TestVertx vertxes = new TestVertx();
  private static final String SECRET = "top-secret-content";
  private static final String SANDBOX = "/frameworks/fw-1/executors/task-1/runs/latest";

  @TempDir
  static Path root;

  private static Path workDir;
  private static Vertx vertx;
  private static AgentHttpServer server;
  private static int port;
  private static ServerSocketChannel socket;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    workDir = root.resolve("work");
    Path run = new SandboxLayout(workDir).createRun("fw-1", "task-1", "run-1");
    Files.writeString(run.resolve("stdout"), "hello world\n");
    Files.createDirectories(run.resolve("sub"));
    // Secrets next to the sandboxes and outside the work dir.
    Files.writeString(workDir.resolve("agent-secret"), SECRET);
    Files.createDirectories(workDir.resolve("frameworks-evil"));
    Files.writeString(workDir.resolve("frameworks-evil/secret"), SECRET);
    Files.writeString(root.resolve("outside-secret"), SECRET);
    Files.createSymbolicLink(run.resolve("escape"), root.resolve("outside-secret"));
    Files.createSymbolicLink(run.resolve("escape-dir"), workDir.resolve("frameworks-evil"));
    // Files that are not regular files: opening the FIFO would block until someone writes to it.
    Process mkfifo = new ProcessBuilder("mkfifo", run.resolve("fifo").toString()).start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).as("mkfifo").isTrue();
    Files.createSymbolicLink(run.resolve("to-fifo"), run.resolve("fifo"));
    socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    socket.bind(UnixDomainSocketAddress.of(run.resolve("socket")));
    Files.createSymbolicLink(run.resolve("zero"), Path.of("/dev/zero"));
    // What a task can make of its own sandbox: a link to itself (ELOOP).
    Files.createSymbolicLink(run.resolve("loop"), run.resolve("loop"));

    vertx = vertxes.vertx();
    server = new AgentHttpServer(vertx, "127.0.0.1", 0,
        new FilesHandler(vertx, new FilesRoot(workDir)).allowOrigins(MASTER_ORIGIN::equals),
        () -> Future.succeededFuture(new JsonObject().put("id", "agent-1")));
    port = server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    socket.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"fifo", "to-fifo", "socket"})
  void readsAndDownloadsOnlyRegularFiles(String name) throws Exception {
    for (String endpoint : new String[] {"read", "download"}) {
      HttpResponse<String> response = getWithin("/files/" + endpoint + "?path=" + SANDBOX + "/" + name + "&offset=0",
          Duration.ofSeconds(5));

      assertThat(response.statusCode()).as("%s %s", endpoint, name).isEqualTo(400);
      assertThat(response.body()).contains("is not a regular file");
    }
  }

  @Test
  void aLinkToADeviceIsRefused() throws Exception {
    for (String endpoint : new String[] {"read", "download"}) {
      HttpResponse<String> response = getWithin("/files/" + endpoint + "?path=" + SANDBOX + "/zero&offset=0",
          Duration.ofSeconds(5));

      assertThat(response.statusCode()).as(endpoint).isBetween(400, 499);
    }
  }

  @Test
  void onlyTheAllowedOriginMayReadFromABrowser() throws Exception {
    for (String endpoint : new String[] {"browse", "read"}) {
      String path = "/files/" + endpoint + "?path=" + SANDBOX + (endpoint.equals("read") ? "/fifo&offset=0" : "");
      HttpResponse<String> master = http.send(HttpRequest.newBuilder(URI.create(base() + path))
          .header("Origin", MASTER_ORIGIN).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create(base() + path))
          .header("Origin", "http://evil.example:80").timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(master.headers().firstValue("Access-Control-Allow-Origin")).as(endpoint).contains(MASTER_ORIGIN);
      assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).as(endpoint).isEmpty();
    }
  }

  @Test
  void browseStillListsWhatIsNotARegularFile() throws Exception {
    HttpResponse<String> response = getWithin("/files/browse?path=" + SANDBOX, Duration.ofSeconds(5));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains(SANDBOX + "/fifo", SANDBOX + "/socket");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/frameworks/../agent-secret",
      "/frameworks/%2e%2e/agent-secret",
      "/frameworks/%2E%2E/frameworks-evil/secret",
      "%2Fframeworks%2F..%2F..%2Foutside-secret",
      "/frameworks/fw-1/../../frameworks-evil/secret",
      "/frameworks/fw-1/executors/task-1/runs/latest/../../../../../../outside-secret",
      "/frameworks-evil/secret",
      "frameworks-evil/secret",
      "/agent-secret",
      "../outside-secret",
      "/../outside-secret",
      "//etc/passwd",
      "/etc/passwd",
      "/frameworks/fw-1/executors/task-1/runs/latest/escape",
      "/frameworks/fw-1/executors/task-1/runs/latest/escape-dir/secret",
      "/frameworks/fw-1/executors/task-1/runs/latest/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/agent-secret",
  })
  void refusesEveryPathOutsideTheSandboxes(String path) throws Exception {
    for (String endpoint : new String[] {"read", "download", "browse"}) {
      HttpResponse<String> response = get("/files/" + endpoint + "?path=" + path + "&offset=0");

      assertThat(response.statusCode()).as("%s %s", endpoint, path).isIn(403, 404);
      assertThat(response.body()).doesNotContain(SECRET);
    }
  }

  @Test
  void anAbsoluteHostPathIsReadAsAVirtualPathAndRefused() throws Exception {
    String absolute = workDir.resolve("frameworks-evil/secret").toString();

    HttpResponse<String> response = get("/files/read?path=" + absolute + "&offset=0");

    assertThat(response.statusCode()).isIn(403, 404);
    assertThat(response.body()).doesNotContain(SECRET);
  }

  @Test
  void aLinkLoopAndAPathBelowAFileAre404NotAServerError() throws Exception {
    for (String path : new String[] {"loop", "loop/x", "stdout/x"}) {
      for (String endpoint : new String[] {"read", "download", "browse"}) {
        HttpResponse<String> response = get("/files/" + endpoint + "?path=/frameworks/fw-1/executors/task-1/runs/latest/"
            + path + "&offset=0");

        assertThat(response.statusCode()).as("%s %s: %s", endpoint, path, response.body()).isEqualTo(404);
        assertThat(response.body()).contains("No file at");
      }
    }
  }

  @Test
  void refusalsSayWhy() throws Exception {
    HttpResponse<String> response = get("/files/read?path=/frameworks/../agent-secret&offset=0");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).contains("outside the sandboxes");
  }

  @Test
  void readsWithOffsetAndLength() throws Exception {
    HttpResponse<String> response = get("/files/read?path=" + SANDBOX + "/stdout&offset=6&length=5");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.body()).isEqualTo("{\"data\":\"world\",\"offset\":6}");
  }

  @Test
  void readsToTheEndWithoutALength() throws Exception {
    JsonObject read = new JsonObject(get("/files/read?path=" + SANDBOX + "/stdout&offset=0").body());

    assertThat(read.getString("data")).isEqualTo("hello world\n");
    assertThat(read.getLong("offset")).isZero();
  }

  @Test
  void withoutAnOffsetReadAnswersTheFileSizeAndNoData() throws Exception {
    assertThat(get("/files/read?path=" + SANDBOX + "/stdout").body()).isEqualTo("{\"data\":\"\",\"offset\":12}");
    assertThat(get("/files/read?path=" + SANDBOX + "/stdout&offset=-1").body()).isEqualTo("{\"data\":\"\",\"offset\":12}");
    assertThat(get("/files/read?path=" + SANDBOX + "/stdout&offset=100").body()).isEqualTo("{\"data\":\"\",\"offset\":12}");
  }

  @Test
  void badReadsAreClientErrors() throws Exception {
    assertThat(get("/files/read?path=" + SANDBOX + "/stdout&offset=abc").statusCode()).isEqualTo(400);
    assertThat(get("/files/read?path=" + SANDBOX + "/stdout&offset=-5").statusCode()).isEqualTo(400);
    assertThat(get("/files/read?path=" + SANDBOX + "&offset=0").statusCode()).isEqualTo(400);
    assertThat(get("/files/read").statusCode()).isEqualTo(400);
    assertThat(get("/files/read?path=" + SANDBOX + "/missing&offset=0").statusCode()).isEqualTo(404);
  }

  @Test
  void browsesASandbox() throws Exception {
    HttpResponse<String> response = get("/files/browse?path=" + SANDBOX);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonArray listing = new JsonArray(response.body());
    JsonObject stdout = listing.stream().map(JsonObject.class::cast)
        .filter(f -> f.getString("path").equals(SANDBOX + "/stdout")).findFirst().orElseThrow();
    assertThat(stdout.getLong("size")).isEqualTo(12);
    assertThat(stdout.getString("mode")).startsWith("-rw");
    assertThat(stdout.getLong("nlink")).isEqualTo(1);
    assertThat(stdout.getLong("mtime")).isPositive();
    assertThat(stdout.getString("uid")).isNotBlank();
    assertThat(stdout.getString("gid")).isNotBlank();
    JsonObject sub = listing.stream().map(JsonObject.class::cast)
        .filter(f -> f.getString("path").equals(SANDBOX + "/sub")).findFirst().orElseThrow();
    assertThat(sub.getString("mode")).startsWith("d");
  }

  @Test
  void downloadsTheBytes() throws Exception {
    HttpResponse<byte[]> response = http.send(
        HttpRequest.newBuilder(URI.create(base() + "/files/download?path=" + SANDBOX + "/stdout")).build(),
        HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("hello world\n");
    assertThat(response.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=stdout");
  }

  @Test
  void answersHealthAndState() throws Exception {
    assertThat(get("/health").body()).isEqualTo("{\"healthy\":true}");
    assertThat(get("/state").body()).isEqualTo("{\"id\":\"agent-1\"}");
  }

  private static HttpResponse<String> getWithin(String pathAndQuery, Duration timeout) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base() + pathAndQuery)).timeout(timeout).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base() + pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String base() {
    return "http://127.0.0.1:" + port;
  }
}
