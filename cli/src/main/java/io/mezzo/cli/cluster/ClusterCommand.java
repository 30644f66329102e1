package io.mezzo.cli.cluster;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mezzo cluster}: local clusters of ZooKeeper, masters and agents on this machine. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Creates, lists, inspects and deletes local clusters.",
    subcommands = {CreateCommand.class, StartCommand.class, ListCommand.class, StatusCommand.class, DeleteCommand.class})
public final class ClusterCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
