package io.mezzo.cli.cluster;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code mezzo cluster list}. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists local clusters.")
public final class ListCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    ClusterHome home = ClusterHome.fromEnvironment();
    if (home.names().isEmpty()) {
      System.out.println("No clusters. Create one with: mezzo cluster create --name demo");
      return 0;
    }
    System.out.printf("%-20s %-10s %s%n", "NAME", "STATUS", "PROCESSES");
    for (String name : home.names()) {
      home.load(name).ifPresent(c -> {
        long alive = c.processes().stream().filter(NodeProcess::alive).count();
        String status = alive == c.processes().size() && alive > 0 ? "running" : alive == 0 ? "stopped" : "degraded";
        System.out.printf("%-20s %-10s %d/%d running%n", name, status, alive, c.processes().size());
      });
    }
    return 0;
  }
}
