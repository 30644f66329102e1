package io.mezzo.cli.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mezzo cluster start}: starts again the processes of a local cluster that are not
 * running (after a crash, a kill -9 or a reboot), each with the flags, port and work dir it was
 * created with, ZooKeeper first and agents last, then waits until the cluster is ready. A
 * restarted agent recovers the tasks it had (see the agent's {@code --recover}); processes
 * still running are left alone (see {@link NodeProcess#alive()}), and so is a node whose port or
 * work dir another process holds: starting it would make a duplicate. {@code cluster.json}
 * changes only for the processes this command started.
 */
@Command(name = "start", mixinStandardHelpOptions = true,
    description = "Starts again the processes of a local cluster that are not running (after a crash, kill -9 or"
        + " reboot), with the same flags, ports and work dirs; restarted agents recover their tasks.")
public final class StartCommand implements Callable<Integer> {
  @Option(names = "--name", required = true, description = "Cluster name")
  String name;

  @Option(names = "--timeout", defaultValue = "90s", converter = io.mezzo.master.DurationFlag.class,
      description = "How long to wait for the cluster to be ready (default ${DEFAULT-VALUE})")
  Duration timeout;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    ClusterHome home = ClusterHome.fromEnvironment();
    Optional<ClusterFile> loaded;
    try {
      loaded = home.load(ClusterHome.checkName(name));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (loaded.isEmpty()) {
      System.err.println("No cluster named '" + name + "'. Create it with: mezzo cluster create --name " + name);
      return 1;
    }
    ClusterFile cluster = loaded.get();
    Instant deadline = Instant.now().plus(timeout);
    if (cluster.inContainers()) {
      return startContainers(home, cluster, deadline);
    }
    NodeLauncher launcher = new NodeLauncher(home.dir(name), spec);
    List<String> started = new ArrayList<>();
    List<NodeProcess> held = new ArrayList<>();
    for (String role : List.of("zookeeper", "master", "agent")) {
      for (NodeProcess process : cluster.byRole(role)) {
        if (process.alive()) {
          continue;
        }
        Optional<String> holder = process.heldBy();
        if (holder.isPresent()) {
          System.err.printf("Not starting %s: %s (is it running under another pid?).%n", process.name(), holder.get());
          held.add(process);
          continue;
        }
        NodeProcess restarted;
        try {
          restarted = launcher.restart(process);
        } catch (IllegalStateException e) {
          System.err.println(e.getMessage());
          return 1;
        }
        cluster = cluster.replace(process, restarted);
        home.save(cluster);
        started.add(restarted.name() + " (pid " + restarted.pid() + ")");
        if (role.equals("zookeeper")) {
          awaitZooKeeper(restarted, deadline);
        }
      }
    }
    if (started.isEmpty()) {
      if (!held.isEmpty()) {
        System.err.println("Nothing started; cluster '" + name + "' has processes this command does not recognise.");
        return 1;
      }
      System.out.println("Every process of cluster '" + name + "' is running; nothing to start.");
      return 0;
    }
    System.out.println("Started " + String.join(", ", started));
    // A held node's recorded pid is not its process: judge readiness by the others and the leader's view.
    ClusterFile known = new ClusterFile(cluster.name(), cluster.zk(), cluster.embeddedZk(), cluster.created(),
        cluster.processes().stream().filter(p -> !held.contains(p)).toList(), cluster.provider());
    Optional<String> problem = ClusterProbe.forCluster(home.dir(name)).awaitReady(known, cluster.byRole("agent").size(), deadline);
    if (problem.isPresent()) {
      System.err.println("Cluster '" + name + "' is not ready: " + problem.get() + ". Logs: " + home.dir(name));
      return 1;
    }
    System.out.println("Cluster '" + name + "' is ready.");
    return 0;
  }

  private int startContainers(ClusterHome home, ClusterFile cluster, Instant deadline) throws InterruptedException {
    List<String> started = new ArrayList<>();
    try (DockerNodes docker = DockerNodes.connect()) {
      cluster = new DockerCluster(home, docker).start(cluster, started);
    } catch (DockerNodes.Unreachable e) {
      System.err.println(e.getMessage());
      return 1;
    }
    if (started.isEmpty()) {
      System.out.println("Every container of cluster '" + name + "' is running; nothing to start.");
      return 0;
    }
    System.out.println("Started " + String.join(", ", started));
    Optional<String> problem = ClusterProbe.forCluster(home.dir(name)).awaitReady(cluster, cluster.byRole("agent").size(), deadline);
    if (problem.isPresent()) {
      System.err.println("Cluster '" + name + "' is not ready: " + problem.get() + ". Logs: docker logs <container>");
      return 1;
    }
    System.out.println("Cluster '" + name + "' is ready.");
    return 0;
  }

  private static void awaitZooKeeper(NodeProcess zookeeper, Instant deadline) throws InterruptedException {
    String host = zookeeper.url().substring(0, zookeeper.url().lastIndexOf(':'));
    while (!ClusterProbe.zooKeeperServing(host, zookeeper.port()) && zookeeper.alive()
        && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }
  }
}
