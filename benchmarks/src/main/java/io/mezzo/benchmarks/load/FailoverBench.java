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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Master failover under load: {@code --masters} masters, each {@code MasterMain} in a JVM of its
 * own sharing one ZooKeeper (in a process of its own too: in the bench's JVM, busy with thousands of
 * agents reconnecting at once, it answered the new leader late), {@code --agents} simulated agents
 * and a load framework (on the SDK) keeping {@code --tasks} tasks RUNNING and, once they are
 * launched, suppressing its offers as a framework that wants nothing more should (it re-subscribes
 * suppressed); once every RUNNING update is acknowledged (a quiet cluster, nothing pending
 * anywhere), the leading master is killed with SIGKILL and the bench measures, from the kill, (a) a
 * surviving master answering the operator API as leader (and, since that answer queues behind the
 * re-registrations, when the first agent re-registered), (b) every agent re-registered (each
 * agent's first re-registration after the kill), (c) the framework's SUBSCRIBED event (it
 * re-subscribes with its id), and (d) the framework reconciled: an implicit RECONCILE sent once (b)
 * and (c) are both done, answered RUNNING for every task.
 * A killed leader's ZooKeeper session has to expire before another master can lead, so (a) is
 * bounded below by the session timeout ({@code --zk-session-timeout}, default 10 s).
 *
 * <p>With {@code --agent-processes 1} the agents run in the bench's JVM. With more, they are split
 * over that many {@link AgentDriver} processes ({@link AgentDriverProcesses}), which report each
 * agent's registrations with wall-clock times: one JVM cannot hold 10,000 agents (one socket each,
 * and a process may open 20,000 descriptors here). The bench keeps ZooKeeper, the masters, the
 * framework, the kill and (a), (c) and (d); (b) it computes from the drivers' reports, against the
 * wall-clock time of the kill, which it reads together with the {@code System.nanoTime} the other
 * figures are measured from.
 *
 * <p>With {@code --second-failover true} it then measures a failover onto a master whose JVM has
 * led before: the new leader is stopped past its session timeout (it steps down when continued),
 * the master that leads meanwhile is killed once the cluster is quiet again, and (a) to (d) are
 * measured from that kill ({@link Failover#leadElsewhere}).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.mezzo.benchmarks.load.FailoverBench --masters 3 \
 *   --agents 1000 --tasks 10000</pre>
 */
public final class FailoverBench {
  /** Agents per driver process when {@code --agent-processes} is not given. */
  static final int AGENTS_PER_PROCESS = 2_500;

  /**
   * The bench's settings; see {@link #usage()}.
   *
   * @param agentProcesses processes the agents run in: 1 is the bench's own JVM, more are child
   *     processes ({@link AgentDriver})
   * @param agentProcessHeap each child's maximum heap ({@code -Xmx}), e.g. {@code 2g}
   * @param plot where to draw the agents coming back over time (PNG), or null
   * @param masterJavaOptions options for each master's JVM, e.g. {@code -XX:TieredStopAtLevel=1}
   * @param agentNice the driver processes' niceness (0 to 19): above 0 they yield the cores to the masters
   * @param agentJavaOptions options for each driver process's JVM, e.g. {@code -XX:TieredStopAtLevel=1}
   * @param secondFailover after the first, measure a second failover, onto a master whose JVM has
   *     led before ({@link Failover#leadElsewhere}); needs 3 masters or more
   */
  public record Config(int masters, int agents, int tasks, Duration sessionTimeout, String resources,
      Duration timeout, Path logs, int agentProcesses, String agentProcessHeap, Path plot,
      List<String> masterJavaOptions, int agentNice, List<String> agentJavaOptions, boolean secondFailover) {
    public Config {
      checkAgentProcesses(agents, agentProcesses);
      checkSecondFailover(secondFailover, masters);
      masterJavaOptions = List.copyOf(masterJavaOptions);
      agentJavaOptions = List.copyOf(agentJavaOptions);
      checkAgentProcessOptions(agentNice, agentJavaOptions, agentProcesses);
    }
  }

  /**
   * What a run measured; times in seconds from the kill.
   *
   * @param resubscribed whether the framework re-subscribed
   * @param reconciled RUNNING answers to the reconciliation
   * @param reregistrations when each agent that re-registered after the kill did so (its first time),
   *     in seconds from the kill, in order
   */
  public record Result(int masters, int agents, int tasks, boolean resubscribed, int reconciled,
      double leaderSeconds, double resubscribedSeconds, double reconciledSeconds, List<Double> reregistrations) {
    /** Agents that re-registered after the kill. */
    int reregistered() {
      return reregistrations.size();
    }

    /** When the first agent re-registered. */
    double firstReregisteredSeconds() {
      return reregistrations.get(0);
    }

    /** (b): when the last agent re-registered. */
    double reregisteredSeconds() {
      return reregistrations.get(reregistrations.size() - 1);
    }

    /** By when {@code percent}% of the agents that re-registered had done so. */
    double reregisteredSeconds(int percent) {
      return reregistrations.get(Math.max(0, (int) Math.ceil(reregistrations.size() * percent / 100.0) - 1));
    }

    String summary() {
      return String.format("masters=%d agents=%d tasks=%d: after kill -9 of the leader%n"
          + "  (a) new leader answering        %6.2f s (the first agent re-registered at %.2f s)%n"
          + "  (b) all %d agents re-registered %6.2f s (%.2f s after (a))%n"
          + "  (c) framework re-subscribed     %6.2f s%n"
          + "  (d) framework reconciled        %6.2f s (%d of %d tasks RUNNING)", masters, agents, tasks,
          leaderSeconds, firstReregisteredSeconds(), reregistered(), reregisteredSeconds(),
          reregisteredSeconds() - leaderSeconds, resubscribedSeconds, reconciledSeconds, reconciled, tasks);
    }
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).followRedirects(HttpClient.Redirect.NEVER).build();

  private FailoverBench() {}

  public static void main(String[] args) throws Exception {
    Config config = BenchFlags.parseOrExit(args, FailoverBench::parse, FailoverBench::usage);
    List<Result> results = run(config);
    boolean complete = true;
    for (int i = 0; i < results.size(); i++) {
      if (results.size() > 1) {
        System.out.println(i == 0 ? "First failover, onto a standby that never led:"
            : "Second failover, onto the master that led after the first and then stepped down:");
      }
      System.out.println(results.get(i).summary());
      complete &= results.get(i).reregistered() == config.agents() && results.get(i).resubscribed();
    }
    System.exit(complete ? 0 : 1);
  }

  /**
   * Builds the load, kills the leader, measures, stops everything it started. Returns what the
   * failover measured, then what the second measured if {@link Config#secondFailover()}.
   */
  public static List<Result> run(Config config) throws Exception {
    Files.createDirectories(config.logs());
    List<String> masterFlags = List.of("--zk-session-timeout", config.sessionTimeout().toMillis() + "ms",
        "--allocation-interval", "200ms");
    try (BenchCluster cluster = BenchCluster.startMasterProcesses(config.masters(), masterFlags, config.logs(), true,
        config.masterJavaOptions())) {
      long deadline = System.nanoTime() + config.timeout().toNanos();
      BenchCluster.MasterProcess leader = awaitLeader(cluster.masterProcesses(), deadline);
      System.err.println("leader: " + leader.url() + " (logs in " + config.logs() + ")");

      Registrations registrations = new Registrations();
      Runnable agentsRunning = startAgents(config, cluster, registrations);
      while (registrations.registered() < config.agents()) {
        agentsRunning.run();
        BenchCluster.check(deadline, registrations.registered() + " of " + config.agents() + " agents registered");
        Thread.sleep(50);
      }
      LoadFramework load = new LoadFramework(config.tasks()).suppressWhenLaunched().start(cluster.masterUrl());
      cluster.closing(load::close);
      OperatorProbe probe = new OperatorProbe(leader.url());
      int running = 0;
      while (running < config.tasks()) {
        agentsRunning.run();
        BenchCluster.check(deadline, running + " of " + config.tasks() + " tasks running");
        Thread.sleep(200);
        running = (int) Math.round(probe.metrics().getOrDefault("master/tasks_running", 0.0));
      }
      // A quiet cluster: every RUNNING update acknowledged and no acknowledgement still queued in the
      // framework (agents resend updates not acknowledged in time, so a framework slow to acknowledge
      // 100,000 of them has duplicates queued). Killed earlier, the queued ones would all fail at
      // once, and the agents would send their pending updates again after the failover.
      while (load.runningAcknowledged().size() < config.tasks() || !load.callsIdle()) {
        agentsRunning.run();
        BenchCluster.check(deadline, load.runningAcknowledged().size() + " of " + config.tasks()
            + " RUNNING updates acknowledged, calls idle: " + load.callsIdle());
        Thread.sleep(200);
      }
      System.err.printf("%,d agents registered, %,d tasks running%n", config.agents(), running);

      Failover failover = new Failover(config, registrations, load, agentsRunning, deadline, cluster);
      List<BenchCluster.MasterProcess> survivors = new ArrayList<>(cluster.masterProcesses());
      survivors.remove(leader);
      Result first = failover.measure(leader, survivors);
      if (config.plot() != null) {
        FailoverPlot.write(config.plot(), first);
      }
      if (!config.secondFailover()) {
        return List.of(first);
      }
      return List.of(first, failover.measure(failover.leadElsewhere(survivors), survivors));
    }
  }

  /** The steps of a measured failover, on one cluster, its agents and its framework. */
  private record Failover(Config config, Registrations registrations, LoadFramework load, Runnable agentsRunning,
      long deadline, BenchCluster cluster) {
    /**
     * Kills {@code leader} (SIGKILL: no goodbye to ZooKeeper, agents or the framework) and measures
     * (a) to (d) from the kill; one of {@code survivors} is to take over.
     */
    Result measure(BenchCluster.MasterProcess leader, List<BenchCluster.MasterProcess> survivors) throws Exception {
      int subscriptionsBefore = load.subscriptions();
      long kill = registrations.from(() -> leader.process().destroyForcibly());
      // Wall-clock, to line the masters' logs (election, recovery) up against the kill.
      System.err.println(java.time.LocalTime.now() + " killed " + leader.url());
      leader.process().waitFor();

      LeaderWatch watch = new LeaderWatch(survivors.stream().filter(m -> m != leader).toList());
      cluster.closing(watch::close);
      long newLeaderAt = 0;
      long resubscribedAt = 0;
      while (newLeaderAt == 0 || registrations.reregistered() < config.agents() || resubscribedAt == 0) {
        agentsRunning.run();
        BenchCluster.check(deadline, String.format("after the kill: leader %s, %d of %d agents re-registered,"
            + " framework re-subscribed %s", newLeaderAt != 0, registrations.reregistered(), config.agents(),
            resubscribedAt != 0));
        if (newLeaderAt == 0) {
          newLeaderAt = watch.answeredAt();
        }
        if (resubscribedAt == 0 && load.subscriptions() > subscriptionsBefore) {
          resubscribedAt = load.lastSubscribed();
        }
        Thread.sleep(10);
      }
      watch.close();
      List<Double> reregistrations = registrations.reregistrationSeconds();

      long reconcileSent = System.nanoTime();
      load.reconcile().get(30, java.util.concurrent.TimeUnit.SECONDS);
      while (load.reconciledRunning() < config.tasks()) {
        BenchCluster.check(deadline, load.reconciledRunning() + " of " + config.tasks() + " tasks reconciled");
        Thread.sleep(10);
      }
      long reconciledAt = System.nanoTime();
      System.err.printf("reconciliation answered in %.2f s%n", (reconciledAt - reconcileSent) / 1e9);
      Result result = new Result(config.masters(), config.agents(), config.tasks(),
          load.subscriptions() > subscriptionsBefore, load.reconciledRunning(), seconds(kill, newLeaderAt),
          seconds(kill, resubscribedAt), seconds(kill, reconciledAt), reregistrations);
      System.err.printf("agents re-registered by: 10%% %.2f s, 50%% %.2f s, 90%% %.2f s, 99%% %.2f s%n",
          result.reregisteredSeconds(10), result.reregisteredSeconds(50), result.reregisteredSeconds(90),
          result.reregisteredSeconds(99));
      return result;
    }

    /**
     * Makes the leader among {@code masters} step down without dying: it is stopped (SIGSTOP) until
     * its ZooKeeper session has expired and another of them leads, then continued (SIGCONT), and
     * joins the election again as a standby. Returns the new leader once every agent has
     * re-registered with it, the framework has re-subscribed and nothing is pending: the cluster
     * is as quiet as before the first kill, and the master that stepped down is a standby whose
     * JVM has run a leader's whole path.
     */
    BenchCluster.MasterProcess leadElsewhere(List<BenchCluster.MasterProcess> masters) throws Exception {
      BenchCluster.MasterProcess stepping = awaitLeader(masters, deadline);
      List<BenchCluster.MasterProcess> others = new ArrayList<>(masters);
      others.remove(stepping);
      int subscriptionsBefore = load.subscriptions();
      registrations.from(() -> signal(stepping, "STOP"));
      System.err.println(java.time.LocalTime.now() + " stopped " + stepping.url() + " (SIGSTOP)");
      BenchCluster.MasterProcess next;
      try {
        next = awaitLeader(others, deadline);
      } finally {
        signal(stepping, "CONT");
      }
      System.err.println(java.time.LocalTime.now() + " " + next.url() + " leads; continued " + stepping.url());
      while (leading(List.of(stepping), Duration.ofSeconds(2)) != null) {
        BenchCluster.check(deadline, stepping.url() + " still answering as leader after its session expired");
        Thread.sleep(50);
      }
      while (registrations.reregistered() < config.agents() || load.subscriptions() <= subscriptionsBefore
          || !load.callsIdle()) {
        agentsRunning.run();
        BenchCluster.check(deadline, String.format("moving to %s: %d of %d agents re-registered, framework"
            + " re-subscribed %s, calls idle %s", next.url(), registrations.reregistered(), config.agents(),
            load.subscriptions() > subscriptionsBefore, load.callsIdle()));
        Thread.sleep(50);
      }
      System.err.printf("%s stepped down; %,d agents and the framework moved to %s%n", stepping.url(),
          config.agents(), next.url());
      return next;
    }

    /** Sends {@code signal} (STOP or CONT) to the master's process. */
    private static void signal(BenchCluster.MasterProcess master, String signal) {
      try {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(master.process().pid()))
            .redirectErrorStream(true).start();
        if (kill.waitFor() != 0) {
          throw new IllegalStateException("kill -" + signal + " " + master.process().pid() + " failed: "
              + new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted signalling " + master.url(), e);
      }
    }
  }

  private static double seconds(long from, long to) {
    return (to - from) / 1e9;
  }

  /**
   * Starts the agents, in this JVM or in {@code config.agentProcesses()} child processes, telling
   * {@code registrations} of every registration; they are stopped when {@code cluster} closes.
   * Returns a check that fails the run if a child process failed or exited.
   */
  private static Runnable startAgents(Config config, BenchCluster cluster, Registrations registrations)
      throws Exception {
    if (config.agentProcesses() > 1) {
      AgentDriverProcesses drivers = AgentDriverProcesses.start(config.agentProcesses(), config.agents(),
          cluster.masterUrl(), config.resources(), config.agentProcessHeap(), config.agentJavaOptions(),
          Duration.ofHours(1), true, config.agentNice(), config.logs(), registrations);
      cluster.closing(drivers::close);
      System.err.printf("%,d agents in %d processes (logs agents-<i>.log)%n", config.agents(),
          config.agentProcesses());
      return drivers::checkRunning;
    }
    SimulatedAgents agents = new SimulatedAgents(cluster.agentsVertx(), new SimulatedAgents.Options(config.agents(),
        cluster.masterUrl(), config.resources(), Duration.ofMillis(10), Duration.ofHours(1), true),
        new SimulatedAgent.Listener() {
          @Override
          public void registered(SimulatedAgent agent, boolean first) {
            registrations.registered(agent.hostname(), first, AgentDriver.epochMicros());
          }

          @Override
          public void freed(AgentID agentId, TaskID taskId, TaskState state, long nanos) {}
        });
    cluster.closing(() -> BenchCluster.await(agents.close()));
    BenchCluster.await(agents.start());
    return () -> {};
  }

  /**
   * The agents' registrations, wherever the agents run: how many registered, and each agent's first
   * re-registration after the latest fault (a kill, a stop), by host name. Re-registration times are
   * wall-clock ({@link AgentDriver#epochMicros()}), taken by the agent's process; the fault's
   * wall-clock time is read under the same lock as the events are counted, so a re-registration
   * counts if and only if its process saw it after the fault.
   */
  private static final class Registrations implements AgentDriver.Events {
    private int registered;
    private final Map<String, Long> reregisteredAt = new HashMap<>();
    private long faultAtMicros;

    @Override
    public synchronized void registered(String hostname, boolean first, long epochMicros) {
      if (first) {
        registered++;
      } else if (faultAtMicros != 0 && epochMicros >= faultAtMicros) {
        reregisteredAt.putIfAbsent(hostname, epochMicros);
      }
    }

    /**
     * Runs {@code fault} (a kill, a stop) and returns the System.nanoTime it ran at; re-registrations
     * count from then on, and those before are forgotten.
     */
    synchronized long from(Runnable fault) {
      long nanos = System.nanoTime();
      faultAtMicros = AgentDriver.epochMicros();
      reregisteredAt.clear();
      fault.run();
      return nanos;
    }

    synchronized int registered() {
      return registered;
    }

    /** Agents that re-registered since the fault (distinct). */
    synchronized int reregistered() {
      return reregisteredAt.size();
    }

    /** When each agent re-registered, in seconds from the fault, in order. */
    synchronized List<Double> reregistrationSeconds() {
      return reregisteredAt.values().stream().sorted().map(at -> (at - faultAtMicros) / 1e6).toList();
    }
  }

  private static BenchCluster.MasterProcess awaitLeader(List<BenchCluster.MasterProcess> masters, long deadline)
      throws InterruptedException {
    while (true) {
      BenchCluster.MasterProcess leader = leading(masters, Duration.ofSeconds(2));
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
   * probes. Each question waits up to {@link #ANSWER_TIMEOUT} for its answer, as an operator's
   * tool would: a leader busy with thousands of registrations answers late, and giving up after
   * a second or two would throw away the answer on its way and ask again at the back of the
   * queue. {@link #answeredAt()} is when the first 200 arrived.
   */
  static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(2);

  private static final class LeaderWatch {
    private final java.util.concurrent.atomic.AtomicLong answeredAt = new java.util.concurrent.atomic.AtomicLong();
    private final List<Thread> threads = new ArrayList<>();

    LeaderWatch(List<BenchCluster.MasterProcess> masters) {
      for (BenchCluster.MasterProcess master : masters) {
        Thread thread = new Thread(() -> {
          try {
            while (answeredAt.get() == 0) {
              if (leading(List.of(master), ANSWER_TIMEOUT) != null) {
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
  private static BenchCluster.MasterProcess leading(List<BenchCluster.MasterProcess> masters, Duration timeout)
      throws InterruptedException {
    for (BenchCluster.MasterProcess master : masters) {
      try {
        HttpResponse<Void> answer = HTTP.send(HttpRequest.newBuilder(URI.create(master.url() + "/api/v1"))
            .header("Content-Type", "application/json").header("Accept", "application/json")
            .timeout(timeout).POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"GET_HEALTH\"}"))
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
        "--resources", "--timeout", "--logs", "--agent-processes", "--agent-process-heap", "--plot",
        "--master-java-options", "--agent-nice", "--agent-java-options", "--second-failover");
    int masters = flags.integer("--masters", 3);
    if (masters < 2) {
      throw new IllegalArgumentException("--masters must be at least 2 (one to kill, one to take over), got "
          + masters);
    }
    int agents = flags.integer("--agents", 1_000);
    if (agents < 1) {
      throw new IllegalArgumentException("--agents must be at least 1, got " + agents);
    }
    String heap = flags.string("--agent-process-heap", "2g");
    if (!heap.matches("[0-9]+[kKmMgG]?")) {
      throw new IllegalArgumentException("Bad --agent-process-heap " + heap + ": use a -Xmx size such as 2g or 512m");
    }
    int processes = flags.integer("--agent-processes", Math.max(1, (agents + AGENTS_PER_PROCESS - 1)
        / AGENTS_PER_PROCESS));
    checkAgentProcesses(agents, processes); // before a temporary logs directory is made
    List<String> masterJavaOptions = javaOptions(flags, "--master-java-options");
    List<String> agentJavaOptions = javaOptions(flags, "--agent-java-options");
    int agentNice = flags.integer("--agent-nice", 0);
    checkAgentProcessOptions(agentNice, agentJavaOptions, processes); // before a temporary logs directory is made
    boolean secondFailover = flags.bool("--second-failover", false);
    checkSecondFailover(secondFailover, masters); // before a temporary logs directory is made
    Path logs = flags.path("--logs");
    return new Config(masters, agents, flags.integer("--tasks", 10_000),
        flags.duration("--zk-session-timeout", Duration.ofSeconds(10)),
        flags.string("--resources", "cpus:1;mem:1024;disk:1000;ports:[31000-32000]"),
        flags.duration("--timeout", Duration.ofMinutes(20)),
        logs != null ? logs : temporaryLogs(), processes, heap, flags.path("--plot"), masterJavaOptions, agentNice,
        agentJavaOptions, secondFailover);
  }

  private static void checkSecondFailover(boolean secondFailover, int masters) {
    if (secondFailover && masters < 3) {
      throw new IllegalArgumentException("--second-failover needs --masters 3 or more (one killed, one to step down,"
          + " one to lead meanwhile), got " + masters);
    }
  }

  private static void checkAgentProcesses(int agents, int processes) {
    if (processes < 1 || processes > agents) {
      throw new IllegalArgumentException("--agent-processes must be between 1 and --agents (" + agents + "), got "
          + processes);
    }
  }

  /** The JVM options in flag {@code name}, split on spaces; each must start with '-'. */
  private static List<String> javaOptions(BenchFlags flags, String name) {
    List<String> options = List.of(flags.string(name, "").trim().split("\\s+")).stream()
        .filter(o -> !o.isEmpty()).toList();
    for (String option : options) {
      if (!option.startsWith("-")) {
        throw new IllegalArgumentException("Bad " + name + ": '" + option
            + "' is not a JVM option (they start with '-', e.g. -XX:TieredStopAtLevel=1)");
      }
    }
    return options;
  }

  private static void checkAgentProcessOptions(int nice, List<String> javaOptions, int processes) {
    if (nice < 0 || nice > 19) {
      throw new IllegalArgumentException("--agent-nice must be between 0 and 19, got " + nice);
    }
    if (nice > 0 && processes < 2) {
      throw new IllegalArgumentException(
          "--agent-nice needs --agent-processes 2 or more (agents in processes of their own)");
    }
    if (!javaOptions.isEmpty() && processes < 2) {
      throw new IllegalArgumentException(
          "--agent-java-options needs --agent-processes 2 or more (agents in processes of their own)");
    }
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
        + "  [--logs dir (the masters' and agent processes' output; default a new temporary directory)]\n"
        + "  [--agent-processes K (processes the agents run in; default one per 2,500 agents, at least 1;\n"
        + "    1 runs them in this JVM, more in child JVMs each with its share)]\n"
        + "  [--agent-process-heap 2g (each child's -Xmx)] [--plot file.png (the agents coming back over time)]\n"
        + "  [--master-java-options \"-XX:TieredStopAtLevel=1 ...\" (options for each master's JVM)]\n"
        + "  [--agent-nice 0..19 (the agent processes' niceness: above 0 they yield the cores to the masters)]\n"
        + "  [--agent-java-options \"-XX:TieredStopAtLevel=1 ...\" (options for each agent process's JVM)]\n"
        + "  [--second-failover true (then stop the new leader past its session timeout so it steps down, kill the\n"
        + "    master that leads meanwhile, and measure the failover onto the one that has led before)]";
  }
}
