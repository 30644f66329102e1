package io.mezzo.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.sdk.Credential;
import io.mezzo.sdk.LocalClusters;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.scheduler.Protos.Call;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The adversarial suite, against a cluster made by {@code mezzo cluster create} with its security
 * on (TLS with the cluster CA, HTTP Basic, ACLs, executor tokens): each test sends attacks (bounded
 * in count and time, loopback only; over TLS, with {@code admin}'s or {@code framework}'s secret
 * where the attack must get past authentication to reach the code it aims at) and checks that the
 * attacker got a clear refusal, that the master and the agent answered {@code /health} within a
 * second throughout ({@link HealthProbe}), that a task started before the attack is still running
 * after it, and, where a write was attempted, that the registry is unchanged. Issue 15's findings
 * come first; finding 5 ({@code cluster start}) is {@link ClusterNodesIT}. Authentication and
 * authorization themselves are {@link SecureClusterIT}'s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputIT {
  private static final String CLUSTER = "hostile";
  private static final String SCHEDULER = "/api/v1/scheduler";
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  @RegisterExtension
  static final MezzoCluster cluster = MezzoCluster.named(CLUSTER).secure();

  private SSLContext tls;
  private HttpClient http;
  private Credential admin;
  private Credential frameworkSecret;
  private String master;
  private String agent;
  private Path masterLog;
  private long masterPid;
  private TestFramework framework;

  @BeforeAll
  void startATaskBeforeTheAttacks() throws Exception {
    LocalClusters.Access access = cluster.access();
    tls = access.sslContext().orElseThrow();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
        .sslContext(tls).build();
    admin = access.operatorCredential().orElseThrow();
    frameworkSecret = access.frameworkCredential().orElseThrow();
    JsonObject status = cluster.status();
    master = status.getString("master");
    agent = process(status, "agent").getString("url");
    assertThat(master).startsWith("https://");
    assertThat(agent).startsWith("https://");
    masterLog = Path.of(process(status, "master").getString("log"));
    masterPid = process(status, "master").getLong("pid");
    framework = TestFramework.start(access, "hostile-it");
    framework.launch(TestFramework.task("before", "process", Machine.IMAGE, "sleep 600", 32));
    framework.await("before", TaskState.TASK_RUNNING);
  }

  @AfterAll
  void stopTheFramework() throws Exception {
    if (framework != null) {
      framework.close();
    }
  }

  /** Finding 1: many large bodies at once are held within the body budget, oversized ones refused unread. */
  @Test
  void manyLargeBodiesAtOnceAreRefusedBeyondTheBudgetAndOversizedOnesUnread() throws Exception {
    int bodyBytes = 3_670_016; // 3.5 MiB: under the 4 MB call cap; 40 of them are over the master's budget
    byte[] garbage = new byte[bodyBytes];
    Arrays.fill(garbage, (byte) 0xFF); // a protobuf varint that never ends: no valid call
    Map<String, String> headers = Map.of("Content-Type", "application/x-protobuf", "Accept", "application/json",
        "Authorization", frameworkSecret.authorization());
    attack("large bodies", () -> {
      List<RawHttp> connections = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(40);
      ExecutorService readers = Executors.newFixedThreadPool(40);
      try {
        // Every request's head goes out before any body is complete, so all 40 are in flight at once.
        for (int i = 0; i < 40; i++) {
          RawHttp connection = RawHttp.connect(master, tls, 0);
          connections.add(connection);
          connection.post(SCHEDULER, headers, bodyBytes, garbage, 1024);
        }
        // Over TLS nothing says an answer is waiting but reading it: a reader per connection.
        List<Future<RawHttp.Head>> answers = new ArrayList<>();
        for (RawHttp connection : connections) {
          answers.add(readers.submit(connection::readHead));
        }
        await("a refusal while all 40 bodies are in flight").atMost(Duration.ofSeconds(10))
            .until(() -> answers.stream().anyMatch(Future::isDone));
        List<Future<?>> writes = new ArrayList<>();
        for (RawHttp connection : connections) {
          writes.add(pool.submit(() -> {
            try {
              connection.write(garbage, 1024, bodyBytes - 1024);
            } catch (IOException e) {
              // Refused and closed before the body was all out; the answer is already here.
            }
          }));
        }
        List<RawHttp.Head> heads = new ArrayList<>();
        for (Future<RawHttp.Head> answer : answers) {
          heads.add(answer.get(60, TimeUnit.SECONDS));
        }
        System.out.println("40 x 3.5 MiB: " + heads.stream().map(RawHttp.Head::status).toList());
        assertThat(heads).allSatisfy(h -> assertThat(h.status()).as(h.toString()).isIn(400, 503));
        assertThat(heads).filteredOn(h -> h.status() == 503).as("refused by the budget").isNotEmpty()
            .allSatisfy(h -> assertThat(h.headers()).containsEntry("retry-after", "1"));
        assertThat(heads).filteredOn(h -> h.status() == 400).as("admitted, then refused as garbage").isNotEmpty()
            .allSatisfy(h -> assertThat(h.body()).contains("Failed to parse"));
      } finally {
        pool.shutdownNow();
        readers.shutdownNow();
        for (RawHttp connection : connections) {
          connection.close();
        }
      }
      // A declared 15 MB body is refused before a byte of it is read.
      for (int i = 0; i < 5; i++) {
        try (RawHttp connection = RawHttp.connect(master, tls, 0)) {
          connection.post(SCHEDULER, headers, 15L * 1024 * 1024, garbage, 0);
          RawHttp.Head head = connection.readHead();
          assertThat(head.status()).as(head.toString()).isEqualTo(413);
          assertThat(head.body()).contains("over this endpoint's limit");
        }
      }
    });
  }

  /** Finding 2: a registry change over ZooKeeper's node size is refused; the master keeps leading. */
  @Test
  void anOversizedWeightsUpdateIsRefusedAndTheRegistryAndLeadershipStay() throws Exception {
    attack("oversized registry write", () -> {
      List<Integer> answers = new ArrayList<>();
      Map<String, Double> before = null;
      HttpResponse<String> refused = null;
      for (int call = 0; call < 8 && refused == null; call++) {
        before = weights();
        HttpResponse<String> response = operator(updateWeights(call, 1_000));
        answers.add(response.statusCode());
        if (response.statusCode() != 200) {
          refused = response;
        }
      }
      System.out.println("UPDATE_WEIGHTS of 1,000 roles of 250 bytes: " + answers);
      assertThat(refused).as("refused within 8 calls: %s", answers).isNotNull();
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
      assertThat(refused.body()).contains("registry record").contains("over the limit of");
      assertThat(answers.subList(0, answers.size() - 1)).as("the calls before it").containsOnly(200);
      assertThat(weights()).as("the registry after the refused call").isEqualTo(before);

      HttpResponse<String> small = operator(
          "{\"type\": \"UPDATE_WEIGHTS\", \"update_weights\": {\"weight_infos\": [{\"role\": \"small\", \"weight\": 3.0}]}}");
      assertThat(small.statusCode()).as(small.body()).isEqualTo(200);
      assertThat(weights()).containsEntry("small", 3.0);
      JsonObject status = cluster.status();
      assertThat(status.getString("master")).isEqualTo(master);
      assertThat(process(status, "master").getBoolean("leading")).isTrue();
    });
  }

  /** Finding 3: reads of a task's FIFO are refused at once and tasks keep launching. */
  @Test
  void readsOfAFifoAreRefusedPromptlyAndTasksStillLaunch() throws Exception {
    framework.launch(TestFramework.task("fifo", "process", Machine.IMAGE, "mkfifo fifo; sleep 600", 32));
    framework.await("fifo", TaskState.TASK_RUNNING);
    String frameworkId = framework.frameworkId().getValue();
    Path fifo = cluster.agentWorkDir("agent-1").resolve("frameworks").resolve(frameworkId).resolve("executors")
        .resolve("fifo").resolve("runs").resolve("latest").resolve("fifo");
    await().atMost(TestFramework.WAIT).until(() -> Files.exists(fifo, LinkOption.NOFOLLOW_LINKS));
    String path = "/frameworks/" + frameworkId + "/executors/fifo/runs/latest/fifo";
    URI read = URI.create(agent + "/files/read?offset=0&length=4096&path=" + URLEncoder.encode(path, StandardCharsets.UTF_8));
    // As the operator, who may read every sandbox: the FIFO check is what is attacked, not the ACLs.
    attack("fifo reads", () -> {
      long start = System.nanoTime();
      List<CompletableFuture<HttpResponse<String>>> reads = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        reads.add(http.sendAsync(HttpRequest.newBuilder(read).timeout(Duration.ofSeconds(5))
                .header("Authorization", admin.authorization()).build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> r : reads) {
        HttpResponse<String> response = r.get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("is not a regular file");
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      System.out.println("24 reads of a FIFO answered in " + millis + " ms");
      assertThat(millis).as("all 24 answered").isLessThan(5_000);

      Mezzo.Result run = cluster.mezzo().run(120, "run", "--cluster", CLUSTER, "--", "echo", "hi");
      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.stdout()).isEqualTo("hi\n");
    });
    framework.kill("fifo");
    framework.awaitTerminal("fifo");
  }

  /**
   * Finding 4: a subscriber that never reads, sent RECONCILE calls of 20,000 tasks from a second
   * connection, has its stream closed once it has stayed behind (half its queue unsent, the answers
   * waiting) for 20 s, while {@code /health} answers within a second (the updates go out in slices)
   * and a {@code mezzo batch} started meanwhile runs all its tasks.
   */
  @Test
  void aSubscriberThatNeverReadsIsClosedWhileReconcilesGoOnAndABatchRuns() throws Exception {
    ExecutorService batchRunner = Executors.newSingleThreadExecutor();
    attack("idle subscriber", () -> {
      try (RawHttp idle = RawHttp.connect(master, tls, 4096)) {
        byte[] subscribe = subscribe("idle-subscriber").toByteArray();
        idle.post(SCHEDULER, Map.of("Content-Type", "application/x-protobuf", "Accept", "application/json",
            "Authorization", frameworkSecret.authorization()), subscribe.length, subscribe, subscribe.length);
        RawHttp.Head head = idle.readHead();
        assertThat(head.status()).as(head.toString()).isEqualTo(200);
        String streamId = head.headers().get("mesos-stream-id");
        String frameworkId = frameworkIdFrom(idle.in());
        String closing = "[framework=" + frameworkId + "] Closing event stream";
        // From here on the idle subscriber reads nothing; a batch is started while it holds its offers.
        Future<Mezzo.Result> batch = batchRunner.submit(() -> cluster.mezzo().run(300, "batch", "--cluster", CLUSTER,
            "--tasks", "20", "--cmd", "true", "--timeout", "240"));
        List<Integer> answers = new ArrayList<>();
        List<Long> millis = new ArrayList<>();
        for (int call = 0; call < 10 && !masterLog().contains(closing); call++) {
          byte[] reconcile = reconcile(frameworkId, call, 20_000).toByteArray();
          long start = System.nanoTime();
          HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(master + SCHEDULER))
                  .timeout(CALL_TIMEOUT).header("Content-Type", "application/x-protobuf")
                  .header("Mesos-Stream-Id", streamId).header("Authorization", frameworkSecret.authorization())
                  .POST(HttpRequest.BodyPublishers.ofByteArray(reconcile)).build(),
              HttpResponse.BodyHandlers.ofString());
          millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
          answers.add(response.statusCode());
          if (response.statusCode() != 202 && response.statusCode() != 503) {
            break;
          }
        }
        System.out.println("RECONCILE of 20,000 tasks: " + answers + ", answered in " + millis + " ms");
        assertThat(answers.get(0)).isEqualTo(202);
        // 503: 200,000 of its tasks are already waiting for their answers; 4xx: its stream is gone.
        assertThat(answers).as("202 or 503, then a 4xx once the stream is gone")
            .allSatisfy(s -> assertThat(s == 202 || s == 503 || s / 100 == 4).isTrue());
        await("the master closes the idle stream").atMost(Duration.ofSeconds(30))
            .until(() -> masterLog().contains(closing));
        assertThat(drainsToTheEnd(idle.in(), Duration.ofSeconds(30))).as("the idle stream ended").isTrue();
        Mezzo.Result result = batch.get(300, TimeUnit.SECONDS);
        assertThat(result.exitCode()).as(result.toString()).isZero();
      }
    });
    batchRunner.shutdownNow();
  }

  /** Finding 6: over-long text is refused, CR/LF cannot forge a log line, hostile agent ids are refused. */
  @Test
  void unboundedTextIsRefusedAndCannotForgeALogLine() throws Exception {
    attack("hostile text", () -> {
      HttpResponse<String> huge = http.send(HttpRequest.newBuilder(URI.create(master + SCHEDULER)).timeout(CALL_TIMEOUT)
              .header("Content-Type", "application/x-protobuf").header("Accept", "application/json")
              .header("Authorization", frameworkSecret.authorization())
              .POST(HttpRequest.BodyPublishers.ofByteArray(subscribe("n".repeat(2 * 1024 * 1024)).toByteArray())).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(huge.statusCode()).as(huge.body()).isEqualTo(400);
      assertThat(huge.body()).contains("subscribe.framework_info.name").contains("over the limit");

      String forged = "FORGED-" + System.nanoTime() + " ERROR the master is compromised";
      try (RawHttp crlf = RawHttp.connect(master, tls, 0)) {
        byte[] subscribe = subscribe("crlf-it\r\n" + forged).toByteArray();
        crlf.post(SCHEDULER, Map.of("Content-Type", "application/x-protobuf", "Accept", "application/json",
            "Authorization", frameworkSecret.authorization()), subscribe.length, subscribe, subscribe.length);
        RawHttp.Head head = crlf.readHead();
        assertThat(head.status()).as(head.toString()).isEqualTo(200);
      }
      await("the subscription is logged").atMost(Duration.ofSeconds(10))
          .until(() -> masterLog().contains("crlf-it\\r\\n" + forged));
      assertThat(masterLog().lines().toList()).noneMatch(line -> line.startsWith(forged));

      // With the agent's own certificate, the agent channel's door: what is attacked is its validation.
      HttpClient asAgent = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .sslContext(agentCertificate("agent-1")).build();
      for (String id : List.of("../../../etc/x", "agent\u0001x")) {
        String register = new JsonObject().put("type", "REGISTER").put("register", new JsonObject()
            .put("agent_info", new JsonObject().put("hostname", "attacker").put("port", 5051)
                .put("id", new JsonObject().put("value", id)))
            .put("runtimes", new JsonArray().add("process"))).encode();
        HttpResponse<String> response = asAgent.send(HttpRequest.newBuilder(URI.create(master + "/internal/agent"))
                .timeout(CALL_TIMEOUT).header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(register)).build(),
            HttpResponse.BodyHandlers.ofString());
        boolean refused = response.statusCode() >= 400
            || response.body().contains("\"ERROR\"") && response.body().contains("Invalid agent registration");
        assertThat(refused).as("%s: %d %s", id, response.statusCode(), response.body()).isTrue();
        assertThat(response.body()).as("refused for its id, not for want of a certificate")
            .doesNotContain("client certificate");
        assertThat(response.body()).doesNotContain("REGISTERED");
      }
      JsonObject state = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(master + "/state"))
              .header("Authorization", admin.authorization()).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      assertThat(state.getJsonArray("slaves")).hasSize(1);
    });
  }

  // ---------------------------------------------------------------- malformed input, end to end

  /** The agent's routes (its router is built inside AgentHttpServer#listen; these are its paths). */
  private static final List<String> AGENT_ROUTES = List.of("/health", "/state", "/files/browse", "/files/read",
      "/files/download", "/metrics", "/metrics/snapshot", "/api/v1", "/api/v1/executor");

  /**
   * Every route of the master's router and of the agent, as the operator (past authentication):
   * garbage bytes, a truncated protobuf call, invalid JSON and a wrong Content-Type each get a 4xx
   * with a message, within the timeout; the registry is unchanged.
   */
  @Test
  void malformedBodiesOnEveryRouteGetA4xxWithAMessage() throws Exception {
    Map<String, HttpMethod> masterRoutes = MasterRouteList.routes();
    assertThat(masterRoutes).containsKeys(SCHEDULER, "/api/v1", "/internal/agent");
    java.util.Random random = new java.util.Random(15);
    byte[] garbage = new byte[4096];
    random.nextBytes(garbage);
    byte[] call = subscribe("truncated").toByteArray();
    Map<String, byte[]> bodies = new java.util.LinkedHashMap<>();
    bodies.put("garbage", garbage);
    bodies.put("truncated protobuf", Arrays.copyOf(call, call.length / 2));
    bodies.put("invalid JSON", "{\"type\": \"SUBSCRIBE\", \"subscribe\": {\"framework_info\": ".getBytes());
    bodies.put("wrong Content-Type", "{\"type\": \"GET_HEALTH\"}".getBytes());
    Map<String, String> types = Map.of("garbage", "application/x-protobuf", "truncated protobuf",
        "application/x-protobuf", "invalid JSON", "application/json", "wrong Content-Type", "text/plain");
    Registry before = registry();
    attack("malformed bodies", () -> {
      Map<String, List<Integer>> answers = new java.util.TreeMap<>();
      List<String> urls = new ArrayList<>();
      masterRoutes.keySet().forEach(path -> urls.add(master + path));
      AGENT_ROUTES.forEach(path -> urls.add(agent + path));
      for (String url : urls) {
        for (Map.Entry<String, byte[]> body : bodies.entrySet()) {
          HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                  .timeout(Duration.ofSeconds(10)).header("Content-Type", types.get(body.getKey()))
                  .header("Accept", "application/json").header("Authorization", admin.authorization())
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body.getValue())).build(),
              HttpResponse.BodyHandlers.ofString());
          answers.computeIfAbsent(url.substring(url.indexOf("//") + 2), k -> new ArrayList<>()).add(response.statusCode());
          assertThat(response.statusCode()).as("%s, %s: %s", url, body.getKey(), response.body()).isBetween(400, 499);
          assertThat(response.body()).as("%s, %s: a message", url, body.getKey()).isNotBlank();
        }
      }
      System.out.println("Malformed bodies (garbage, truncated, bad JSON, wrong type) per route: " + answers);
      for (String api : List.of(master + SCHEDULER, master + "/api/v1", agent + "/api/v1")) {
        String route = api.substring(api.indexOf("//") + 2);
        assertThat(answers.get(route)).as(route).containsExactly(400, 400, 400, 415);
      }
    });
    assertThat(registry()).as("the registry").isEqualTo(before);
  }

  /** Mesos's content negotiation: an Accept nothing can satisfy is 406, an unknown Content-Type 415. */
  @Test
  void unsupportedAcceptIs406AndUnsupportedContentTypeIs415() throws Exception {
    attack("content negotiation", () -> {
      for (String api : List.of(master + "/api/v1", agent + "/api/v1")) {
        HttpResponse<String> accept = post(api, admin, "application/json", "text/html", "{\"type\": \"GET_HEALTH\"}");
        assertThat(accept.statusCode()).as(api + ": " + accept.body()).isEqualTo(406);
        assertThat(accept.body()).contains("application/json");
        HttpResponse<String> type = post(api, admin, "application/xml", "application/json", "<call/>");
        assertThat(type.statusCode()).as(api + ": " + type.body()).isEqualTo(415);
        assertThat(type.body()).contains("Content-Type");
      }
      HttpResponse<String> subscribe = post(master + SCHEDULER, frameworkSecret, "application/json", "text/html",
          new JsonObject().put("type", "SUBSCRIBE").put("subscribe", new JsonObject().put("framework_info",
              new JsonObject().put("user", "root").put("name", "wants-html"))).encode());
      assertThat(subscribe.statusCode()).as(subscribe.body()).isEqualTo(406);
      HttpResponse<String> type = post(master + SCHEDULER, frameworkSecret, "text/plain", "application/json", "hello");
      assertThat(type.statusCode()).as(type.body()).isEqualTo(415);
    });
    assertThat(operator("{\"type\": \"GET_FRAMEWORKS\"}").body()).doesNotContain("wants-html");
  }

  /**
   * A 50 MB and a 500 MB declared body, streamed for real: 413 as soon as the head is in, before a
   * byte of the body; and the master's live heap, measured while the bodies are still arriving,
   * does not grow by anything like their size.
   */
  @Test
  void hugeDeclaredBodiesGet413BeforeBufferingAndTheMastersHeapDoesNotGrowByThem() throws Exception {
    long before = liveHeapBytes(masterPid);
    Registry registry = registry();
    attack("huge bodies", () -> {
      for (long size : List.of(50L * 1024 * 1024, 500L * 1024 * 1024)) {
        for (String path : List.of(SCHEDULER, "/api/v1")) {
          Credential who = path.equals(SCHEDULER) ? frameworkSecret : admin;
          try (RawHttp connection = RawHttp.connect(master, tls, 0)) {
            connection.post(path, Map.of("Content-Type", "application/x-protobuf", "Accept", "application/json",
                "Authorization", who.authorization()), size, new byte[0], 0);
            RawHttp.Head head = connection.readHead();
            assertThat(head.status()).as(path + " " + size + ": " + head).isEqualTo(413);
            assertThat(head.body()).contains("Request body of " + size + " bytes is over this endpoint's limit");
            // Keep streaming: the master drains what was declared without keeping it.
            long streamed = stream(connection, Math.min(size, 100L * 1024 * 1024));
            long during = liveHeapBytes(masterPid);
            System.out.printf("%s, %d MB declared, %d MB streamed: the master's live heap %d MB before, %d MB"
                + " during%n", path, size >> 20, streamed >> 20, before >> 20, during >> 20);
            assertThat(during - before).as("the master's live heap growth while %d MB arrived", streamed >> 20)
                .isLessThan(Math.min(streamed / 2, 40L * 1024 * 1024));
          }
        }
      }
    });
    assertThat(registry()).isEqualTo(registry);
  }

  /** Writes up to {@code bytes} of body in 1 MiB pieces; stops early once the master closes. Returns what went out. */
  private static long stream(RawHttp connection, long bytes) {
    byte[] piece = new byte[1024 * 1024];
    long sent = 0;
    try {
      while (sent < bytes) {
        connection.write(piece);
        sent += piece.length;
      }
    } catch (IOException closed) {
      // The master closed the connection (read timeout): nothing more to send.
    }
    return sent;
  }

  /** 100,000 levels of JSON nesting are a 400 on every API that parses JSON, and no stack is blown. */
  @Test
  void jsonNested100000DeepIsA400() throws Exception {
    String arrays = "[".repeat(100_000) + "]".repeat(100_000);
    String objects = "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000);
    Registry before = registry();
    attack("deep JSON", () -> {
      for (String deep : List.of(arrays, objects)) {
        String call = "{\"type\": \"UPDATE_WEIGHTS\", \"update_weights\": {\"weight_infos\": " + deep + "}}";
        for (String[] target : List.of(new String[] {master + SCHEDULER, "framework"},
            new String[] {master + "/api/v1", "admin"}, new String[] {agent + "/api/v1", "admin"})) {
          Credential who = target[1].equals("admin") ? admin : frameworkSecret;
          HttpResponse<String> response = post(target[0], who, "application/json", "application/json", call);
          assertThat(response.statusCode()).as(target[0] + ": " + response.body()).isEqualTo(400);
          assertThat(response.body()).isNotBlank();
        }
      }
    });
    assertThat(registry()).isEqualTo(before);
  }

  /**
   * Resources that are no quantity (NaN, infinite, negative) in an ACCEPT's LAUNCH, in JSON and in
   * protobuf, are refused with 400 naming the resource, and the offer stays the framework's; a
   * finite but absurd amount (1e300) is a matter of state: the task is refused with Mesos's
   * TASK_ERROR (REASON_TASK_INVALID) naming the resource. Nothing of either reaches the agent.
   */
  @Test
  void resourcesThatAreNotQuantitiesAreRefused() throws Exception {
    attack("resources that are not quantities", () -> {
      try (RawScheduler raw = RawScheduler.subscribe(http, master, frameworkSecret, "bad-resources")) {
        int offers = 0;
        String[] offer = raw.awaitOffer(offers++);
        List<Object[]> cases = List.of(new Object[] {"nan", Double.NaN}, new Object[] {"inf", Double.POSITIVE_INFINITY},
            new Object[] {"neg", -1.0}, new Object[] {"huge", 1e300});
        for (boolean json : List.of(true, false)) {
          for (Object[] c : cases) {
            String taskId = "bad-" + c[0] + (json ? "-json" : "-proto");
            HttpResponse<String> accepted = json
                ? raw.call(raw.streamId, acceptJson(raw.frameworkId, offer, taskId, (Double) c[1]))
                : raw.callProtobuf(acceptProtobuf(raw.frameworkId, offer, taskId, (Double) c[1]));
            if (!c[0].equals("huge")) {
              assertThat(accepted.statusCode()).as(taskId + ": " + accepted.body()).isEqualTo(400);
              assertThat(accepted.body()).as(taskId).contains("('cpus'): a scalar must be a finite number of at least 0");
              continue; // the offer was not used
            }
            assertThat(accepted.statusCode()).as(taskId + ": " + accepted.body()).isEqualTo(202);
            JsonObject update = raw.awaitEvent("UPDATE", e -> e.getJsonObject("update").getJsonObject("status")
                .getJsonObject("task_id").getString("value").equals(taskId)).getJsonObject("update")
                .getJsonObject("status");
            System.out.println(taskId + ": " + update.getString("state") + " " + update.getString("message"));
            assertThat(update.getString("state")).as(taskId).isEqualTo("TASK_ERROR");
            assertThat(update.getString("reason")).isEqualTo("REASON_TASK_INVALID");
            assertThat(update.getString("message")).as(taskId).contains("cpus");
            offer = raw.awaitOffer(offers++);
          }
        }
        String tasks = operator("{\"type\": \"GET_TASKS\"}").body();
        assertThat(tasks).doesNotContain("\"TASK_RUNNING\",\"task_id\":{\"value\":\"bad-").doesNotContain("TASK_STAGING");
        raw.teardown();
      }
    });
  }

  private static String acceptJson(String frameworkId, String[] offer, String taskId, double cpus) {
    Object value = Double.isNaN(cpus) ? "NaN" : Double.isInfinite(cpus) ? "Infinity" : (Object) cpus;
    JsonObject task = new JsonObject().put("name", taskId).put("task_id", new JsonObject().put("value", taskId))
        .put("agent_id", new JsonObject().put("value", offer[1])).put("command", new JsonObject().put("value", "sleep 60"))
        .put("resources", new JsonArray()
            .add(new JsonObject().put("name", "cpus").put("type", "SCALAR").put("scalar", new JsonObject().put("value", value)))
            .add(new JsonObject().put("name", "mem").put("type", "SCALAR").put("scalar", new JsonObject().put("value", 32))));
    return new JsonObject().put("type", "ACCEPT").put("framework_id", new JsonObject().put("value", frameworkId))
        .put("accept", new JsonObject().put("offer_ids", new JsonArray().add(new JsonObject().put("value", offer[0])))
            .put("operations", new JsonArray().add(new JsonObject().put("type", "LAUNCH")
                .put("launch", new JsonObject().put("task_infos", new JsonArray().add(task)))))
            .put("filters", new JsonObject().put("refuse_seconds", 0.0))).encode();
  }

  private static byte[] acceptProtobuf(String frameworkId, String[] offer, String taskId, double cpus) {
    io.mezzo.v1.Protos.TaskInfo task = io.mezzo.v1.Protos.TaskInfo.newBuilder().setName(taskId)
        .setTaskId(TaskID.newBuilder().setValue(taskId))
        .setAgentId(io.mezzo.v1.Protos.AgentID.newBuilder().setValue(offer[1]))
        .setCommand(io.mezzo.v1.Protos.CommandInfo.newBuilder().setValue("sleep 60"))
        .addResources(io.mezzo.v1.Protos.Resource.newBuilder().setName("cpus").setType(io.mezzo.v1.Protos.Value.Type.SCALAR)
            .setScalar(io.mezzo.v1.Protos.Value.Scalar.newBuilder().setValue(cpus)))
        .addResources(io.mezzo.v1.Protos.Resource.newBuilder().setName("mem").setType(io.mezzo.v1.Protos.Value.Type.SCALAR)
            .setScalar(io.mezzo.v1.Protos.Value.Scalar.newBuilder().setValue(32)))
        .build();
    return Call.newBuilder().setType(Call.Type.ACCEPT).setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
        .setAccept(Call.Accept.newBuilder().addOfferIds(io.mezzo.v1.Protos.OfferID.newBuilder().setValue(offer[0]))
            .addOperations(io.mezzo.v1.Protos.Offer.Operation.newBuilder().setType(io.mezzo.v1.Protos.Offer.Operation.Type.LAUNCH)
                .setLaunch(io.mezzo.v1.Protos.Offer.Operation.Launch.newBuilder().addTaskInfos(task)))
            .setFilters(io.mezzo.v1.Protos.Filters.newBuilder().setRefuseSeconds(0)))
        .build().toByteArray();
  }

  /**
   * A stale Mesos-Stream-Id (the framework's previous subscription, after it subscribed again) is
   * refused; the current one is taken. RecordIO-framed calls and broken framing are refused as
   * bodies that do not parse: no server of Mezzo reads RecordIO input (it only writes it).
   */
  @Test
  void aStaleStreamIdAndRecordIoFramedCallsAreRefused() throws Exception {
    attack("stale stream id", () -> {
      RawScheduler first = RawScheduler.subscribe(http, master, frameworkSecret, "stale-stream");
      try (RawScheduler second = RawScheduler.resubscribe(first, "stale-stream")) {
        assertThat(second.frameworkId).isEqualTo(first.frameworkId);
        assertThat(second.streamId).isNotEqualTo(first.streamId);
        String revive = new JsonObject().put("type", "REVIVE")
            .put("framework_id", new JsonObject().put("value", first.frameworkId)).encode();
        HttpResponse<String> stale = second.call(first.streamId, revive);
        assertThat(stale.statusCode()).as(stale.body()).isEqualTo(400);
        assertThat(stale.body()).contains("didn't match the stream ID");
        assertThat(second.call(second.streamId, revive).statusCode()).isEqualTo(202);
        await("the first stream is closed").atMost(Duration.ofSeconds(10)).until(first::streamEnded);

        byte[] framed = io.mezzo.protocol.RecordIO.encode(revive.getBytes(StandardCharsets.UTF_8));
        byte[] broken = ("99999999999999999999\n" + revive).getBytes(StandardCharsets.UTF_8);
        for (byte[] body : List.of(framed, broken)) {
          for (String type : List.of("application/json", "application/x-protobuf")) {
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(master + SCHEDULER))
                .timeout(CALL_TIMEOUT).header("Content-Type", type).header("Mesos-Stream-Id", second.streamId)
                .header("Authorization", frameworkSecret.authorization())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(type + ": " + refused.body()).isEqualTo(400);
            assertThat(refused.body()).contains("Failed to parse");
          }
        }
        second.teardown();
      } finally {
        first.close();
      }
    });
  }

  // ---------------------------------------------------------------- the HTTP layer

  /** Garbage request lines get 400, an over-long request line 414, oversized headers 431; the connection closes. */
  @Test
  void garbageRequestLinesAndOversizedHeadsAreRefused() throws Exception {
    attack("broken heads", () -> {
      for (String node : List.of(master, agent)) {
        Map<String, Integer> expected = new java.util.LinkedHashMap<>();
        expected.put("GARBAGE\r\n\r\n", 400);
        expected.put("\u00ff\u00fe\u0080 / HTTP/1.1\r\n\r\n", 400);
        expected.put("GET /health HTTP/1.1 extra words\r\n\r\n", 400);
        expected.put("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
        expected.put("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n", 431);
        expected.put("GET /health HTTP/1.1\r\nHost: x\r\n" + ("X-Many: " + "c".repeat(90) + "\r\n").repeat(200)
            + "\r\n", 431);
        Map<String, String> answers = new java.util.LinkedHashMap<>();
        Map<String, String> wanted = new java.util.LinkedHashMap<>();
        List<String> messages = new ArrayList<>();
        for (Map.Entry<String, Integer> request : expected.entrySet()) {
          String shown = request.getKey().substring(0, Math.min(40, request.getKey().length()))
              .replaceAll("\\p{Cntrl}", "?");
          wanted.put(shown, request.getValue() + " closed");
          try (RawHttp connection = RawHttp.connect(node, tls, 0)) {
            connection.write(request.getKey().getBytes(StandardCharsets.ISO_8859_1));
            String answer;
            try {
              RawHttp.Head head = connection.readHead();
              answer = head.status() + (head.body().isBlank() ? " (no message)" : "");
              messages.add(head.body());
            } catch (IOException e) {
              answer = "no answer";
            }
            connection.readTimeout(Duration.ofSeconds(5));
            answers.put(shown, answer + (connection.closedByPeer() ? " closed" : " open"));
          }
        }
        System.out.println(node + ": broken heads: " + answers + " " + messages);
        assertThat(answers).as(node).isEqualTo(wanted);
      }
    });
  }

  /**
   * Slowloris: 200 TLS connections (150 to the master, 50 to the agent) that send a request head a
   * byte at a time and never finish it. /health answers within a second throughout, and each node
   * closes them once their head is late (its --body-read-timeout: 20 s on the master, 30 s on the agent).
   */
  @Test
  void slowHeadsAreClosedByTheNodesTimeoutsWhileHealthAnswers() throws Exception {
    attack("slowloris", () -> {
      List<RawHttp> connections = new ArrayList<>();
      Map<RawHttp, String> nodeOf = new HashMap<>();
      java.util.concurrent.ConcurrentHashMap<RawHttp, Long> closedAfter = new java.util.concurrent.ConcurrentHashMap<>();
      long start = System.nanoTime();
      try {
        for (int i = 0; i < 200; i++) {
          String node = i < 150 ? master : agent;
          RawHttp connection = RawHttp.connect(node, tls, 0);
          connections.add(connection);
          nodeOf.put(connection, node);
        }
        byte[] head = ("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + "s".repeat(4000)).getBytes(StandardCharsets.US_ASCII);
        java.util.concurrent.ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
        int[] position = {0};
        drip.scheduleWithFixedDelay(() -> {
          int at = position[0]++ % head.length;
          for (RawHttp connection : connections) {
            if (!closedAfter.containsKey(connection)) {
              try {
                connection.write(head, at, 1);
              } catch (IOException closed) {
                closedAfter.put(connection, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
              }
            }
          }
        }, 0, 200, TimeUnit.MILLISECONDS);
        try {
          await("every slow connection closed by its node").atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(500)).until(() -> closedAfter.size() == connections.size());
        } finally {
          drip.shutdownNow();
        }
        for (String node : List.of(master, agent)) {
          java.util.LongSummaryStatistics millis = connections.stream().filter(c -> nodeOf.get(c).equals(node))
              .mapToLong(closedAfter::get).summaryStatistics();
          System.out.println(node + ": " + millis.getCount() + " slow heads closed after " + millis.getMin() + " to "
              + millis.getMax() + " ms");
          // Closed by the head timeout, not at once for some other reason.
          assertThat(millis.getMin()).as(node).isGreaterThan(10_000);
        }
      } finally {
        for (RawHttp connection : connections) {
          connection.close();
        }
      }
    });
  }

  // ---------------------------------------------------------------- the agent's files and fetcher

  /**
   * /files/read and /files/browse, as the operator (who may read every sandbox): {@code ..},
   * percent-encoded {@code %2e%2e}, absolute paths, links inside a sandbox to outside it and a link
   * swapped in while reading all get 403 or 404, never the outside file's content.
   */
  @Test
  void pathTraversalOnTheAgentsFilesNeverReachesOutsideTheSandboxes() throws Exception {
    Path outsideDir = Files.createTempDirectory("mezzo-outside");
    String marker = "OUTSIDE-" + System.nanoTime();
    Path outside = Files.writeString(outsideDir.resolve("secret.txt"), marker);
    Files.setPosixFilePermissions(outsideDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(outside, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    framework.launch(TestFramework.task("links", "process", Machine.IMAGE, "echo inside > inside.txt; ln -s " + outside
        + " secret-link; ln -s / root-link; ln -s loop loop; while true; do ln -sfn " + outside
        + " race; printf inside > race.tmp; mv -f race.tmp race; done", 32));
    framework.await("links", TaskState.TASK_RUNNING);
    String sandbox = "/frameworks/" + framework.frameworkId().getValue() + "/executors/links/runs/latest";
    await().atMost(TestFramework.WAIT).until(() -> files("read", sandbox + "/inside.txt").statusCode() == 200);
    try {
      attack("path traversal", () -> {
        Map<String, String> attacks = new java.util.LinkedHashMap<>();
        attacks.put("dot-dot", enc(sandbox + "/../../../../../../../../../../.." + outside));
        attacks.put("dot-dot from the root", enc("/../../../../../../.." + outside));
        attacks.put("percent-encoded dot-dot", (sandbox + "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e"
            + "/%2e%2e/%2e%2e" + outside).replace("/", "%2F"));
        attacks.put("double-encoded dot-dot", enc(sandbox + "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e"
            + "/%2e%2e/%2e%2e/%2e%2e" + outside));
        attacks.put("absolute", enc(outside.toString()));
        attacks.put("/etc/passwd", enc("/etc/passwd"));
        attacks.put("link to a file outside", enc(sandbox + "/secret-link"));
        attacks.put("through a link to /", enc(sandbox + "/root-link" + outside));
        attacks.put("a link to /", enc(sandbox + "/root-link"));
        attacks.put("a link loop", enc(sandbox + "/loop"));
        attacks.put("below a file", enc(sandbox + "/inside.txt/x"));
        Map<String, String> answers = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> a : attacks.entrySet()) {
          for (String verb : List.of("read", "browse")) {
            HttpResponse<String> response = filesRaw(verb, a.getValue());
            answers.put(verb + " " + a.getKey(), response.statusCode() + " " + response.body());
            assertThat(response.body()).as(verb + " " + a.getKey()).doesNotContain(marker).doesNotContain("root:x:0:0");
            assertThat(response.statusCode()).as(verb + " " + a.getKey() + ": " + response.body()).isIn(400, 403, 404);
          }
        }
        System.out.println("Path traversal: " + answers);
        // The link swapped for a file and back while it is read: the swapped-in link is never followed.
        Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        for (int i = 0; i < 300; i++) {
          HttpResponse<String> response = files("read", sandbox + "/race");
          statuses.merge(response.statusCode(), 1, Integer::sum);
          assertThat(response.body()).doesNotContain(marker);
          assertThat(response.statusCode()).as(response.body()).isIn(200, 400, 403, 404, 409);
        }
        System.out.println("300 reads of a link being swapped: " + statuses);
        assertThat(statuses).as("the race was run (some reads found the file)").containsKey(200);
      });
    } finally {
      framework.kill("links");
      framework.awaitTerminal("links");
    }
  }

  /**
   * The fetcher: a zip and a tar whose entries climb out with {@code ../}, and {@code file://} URIs
   * of files the task's user may not read (the agent's executor key, the cluster's credentials) for
   * a task run as {@code nobody}: each task fails with a message naming why, and nothing is written
   * outside its sandbox, nor the refused file inside it.
   */
  @Test
  void zipSlipAndLocalFilesTheTasksUserCannotReadFailTheTask() throws Exception {
    Path archives = Files.createTempDirectory("mezzo-evil");
    Files.setPosixFilePermissions(archives, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    String escaped = "slipped-" + System.nanoTime();
    Path zip = archives.resolve("evil.zip");
    try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new java.util.zip.ZipEntry("fine.txt"));
      out.write("fine".getBytes());
      out.putNextEntry(new java.util.zip.ZipEntry("../../../../../../../../../../tmp/" + escaped));
      out.write("escaped".getBytes());
    }
    Path tar = archives.resolve("evil.tar");
    Files.write(tar, tarWith("../../../../../../../../../../tmp/" + escaped, "escaped".getBytes()));
    Path key = cluster.agentWorkDir("agent-1").resolve("executor-secret.key");
    Path credentials = cluster.dir().resolve("credentials.json");
    assertThat(key).exists();
    byte[] keyBefore = Files.readAllBytes(key);
    Map<String, io.mezzo.v1.Protos.CommandInfo.URI> cases = new java.util.LinkedHashMap<>();
    cases.put("zip-slip", uri(zip.toString()));
    cases.put("tar-slip", uri(tar.toString()));
    cases.put("agent-key", uri("file://" + key));
    cases.put("credentials", uri(credentials.toString()));
    attack("fetcher", () -> {
      for (Map.Entry<String, io.mezzo.v1.Protos.CommandInfo.URI> c : cases.entrySet()) {
        TaskInfo.Builder task = TestFramework.task(c.getKey(), "process", Machine.IMAGE, "sleep 600", 32);
        task.getCommandBuilder().addUris(c.getValue()).setUser("nobody");
        framework.launch(task);
      }
      for (String id : cases.keySet()) {
        io.mezzo.v1.Protos.TaskStatus status = framework.awaitTerminal(id);
        System.out.println(id + ": " + status.getState() + " " + status.getMessage());
        assertThat(status.getState()).as(id).isEqualTo(TaskState.TASK_FAILED);
        assertThat(status.getReason()).as(id).isEqualTo(io.mezzo.v1.Protos.TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
        Path sandbox = cluster.agentWorkDir("agent-1").resolve("frameworks").resolve(framework.frameworkId().getValue())
            .resolve("executors").resolve(id).resolve("runs").resolve("latest");
        assertThat(sandbox.resolve("executor-secret.key")).doesNotExist();
        assertThat(sandbox.resolve("credentials.json")).doesNotExist();
        for (Path up = sandbox; up != null; up = up.getParent()) {
          assertThat(up.resolve(escaped)).doesNotExist();
        }
      }
      assertThat(framework.latest("zip-slip").orElseThrow().getMessage())
          .contains("Fetcher refused 'evil.zip'").contains("outside the sandbox");
      assertThat(framework.latest("tar-slip").orElseThrow().getMessage())
          .contains("Fetcher refused 'evil.tar'").contains("outside the sandbox");
      assertThat(framework.latest("agent-key").orElseThrow().getMessage())
          .contains("Failed to fetch 'file://" + key + "'").contains("permission denied").contains("nobody");
      assertThat(framework.latest("credentials").orElseThrow().getMessage()).contains("permission denied");
      assertThat(Path.of("/tmp", escaped)).doesNotExist();
      assertThat(Files.readAllBytes(key)).isEqualTo(keyBefore);
    });
  }

  private static io.mezzo.v1.Protos.CommandInfo.URI uri(String value) {
    return io.mezzo.v1.Protos.CommandInfo.URI.newBuilder().setValue(value).build();
  }

  /** A ustar archive of one file named {@code name} (which may climb out with ../). */
  private static byte[] tarWith(String name, byte[] content) {
    byte[] header = new byte[512];
    System.arraycopy(name.getBytes(StandardCharsets.US_ASCII), 0, header, 0, Math.min(100, name.length()));
    putOctal(header, 100, 8, 0644);
    putOctal(header, 108, 8, 0);
    putOctal(header, 116, 8, 0);
    putOctal(header, 124, 12, content.length);
    putOctal(header, 136, 12, 0);
    header[156] = '0';
    System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 8);
    Arrays.fill(header, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xFF;
    }
    putOctal(header, 148, 7, sum);
    int padded = (content.length + 511) / 512 * 512;
    byte[] tar = new byte[512 + padded + 1024];
    System.arraycopy(header, 0, tar, 0, 512);
    System.arraycopy(content, 0, tar, 512, content.length);
    return tar;
  }

  private static void putOctal(byte[] header, int offset, int length, long value) {
    String octal = String.format("%0" + (length - 1) + "o", value);
    System.arraycopy(octal.getBytes(StandardCharsets.US_ASCII), 0, header, offset, length - 1);
    header[offset + length - 1] = 0;
  }

  // ---------------------------------------------------------------- executor tokens

  /**
   * The agent's executor API with executor tokens on: no token is 401, a token signed with another
   * key 401, and executor A's real token (read from its sandbox, where its command wrote
   * {@code $MESOS_EXECUTOR_AUTHENTICATION_TOKEN}) used for executor B is 403.
   */
  @Test
  void forgedAndBorrowedExecutorTokensAreRefused() throws Exception {
    for (String id : List.of("exec-a", "exec-b")) {
      TaskInfo.Builder task = TestFramework.task("task-of-" + id, "process", Machine.IMAGE, "unused", 32).clearCommand()
          .setExecutor(io.mezzo.v1.Protos.ExecutorInfo.newBuilder()
              .setExecutorId(io.mezzo.v1.Protos.ExecutorID.newBuilder().setValue(id))
              .setCommand(io.mezzo.v1.Protos.CommandInfo.newBuilder()
                  .setValue("printf %s \"$MESOS_EXECUTOR_AUTHENTICATION_TOKEN\" > token; sleep 600")));
      framework.launch(task);
    }
    String frameworkId = framework.frameworkId().getValue();
    String tokenPath = "/frameworks/" + frameworkId + "/executors/exec-a/runs/latest/token";
    await("executor A's token in its sandbox").atMost(TestFramework.WAIT).until(() -> {
      HttpResponse<String> read = files("read", tokenPath);
      return read.statusCode() == 200 && new JsonObject(read.body()).getString("data", "").length() > 20;
    });
    String tokenA = new JsonObject(files("read", tokenPath).body()).getString("data");
    String forged = io.mezzo.agent.executors.ExecutorTokens.withKey(new byte[32]).issue(frameworkId, "exec-a");
    String heartbeatB = new JsonObject().put("type", "HEARTBEAT").put("framework_id", new JsonObject().put("value", frameworkId))
        .put("executor_id", new JsonObject().put("value", "exec-b")).encode();
    String heartbeatA = heartbeatB.replace("exec-b", "exec-a");
    try {
      attack("executor tokens", () -> {
        HttpResponse<String> none = executorCall(null, heartbeatA);
        assertThat(none.statusCode()).as(none.body()).isEqualTo(401);
        assertThat(none.body()).contains("Missing the executor's token");
        HttpResponse<String> otherKey = executorCall(forged, heartbeatA);
        assertThat(otherKey.statusCode()).as(otherKey.body()).isEqualTo(401);
        assertThat(otherKey.body()).contains("Invalid executor token");
        HttpResponse<String> borrowed = executorCall(tokenA, heartbeatB);
        assertThat(borrowed.statusCode()).as(borrowed.body()).isEqualTo(403);
        assertThat(borrowed.body()).contains("The token is for executor 'exec-a'");
        HttpResponse<String> basic = executorCall(null, heartbeatA, admin.authorization());
        assertThat(basic.statusCode()).as("the operator's password is no executor token: " + basic.body()).isEqualTo(401);
      });
    } finally {
      for (String id : List.of("exec-a", "exec-b")) {
        framework.kill("task-of-" + id);
      }
    }
  }

  private HttpResponse<String> executorCall(String token, String call) throws IOException, InterruptedException {
    return executorCall(token, call, null);
  }

  private HttpResponse<String> executorCall(String token, String call, String authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(agent + "/api/v1/executor")).timeout(CALL_TIMEOUT)
        .header("Content-Type", "application/json").header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(call));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    } else if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  // ---------------------------------------------------------------- helpers of the new cases

  private HttpResponse<String> post(String url, Credential who, String contentType, String accept, String body)
      throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(CALL_TIMEOUT).header("Content-Type", contentType)
        .header("Accept", accept).header("Authorization", who.authorization())
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String enc(String path) {
    return URLEncoder.encode(path, StandardCharsets.UTF_8);
  }

  /** A /files call as the operator, the path encoded here. */
  private HttpResponse<String> files(String verb, String path) throws IOException, InterruptedException {
    return filesRaw(verb, enc(path));
  }

  /** A /files call as the operator, {@code encodedPath} sent as it is. */
  private HttpResponse<String> filesRaw(String verb, String encodedPath) throws IOException, InterruptedException {
    String query = verb.equals("read") ? "?offset=0&length=4096&path=" : "?path=";
    return http.send(HttpRequest.newBuilder(URI.create(agent + "/files/" + verb + query + encodedPath))
        .timeout(CALL_TIMEOUT).header("Authorization", admin.authorization()).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** An SSL context with the node's own certificate and key from the cluster's tls/, trusting the cluster CA. */
  private SSLContext agentCertificate(String node) throws Exception {
    Path dir = cluster.dir().resolve("tls");
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      javax.net.ssl.KeyManagerFactory keys = new io.vertx.core.net.PemKeyCertOptions()
          .setCertPath(dir.resolve(node + ".pem").toString()).setKeyPath(dir.resolve(node + "-key.pem").toString())
          .getKeyManagerFactory(vertx);
      javax.net.ssl.TrustManagerFactory trust = new io.vertx.core.net.PemTrustOptions()
          .addCertPath(dir.resolve("ca.pem").toString()).getTrustManagerFactory(vertx);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
      return context;
    } finally {
      vertx.close();
    }
  }

  /** The master's registry node as ZooKeeper holds it: its version and data (readable by anyone). */
  record Registry(int version, String sha256) {}

  private Registry registry() throws Exception {
    String zk = cluster.zk();
    String hosts = zk.substring("zk://".length(), zk.indexOf('/', "zk://".length()));
    String path = zk.substring(zk.indexOf('/', "zk://".length())) + "/" + io.mezzo.master.registry.Registry.NODE;
    try (org.apache.curator.framework.CuratorFramework reader = org.apache.curator.framework.CuratorFrameworkFactory
        .newClient(hosts, new org.apache.curator.retry.RetryOneTime(200))) {
      reader.start();
      assertThat(reader.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
      org.apache.zookeeper.data.Stat stat = new org.apache.zookeeper.data.Stat();
      if (reader.checkExists().forPath(path) == null) {
        return new Registry(-1, "absent");
      }
      byte[] data = reader.getData().storingStatIn(stat).forPath(path);
      return new Registry(stat.getVersion(), java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(data)));
    }
  }

  /** The live heap of the JVM {@code pid} after a full collection, in bytes, as {@code jcmd} reports it. */
  private static long liveHeapBytes(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    Matcher used = Pattern.compile("(?:generation|space)\\s+total \\d+K, used (\\d+)K").matcher(info);
    long kilobytes = 0;
    int found = 0;
    while (used.find()) {
      kilobytes += Long.parseLong(used.group(1));
      found++;
    }
    assertThat(found).as("generations in %s", info).isPositive();
    return kilobytes * 1024;
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
    return out;
  }

  // ---------------------------------------------------------------- the attack frame

  private interface Attack {
    void run() throws Exception;
  }

  /** Runs {@code attack} while probing the master's and the agent's /health; then checks they and the task held. */
  private void attack(String name, Attack attack) throws Exception {
    HealthProbe probe = HealthProbe.start(tls, Map.of("master", master, "agent", agent), Map.of());
    try {
      attack.run();
    } finally {
      probe.close();
      System.out.println("[" + name + "] /health " + probe.summary());
    }
    assertThat(probe.failures()).as("/health during the attack").isEmpty();
    assertThat(probe.probes("master")).isPositive();
    assertThat(framework.updates("before")).as("the task started before the attack")
        .noneMatch(s -> TestFramework.terminal(s.getState()));
    assertThat(framework.latest("before").orElseThrow().getState()).isEqualTo(TaskState.TASK_RUNNING);
  }

  // ---------------------------------------------------------------- calls

  private static Call subscribe(String name) {
    return Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("nobody").setName(name))).build();
  }

  private static Call reconcile(String frameworkId, int call, int tasks) {
    Call.Reconcile.Builder reconcile = Call.Reconcile.newBuilder();
    for (int i = 0; i < tasks; i++) {
      reconcile.addTasks(Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue("ghost-" + call + "-" + i)));
    }
    return Call.newBuilder().setType(Call.Type.RECONCILE).setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
        .setReconcile(reconcile).build();
  }

  /** An UPDATE_WEIGHTS of {@code roles} roles of 250 bytes each, distinct per {@code call}. */
  private static String updateWeights(int call, int roles) {
    JsonArray infos = new JsonArray();
    for (int i = 0; i < roles; i++) {
      String prefix = "w" + call + "-" + i + "-";
      infos.add(new JsonObject().put("role", prefix + "r".repeat(250 - prefix.length())).put("weight", 2.0));
    }
    return new JsonObject().put("type", "UPDATE_WEIGHTS").put("update_weights", new JsonObject().put("weight_infos", infos))
        .encode();
  }

  private HttpResponse<String> operator(String json) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(master + "/api/v1")).timeout(CALL_TIMEOUT)
        .header("Content-Type", "application/json").header("Authorization", admin.authorization())
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The weights as GET_WEIGHTS reads them from the master: role → weight. */
  private Map<String, Double> weights() throws IOException, InterruptedException {
    HttpResponse<String> response = operator("{\"type\": \"GET_WEIGHTS\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonArray infos = new JsonObject(response.body()).getJsonObject("get_weights").getJsonArray("weight_infos",
        new JsonArray());
    Map<String, Double> weights = new HashMap<>();
    for (Object o : infos) {
      weights.put(((JsonObject) o).getString("role"), ((JsonObject) o).getDouble("weight"));
    }
    return weights;
  }

  // ---------------------------------------------------------------- helpers

  /** The master's log so far (ISO-8859-1, so that no byte in it can fail the read). */
  private String masterLog() throws IOException {
    return Files.readString(masterLog, StandardCharsets.ISO_8859_1);
  }

  private static JsonObject process(JsonObject status, String role) {
    return status.getJsonArray("processes").stream().map(o -> (JsonObject) o)
        .filter(p -> p.getString("role").equals(role)).findFirst().orElseThrow();
  }

  /** Reads the start of a subscription's stream until the SUBSCRIBED event names the framework id. */
  private static String frameworkIdFrom(InputStream in) throws IOException {
    Pattern id = Pattern.compile("\"framework_id\"\\s*:\\s*\\{\\s*\"value\"\\s*:\\s*\"([^\"]+)\"");
    StringBuilder seen = new StringBuilder();
    byte[] buffer = new byte[1024];
    while (seen.length() < 65_536) {
      int n = in.read(buffer);
      if (n < 0) {
        break;
      }
      seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
      Matcher matcher = id.matcher(seen);
      if (matcher.find()) {
        return matcher.group(1);
      }
    }
    throw new AssertionError("No framework id in the stream's start: " + seen);
  }

  /** Reads and drops what the connection still holds; true when it ends (EOF or reset) within {@code bound}. */
  private static boolean drainsToTheEnd(InputStream in, Duration bound) throws IOException {
    long deadline = System.nanoTime() + bound.toNanos();
    byte[] buffer = new byte[65_536];
    try {
      while (System.nanoTime() < deadline) {
        if (in.read(buffer) < 0) {
          return true;
        }
      }
      return false;
    } catch (SocketException e) {
      return true; // reset: the master dropped the connection with data unsent
    }
  }
}
