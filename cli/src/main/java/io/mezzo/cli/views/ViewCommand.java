package io.mezzo.cli.views;

import io.mezzo.cli.cluster.CredentialOption;
import io.mezzo.cli.cluster.MasterOption;
import io.mezzo.sdk.LocalClusters;
import io.mezzo.cli.operator.OperatorClient;
import io.mezzo.cli.operator.OperatorClient.OperatorException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A read-only view of the cluster through the master's operator API. Arguments are checked
 * before anything is sent (exit 2); an id the master does not know, or a master that cannot be
 * reached or refuses, is exit 1 with a message.
 */
abstract class ViewCommand implements Callable<Integer> {
  /** Output formats: a table sized to the terminal, or the Mesos JSON of the call's answer. */
  enum Output { table, json }

  @Mixin
  MasterOption masterOption;

  @Mixin
  CredentialOption credentialOption;

  @Option(names = {"-o", "--output"}, defaultValue = "table",
      description = "table or json (the operator API's Mesos JSON) (default ${DEFAULT-VALUE})")
  Output output;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public final Integer call() throws InterruptedException {
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
    } catch (UnknownIdException e) {
      err().println("Error: " + e.getMessage());
      return 1;
    } finally {
      out().flush();
      err().flush();
    }
  }

  /** Checks the arguments. @throws IllegalArgumentException naming what is wrong */
  void validate() {}

  abstract int run(OperatorClient client) throws InterruptedException;

  boolean json() {
    return output == Output.json;
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Prints one line and flushes: views that follow a stream are read as they go. */
  void say(String line) {
    out().println(line);
    out().flush();
  }

  /** An id the master does not know: exit 1, not 2 (the arguments were well formed). */
  static final class UnknownIdException extends RuntimeException {
    UnknownIdException(String message) {
      super(message);
    }
  }
}
