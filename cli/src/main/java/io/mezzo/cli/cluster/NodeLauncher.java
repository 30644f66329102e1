package io.mezzo.cli.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Starts cluster nodes as background processes of this same program ({@code mezzo master},
 * {@code mezzo agent}, {@code mezzo zookeeper}), each in its own session (setsid) so that
 * they outlive the terminal, with stdout and stderr in one log file per node.
 *
 * <p>Each kind of node gets a heap sized for its work ({@link #defaultJvmOptions}), followed by
 * {@code MEZZO_MASTER_JAVA_OPTS}, {@code MEZZO_AGENT_JAVA_OPTS} or {@code MEZZO_ZOOKEEPER_JAVA_OPTS}
 * from the environment of {@code cluster create} (a later {@code -Xmx} wins). The options are
 * recorded, so {@code cluster start} restarts a node with the options it was created with.
 */
final class NodeLauncher {
  private final Path clusterDir;
  private final String mainClass;

  /** Launches nodes of the program whose command line {@code command} belongs to (its root command's class). */
  NodeLauncher(Path clusterDir, CommandSpec command) {
    this.clusterDir = clusterDir;
    this.mainClass = command.root().userObject().getClass().getName();
  }

  NodeProcess start(String role, String name, int port, String url, Path workDir, List<String> args) {
    return start(role, name, port, url, workDir, args, jvmOptions(role, System.getenv()));
  }

  /**
   * The heap of each kind of node. The master holds the cluster's state, the outstanding offers
   * and the request bodies in flight (whose budget is a fraction of its heap), so it gets the
   * most; an agent holds its own tasks and streams sandbox files in small chunks; the embedded
   * ZooKeeper holds one small registry. -Xms is a quarter of -Xmx, so an idle cluster stays small.
   * Agents and ZooKeeper compile with the first-tier compiler only: their work in a local cluster
   * is light, and the optimizing compiler's threads were a third of their CPU time while a cluster
   * started; the master, which runs the allocator and encodes the state, keeps both tiers.
   */
  static List<String> defaultJvmOptions(String role) {
    return switch (role) {
      case "master" -> List.of("-Xms128m", "-Xmx512m");
      case "agent" -> List.of("-Xms64m", "-Xmx256m", "-XX:TieredStopAtLevel=1");
      case "zookeeper" -> List.of("-Xms32m", "-Xmx128m", "-XX:TieredStopAtLevel=1");
      default -> throw new IllegalArgumentException("No node kind '" + role + "'");
    };
  }

  /** The defaults of a kind of node, then what {@code MEZZO_<ROLE>_JAVA_OPTS} adds. */
  static List<String> jvmOptions(String role, java.util.Map<String, String> environment) {
    List<String> options = new ArrayList<>(defaultJvmOptions(role));
    String extra = environment.get("MEZZO_" + role.toUpperCase(java.util.Locale.ROOT) + "_JAVA_OPTS");
    if (extra != null && !extra.isBlank()) {
      options.addAll(List.of(extra.trim().split("\\s+")));
    }
    return options;
  }

  NodeProcess start(String role, String name, int port, String url, Path workDir, List<String> args,
      List<String> jvmOptions) {
    Path log = clusterDir.resolve(name + ".log");
    List<String> command = new ArrayList<>();
    command.add("setsid");
    command.add(javaBinary());
    command.addAll(jvmOptions);
    command.add("-XX:+UseSerialGC");
    command.addAll(ClassDataArchive.jvmOptions(role, System.getProperty("java.class.path")));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.add(role);
    command.addAll(args);
    try {
      Files.createDirectories(clusterDir);
      if (workDir != null) {
        Files.createDirectories(workDir);
      }
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().keySet().removeIf(k -> k.startsWith("MEZZO_") && !k.equals("MEZZO_HOME"));
      if (role.equals("master") && !args.contains("--zk")) {
        // The masters' ZooKeeper URL carries their digest secret: in the environment, not in ps.
        ClusterSecrets.masterZooKeeper(clusterDir).ifPresent(zk -> builder.environment().put("MEZZO_ZK", zk));
      }
      Process process = builder.start();
      String started = process.info().startInstant().map(Instant::toString).orElse(null);
      return new NodeProcess(role, name, process.pid(), started, port, url, log.toString(),
          workDir == null ? null : workDir.toString(), args, jvmOptions);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  /** Starts a process again as it was recorded: same role, name, port, work dir and arguments. */
  NodeProcess restart(NodeProcess old) {
    if (old.args() == null) {
      throw new IllegalStateException(old.name() + " was recorded by an older mezzo without its arguments; "
          + "recreate the cluster (mezzo cluster delete, then create)");
    }
    return start(old.role(), old.name(), old.port(), old.url(), old.workDir() == null ? null : Path.of(old.workDir()),
        old.args(), old.jvmOptions() == null ? defaultJvmOptions(old.role()) : old.jvmOptions());
  }

  static String javaBinary() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** Ports handed out by this process, so two nodes of one create never get the same one. */
  private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Where ports are picked from, below the kernel's ephemeral range when it leaves room. */
  static final int LOWEST_PORT = 10_000;

  /**
   * A port that was free a moment ago on the address, picked below the kernel's ephemeral range
   * ({@code ip_local_port_range}): the node binds it a moment later, and meanwhile any process's
   * outgoing connection (the other nodes starting at the same time connect to ZooKeeper) may take
   * a free port from that range, and did ("Address already in use"). Nothing takes ports below it
   * without asking for them by number. When the range leaves no room below, any free port.
   */
  static int freePort(String ip) {
    int below = ephemeralLow();
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; below - LOWEST_PORT >= 1_000 && attempt < 100; attempt++) {
      int port = random.nextInt(LOWEST_PORT, below);
      if (!HANDED_OUT.contains(port) && bindable(ip, port) && HANDED_OUT.add(port)) {
        return port;
      }
    }
    for (int attempt = 0; ; attempt++) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
        socket.setReuseAddress(true);
        if (HANDED_OUT.add(socket.getLocalPort()) || attempt >= 100) {
          return socket.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("No free port on " + ip, e);
      }
    }
  }

  private static boolean bindable(String ip, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new java.net.InetSocketAddress(InetAddress.getByName(ip), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The lowest port of the kernel's ephemeral range (Linux), or 0 when it cannot be read. */
  static int ephemeralLow() {
    try {
      // Line by line: procfs reports a size that readString trusts, and it read "3" of "32768 60999".
      String range = java.nio.file.Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).strip();
      return Integer.parseInt(range.split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
