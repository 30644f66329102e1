package io.mezzo.benchmarks.load;

import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The control-plane load bench: N simulated agents and a load framework against a real
 * master (given by {@code --master}, or started in this JVM with an embedded ZooKeeper),
 * launching {@code --tasks} tasks as fast as offers allow. Prints tasks/s from ACCEPT to
 * RUNNING acknowledged, the latency percentiles, the offer round trip, and draws them to
 * {@code --plot}.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.mezzo.benchmarks.load.LoadBench --agents 1000 --tasks 20000</pre>
 */
public final class LoadBench {
  /** The bench's settings; see {@link #usage()}. */
  public record Config(int agents, int tasks, Duration startDelay, Duration taskDuration, String master,
      Duration allocationInterval, Path plot, Duration timeout, String resources) {}

  /** What a run measured. */
  public record Result(int agents, int launched, int runningAcknowledged, int finishedAcknowledged, int failed,
      double tasksPerSecond, double[] runningMillis, double[] offerMillis, double registerSeconds) {
    String summary() {
      return String.format("agents=%d tasks=%d running-acknowledged=%d finished-acknowledged=%d failed=%d%n"
              + "agents registered in %.1f s%n"
              + "S2 throughput ACCEPT->RUNNING acknowledged: %.0f tasks/s%n"
              + "ACCEPT->RUNNING acknowledged ms: p50=%.1f p90=%.1f p99=%.1f max=%.1f%n"
              + "S6 resources freed->OFFERS ms (%d samples): p50=%.1f p99=%.1f max=%.1f",
          agents, launched, runningAcknowledged, finishedAcknowledged, failed, registerSeconds, tasksPerSecond,
          Samples.percentile(runningMillis, 50), Samples.percentile(runningMillis, 90),
          Samples.percentile(runningMillis, 99), Samples.percentile(runningMillis, 100), offerMillis.length,
          Samples.percentile(offerMillis, 50), Samples.percentile(offerMillis, 99), Samples.percentile(offerMillis, 100));
    }
  }

  private LoadBench() {}

  public static void main(String[] args) throws Exception {
    Config config = BenchFlags.parseOrExit(args, LoadBench::parse, LoadBench::usage);
    Result result = run(config);
    System.out.println(result.summary());
    System.exit(result.finishedAcknowledged() == config.tasks() ? 0 : 1);
  }

  /** Runs one load: starts what is needed, waits for every task to end, stops everything. */
  public static Result run(Config config) throws Exception {
    try (BenchCluster cluster = BenchCluster.start(config.master(), null,
        master -> master.allocationInterval(config.allocationInterval()))) {
      String masterUrl = cluster.masterUrl();
      LoadFramework load = new LoadFramework(config.tasks());
      AtomicInteger finished = new AtomicInteger();
      Map<String, Boolean> finishedTasks = new ConcurrentHashMap<>();
      SimulatedAgents agents = new SimulatedAgents(cluster.agentsVertx(), new SimulatedAgents.Options(config.agents(),
          masterUrl, config.resources(), config.startDelay(), config.taskDuration()), new SimulatedAgent.Listener() {
            @Override
            public void registered(SimulatedAgent agent, boolean first) {}

            @Override
            public void freed(AgentID agentId, TaskID taskId, TaskState state, long nanos) {
              if (state == TaskState.TASK_FINISHED && finishedTasks.putIfAbsent(taskId.getValue(), true) == null) {
                finished.incrementAndGet();
              }
              load.freed(agentId, nanos);
            }
          });
      cluster.closing(() -> BenchCluster.await(agents.close()));
      long registering = System.nanoTime();
      BenchCluster.await(agents.start());
      long deadline = System.nanoTime() + config.timeout().toNanos();
      while (agents.registered() < config.agents()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(agents.registered() + " of " + config.agents() + " agents registered");
        }
        Thread.sleep(20);
      }
      double registerSeconds = (System.nanoTime() - registering) / 1e9;
      System.err.printf("%d agents registered in %.1f s%n", config.agents(), registerSeconds);
      cluster.closing(load::close);
      load.start(masterUrl);
      boolean done = load.awaitTerminal(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      // The last FINISHED acknowledgements reach the agents just after the framework sent them.
      while (done && finished.get() < config.tasks() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Samples running = load.runningAcknowledged();
      long[] times = running.times();
      long last = 0;
      for (long t : times) {
        last = Math.max(last, t);
      }
      double seconds = (last - load.firstAccept()) / 1e9;
      Result result = new Result(config.agents(), load.launched(), running.size(), finished.get(), load.failed(),
          times.length == 0 ? 0 : times.length / seconds, running.sortedMillis(), load.offerRoundTrip().sortedMillis(),
          registerSeconds);
      if (config.plot() != null) {
        LoadPlot.write(config.plot(), String.format("%,d agents, %,d tasks", config.agents(), config.tasks()), load);
      }
      return result;
    }
  }

  static Config parse(String[] args) {
    BenchFlags flags = BenchFlags.parse(args, "--agents", "--tasks", "--start-delay", "--task-duration", "--master",
        "--allocation-interval", "--plot", "--timeout", "--resources");
    return new Config(flags.integer("--agents", 1000), flags.integer("--tasks", 10_000),
        flags.duration("--start-delay", Duration.ofMillis(10)), flags.duration("--task-duration", Duration.ofSeconds(5)),
        flags.string("--master", null), flags.duration("--allocation-interval", Duration.ofSeconds(1)),
        flags.path("--plot"), flags.duration("--timeout", Duration.ofMinutes(10)),
        flags.string("--resources", "cpus:16;mem:65536;disk:500000;ports:[31000-32000]"));
  }

  static String usage() {
    return "usage: LoadBench [--agents N] [--tasks N] [--start-delay 10ms] [--task-duration 5s]\n"
        + "  [--master http://host:port|zk://host:port/path (default: start one in this JVM)]\n"
        + "  [--allocation-interval 1s (self-started master)] [--plot file.png] [--timeout 10m] [--resources spec]";
  }
}
