package io.mezzo.cli;

import io.mezzo.agent.AgentMain;
import io.mezzo.cli.cluster.ClusterCommand;
import io.mezzo.master.MasterMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mezzo} command. */
@Command(name = "mezzo", mixinStandardHelpOptions = true, version = "mezzo 0.1.0",
    description = "Mezzo: a two-level, resource-offer cluster manager that speaks the Mesos v1 API.",
    subcommands = {
        ClusterCommand.class,
        RunCommand.class,
        BatchCommand.class,
        MasterMain.class,
        AgentMain.class,
        ZooKeeperCommand.class,
    })
public final class MezzoCli implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code (2 for bad usage, as every Mezzo command). */
  public static int execute(String... args) {
    return new CommandLine(new MezzoCli()).execute(args);
  }
}
