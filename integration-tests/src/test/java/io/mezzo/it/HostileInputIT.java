package io.mezzo.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.scheduler.Protos.Call;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15's reproductions against a cluster made by {@code mezzo cluster create}: each test sends
 * one of the attacks that used to take a node out of service (bounded in count and time, loopback
 * only) and checks that the attacker got a clear refusal, that the master and the agent answered
 * {@code /health} within a second throughout ({@link HealthProbe}), and that a task started before
 * the attack is still running after it. Finding 5 ({@code cluster start}) is {@link ClusterNodesIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputIT {
  private static final String CLUSTER = "hostile";
  private static final String SCHEDULER = "/api/v1/scheduler";
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  @RegisterExtension
  static final MezzoCluster cluster = MezzoCluster.named(CLUSTER);

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER).build();
  private String master;
  private String agent;
  private Path masterLog;
  private TestFramework framework;

  @BeforeAll
  void startATaskBeforeTheAttacks() throws Exception {
    JsonObject status = cluster.status();
    master = status.getString("master");
    agent = process(status, "agent").getString("url");
    masterLog = Path.of(process(status, "master").getString("log"));
    framework = TestFramework.start(status.getString("zk"), "hostile-it");
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
    Map<String, String> headers = Map.of("Content-Type", "application/x-protobuf", "Accept", "application/json");
    attack("large bodies", () -> {
      List<RawHttp> connections = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(40);
      try {
        // Every request's head goes out before any body is complete, so all 40 are in flight at once.
        for (int i = 0; i < 40; i++) {
          RawHttp connection = RawHttp.connect(master, 0);
          connections.add(connection);
          connection.post(SCHEDULER, headers, bodyBytes, garbage, 1024);
        }
        await("a refusal while all 40 bodies are in flight").atMost(Duration.ofSeconds(10))
            .until(() -> connections.stream().anyMatch(c -> availableOrZero(c) > 0));
        List<Future<RawHttp.Head>> answers = new ArrayList<>();
        for (RawHttp connection : connections) {
          answers.add(pool.submit(() -> {
            try {
              connection.write(garbage, 1024, bodyBytes - 1024);
            } catch (IOException e) {
              // Refused and closed before the body was all out; the answer is already here.
            }
            return connection.readHead();
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
        for (RawHttp connection : connections) {
          connection.close();
        }
      }
      // A declared 15 MB body is refused before a byte of it is read.
      for (int i = 0; i < 5; i++) {
        try (RawHttp connection = RawHttp.connect(master, 0)) {
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
    attack("fifo reads", () -> {
      long start = System.nanoTime();
      List<CompletableFuture<HttpResponse<String>>> reads = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        reads.add(http.sendAsync(HttpRequest.newBuilder(read).timeout(Duration.ofSeconds(5)).build(),
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
   * connection, has its stream closed once its queue fills, while {@code /health} answers within a
   * second (the updates go out in slices) and a {@code mezzo batch} started meanwhile runs all its tasks.
   */
  @Test
  void aSubscriberThatNeverReadsIsClosedWhileReconcilesGoOnAndABatchRuns() throws Exception {
    ExecutorService batchRunner = Executors.newSingleThreadExecutor();
    attack("idle subscriber", () -> {
      try (RawHttp idle = RawHttp.connect(master, 4096)) {
        byte[] subscribe = subscribe("idle-subscriber").toByteArray();
        idle.post(SCHEDULER, Map.of("Content-Type", "application/x-protobuf", "Accept", "application/json"),
            subscribe.length, subscribe, subscribe.length);
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
                  .header("Mesos-Stream-Id", streamId)
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
              .POST(HttpRequest.BodyPublishers.ofByteArray(subscribe("n".repeat(2 * 1024 * 1024)).toByteArray())).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(huge.statusCode()).as(huge.body()).isEqualTo(400);
      assertThat(huge.body()).contains("subscribe.framework_info.name").contains("over the limit");

      String forged = "FORGED-" + System.nanoTime() + " ERROR the master is compromised";
      try (RawHttp crlf = RawHttp.connect(master, 0)) {
        byte[] subscribe = subscribe("crlf-it\r\n" + forged).toByteArray();
        crlf.post(SCHEDULER, Map.of("Content-Type", "application/x-protobuf", "Accept", "application/json"),
            subscribe.length, subscribe, subscribe.length);
        RawHttp.Head head = crlf.readHead();
        assertThat(head.status()).as(head.toString()).isEqualTo(200);
      }
      await("the subscription is logged").atMost(Duration.ofSeconds(10))
          .until(() -> masterLog().contains("crlf-it\\r\\n" + forged));
      assertThat(masterLog().lines().toList()).noneMatch(line -> line.startsWith(forged));

      for (String id : List.of("../../../etc/x", "agent\u0001x")) {
        String register = new JsonObject().put("type", "REGISTER").put("register", new JsonObject()
            .put("agent_info", new JsonObject().put("hostname", "attacker").put("port", 5051)
                .put("id", new JsonObject().put("value", id)))
            .put("runtimes", new JsonArray().add("process"))).encode();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(master + "/internal/agent"))
                .timeout(CALL_TIMEOUT).header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(register)).build(),
            HttpResponse.BodyHandlers.ofString());
        boolean refused = response.statusCode() >= 400
            || response.body().contains("\"ERROR\"") && response.body().contains("Invalid agent registration");
        assertThat(refused).as("%s: %d %s", id, response.statusCode(), response.body()).isTrue();
        assertThat(response.body()).doesNotContain("REGISTERED");
      }
      JsonObject state = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(master + "/state")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      assertThat(state.getJsonArray("slaves")).hasSize(1);
    });
  }

  // ---------------------------------------------------------------- the attack frame

  private interface Attack {
    void run() throws Exception;
  }

  /** Runs {@code attack} while probing the master's and the agent's /health; then checks they and the task held. */
  private void attack(String name, Attack attack) throws Exception {
    HealthProbe probe = HealthProbe.start(Map.of("master", master, "agent", agent));
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
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
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

  private static int availableOrZero(RawHttp connection) {
    try {
      return connection.available();
    } catch (IOException e) {
      return 0;
    }
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
