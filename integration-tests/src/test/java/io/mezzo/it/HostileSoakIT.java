package io.mezzo.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15's soak: while {@code mezzo batch} runs 200 tasks (again and again until the soak time is
 * up), 4 threads send a seeded random mix of valid and invalid operator, scheduler and files calls.
 * Every batch must finish all its tasks, valid calls must succeed, invalid ones must get a 4xx (or
 * 503 with Retry-After), and the master and the agent, busy starting tasks, must answer
 * {@code /health} within a second throughout. {@code -Dmezzo.soak.seconds=N} (default
 * 60) runs it longer, {@code -Dmezzo.soak.seed=S} repeats a run's mix (the seed is printed).
 */
class HostileSoakIT {
  private static final String CLUSTER = "soak";
  private static final int THREADS = 4;
  private static final int TASKS = 200;

  @RegisterExtension
  final MezzoCluster cluster = MezzoCluster.named(CLUSTER);

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
  private final List<String> wrong = new CopyOnWriteArrayList<>();
  private String master;
  private String agent;

  @Test
  void batchesLoseNoTaskWhileValidAndInvalidCallsArrive() throws Exception {
    long seconds = Long.getLong("mezzo.soak.seconds", 60);
    long seed = Long.getLong("mezzo.soak.seed", System.nanoTime());
    System.out.println("Soak for " + seconds + " s with seed " + seed + " (-Dmezzo.soak.seed=" + seed + " repeats it)");
    JsonObject status = cluster.status();
    master = status.getString("master");
    agent = status.getJsonArray("processes").stream().map(o -> (JsonObject) o)
        .filter(p -> p.getString("role").equals("agent")).findFirst().orElseThrow().getString("url");

    // The master takes the hostile calls. The agent starts its tasks at most as many at once as
    // there are cores, so its event loop still gets one: both are held to a second.
    HealthProbe probe = HealthProbe.start(Map.of("master", master, "agent", agent));
    ScheduledExecutorService callers = Executors.newScheduledThreadPool(THREADS);
    int batches = 0;
    try {
      for (int i = 0; i < THREADS; i++) {
        Random random = new Random(seed + i);
        callers.scheduleWithFixedDelay(() -> callOnce(random), 0, 25, TimeUnit.MILLISECONDS);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      do {
        Mezzo.Result batch = cluster.mezzo().run(600, "batch", "--cluster", CLUSTER, "--tasks", Integer.toString(TASKS),
            "--cmd", "true", "--timeout", "540");
        batches++;
        assertThat(batch.exitCode()).as("batch %d: %s", batches, batch).isZero();
        assertThat(batch.stdout()).contains(TASKS + " of " + TASKS + " tasks finished");
      } while (System.nanoTime() < deadline);
    } finally {
      callers.shutdownNow();
      callers.awaitTermination(30, TimeUnit.SECONDS);
      probe.close();
      System.out.println("Soak: " + batches + " batches of " + TASKS + " tasks; answers " + new TreeMap<>(
          answers.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()))));
      System.out.println("Soak: /health " + probe.summary());
    }
    assertThat(wrong).as("calls answered other than expected (seed %d)", seed).isEmpty();
    assertThat(answers).as("calls made").isNotEmpty();
    assertThat(probe.failures()).as("/health during the soak (seed %d)", seed).isEmpty();
  }

  /** One call, chosen by {@code random}: a valid one must get a 2xx, an invalid one a 4xx (or 503 busy). */
  private void callOnce(Random random) {
    int kind = random.nextInt(12);
    String name = "?";
    try {
      HttpResponse<String> response;
      boolean valid;
      switch (kind) {
        case 0 -> { name = "GET_WEIGHTS"; valid = true; response = operator("{\"type\": \"GET_WEIGHTS\"}", "application/json"); }
        case 1 -> { name = "GET_QUOTA"; valid = true; response = operator("{\"type\": \"GET_QUOTA\"}", "application/json"); }
        case 2 -> {
          name = "UPDATE_WEIGHTS";
          valid = true;
          response = operator(weights("soak-" + random.nextInt(10), 1 + random.nextInt(5)), "application/json");
        }
        case 3 -> { name = "GET /state"; valid = true; response = get(master + "/state"); }
        case 4 -> { name = "operator bad JSON"; valid = false; response = operator("{\"type\": \"GET_WEIGHTS\"", "application/json"); }
        case 5 -> {
          name = "weights bad role";
          valid = false;
          String role = random.nextBoolean() ? "r".repeat(600) : List.of("-bad", "a b", "a//b", "..", "x\ny").get(random.nextInt(5));
          response = operator(weights(role, 2), "application/json");
        }
        case 6 -> { name = "operator text/plain"; valid = false; response = operator("{\"type\": \"GET_QUOTA\"}", "text/plain"); }
        case 7 -> {
          name = "scheduler garbage";
          valid = false;
          byte[] garbage = new byte[1 + random.nextInt(65_536)];
          random.nextBytes(garbage);
          garbage[0] = (byte) 0xFF;
          response = scheduler(garbage, "application/x-protobuf");
        }
        case 8 -> {
          name = random.nextInt(10) == 0 ? "subscribe 2 MB name" : "subscribe 2 kB name";
          valid = false;
          int length = name.contains("MB") ? 2 * 1024 * 1024 : 2048;
          String json = new JsonObject().put("type", "SUBSCRIBE").put("subscribe", new JsonObject().put("framework_info",
              new JsonObject().put("user", "soak").put("name", "n".repeat(length)))).encode();
          response = scheduler(json.getBytes(StandardCharsets.UTF_8), "application/json");
        }
        case 9 -> {
          name = "reconcile unknown framework";
          valid = false;
          String json = "{\"type\": \"RECONCILE\", \"framework_id\": {\"value\": \"nope-" + random.nextInt(1000)
              + "\"}, \"reconcile\": {\"tasks\": []}}";
          response = scheduler(json.getBytes(StandardCharsets.UTF_8), "application/json");
        }
        case 10 -> { name = "GET scheduler"; valid = false; response = get(master + "/api/v1/scheduler"); }
        default -> {
          name = "files traversal";
          valid = false;
          String path = List.of("/frameworks/../../../etc/passwd", "/etc/passwd", "../x").get(random.nextInt(3));
          response = get(agent + "/files/read?offset=0&length=10&path=" + URLEncoder.encode(path, StandardCharsets.UTF_8));
        }
      }
      int status = response.statusCode();
      answers.computeIfAbsent(name + " " + status, k -> new AtomicInteger()).incrementAndGet();
      boolean expected = valid ? status / 100 == 2
          : status / 100 == 4 || status == 503 && response.headers().firstValue("Retry-After").isPresent();
      if (!expected) {
        wrong.add(name + " -> " + status + " " + abbreviate(response.body()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      if (!Thread.currentThread().isInterrupted()) {
        wrong.add(name + " -> " + e);
      }
    }
  }

  private static String weights(String role, double weight) {
    return new JsonObject().put("type", "UPDATE_WEIGHTS").put("update_weights", new JsonObject().put("weight_infos",
        new io.vertx.core.json.JsonArray().add(new JsonObject().put("role", role).put("weight", weight)))).encode();
  }

  private HttpResponse<String> operator(String body, String contentType) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(master + "/api/v1")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> scheduler(byte[] body, String contentType) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(master + "/api/v1/scheduler")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", contentType).header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String abbreviate(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }
}
