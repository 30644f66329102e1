package io.mezzo.benchmarks.load;

import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.statistics.HistogramDataset;

/**
 * S6, the offer round trip: one master ({@code MasterMain}) in a process of its own (ZooKeeper in a
 * third),
 * {@code --agents} simulated agents and a {@link ChurnFramework} in this JVM. The framework keeps
 * {@code --in-flight} agents busy, one task at a time each taking the agent's whole offer, and
 * silences the others with a long decline filter. A sample is the time from a task ending on its
 * agent (the agent's clock, just before it sends the terminal update) to the framework's OFFERS
 * event holding that agent's resources again; both ends are in this JVM, on one clock.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.mezzo.benchmarks.load.OfferLatencyBench --agents 10000 --samples 5000</pre>
 */
public final class OfferLatencyBench {
  /** The bench's settings; see {@link #usage()}. */
  public record Config(int agents, int inFlight, int samples, Duration taskDuration, Duration allocationInterval,
      String resources, Duration timeout, Path logs, Path plot) {}

  /** What a run measured: the samples, sorted, in ms. */
  public record Result(int agents, int launched, int failed, double[] millis, double registerSeconds) {
    String summary() {
      return String.format("agents=%d tasks launched=%d failed=%d; agents registered in %.1f s%n"
              + "S6 task ended on its agent -> OFFERS with its resources, %d samples: p50=%.1f ms p90=%.1f ms "
              + "p99=%.1f ms max=%.1f ms (goal p99 <= 50 ms)", agents, launched, failed, registerSeconds,
          millis.length, Samples.percentile(millis, 50), Samples.percentile(millis, 90),
          Samples.percentile(millis, 99), Samples.percentile(millis, 100));
    }
  }

  private OfferLatencyBench() {}

  public static void main(String[] args) throws Exception {
    Config config = BenchFlags.parseOrExit(args, OfferLatencyBench::parse, OfferLatencyBench::usage);
    Result result = run(config);
    System.out.println(result.summary());
    System.exit(result.millis().length >= config.samples() && result.failed() == 0 ? 0 : 1);
  }

  /** Starts the master process, the agents and the framework, samples, stops everything it started. */
  public static Result run(Config config) throws Exception {
    Files.createDirectories(config.logs());
    List<String> masterFlags = List.of("--allocation-interval", config.allocationInterval().toMillis() + "ms",
        "--zk-session-timeout", "60000ms");
    try (BenchCluster cluster = BenchCluster.startMasterProcesses(1, masterFlags, config.logs(), true)) {
      long deadline = System.nanoTime() + config.timeout().toNanos();
      ChurnFramework framework = new ChurnFramework(config.inFlight(), config.samples());
      SimulatedAgents agents = new SimulatedAgents(cluster.agentsVertx(), new SimulatedAgents.Options(config.agents(),
          cluster.masterUrl(), config.resources(), Duration.ofMillis(10), config.taskDuration()),
          new SimulatedAgent.Listener() {
            @Override
            public void registered(SimulatedAgent agent, boolean first) {}

            @Override
            public void freed(AgentID agentId, TaskID taskId, TaskState state, long nanos) {}

            @Override
            public void ending(AgentID agentId, TaskID taskId, TaskState state, long nanos) {
              framework.ending(agentId, nanos);
            }
          });
      cluster.closing(() -> BenchCluster.await(agents.close()));
      long registering = System.nanoTime();
      BenchCluster.await(agents.start());
      while (agents.registered() < config.agents()) {
        BenchCluster.check(deadline, agents.registered() + " of " + config.agents() + " agents registered");
        Thread.sleep(50);
      }
      double registerSeconds = (System.nanoTime() - registering) / 1e9;
      System.err.printf("%,d agents registered in %.1f s%n", config.agents(), registerSeconds);
      cluster.closing(framework::close);
      long started = System.nanoTime();
      framework.start(cluster.masterUrl());
      if (!framework.awaitSamples(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException("Timed out: " + framework.samples().size() + " of " + config.samples()
            + " samples");
      }
      // Each sample with when it was taken, to tell the first wave from the steady state.
      Files.writeString(config.logs().resolve("samples.csv"), framework.samples().csv(started));
      Result result = new Result(config.agents(), framework.launched(), framework.failed(),
          framework.samples().sortedMillis(), registerSeconds);
      if (config.plot() != null) {
        plot(config, result);
      }
      return result;
    }
  }

  private static void plot(Config config, Result result) throws IOException {
    HistogramDataset data = new HistogramDataset();
    double[] millis = result.millis();
    // Up to the p99.9: a few stragglers would squeeze the distribution into one bar.
    double top = Samples.percentile(millis, 99.9);
    data.addSeries("samples", java.util.Arrays.stream(millis).filter(m -> m <= top).toArray(), 60);
    JFreeChart chart = ChartFactory.createHistogram(String.format(
        "S6 at %,d agents: task ended -> OFFERS (%,d samples; p50 %.0f ms, p99 %.0f ms; interval %d ms)",
        config.agents(), millis.length, Samples.percentile(millis, 50), Samples.percentile(millis, 99),
        config.allocationInterval().toMillis()), "milliseconds (up to the p99.9)", "samples", data,
        PlotOrientation.VERTICAL, false, false, false);
    if (config.plot().getParent() != null) {
      Files.createDirectories(config.plot().getParent());
    }
    ChartUtils.saveChartAsPNG(config.plot().toFile(), chart, 1000, 500);
  }

  static Config parse(String[] args) {
    BenchFlags flags = BenchFlags.parse(args, "--agents", "--in-flight", "--samples", "--task-duration",
        "--allocation-interval", "--resources", "--timeout", "--logs", "--plot");
    Path logs = flags.path("--logs");
    int agents = flags.integer("--agents", 10_000);
    int inFlight = flags.integer("--in-flight", 200);
    if (inFlight < 1 || inFlight > agents) {
      throw new IllegalArgumentException("--in-flight must be between 1 and --agents, got " + inFlight);
    }
    return new Config(agents, inFlight, flags.integer("--samples", 5_000),
        flags.duration("--task-duration", Duration.ofSeconds(2)),
        flags.duration("--allocation-interval", Duration.ofSeconds(1)),
        flags.string("--resources", "cpus:1;mem:1024;disk:1000;ports:[31000-32000]"),
        flags.duration("--timeout", Duration.ofMinutes(30)), logs != null ? logs : temporary(), flags.path("--plot"));
  }

  private static Path temporary() {
    try {
      return Files.createTempDirectory("offer-latency-bench");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String usage() {
    return "usage: OfferLatencyBench [--agents 10000] [--in-flight 200] [--samples 5000] [--task-duration 2s]\n"
        + "  [--allocation-interval 1s (the master's)] [--resources cpus:1;mem:1024;...] [--timeout 30m]\n"
        + "  [--logs dir (the master's output)] [--plot file.png]";
  }
}
