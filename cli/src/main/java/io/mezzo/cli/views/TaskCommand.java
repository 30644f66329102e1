package io.mezzo.cli.views;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mezzo task}: commands about one task. */
@Command(name = "task", mixinStandardHelpOptions = true, description = "Commands about one task.",
    subcommands = TaskLogsCommand.class)
public final class TaskCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
