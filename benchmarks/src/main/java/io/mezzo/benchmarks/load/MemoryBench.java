package io.mezzo.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * S5, the master's memory: one master ({@code MasterMain}) in a process of its own (ZooKeeper in a
 * third), measured from
 * outside with {@code jcmd <pid> GC.class_histogram}, which runs a full GC first and sums the
 * live objects left: the heap's live set. Measured three times: with nothing registered, with
 * {@code --agents} simulated agents, and with those agents running {@code --tasks} tasks of the
 * load framework (which then suppresses its offers, so no outstanding offer is counted in).
 * Bytes per agent and per task are the differences divided by the counts. Each histogram is
 * kept in {@code --logs} as {@code histogram-<phase>.txt}, to see where the bytes are.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.mezzo.benchmarks.load.MemoryBench --agents 10000 --tasks 100000</pre>
 */
public final class MemoryBench {
  /** The bench's settings; see {@link #usage()}. */
  public record Config(int agents, int tasks, String resources, Duration timeout, Path logs, Path plot) {}

  /** Live heap bytes at each phase. */
  public record Result(int agents, int tasks, int tasksRunning, long emptyBytes, long agentsBytes,
      long tasksBytes) {
    double bytesPerAgent() {
      return (double) (agentsBytes - emptyBytes) / agents;
    }

    double bytesPerTask() {
      return tasksRunning == 0 ? Double.NaN : (double) (tasksBytes - agentsBytes) / tasksRunning;
    }

    String summary() {
      return String.format("master live heap after full GC: empty %,d B; %,d agents %,d B; + %,d tasks running %,d B%n"
          + "S5 per agent: %,.0f B (goal <= 5,120); per task: %,.0f B (goal <= 1,024)", emptyBytes, agents,
          agentsBytes, tasksRunning, tasksBytes, bytesPerAgent(), bytesPerTask());
    }
  }

  private MemoryBench() {}

  public static void main(String[] args) throws Exception {
    Config config = BenchFlags.parseOrExit(args, MemoryBench::parse, MemoryBench::usage);
    Result result = run(config);
    System.out.println(result.summary());
    System.exit(result.tasksRunning() == config.tasks() ? 0 : 1);
  }

  /** Starts the master process and the load, measures, stops everything it started. */
  public static Result run(Config config) throws Exception {
    Files.createDirectories(config.logs());
    List<String> masterFlags = List.of("--allocation-interval", "200ms", "--zk-session-timeout", "60000ms");
    try (BenchCluster cluster = BenchCluster.startMasterProcesses(1, masterFlags, config.logs(), true)) {
      long deadline = System.nanoTime() + config.timeout().toNanos();
      BenchCluster.MasterProcess master = cluster.masterProcesses().get(0);
      OperatorProbe probe = new OperatorProbe(master.url());
      awaitLeading(master, probe, deadline);
      long empty = liveBytes(master, config.logs().resolve("histogram-empty.txt"));
      System.err.printf("empty master: %,d live bytes%n", empty);

      SimulatedAgents agents = new SimulatedAgents(cluster.agentsVertx(), new SimulatedAgents.Options(config.agents(),
          cluster.masterUrl(), config.resources(), Duration.ofMillis(10), Duration.ofDays(1), true),
          SimulatedAgent.Listener.NONE);
      cluster.closing(() -> BenchCluster.await(agents.close()));
      BenchCluster.await(agents.start());
      while (probe.metrics().getOrDefault("master/slaves_active", 0.0) < config.agents()) {
        BenchCluster.check(deadline, agents.registered() + " of " + config.agents() + " agents registered");
        Thread.sleep(200);
      }
      long withAgents = liveBytes(master, config.logs().resolve("histogram-agents.txt"));
      System.err.printf("%,d agents: %,d live bytes%n", config.agents(), withAgents);

      long withTasks = withAgents;
      int running = 0;
      if (config.tasks() > 0) {
        LoadFramework load = new LoadFramework(config.tasks()).suppressWhenLaunched().start(cluster.masterUrl());
        cluster.closing(load::close);
        long building = System.nanoTime();
        long lastPrint = building;
        Map<String, Double> metrics = probe.metrics();
        // Every task running, or (when an ACCEPT was lost: the framework suppressed, so its tasks are
        // not launched again) every launched task settled: none staging or starting, no offer out.
        while (!(metrics.getOrDefault("master/tasks_running", 0.0) >= config.tasks()
            || load.launched() == config.tasks() && settled(metrics))
            || metrics.getOrDefault("master/outstanding_offers", 0.0) > 0) {
          BenchCluster.check(deadline, metrics.get("master/tasks_running") + " of " + config.tasks()
              + " tasks running, " + metrics.get("master/outstanding_offers") + " offers outstanding");
          Thread.sleep(500);
          metrics = probe.metrics();
          if (System.nanoTime() - lastPrint > 10_000_000_000L) {
            lastPrint = System.nanoTime();
            System.err.printf("%,.0f of %,d tasks running after %.0f s%n", metrics.get("master/tasks_running"),
                config.tasks(), (lastPrint - building) / 1e9);
          }
        }
        running = (int) Math.round(metrics.get("master/tasks_running"));
        withTasks = liveBytes(master, config.logs().resolve("histogram-tasks.txt"));
        System.err.printf("%,d tasks running: %,d live bytes%n", running, withTasks);
      }
      Result result = new Result(config.agents(), config.tasks(), running, empty, withAgents, withTasks);
      if (config.plot() != null) {
        Map<String, Double> bars = new LinkedHashMap<>();
        bars.put("empty master", empty / 1e6);
        bars.put(String.format("%,d agents", config.agents()), withAgents / 1e6);
        bars.put(String.format("%,d agents + %,d tasks", config.agents(), running), withTasks / 1e6);
        BarPlot.write(config.plot(), String.format("S5: master live heap after a full GC (%,.0f B/agent, %,.0f B/task)",
            result.bytesPerAgent(), result.bytesPerTask()), "MB live", bars);
      }
      return result;
    }
  }

  private static boolean settled(Map<String, Double> metrics) {
    return metrics.getOrDefault("master/tasks_running", 0.0) > 0
        && metrics.getOrDefault("master/tasks_staging", 0.0) == 0
        && metrics.getOrDefault("master/tasks_starting", 0.0) == 0;
  }

  private static void awaitLeading(BenchCluster.MasterProcess master, OperatorProbe probe, long deadline)
      throws InterruptedException {
    while (true) {
      try {
        if (probe.metrics().getOrDefault("master/elected", 0.0) == 1.0) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      if (!master.process().isAlive()) {
        throw new IllegalStateException("Master exited; see " + master.log());
      }
      BenchCluster.check(deadline, "the master leading");
      Thread.sleep(100);
    }
  }

  /**
   * The process's live heap: {@code jcmd GC.class_histogram} collects fully, then lists what is
   * left; its last line is {@code Total <instances> <bytes>}. The histogram is kept in {@code out}.
   */
  static long liveBytes(BenchCluster.MasterProcess master, Path out) throws IOException, InterruptedException {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process process = new ProcessBuilder(jcmd, Long.toString(master.process().pid()), "GC.class_histogram")
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (process.waitFor() != 0) {
      throw new IOException("jcmd failed: " + Files.readString(out, StandardCharsets.UTF_8));
    }
    return totalBytes(Files.readAllLines(out, StandardCharsets.UTF_8));
  }

  static long totalBytes(List<String> histogram) throws IOException {
    for (int i = histogram.size() - 1; i >= 0; i--) {
      String[] fields = histogram.get(i).trim().split("\\s+");
      if (fields.length == 3 && fields[0].equals("Total")) {
        return Long.parseLong(fields[2]);
      }
    }
    throw new IOException("No 'Total' line in the class histogram: " + histogram);
  }

  static Config parse(String[] args) {
    BenchFlags flags = BenchFlags.parse(args, "--agents", "--tasks", "--resources", "--timeout", "--logs", "--plot");
    Path logs = flags.path("--logs");
    return new Config(flags.integer("--agents", 10_000), flags.integer("--tasks", 100_000),
        flags.string("--resources", "cpus:1;mem:1024;disk:1000;ports:[31000-32000]"),
        flags.duration("--timeout", Duration.ofMinutes(40)), logs != null ? logs : temporary(), flags.path("--plot"));
  }

  private static Path temporary() {
    try {
      return Files.createTempDirectory("memory-bench");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String usage() {
    return "usage: MemoryBench [--agents 10000] [--tasks 100000]\n"
        + "  [--resources cpus:1;mem:1024;... (10 tasks of 0.1 cpus per agent)] [--timeout 40m]\n"
        + "  [--logs dir (the master's output and the class histograms)] [--plot file.png]";
  }
}
