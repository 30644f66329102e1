package io.mezzo.cli.operator;

import io.mezzo.cli.cluster.CredentialOption;
import io.mezzo.cli.cluster.MasterOption;
import io.mezzo.sdk.LocalClusters;
import io.mezzo.cli.operator.OperatorClient.OperatorException;
import io.mezzo.protocol.Ids;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * A command that sends operator API calls: checks its input first (exit 2, nothing sent),
 * then talks to the leading master (exit 1 with the master's status and message when refused).
 */
abstract class OperatorCommand implements Callable<Integer> {
  @Mixin
  MasterOption masterOption;

  @Mixin
  CredentialOption credentialOption;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public final Integer call() {
    try {
      validate();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    String master = masterOption.resolve(spec.commandLine());
    try {
      return run(new OperatorClient(master, masterOption.credential(spec.commandLine(), credentialOption, LocalClusters.OPERATOR),
          masterOption.tls(spec.commandLine())));
    } catch (OperatorException e) {
      err().println("Error: " + e.getMessage());
      return 1;
    }
  }

  /** Checks and parses the arguments. @throws IllegalArgumentException naming what is wrong */
  abstract void validate();

  abstract int run(OperatorClient client);

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  static String checkRole(String role) {
    Ids.checkRole(role).ifPresent(reason -> {
      throw new IllegalArgumentException(reason);
    });
    if (role.equals("*")) {
      throw new IllegalArgumentException("The default role '*' cannot be used here");
    }
    return role;
  }

  /** Output formats of the read commands. */
  enum Output { table, json }
}
