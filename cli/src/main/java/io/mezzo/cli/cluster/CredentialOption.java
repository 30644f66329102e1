package io.mezzo.cli.cluster;

import io.mezzo.sdk.Credential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Who a client command is: a principal, and for a master that authenticates, its secret from a
 * file or the {@code MEZZO_SECRET} environment variable (never a flag, which other users could
 * read in the process list), sent as HTTP Basic on every call. A principal without a secret is
 * only claimed, as Mesos's {@code FrameworkInfo.principal} without authentication: it is recorded
 * (a reservation's reserver) but proves nothing.
 */
public final class CredentialOption {
  @Option(names = "--principal", defaultValue = "${env:MEZZO_PRINCIPAL}",
      description = "Who you are: recorded with reservations, and authenticated when a secret comes with it from"
          + " --secret-file or MEZZO_SECRET (MEZZO_PRINCIPAL)")
  String principal;

  @Option(names = "--secret-file", defaultValue = "${env:MEZZO_SECRET_FILE}",
      description = "File holding the principal's secret (MEZZO_SECRET_FILE)")
  Path secretFile;

  /** The principal given, if any. */
  public Optional<String> principal() {
    return principal == null || principal.isBlank() ? Optional.empty() : Optional.of(principal);
  }

  /** The credential to send, or empty when no principal or no secret is given. */
  public Optional<Credential> credential(CommandLine commandLine) {
    return credential(commandLine, System.getenv("MEZZO_SECRET"));
  }

  Optional<Credential> credential(CommandLine commandLine, String secretFromEnvironment) {
    if (principal == null || principal.isBlank()) {
      if (secretFile != null) {
        throw new CommandLine.ParameterException(commandLine, "--secret-file needs --principal");
      }
      return Optional.empty();
    }
    String secret;
    if (secretFile != null) {
      try {
        secret = Files.readString(secretFile).strip();
      } catch (IOException e) {
        throw new CommandLine.ParameterException(commandLine, "Cannot read --secret-file " + secretFile + ": "
            + e.getMessage());
      }
    } else if (secretFromEnvironment != null) {
      secret = secretFromEnvironment;
    } else {
      return Optional.empty();
    }
    try {
      return Optional.of(Credential.of(principal, secret));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(commandLine, e.getMessage());
    }
  }
}
