package io.mezzo.cli.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mezzo cluster delete}: stops every process the cluster started (agents first), then ends
 * what the agents did not (tasks left running by an agent killed with -9 or wedged, found through
 * the process groups they recorded and anything running under the cluster's directory, see
 * {@link ClusterRemains}), checks that nothing of the cluster is left, and removes its files.
 */
@Command(name = "delete", mixinStandardHelpOptions = true,
    description = "Stops every process of a local cluster (agents first), ends tasks its agents left running,"
        + " and removes its directory.")
public final class DeleteCommand implements Callable<Integer> {
  private static final Duration GRACE = Duration.ofSeconds(15);

  @Option(names = "--name", required = true, description = "Cluster name")
  String name;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    ClusterHome home = ClusterHome.fromEnvironment();
    Optional<ClusterFile> cluster;
    try {
      cluster = home.load(ClusterHome.checkName(name));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (cluster.isEmpty()) {
      System.out.println("No cluster named '" + name + "'; nothing to delete.");
      return 0;
    }
    if (cluster.get().inContainers()) {
      try (DockerNodes docker = DockerNodes.connect()) {
        new DockerCluster(home, docker).delete(name).forEach(removed -> System.out.println("Removed " + removed));
      } catch (DockerNodes.Unreachable e) {
        System.err.println(e.getMessage() + "; the cluster's files are kept.");
        return 1;
      }
      home.remove(name);
      System.out.println("Cluster '" + name + "' deleted.");
      return 0;
    }
    List<NodeProcess> order = new ArrayList<>(cluster.get().byRole("agent"));
    order.addAll(cluster.get().byRole("master"));
    order.addAll(cluster.get().byRole("zookeeper"));
    List<String> survivors = new ArrayList<>();
    for (NodeProcess p : order) {
      boolean wasAlive = p.alive();
      if (!p.stop(GRACE)) {
        survivors.add(p.name() + " (pid " + p.pid() + ")");
      } else if (wasAlive) {
        System.out.printf("Stopped %s (pid %d)%n", p.name(), p.pid());
      }
    }
    ClusterRemains remains = new ClusterRemains(home.dir(name));
    // Read before anything is removed: the agents' records of their tasks' process groups.
    Set<Long> groups = remains.recordedGroups(cluster.get().byRole("agent"));
    for (ClusterRemains.Remain left : remains.find(groups)) {
      if (ClusterRemains.end(left.handle(), Duration.ofSeconds(5))) {
        System.out.printf("Ended %s, which the cluster's nodes had left running%n", left);
      }
    }
    remains.find(groups).forEach(left -> survivors.add(left.toString()));
    if (!survivors.isEmpty()) {
      System.err.println("Could not stop: " + String.join(", ", survivors) + "; the cluster's files are kept.");
      return 1;
    }
    home.remove(name);
    System.out.println("Cluster '" + name + "' deleted.");
    return 0;
  }
}
