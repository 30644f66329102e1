package io.mezzo.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Asks each node's {@code /health} every 200 ms on a thread of its own while an attack runs, and
 * records the slowest answer per node and every probe that failed or took over its node's bound
 * ({@link #BOUND} unless given; the request times out there). {@link #close()} stops it; then {@link #failures()} and
 * {@link #maxLatencyMillis(String)} say how the nodes did throughout.
 */
final class HealthProbe implements AutoCloseable {
  /** How long a node may take to answer {@code /health}. */
  static final Duration BOUND = Duration.ofSeconds(1);

  private final HttpClient client;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "health-probe");
    thread.setDaemon(true);
    return thread;
  });
  private final Map<String, Duration> bounds;
  private final Map<String, Long> maxMillis = new ConcurrentHashMap<>();
  private final Map<String, Integer> probes = new ConcurrentHashMap<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();

  private HealthProbe(Map<String, Duration> bounds, javax.net.ssl.SSLContext tls) {
    this.bounds = Map.copyOf(bounds);
    HttpClient.Builder client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(BOUND);
    if (tls != null) {
      client.sslContext(tls);
    }
    this.client = client.build();
  }

  /** @param nodes name → base URL ({@code http://host:port}) of each node to probe, each within {@link #BOUND} */
  static HealthProbe start(Map<String, String> nodes) {
    return start(nodes, Map.of());
  }

  /** @param bounds name → how long that node may take, for nodes not held to {@link #BOUND} */
  static HealthProbe start(Map<String, String> nodes, Map<String, Duration> bounds) {
    return start(null, nodes, bounds);
  }

  /**
   * @param tls the trust for {@code https://} nodes (the cluster CA); null for plain HTTP ones.
   *     {@code /health} needs no credentials, so the probe sends none.
   */
  static HealthProbe start(javax.net.ssl.SSLContext tls, Map<String, String> nodes, Map<String, Duration> bounds) {
    HealthProbe probe = new HealthProbe(bounds, tls);
    probe.timer.scheduleWithFixedDelay(() -> nodes.forEach(probe::probe), 0, 200, TimeUnit.MILLISECONDS);
    return probe;
  }

  private void probe(String node, String url) {
    Duration bound = bounds.getOrDefault(node, BOUND);
    long start = System.nanoTime();
    try {
      HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create(url + "/health")).timeout(bound)
          .GET().build(), HttpResponse.BodyHandlers.discarding());
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      maxMillis.merge(node, millis, Math::max);
      probes.merge(node, 1, Integer::sum);
      if (response.statusCode() != 200) {
        failures.add(node + ": /health answered " + response.statusCode());
      } else if (millis > bound.toMillis()) {
        failures.add(node + ": /health took " + millis + " ms");
      }
    } catch (Exception e) {
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      maxMillis.merge(node, millis, Math::max);
      probes.merge(node, 1, Integer::sum);
      failures.add(node + ": /health failed after " + millis + " ms: " + e);
    }
  }

  /** Probes that failed, answered other than 200, or took over their node's bound. */
  List<String> failures() {
    return List.copyOf(failures);
  }

  long maxLatencyMillis(String node) {
    return maxMillis.getOrDefault(node, -1L);
  }

  int probes(String node) {
    return probes.getOrDefault(node, 0);
  }

  /** One line for the test's output: the slowest answer and the number of probes per node. */
  String summary() {
    StringBuilder out = new StringBuilder();
    for (String node : new java.util.TreeSet<>(probes.keySet())) {
      out.append(node).append(": max ").append(maxLatencyMillis(node)).append(" ms over ").append(probes(node))
          .append(" probes; ");
    }
    return out.append(failures.size()).append(" failures").toString();
  }

  /** Stops probing and waits for a probe under way. */
  @Override
  public void close() throws InterruptedException {
    timer.shutdown();
    timer.awaitTermination(5, TimeUnit.SECONDS);
  }
}
