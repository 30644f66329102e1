package io.mezzo.benchmarks.load;

import io.mezzo.master.Master;
import io.mezzo.master.MasterConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.curator.test.TestingServer;

/**
 * The master a load driver measures, with the Vert.x its simulated agents run on: a master the
 * driver starts in its own JVM (with an in-process ZooKeeper and a Vert.x of its own), or one
 * given by URL, or several masters each in a process of its own sharing an in-process ZooKeeper
 * ({@link #startMasterProcesses}, for the failover bench). {@link #close()} stops, quietly and
 * newest first, what was started and what the
 * driver handed over with {@link #closing}.
 */
final class BenchCluster implements AutoCloseable {
  /** Something to stop; may throw. */
  interface Step {
    void run() throws Exception;
  }

  private final Deque<Step> closers = new ArrayDeque<>();
  private final Vertx agentsVertx;
  private final List<MasterProcess> masterProcesses = new ArrayList<>();
  private String masterUrl;
  private String operatorUrl;

  /** A master running {@code MasterMain} in a JVM of its own, on {@code http://127.0.0.1:port}. */
  record MasterProcess(Process process, int port, Path log) {
    String url() {
      return "http://127.0.0.1:" + port;
    }
  }

  private BenchCluster() {
    agentsVertx = Vertx.vertx();
  }

  /**
   * @param masterUrl where the master is ({@code zk://…} or {@code http://…}); null to start one here
   * @param operatorUrl the given master's HTTP address, or null
   * @param settings the started master's configuration, beyond its ZooKeeper and port
   */
  static BenchCluster start(String masterUrl, String operatorUrl, UnaryOperator<MasterConfig.Builder> settings)
      throws Exception {
    BenchCluster cluster = new BenchCluster();
    try {
      cluster.masterUrl = masterUrl;
      cluster.operatorUrl = operatorUrl;
      if (masterUrl == null) {
        // Each handed over as soon as it exists, so it is stopped after what comes later.
        TestingServer zookeeper = zooKeeper();
        cluster.closing(zookeeper::close);
        Vertx masterVertx = Vertx.vertx();
        cluster.closing(() -> await(masterVertx.close()));
        cluster.masterUrl = "zk://" + zookeeper.getConnectString() + "/mezzo";
        Master master = new Master(settings.apply(MasterConfig.builder().zk(cluster.masterUrl).port(0)).build(),
            masterVertx, Clock.systemUTC());
        cluster.closing(() -> await(master.close()));
        await(master.start());
        cluster.operatorUrl = master.url();
      }
      cluster.closing(() -> await(cluster.agentsVertx.close()));
      return cluster;
    } catch (Exception e) {
      cluster.closing(() -> await(cluster.agentsVertx.close()));
      cluster.close();
      throw e;
    }
  }

  /**
   * Starts an in-process ZooKeeper and {@code count} masters, each {@code io.mezzo.master.MasterMain}
   * in its own JVM on this JVM's class path (the benchmarks jar, or the test class path), on a free
   * port, with {@code flags} added to its command line; their output goes to {@code master-<i>.log}
   * in {@code logs}. The master URL is the ZooKeeper one; no operator URL is set, since which master
   * leads is the caller's to find out. Close kills (SIGKILL) the processes still running.
   */
  static BenchCluster startMasterProcesses(int count, List<String> flags, Path logs) throws Exception {
    return startMasterProcesses(count, flags, logs, false);
  }

  /**
   * As {@link #startMasterProcesses(int, List, Path)}, with ZooKeeper in a process of its own
   * when {@code zookeeperProcess} ({@code ZooKeeperServerMain}, output in {@code zookeeper.log}):
   * a driver JVM busy with thousands of agents can starve an in-process ZooKeeper long enough
   * for the master's leader lease to run out.
   */
  static BenchCluster startMasterProcesses(int count, List<String> flags, Path logs, boolean zookeeperProcess)
      throws Exception {
    return startMasterProcesses(count, flags, logs, zookeeperProcess, List.of());
  }

  /**
   * As {@link #startMasterProcesses(int, List, Path, boolean)}, each master's JVM started with
   * {@code javaOptions} (e.g. {@code -XX:TieredStopAtLevel=1}) before its class path.
   */
  static BenchCluster startMasterProcesses(int count, List<String> flags, Path logs, boolean zookeeperProcess,
      List<String> javaOptions) throws Exception {
    BenchCluster cluster = new BenchCluster();
    cluster.closing(() -> await(cluster.agentsVertx.close()));
    try {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      if (zookeeperProcess) {
        cluster.masterUrl = "zk://" + cluster.startZooKeeperProcess(java, logs) + "/mezzo";
      } else {
        TestingServer zookeeper = zooKeeper();
        cluster.closing(zookeeper::close);
        cluster.masterUrl = "zk://" + zookeeper.getConnectString() + "/mezzo";
      }
      Path home = Files.createDirectories(logs.resolve("home"));
      for (int i = 0; i < count; i++) {
        int port = freePort();
        List<String> command = masterCommand(java, javaOptions, cluster.masterUrl, port, flags);
        Path log = logs.resolve("master-" + i + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(log.toFile());
        builder.environment().put("MEZZO_HOME", home.toString());
        Process process = killedAtExit(builder.start());
        cluster.closing(() -> {
          process.destroyForcibly();
          process.waitFor();
        });
        cluster.masterProcesses.add(new MasterProcess(process, port, log));
      }
      return cluster;
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
  }

  /** The command line of a master process on this JVM's class path. */
  static List<String> masterCommand(String java, List<String> javaOptions, String masterUrl, int port,
      List<String> flags) {
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(javaOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.mezzo.master.MasterMain", "--zk",
        masterUrl, "--ip", "127.0.0.1", "--hostname", "127.0.0.1", "--port", Integer.toString(port)));
    command.addAll(flags);
    return command;
  }

  /** {@code process}, killed (SIGKILL) when this JVM exits, however it does: a driver stopped by a signal closes nothing. */
  static Process killedAtExit(Process process) {
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
    return process;
  }

  /**
   * Starts ZooKeeper (ticks of 500 ms, as the in-process one and Mezzo's embedded one, so a session
   * ends close to its timeout; sessions of up to 60 s) and waits until it accepts connections.
   */
  private String startZooKeeperProcess(String java, Path logs) throws Exception {
    int port = freePort();
    Path data = Files.createDirectories(logs.resolve("zookeeper-data"));
    Path config = logs.resolve("zoo.cfg");
    Files.writeString(config, "tickTime=500\nmaxSessionTimeout=60000\ndataDir=" + data + "\nclientPort=" + port
        + "\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n");
    Process process = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        "org.apache.zookeeper.server.ZooKeeperServerMain", config.toString())
        .redirectErrorStream(true).redirectOutput(logs.resolve("zookeeper.log").toFile()).start();
    killedAtExit(process);
    closing(() -> {
      process.destroyForcibly();
      process.waitFor();
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
        return "127.0.0.1:" + port;
      } catch (IOException e) {
        if (!process.isAlive()) {
          throw new IllegalStateException("ZooKeeper exited; see " + logs.resolve("zookeeper.log"));
        }
        check(deadline, "ZooKeeper accepting connections");
        Thread.sleep(100);
      }
    }
  }

  /** The masters {@link #startMasterProcesses} started, in start order (empty otherwise). */
  List<MasterProcess> masterProcesses() {
    return List.copyOf(masterProcesses);
  }

  /**
   * An in-process ZooKeeper with ticks of 500 ms, as Mezzo's own embedded one
   * ({@code mezzo zookeeper}): ZooKeeper ends a session only at a tick after its timeout, and the
   * default 3 s tick put up to 3 s between a dead leader's session timeout and the next election.
   */
  static TestingServer zooKeeper() throws Exception {
    return new TestingServer(new org.apache.curator.test.InstanceSpec(null, -1, -1, -1, true, -1, 500, -1,
        java.util.Map.of("maxSessionTimeout", "40000")), true);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Where agents and frameworks find the master. */
  String masterUrl() {
    return masterUrl;
  }

  /** The master's HTTP address (the started one's, or the one given; null if none was). */
  String operatorUrl() {
    return operatorUrl;
  }

  Vertx agentsVertx() {
    return agentsVertx;
  }

  /** Stops {@code step} at close, before everything handed over earlier. */
  void closing(Step step) {
    closers.addFirst(step);
  }

  @Override
  public void close() {
    while (!closers.isEmpty()) {
      try {
        closers.removeFirst().run();
      } catch (Exception e) {
        System.err.println("while stopping: " + e);
      }
    }
  }

  /** Fails the run with "Timed out: {@code what}" once {@code deadline} (System.nanoTime) has passed. */
  static void check(long deadline, String what) {
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException("Timed out: " + what);
    }
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
