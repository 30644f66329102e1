package io.mezzo.benchmarks.load;

import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskState;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Master failover under load: {@code --masters} masters, each {@code MasterMain} in a JVM of its
 * own sharing one ZooKeeper (in a process of its own too: in the bench's JVM, busy with thousands of
 * agents reconnecting at once, it answered the new leader late), {@code --agents} simulated agents and a load framework (on the SDK)
 * keeping {@code --tasks} tasks RUNNING; then the leading master is killed with SIGKILL and the
 * bench measures, from the kill, (a) a surviving master answering the operator API as leader
 * (and, since that answer queues behind the re-registrations, when the first agent re-registered),
 * (b) every agent re-registered (each agent's first re-registration after the kill), (c) the
 * framework's SUBSCRIBED event (it re-subscribes with its id), and (d) the framework reconciled:
 * an implicit RECONCILE sent once (b) and (c) are both done, answered RUNNING for every task.
 * A killed leader's ZooKeeper session has to expire before another master can lead, so (a) is
 * bounded below by the session timeout ({@code --zk-session-timeout}, default 10 s).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.mezzo.benchmarks.load.FailoverBench --masters 3 \
 *   --agents 1000 --tasks 10000</pre>
 */
public final class FailoverBench {
  /** The bench's settings; see {@link #usage()}. */
  public record Config(int masters, int agents, int tasks, Duration sessionTimeout, String resources,
      Duration timeout, Path logs) {}

  /**
   * What a run measured; times in seconds from the kill.
   *
   * @param reregistered agents that re-registered after the kill (distinct)
   * @param resubscribed whether the framework re-subscribed
   * @param reconciled RUNNING answers to the reconciliation
   */
  public record Result(int masters, int agents, int tasks, int reregistered, boolean resubscribed, int reconciled,
      double leaderSeconds, double firstReregisteredSeconds, double reregisteredSeconds, double resubscribedSeconds,
      double reconciledSeconds) {
    String summary() {
      return String.format("masters=%d agents=%d tasks=%d: after kill -9 of the leader%n"
          + "  (a) new leader answering        %6.2f s (the first agent re-registered at %.2f s)%n"
          + "  (b) all %d agents re-registered %6.2f s (%.2f s after (a))%n"
          + "  (c) framework re-subscribed     %6.2f s%n"
          + "  (d) framework reconciled        %6.2f s (%d of %d tasks RUNNING)", masters, agents, tasks,
          leaderSeconds, firstReregisteredSeconds, reregistered, reregisteredSeconds,
          reregisteredSeconds - leaderSeconds, resubscribedSeconds, reconciledSeconds, reconciled, tasks);
    }
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).followRedirects(HttpClient.Redirect.NEVER).build();

  private FailoverBench() {}

  public static void main(String[] args) throws Exception {
    Config config = BenchFlags.parseOrExit(args, FailoverBench::parse, FailoverBench::usage);
    Result result = run(config);
    System.out.println(result.summary());
    System.exit(result.reregistered() == config.agents() && result.resubscribed() ? 0 : 1);
  }

  /** Builds the load, kills the leader, measures, stops everything it started. */
  public static Result run(Config config) throws Exception {
    Files.createDirectories(config.logs());
    List<String> masterFlags = List.of("--zk-session-timeout", config.sessionTimeout().toMillis() + "ms",
        "--allocation-interval", "200ms");
    try (BenchCluster cluster = BenchCluster.startMasterProcesses(config.masters(), masterFlags, config.logs(), true)) {
      long deadline = System.nanoTime() + config.timeout().toNanos();
      BenchCluster.MasterProcess leader = awaitLeader(cluster.masterProcesses(), deadline);
      System.err.println("leader: " + leader.url() + " (logs in " + config.logs() + ")");

      // Each agent's first re-registration after the kill, by hostname.
      Map<String, Long> reregisteredAt = new ConcurrentHashMap<>();
      long[] killedAt = new long[1];
      SimulatedAgents agents = new SimulatedAgents(cluster.agentsVertx(), new SimulatedAgents.Options(config.agents(),
          cluster.masterUrl(), config.resources(), Duration.ofMillis(10), Duration.ofHours(1), true),
          new SimulatedAgent.Listener() {
            @Override
            public void registered(SimulatedAgent agent, boolean first) {
              long now = System.nanoTime();
              synchronized (killedAt) {
                if (!first && killedAt[0] != 0) {
                  reregisteredAt.putIfAbsent(agent.hostname(), now);
                }
              }
            }

            @Override
            public void freed(AgentID agentId, TaskID taskId, TaskState state, long nanos) {}
          });
      cluster.closing(() -> BenchCluster.await(agents.close()));
      BenchCluster.await(agents.start());
      while (agents.registered() < config.agents()) {
        BenchCluster.check(deadline, agents.registered() + " of " + config.agents() + " agents registered");
        Thread.sleep(50);
      }
      LoadFramework load = new LoadFramework(config.tasks()).start(cluster.masterUrl());
      cluster.closing(load::close);
      OperatorProbe probe = new OperatorProbe(leader.url());
      int running = 0;
      while (running < config.tasks()) {
        BenchCluster.check(deadline, running + " of " + config.tasks() + " tasks running");
        Thread.sleep(200);
        running = (int) Math.round(probe.metrics().getOrDefault("master/tasks_running", 0.0));
      }
      System.err.printf("%,d agents registered, %,d tasks running; killing %s%n", config.agents(), running,
          leader.url());

      int subscriptionsBefore = load.subscriptions();
      long kill;
      synchronized (killedAt) {
        kill = System.nanoTime();
        killedAt[0] = kill;
        leader.process().destroyForcibly(); // SIGKILL: no goodbye to ZooKeeper, agents or the framework
      }
      // Wall-clock, to line the masters' logs (election, recovery) up against the kill.
      System.err.println(java.time.LocalTime.now() + " killed " + leader.url());
      leader.process().waitFor();
      List<BenchCluster.MasterProcess> survivors = new ArrayList<>(cluster.masterProcesses());
      survivors.remove(leader);

      LeaderWatch watch = new LeaderWatch(survivors);
      cluster.closing(watch::close);
      long newLeaderAt = 0;
      long resubscribedAt = 0;
      while (newLeaderAt == 0 || reregisteredAt.size() < config.agents() || resubscribedAt == 0) {
        BenchCluster.check(deadline, String.format("after the kill: leader %s, %d of %d agents re-registered,"
            + " framework re-subscribed %s", newLeaderAt != 0, reregisteredAt.size(), config.agents(),
            resubscribedAt != 0));
        if (newLeaderAt == 0) {
          newLeaderAt = watch.answeredAt();
        }
        if (resubscribedAt == 0 && load.subscriptions() > subscriptionsBefore) {
          resubscribedAt = load.lastSubscribed();
        }
        Thread.sleep(10);
      }
      long allReregisteredAt = reregisteredAt.values().stream().mapToLong(Long::longValue).max().orElseThrow();
      long firstReregisteredAt = reregisteredAt.values().stream().mapToLong(Long::longValue).min().orElseThrow();

      long reconcileSent = System.nanoTime();
      load.reconcile().get(30, java.util.concurrent.TimeUnit.SECONDS);
      while (load.reconciledRunning() < config.tasks()) {
        BenchCluster.check(deadline, load.reconciledRunning() + " of " + config.tasks() + " tasks reconciled");
        Thread.sleep(10);
      }
      long reconciledAt = System.nanoTime();
      System.err.printf("reconciliation answered in %.2f s%n", (reconciledAt - reconcileSent) / 1e9);
      return new Result(config.masters(), config.agents(), config.tasks(), reregisteredAt.size(),
          load.subscriptions() > subscriptionsBefore, load.reconciledRunning(), seconds(kill, newLeaderAt),
          seconds(kill, firstReregisteredAt), seconds(kill, allReregisteredAt), seconds(kill, resubscribedAt),
          seconds(kill, reconciledAt));
    }
  }

  private static double seconds(long from, long to) {
    return (to - from) / 1e9;
  }

  private static BenchCluster.MasterProcess awaitLeader(List<BenchCluster.MasterProcess> masters, long deadline)
      throws InterruptedException {
    while (true) {
      BenchCluster.MasterProcess leader = leading(masters);
      if (leader != null) {
        return leader;
      }
      for (BenchCluster.MasterProcess master : masters) {
        if (!master.process().isAlive()) {
          throw new IllegalStateException("Master " + master.url() + " exited; see " + master.log());
        }
      }
      BenchCluster.check(deadline, "no master leading");
      Thread.sleep(50);
    }
  }

  /**
   * One thread per surviving master, each asking its master every 10 ms until one answers as
   * leader: a master slow to answer (busy with re-registering agents) does not delay the others'
   * probes. {@link #answeredAt()} is when the first 200 arrived.
   */
  private static final class LeaderWatch {
    private final java.util.concurrent.atomic.AtomicLong answeredAt = new java.util.concurrent.atomic.AtomicLong();
    private final List<Thread> threads = new ArrayList<>();

    LeaderWatch(List<BenchCluster.MasterProcess> masters) {
      for (BenchCluster.MasterProcess master : masters) {
        Thread thread = new Thread(() -> {
          try {
            while (answeredAt.get() == 0) {
              if (leading(List.of(master)) != null) {
                answeredAt.compareAndSet(0, System.nanoTime());
              }
              Thread.sleep(10);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, "leader-watch-" + master.port());
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
      }
    }

    /** System.nanoTime of the first leader's answer, 0 until then. */
    long answeredAt() {
      return answeredAt.get();
    }

    void close() {
      threads.forEach(Thread::interrupt);
    }
  }

  /** The master answering the operator API itself (200; a standby redirects or answers 503), or null. */
  private static BenchCluster.MasterProcess leading(List<BenchCluster.MasterProcess> masters)
      throws InterruptedException {
    for (BenchCluster.MasterProcess master : masters) {
      try {
        HttpResponse<Void> answer = HTTP.send(HttpRequest.newBuilder(URI.create(master.url() + "/api/v1"))
            .header("Content-Type", "application/json").header("Accept", "application/json")
            .timeout(Duration.ofSeconds(2)).POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"GET_HEALTH\"}"))
            .build(), HttpResponse.BodyHandlers.discarding());
        if (answer.statusCode() == 200) {
          return master;
        }
      } catch (IOException e) {
        // not up yet, or the killed one
      }
    }
    return null;
  }

  static Config parse(String[] args) {
    BenchFlags flags = BenchFlags.parse(args, "--masters", "--agents", "--tasks", "--zk-session-timeout",
        "--resources", "--timeout", "--logs");
    int masters = flags.integer("--masters", 3);
    if (masters < 2) {
      throw new IllegalArgumentException("--masters must be at least 2 (one to kill, one to take over), got " + masters);
    }
    Path logs = flags.path("--logs");
    return new Config(masters, flags.integer("--agents", 1_000), flags.integer("--tasks", 10_000),
        flags.duration("--zk-session-timeout", Duration.ofSeconds(10)),
        flags.string("--resources", "cpus:1;mem:1024;disk:1000;ports:[31000-32000]"),
        flags.duration("--timeout", Duration.ofMinutes(20)),
        logs != null ? logs : temporaryLogs());
  }

  private static Path temporaryLogs() {
    try {
      return Files.createTempDirectory("failover-bench");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String usage() {
    return "usage: FailoverBench [--masters 3] [--agents 1000] [--tasks 10000] [--zk-session-timeout 10s]\n"
        + "  [--resources cpus:1;mem:1024;... (10 tasks of 0.1 cpus per agent)] [--timeout 20m]\n"
        + "  [--logs dir (the masters' output; default a new temporary directory)]";
  }
}
