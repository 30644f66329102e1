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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
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
      String resources, Duration timeout, Path logs, Path plot, Duration warmup, int agentProcesses) {}

  /**
   * What a run measured, in ms, sorted: every sample, and those taken after the warm-up (the
   * framework's first seconds, when it is offered every agent at once and declines all but the
   * busy ones, and the JVMs compile their hot paths).
   */
  public record Result(int agents, int launched, int failed, double[] millis, double[] afterWarmup,
      Duration warmup, double registerSeconds) {
    String summary() {
      return String.format("agents=%d tasks launched=%d failed=%d; agents registered in %.1f s%n"
              + "S6 task ended on its agent -> OFFERS with its resources (goal p99 <= 50 ms)%n  whole run:%s%n"
              + "  after the first %d s:%s", agents, launched, failed, registerSeconds, line(millis),
          warmup.toSeconds(), line(afterWarmup));
    }

    private static String line(double[] sorted) {
      return String.format(" %d samples, p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms", sorted.length,
          Samples.percentile(sorted, 50), Samples.percentile(sorted, 90), Samples.percentile(sorted, 99),
          Samples.percentile(sorted, 100));
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
      long registering = System.nanoTime();
      Agents agents = startAgents(config, cluster, framework);
      while (agents.registered().getAsInt() < config.agents()) {
        agents.check().run();
        BenchCluster.check(deadline, agents.registered().getAsInt() + " of " + config.agents() + " agents registered");
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
          framework.samples().sortedMillis(), framework.samples().sortedMillisFrom(started + config.warmup().toNanos()),
          config.warmup(), registerSeconds);
      if (config.plot() != null) {
        plot(config, result);
      }
      return result;
    }
  }

  /** How many agents registered so far, and a check that fails the run if a driver process failed. */
  private record Agents(IntSupplier registered, Runnable check) {}

  /**
   * Starts the agents, in this JVM or in {@code config.agentProcesses()} child processes; a task's
   * end on an agent goes to {@code framework}. The agents stop when {@code cluster} closes.
   */
  private static Agents startAgents(Config config, BenchCluster cluster, ChurnFramework framework) throws Exception {
    if (config.agentProcesses() > 1) {
      AtomicInteger registered = new AtomicInteger();
      AgentDriverProcesses drivers = AgentDriverProcesses.start(config.agentProcesses(), config.agents(),
          cluster.masterUrl(), config.resources(), "2g", List.of(), config.taskDuration(), false, 0, config.logs(),
          new AgentDriver.Events() {
            @Override
            public void registered(String hostname, boolean first, long epochMicros) {
              if (first) {
                registered.incrementAndGet();
              }
            }

            @Override
            public void ending(String agentId, long epochMicros) {
              // The driver's wall-clock time of the end, on this JVM's System.nanoTime scale.
              framework.ending(agentId, System.nanoTime() - (AgentDriver.epochMicros() - epochMicros) * 1_000);
            }
          });
      cluster.closing(drivers::close);
      System.err.printf("%,d agents in %d processes (logs agents-<i>.log)%n", config.agents(), config.agentProcesses());
      return new Agents(registered::get, drivers::checkRunning);
    }
    SimulatedAgents agents = new SimulatedAgents(cluster.agentsVertx(), new SimulatedAgents.Options(config.agents(),
        cluster.masterUrl(), config.resources(), Duration.ofMillis(10), config.taskDuration()),
        new SimulatedAgent.Listener() {
          @Override
          public void registered(SimulatedAgent agent, boolean first) {}

          @Override
          public void freed(AgentID agentId, TaskID taskId, TaskState state, long nanos) {}

          @Override
          public void ending(AgentID agentId, TaskID taskId, TaskState state, long nanos) {
            framework.ending(agentId.getValue(), nanos);
          }
        });
    cluster.closing(() -> BenchCluster.await(agents.close()));
    BenchCluster.await(agents.start());
    return new Agents(agents::registered, () -> { });
  }

  private static void plot(Config config, Result result) throws IOException {
    HistogramDataset data = new HistogramDataset();
    double[] millis = result.millis();
    double[] after = result.afterWarmup();
    // Up to the p99.9 of the whole run: a few stragglers would squeeze the distribution into one bar.
    double top = Samples.percentile(millis, 99.9);
    data.addSeries("whole run", java.util.Arrays.stream(millis).filter(m -> m <= top).toArray(), 60, 0, top);
    if (after.length > 0) {
      data.addSeries("after the first " + result.warmup().toSeconds() + " s",
          java.util.Arrays.stream(after).filter(m -> m <= top).toArray(), 60, 0, top);
    }
    JFreeChart chart = ChartFactory.createHistogram(String.format(
        "S6 at %,d agents: task ended -> OFFERS (p99 %.0f ms over %,d samples; %.0f ms over the %,d after %d s)",
        config.agents(), Samples.percentile(millis, 99), millis.length, Samples.percentile(after, 99), after.length,
        result.warmup().toSeconds()), "milliseconds (up to the p99.9; allocation interval "
        + config.allocationInterval().toMillis() + " ms)", "samples", data, PlotOrientation.VERTICAL, true, false,
        false);
    chart.getXYPlot().setForegroundAlpha(0.6f); // the later samples' bars show through the whole run's
    if (config.plot().getParent() != null) {
      Files.createDirectories(config.plot().getParent());
    }
    ChartUtils.saveChartAsPNG(config.plot().toFile(), chart, 1000, 500);
  }

  static Config parse(String[] args) {
    BenchFlags flags = BenchFlags.parse(args, "--agents", "--in-flight", "--samples", "--task-duration",
        "--allocation-interval", "--resources", "--timeout", "--logs", "--plot", "--warmup", "--agent-processes");
    Path logs = flags.path("--logs");
    int agents = flags.integer("--agents", 10_000);
    int inFlight = flags.integer("--in-flight", 200);
    if (inFlight < 1 || inFlight > agents) {
      throw new IllegalArgumentException("--in-flight must be between 1 and --agents, got " + inFlight);
    }
    int processes = flags.integer("--agent-processes", 1);
    if (processes < 1 || processes > agents) {
      throw new IllegalArgumentException("--agent-processes must be between 1 and --agents (" + agents + "), got "
          + processes);
    }
    return new Config(agents, inFlight, flags.integer("--samples", 5_000),
        flags.duration("--task-duration", Duration.ofSeconds(2)),
        flags.duration("--allocation-interval", Duration.ofSeconds(1)),
        flags.string("--resources", "cpus:1;mem:1024;disk:1000;ports:[31000-32000]"),
        flags.duration("--timeout", Duration.ofMinutes(30)), logs != null ? logs : temporary(), flags.path("--plot"),
        flags.duration("--warmup", Duration.ofSeconds(15)), processes);
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
        + "  [--logs dir (the master's output)] [--plot file.png]\n"
        + "  [--warmup 15s (samples taken this long after the framework started are reported apart too)]\n"
        + "  [--agent-processes 1 (1: the agents run in this JVM, beside the framework; more: in that many\n"
        + "  child processes, which tell this one when each task ended)]";
  }
}
