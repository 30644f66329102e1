package io.mezzo.benchmarks.load;

import io.mezzo.benchmarks.MezzoCommand;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How the agent answers while it starts a burst of tasks: makes a one-agent cluster with
 * {@code mezzo cluster create --insecure} in a fresh {@code MEZZO_HOME}, then {@code --runs} times
 * runs {@code mezzo batch --tasks N --cmd true} while a thread asks the agent's {@code /health}
 * every {@code --interval} (20ms) over one kept-alive connection, and prints per run how long the
 * batch took and the slowest and 99th-percentile answer. The first run is the agent's first
 * batch (code not yet compiled). The cluster is deleted at the end.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.mezzo.benchmarks.load.LaunchBurstBench --mezzo ./mezzo \
 *   --tasks 20 --runs 6
 * </pre>
 */
public final class LaunchBurstBench {
  /**
   * One batch: its wall time and exit code, and every {@code /health} probe's time during it (-1: it
   * failed or was not answered 200). The slowest and the 99th percentile are of the answered probes.
   */
  public record Run(double batchSeconds, int batchExit, List<Long> healthMillis) {
    public long maxMillis() {
      return answered().max().orElse(-1);
    }

    public long p99Millis() {
      long[] sorted = answered().sorted().toArray();
      return sorted.length == 0 ? -1 : sorted[(int) Math.ceil(sorted.length * 0.99) - 1];
    }

    public long failures() {
      return healthMillis.stream().filter(m -> m < 0).count();
    }

    private java.util.stream.LongStream answered() {
      return healthMillis.stream().mapToLong(Long::longValue).filter(m -> m >= 0);
    }
  }

  /** Flags. */
  public record Config(MezzoCommand mezzo, int tasks, int runs, Duration interval, Path home) {}

  private static final String CLUSTER = "burst";

  private LaunchBurstBench() {}

  public static void main(String[] args) throws Exception {
    List<Run> runs = run(BenchFlags.parseOrExit(args, LaunchBurstBench::parse, LaunchBurstBench::usage));
    boolean ok = !runs.isEmpty() && runs.stream().allMatch(r -> r.batchExit() == 0 && r.failures() == 0);
    System.exit(ok ? 0 : 1);
  }

  public static List<Run> run(Config config) throws IOException, InterruptedException {
    Path home = Files.createTempDirectory(config.home(), "launch-burst-");
    MezzoCommand.Outcome create = config.mezzo().run(home, "cluster", "create", "--name", CLUSTER, "--agents", "1",
        "--insecure");
    try {
      if (create.exit() != 0) {
        throw new IllegalStateException("cluster create failed (exit " + create.exit() + "):\n" + create.output());
      }
      URI health = URI.create(agentUrl(home) + "/health");
      List<Run> runs = new ArrayList<>();
      for (int i = 1; i <= config.runs(); i++) {
        Run run = batch(config, home, health);
        runs.add(run);
        System.out.printf("run %d: batch of %d tasks %.2f s (exit %d); agent /health max %d ms, p99 %d ms over %d"
            + " probes, %d failed%n", i, config.tasks(), run.batchSeconds(), run.batchExit(), run.maxMillis(),
            run.p99Millis(), run.healthMillis().size(), run.failures());
      }
      return runs;
    } finally {
      MezzoCommand.Outcome delete = config.mezzo().run(home, "cluster", "delete", "--name", CLUSTER);
      if (delete.exit() != 0) {
        System.out.println("delete failed (exit " + delete.exit() + "):\n" + delete.output());
      }
    }
  }

  /** The agent's URL as {@code cluster.json} records it. */
  static String agentUrl(Path home) throws IOException {
    JsonObject cluster = new JsonObject(Files.readString(home.resolve("clusters").resolve(CLUSTER)
        .resolve("cluster.json")));
    JsonArray processes = cluster.getJsonArray("processes", new JsonArray());
    for (int i = 0; i < processes.size(); i++) {
      JsonObject process = processes.getJsonObject(i);
      if ("agent".equals(process.getString("role"))) {
        return process.getString("url");
      }
    }
    throw new IllegalStateException("cluster.json names no agent: " + cluster.encode());
  }

  private static Run batch(Config config, Path home, URI health) throws IOException, InterruptedException {
    List<Long> millis = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean probing = new AtomicBoolean(true);
    Thread probe = new Thread(() -> {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build();
      while (probing.get()) {
        long start = System.nanoTime();
        try {
          HttpResponse<Void> response = client.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5))
              .build(), HttpResponse.BodyHandlers.discarding());
          millis.add(response.statusCode() == 200 ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) : -1L);
        } catch (IOException e) {
          millis.add(-1L);
        } catch (InterruptedException e) {
          return;
        }
        sleep(config.interval());
      }
    }, "health-probe");
    probe.start();
    long start = System.nanoTime();
    MezzoCommand.Outcome batch = config.mezzo().run(home, "batch", "--cluster", CLUSTER, "--tasks",
        Integer.toString(config.tasks()), "--cmd", "true");
    double seconds = (System.nanoTime() - start) / 1e9;
    probing.set(false);
    probe.join();
    if (batch.exit() != 0) {
      System.out.println("batch failed (exit " + batch.exit() + "):\n" + batch.output());
    }
    return new Run(seconds, batch.exit(), List.copyOf(millis));
  }

  private static void sleep(Duration interval) {
    try {
      Thread.sleep(interval.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String usage() {
    return "usage: LaunchBurstBench --mezzo ./mezzo (or cli/target/mezzo.jar) [--tasks 20] [--runs 6]\n"
        + "  [--interval 20ms (between /health probes)]\n"
        + "  [--home dir (where the MEZZO_HOME is made; default the temporary directory)]";
  }

  static Config parse(String[] args) {
    BenchFlags flags = BenchFlags.parse(args, "--mezzo", "--tasks", "--runs", "--interval", "--home");
    String mezzo = flags.string("--mezzo", null);
    if (mezzo == null) {
      throw new IllegalArgumentException("--mezzo (the ./mezzo launcher or cli/target/mezzo.jar) is required");
    }
    int tasks = flags.integer("--tasks", 20);
    int runs = flags.integer("--runs", 6);
    Duration interval = flags.duration("--interval", Duration.ofMillis(20));
    if (tasks < 1 || runs < 1 || interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("--tasks and --runs must be at least 1, --interval above 0");
    }
    Path home = flags.path("--home");
    return new Config(MezzoCommand.of(mezzo), tasks, runs, interval,
        home != null ? home : Path.of(System.getProperty("java.io.tmpdir")));
  }
}
