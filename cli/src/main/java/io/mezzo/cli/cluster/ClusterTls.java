package io.mezzo.cli.cluster;

import io.mezzo.node.tls.CertificateAuthority;
import io.mezzo.node.tls.CertificateAuthority.Purpose;
import io.mezzo.sdk.ClusterCa;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * A local cluster's TLS files, under {@code <cluster dir>/tls/}: the cluster CA ({@code ca.pem},
 * {@code ca-key.pem}) and each node's certificate and key ({@code master-1.pem},
 * {@code master-1-key.pem}, ...), all of mode 0600 in a directory of mode 0700. {@code mezzo}
 * commands given {@code --cluster} trust {@code ca.pem} from here.
 */
public final class ClusterTls {
  static final String DIR = "tls";
  static final String CA = "ca.pem";
  private static final String CA_KEY = "ca-key.pem";

  private final Path dir;
  private final CertificateAuthority ca;

  private ClusterTls(Path dir, CertificateAuthority ca) {
    this.dir = dir;
    this.ca = ca;
  }

  /** Makes a new CA for the cluster in {@code clusterDir}, replacing any that was there. */
  static ClusterTls create(Path clusterDir, String clusterName) {
    Path dir = clusterDir.resolve(DIR);
    try {
      Files.createDirectories(dir);
      if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot make " + dir, e);
    }
    CertificateAuthority ca = CertificateAuthority.create("mezzo cluster " + clusterName + " CA");
    ca.write(dir.resolve(CA), dir.resolve(CA_KEY));
    return new ClusterTls(dir, ca);
  }

  /** The CA of a cluster whose files are in {@code clusterDir}, if it was made with TLS. */
  public static Optional<Path> caFile(Path clusterDir) {
    Path ca = clusterDir.resolve(DIR).resolve(CA);
    return Files.isRegularFile(ca) ? Optional.of(ca) : Optional.empty();
  }

  /** An SSL context trusting the cluster's CA, if it has one. */
  public static Optional<SSLContext> sslContext(Path clusterDir) {
    return caFile(clusterDir).map(ClusterCa::sslContext);
  }

  Path ca() {
    return dir.resolve(CA);
  }

  /**
   * Issues {@code node}'s certificate for {@code host} (with {@code 127.0.0.1} and {@code localhost},
   * and the machine's name) and returns the flags that give a node its files.
   */
  List<String> issue(String node, String host, Purpose purpose) {
    List<String> names = new ArrayList<>(List.of(host, "127.0.0.1", "localhost"));
    try {
      names.add(InetAddress.getLocalHost().getHostName());
    } catch (IOException e) {
      // a machine without a resolvable name: the addresses above are enough for a local cluster
    }
    Issued issued = issue(node, names, purpose);
    return flags(issued.cert().toString(), issued.key().toString(), ca().toString());
  }

  /** Issues {@code node}'s certificate for exactly {@code names} (addresses or host names). */
  Issued issue(String node, List<String> names, Purpose purpose) {
    Path cert = dir.resolve(node + ".pem");
    Path key = dir.resolve(node + "-key.pem");
    ca.issue(node, names, purpose).write(cert, key);
    return new Issued(cert, key);
  }

  /** The flags that give a node its certificate, its key and the cluster CA, by their paths where it runs. */
  static List<String> flags(String cert, String key, String ca) {
    return List.of("--tls-cert", cert, "--tls-key", key, "--ca-cert", ca);
  }

  /** A node's certificate and key files. */
  record Issued(Path cert, Path key) {}
}
