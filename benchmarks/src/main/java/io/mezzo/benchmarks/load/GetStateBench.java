package io.mezzo.benchmarks.load;

import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.master.Protos.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * GET_STATE at scale: N simulated agents and a load framework that keeps {@code --tasks} tasks
 * RUNNING (several per offer, as many as fit; they report RUNNING without STARTING and run for
 * an hour), then {@code --calls} GET_STATE calls in protobuf and in JSON and as many v0
 * {@code /state}, one at a time. For each it prints the time the master's context spent on the
 * snapshot ({@code master/operator_snapshot_ms}, read from GET_METRICS after the call) and the
 * total response time seen by the caller, with the response size.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.mezzo.benchmarks.load.GetStateBench --agents 10000 --tasks 100000 \
 *   --master zk://127.0.0.1:22181/mezzo --operator http://127.0.0.1:25050</pre>
 */
public final class GetStateBench {
  /** The bench's settings; see {@link #usage()}. */
  public record Config(int agents, int tasks, int calls, String master, String operator, String resources,
      Duration timeout) {}

  /** One kind of read: per call, the snapshot's time on the master's context and the total, in ms. */
  public record Series(String name, double[] snapshotMillis, double[] totalMillis, long bytes) {
    String line() {
      double[] s = snapshotMillis.clone();
      double[] t = totalMillis.clone();
      java.util.Arrays.sort(s);
      java.util.Arrays.sort(t);
      return String.format("%-22s %,12d bytes  snapshot ms p50=%.0f max=%.0f  total ms p50=%.0f max=%.0f", name, bytes,
          Samples.percentile(s, 50), Samples.percentile(s, 100), Samples.percentile(t, 50), Samples.percentile(t, 100));
    }
  }

  /** What a run measured. */
  public record Result(int agents, int tasksRunning, int stateTasks, int stateAgents, double buildSeconds,
      List<Series> series) {
    String summary() {
      StringBuilder out = new StringBuilder(String.format("agents=%d tasks running=%d (GET_STATE: %d agents, %d tasks);"
          + " state built in %.1f s%n", agents, tasksRunning, stateAgents, stateTasks, buildSeconds));
      series.forEach(s -> out.append(s.line()).append('\n'));
      return out.toString();
    }
  }

  private GetStateBench() {}

  public static void main(String[] args) throws Exception {
    Config config = BenchFlags.parseOrExit(args, GetStateBench::parse, GetStateBench::usage);
    Result result = run(config);
    System.out.println(result.summary());
    System.exit(result.tasksRunning() == config.tasks() ? 0 : 1);
  }

  /** Builds the state, measures, stops what it started (the load framework is torn down). */
  public static Result run(Config config) throws Exception {
    try (BenchCluster cluster = BenchCluster.start(config.master(), config.operator(),
        master -> master.allocationInterval(Duration.ofMillis(200)))) {
      String masterUrl = cluster.masterUrl();
      SimulatedAgents agents = new SimulatedAgents(cluster.agentsVertx(), new SimulatedAgents.Options(config.agents(),
          masterUrl, config.resources(), Duration.ofMillis(10), Duration.ofHours(1), true), SimulatedAgent.Listener.NONE);
      cluster.closing(() -> BenchCluster.await(agents.close()));
      long deadline = System.nanoTime() + config.timeout().toNanos();
      BenchCluster.await(agents.start());
      while (agents.registered() < config.agents()) {
        BenchCluster.check(deadline, agents.registered() + " of " + config.agents() + " agents registered");
        Thread.sleep(50);
      }
      OperatorProbe probe = new OperatorProbe(cluster.operatorUrl());
      long building = System.nanoTime();
      LoadFramework load = new LoadFramework(config.tasks()).start(masterUrl);
      cluster.closing(load::close);
      int running = 0;
      long lastPrint = 0;
      while (running < config.tasks()) {
        BenchCluster.check(deadline, running + " of " + config.tasks() + " tasks running");
        Thread.sleep(500);
        running = (int) Math.round(probe.metrics().getOrDefault("master/tasks_running", 0.0));
        if (System.nanoTime() - lastPrint > 10_000_000_000L) {
          lastPrint = System.nanoTime();
          System.err.printf("%,d of %,d tasks running after %.0f s%n", running, config.tasks(),
              (lastPrint - building) / 1e9);
        }
      }
      double buildSeconds = (System.nanoTime() - building) / 1e9;
      Response.GetState state = probe.call(Call.Type.GET_STATE).getGetState();
      List<Series> series = new ArrayList<>();
      series.add(measure(probe, "GET_STATE protobuf", () -> probe.timed(Call.Type.GET_STATE, false), config.calls()));
      series.add(measure(probe, "GET_STATE json", () -> probe.timed(Call.Type.GET_STATE, true), config.calls()));
      series.add(measure(probe, "GET_STATE json gzip", () -> probe.timedGzip(Call.Type.GET_STATE), config.calls()));
      series.add(measure(probe, "/state (v0 json)", probe::timedState, config.calls()));
      return new Result(config.agents(), running, state.getGetTasks().getTasksCount(),
          state.getGetAgents().getAgentsCount(), buildSeconds, series);
    }
  }

  private interface TimedCall {
    OperatorProbe.Timed call() throws Exception;
  }

  private static Series measure(OperatorProbe probe, String name, TimedCall call, int calls) throws Exception {
    double[] snapshot = new double[calls];
    double[] total = new double[calls];
    long bytes = 0;
    for (int i = 0; i < calls; i++) {
      OperatorProbe.Timed timed = call.call();
      // GET_METRICS takes no snapshot: the timer's last value is this call's.
      Map<String, Double> metrics = probe.metrics();
      snapshot[i] = metrics.getOrDefault("master/operator_snapshot_ms", Double.NaN);
      total[i] = timed.millis();
      bytes = timed.bytes();
      System.err.printf("%s #%d: snapshot %.1f ms, total %.1f ms, %,d bytes%n", name, i + 1, snapshot[i], total[i],
          bytes);
    }
    return new Series(name, snapshot, total, bytes);
  }

  static Config parse(String[] args) {
    BenchFlags flags = BenchFlags.parse(args, "--agents", "--tasks", "--calls", "--master", "--operator",
        "--resources", "--timeout");
    String master = flags.string("--master", null);
    String operator = flags.string("--operator", null);
    if ((master == null) != (operator == null)) {
      throw new IllegalArgumentException("--master and --operator go together (or neither: start a master here)");
    }
    return new Config(flags.integer("--agents", 10_000), flags.integer("--tasks", 100_000), flags.integer("--calls", 5),
        master, operator, flags.string("--resources", "cpus:1;mem:1024;disk:1000;ports:[31000-32000]"),
        flags.duration("--timeout", Duration.ofMinutes(30)));
  }

  static String usage() {
    return "usage: GetStateBench [--agents 10000] [--tasks 100000] [--calls 5]\n"
        + "  [--master zk://host:port/path --operator http://host:port (default: start a master in this JVM)]\n"
        + "  [--resources cpus:1;mem:1024;... (10 tasks of 0.1 cpus per agent)] [--timeout 30m]";
  }
}
