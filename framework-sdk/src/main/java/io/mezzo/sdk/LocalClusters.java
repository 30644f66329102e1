package io.mezzo.sdk;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * The clusters {@code mezzo cluster create} made on this machine, and how to reach one: its
 * ZooKeeper URL, its CA (unless made {@code --insecure}) and the credentials it generated. A
 * cluster's files are in {@code $MEZZO_HOME/clusters/<name>/} ({@code MEZZO_HOME} defaults to
 * {@code ~/.mezzo}):
 *
 * <ul>
 *   <li>{@code cluster.json}: its processes and {@code "zk"}, the ZooKeeper URL its masters are found at;
 *   <li>{@code tls/ca.pem}: the cluster CA every node's certificate is issued by;
 *   <li>{@code credentials.json}: the principals {@value #OPERATOR} (the operator) and {@value #FRAMEWORK}
 *       (frameworks) with their secrets, in Mesos's format;
 *   <li>{@code acls.json}: what each principal may do, in Mesos's format.
 * </ul>
 *
 * <pre>{@code
 * SchedulerClient client = SchedulerClient.builder()
 *     .localCluster("dev")        // master, CA and the framework principal's credential
 *     .frameworkInfo(FrameworkInfo.newBuilder().setUser("me").setName("batch").build())
 *     .scheduler(myScheduler)
 *     .build();
 * }</pre>
 */
public final class LocalClusters {
  /** The operator's principal: may do everything. */
  public static final String OPERATOR = "admin";
  /** The frameworks' principal: registers, runs and tears down its own frameworks. */
  public static final String FRAMEWORK = "framework";
  /** The credentials file in a cluster's directory (Mesos's format; mode 0600). */
  public static final String CREDENTIALS_FILE = "credentials.json";
  /** The ACLs file in a cluster's directory (Mesos's format; mode 0600). */
  public static final String ACLS_FILE = "acls.json";
  /** The cluster CA in a cluster's directory. */
  public static final String CA_FILE = "tls/ca.pem";

  private static final String CLUSTER_FILE = "cluster.json";
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private LocalClusters() {}

  /** {@code $MEZZO_HOME}, else {@code ~/.mezzo}. */
  public static Path home() {
    String home = System.getenv("MEZZO_HOME");
    return home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".mezzo");
  }

  /**
   * The local cluster {@code name} of {@link #home()}.
   *
   * @throws IllegalArgumentException when the name is not a cluster name or no such cluster exists
   */
  public static Access open(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("Not a cluster name: '" + name + "'");
    }
    return open(home().resolve("clusters").resolve(name));
  }

  /**
   * The local cluster whose files are in {@code clusterDir}.
   *
   * @throws IllegalArgumentException when the directory holds no cluster or its files cannot be read
   */
  public static Access open(Path clusterDir) {
    Path file = clusterDir.resolve(CLUSTER_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("No cluster in " + clusterDir
          + ". Create it with: mezzo cluster create --name " + clusterDir.getFileName());
    }
    Value zk = readJson(file).getFieldsOrDefault("zk", Value.getDefaultInstance());
    if (!zk.hasStringValue()) {
      throw new IllegalArgumentException(file + " names no ZooKeeper (\"zk\")");
    }
    Path ca = clusterDir.resolve(CA_FILE);
    return new Access(clusterDir, zk.getStringValue(), Files.isRegularFile(ca) ? Optional.of(ca) : Optional.empty());
  }

  /**
   * The credential of {@code principal} in the {@value #CREDENTIALS_FILE} of {@code clusterDir};
   * empty when the cluster has no credentials (made {@code --insecure}) or not this principal.
   *
   * @throws IllegalArgumentException when the file exists but cannot be read or parsed
   */
  public static Optional<Credential> credential(Path clusterDir, String principal) {
    Path file = clusterDir.resolve(CREDENTIALS_FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Value list = readJson(file).getFieldsOrDefault("credentials", Value.getDefaultInstance());
    for (Value entry : list.getListValue().getValuesList()) {
      Struct fields = entry.getStructValue();
      if (fields.getFieldsOrDefault("principal", Value.getDefaultInstance()).getStringValue().equals(principal)) {
        return Optional.of(Credential.of(principal,
            fields.getFieldsOrDefault("secret", Value.getDefaultInstance()).getStringValue()));
      }
    }
    return Optional.empty();
  }

  private static Struct readJson(Path file) {
    try {
      Struct.Builder json = Struct.newBuilder();
      JsonFormat.parser().merge(Files.readString(file, StandardCharsets.UTF_8), json);
      return json.build();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new IllegalArgumentException("Cannot parse " + file + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * How to reach one local cluster.
   *
   * @param dir the cluster's directory
   * @param zk the ZooKeeper URL its masters are found at, {@code zk://host:port/path}
   * @param caCertificate the cluster CA, when it was made with TLS (the default)
   */
  public record Access(Path dir, String zk, Optional<Path> caCertificate) {
    public Access {
      Objects.requireNonNull(dir, "dir");
      Objects.requireNonNull(zk, "zk");
      Objects.requireNonNull(caCertificate, "caCertificate");
    }

    /** TLS trusting the cluster CA; empty for a cluster made {@code --insecure}. */
    public Optional<SSLContext> sslContext() {
      return caCertificate.map(ClusterCa::sslContext);
    }

    /** The frameworks' credential ({@value LocalClusters#FRAMEWORK}); empty for a cluster made {@code --insecure}. */
    public Optional<Credential> frameworkCredential() {
      return credential(dir, FRAMEWORK);
    }

    /** The operator's credential ({@value LocalClusters#OPERATOR}); empty for a cluster made {@code --insecure}. */
    public Optional<Credential> operatorCredential() {
      return credential(dir, OPERATOR);
    }
  }
}
