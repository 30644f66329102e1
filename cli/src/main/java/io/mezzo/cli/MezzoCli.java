package io.mezzo.cli;

import io.mezzo.agent.AgentMain;
import io.mezzo.cli.cluster.ClusterCommand;
import io.mezzo.cli.operator.ExplainCommand;
import io.mezzo.cli.operator.QuotaCommand;
import io.mezzo.cli.operator.ReserveCommand;
import io.mezzo.cli.operator.WeightsCommand;
import io.mezzo.cli.views.AgentsCommand;
import io.mezzo.cli.views.EventsCommand;
import io.mezzo.cli.views.FrameworksCommand;
import io.mezzo.cli.views.OffersCommand;
import io.mezzo.cli.views.TaskCommand;
import io.mezzo.cli.views.TasksCommand;
import io.mezzo.cli.views.TopCommand;
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
        AgentsCommand.class,
        FrameworksCommand.class,
        TasksCommand.class,
        TaskCommand.class,
        OffersCommand.class,
        EventsCommand.class,
        TopCommand.class,
        QuotaCommand.class,
        WeightsCommand.class,
        ReserveCommand.Reserve.class,
        ReserveCommand.Unreserve.class,
        ExplainCommand.class,
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

  /**
   * Client commands print their own progress; the SDK's connection log goes to stderr only
   * when asked for ({@code MEZZO_VERBOSE=1}). Nodes (master, agent) keep logging at INFO.
   */
  static void quietClientLogs() {
    if (System.getenv("MEZZO_VERBOSE") == null) {
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.mezzo.sdk"))
          .setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }
}
