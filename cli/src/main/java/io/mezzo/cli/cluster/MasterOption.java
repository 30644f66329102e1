package io.mezzo.cli.cluster;

import io.mezzo.discovery.ZkUrl;
import io.mezzo.sdk.ClusterCa;
import io.mezzo.sdk.Credential;
import io.mezzo.sdk.LocalClusters;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How a client command finds the master: a local cluster's name, or a master/ZooKeeper URL. */
public final class MasterOption {
  @Option(names = "--cluster", description = "A local cluster made by 'mezzo cluster create'")
  String cluster;

  @Option(names = "--master", defaultValue = "${env:MEZZO_MASTER}",
      description = "The master: " + ZkUrl.SYNTAX + " or http://host:port (MEZZO_MASTER)")
  String master;

  @Option(names = "--ca-cert", defaultValue = "${env:MEZZO_CA_CERT}",
      description = "Speak HTTPS to the master and agents, trusting this CA (PEM). With --cluster, the cluster's own"
          + " CA is used when it was made with TLS (MEZZO_CA_CERT)")
  Path caCert;

  /**
   * The TLS trust for the master and the agents: {@code --ca-cert}, else the CA in the directory of
   * the cluster {@code --cluster} names, when it was made with TLS; empty for plain HTTP.
   */
  public Optional<SSLContext> tls(CommandLine commandLine) {
    return tls(commandLine, caCert, cluster);
  }

  /** As {@link #tls(CommandLine)}, for commands with their own options. */
  public static Optional<SSLContext> tls(CommandLine commandLine, Path caCert, String cluster) {
    if (caCert != null) {
      try {
        return Optional.of(ClusterCa.sslContext(caCert));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(commandLine, "--ca-cert: " + e.getMessage());
      }
    }
    if (cluster != null) {
      return ClusterTls.sslContext(ClusterHome.fromEnvironment().dir(cluster));
    }
    return Optional.empty();
  }

  /**
   * Who the command is to the master; see {@link #credential(CommandLine, CredentialOption, String, String)}.
   *
   * @param defaultPrincipal the cluster's principal to use when none is given: {@link LocalClusters#OPERATOR}
   *     for the operator API, {@link LocalClusters#FRAMEWORK} for a framework
   */
  public Optional<Credential> credential(CommandLine commandLine, CredentialOption given, String defaultPrincipal) {
    return credential(commandLine, given, cluster, defaultPrincipal);
  }

  /**
   * Who a command is to the master, as for TLS the one place every command asks: {@code --principal}
   * with its secret from {@code --secret-file} or {@code MEZZO_SECRET}; else, with {@code --cluster},
   * the credential that {@code cluster create} generated for {@code --principal} or, without one,
   * for {@code defaultPrincipal}; empty when there is none (an {@code --insecure} cluster, a
   * principal only claimed).
   */
  public static Optional<Credential> credential(CommandLine commandLine, CredentialOption given, String cluster,
      String defaultPrincipal) {
    Optional<Credential> explicit = given.credential(commandLine);
    if (explicit.isPresent() || cluster == null) {
      return explicit;
    }
    try {
      return LocalClusters.credential(ClusterHome.fromEnvironment().dir(cluster),
          given.principal().orElse(defaultPrincipal));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(commandLine, e.getMessage());
    }
  }

  /** The master location to hand to the SDK. */
  public String resolve(CommandLine commandLine) {
    if (cluster != null && master != null) {
      throw new CommandLine.ParameterException(commandLine, "Give either --cluster or --master, not both");
    }
    if (cluster != null) {
      Optional<ClusterFile> file;
      try {
        file = ClusterHome.fromEnvironment().load(ClusterHome.checkName(cluster));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(commandLine, e.getMessage());
      }
      return file.map(ClusterFile::zk).orElseThrow(() -> new CommandLine.ParameterException(commandLine,
          "No cluster named '" + cluster + "'. Create it with: mezzo cluster create --name " + cluster));
    }
    if (master == null || master.isBlank()) {
      throw new CommandLine.ParameterException(commandLine, "Say where the master is: --cluster NAME or --master URL");
    }
    if (master.startsWith(ZkUrl.SCHEME)) {
      try {
        ZkUrl.parse(master);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(commandLine, "Invalid --master: " + e.getMessage());
      }
    } else if (!master.startsWith("http://") && !master.startsWith("https://")) {
      throw new CommandLine.ParameterException(commandLine,
          "--master must be " + ZkUrl.SYNTAX + " or http://host:port, got '" + master + "'");
    }
    return master;
  }
}
