package io.mezzo.cli.cluster;

import io.mezzo.sdk.LocalClusters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * A local cluster's credentials and ACLs, in Mesos's formats, for its masters' {@code --credentials}
 * and {@code --acls}: {@code credentials.json} with a random secret for the operator
 * ({@value LocalClusters#OPERATOR}) and for frameworks ({@value LocalClusters#FRAMEWORK}), and
 * {@code acls.json}, not permissive, in which the operator may do everything and the framework
 * principal may register in any role and run tasks, tear down only its own frameworks, and see
 * only the frameworks, tasks and executors of the OS user that made the cluster. Both files are
 * of mode 0600. {@link LocalClusters} reads them back for the {@code mezzo} commands and the SDK.
 *
 * <p>With the embedded ZooKeeper, the masters also get ZooKeeper {@code digest} credentials
 * ({@link #masterZooKeeper}): the URL with {@code user:secret@} is kept in {@code zk-masters}
 * (0600) and reaches a master in its environment ({@code MEZZO_ZK}), never on its command line,
 * where any local user could read it.
 */
public final class ClusterSecrets {
  private static final int SECRET_BYTES = 24;
  /** The masters' ZooKeeper URL with their digest credentials. */
  static final String MASTER_ZK_FILE = "zk-masters";
  /** The ZooKeeper user of the masters' digest. */
  static final String ZK_USER = "mezzo";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path credentials;
  private final Path acls;

  private ClusterSecrets(Path credentials, Path acls) {
    this.credentials = credentials;
    this.acls = acls;
  }

  /** Writes new credentials and ACLs into {@code clusterDir}, replacing any that were there. */
  public static ClusterSecrets create(Path clusterDir, String osUser) {
    Path credentials = clusterDir.resolve(LocalClusters.CREDENTIALS_FILE);
    Path acls = clusterDir.resolve(LocalClusters.ACLS_FILE);
    JsonArray list = new JsonArray();
    for (String principal : List.of(LocalClusters.OPERATOR, LocalClusters.FRAMEWORK)) {
      list.add(new JsonObject().put("principal", principal).put("secret", secret()));
    }
    writeOwnerOnly(credentials, new JsonObject().put("credentials", list).encodePrettily());
    writeOwnerOnly(acls, acls(osUser).encodePrettily());
    return new ClusterSecrets(credentials, acls);
  }

  /** The ACLs: Mesos's JSON, first matching rule decides, nothing else allowed. */
  static JsonObject acls(String osUser) {
    JsonObject operator = values(LocalClusters.OPERATOR);
    JsonObject framework = values(LocalClusters.FRAMEWORK);
    JsonObject both = values(LocalClusters.OPERATOR, LocalClusters.FRAMEWORK);
    JsonObject any = new JsonObject().put("type", "ANY");
    JsonObject ownUser = values(osUser);
    return new JsonObject()
        .put("permissive", false)
        .put("register_frameworks", rules(rule("principals", both, "roles", any)))
        .put("run_tasks", rules(rule("principals", both, "users", any)))
        .put("teardown_frameworks", rules(rule("principals", operator, "framework_principals", any),
            rule("principals", framework, "framework_principals", framework)))
        .put("reserve_resources", rules(rule("principals", operator, "roles", any)))
        .put("unreserve_resources", rules(rule("principals", operator, "reserver_principals", any)))
        .put("update_quotas", rules(rule("principals", operator, "roles", any)))
        .put("update_weights", rules(rule("principals", operator, "roles", any)))
        .put("view_frameworks", rules(rule("principals", operator, "users", any),
            rule("principals", framework, "users", ownUser)))
        .put("view_tasks", rules(rule("principals", operator, "users", any),
            rule("principals", framework, "users", ownUser)))
        .put("view_executors", rules(rule("principals", operator, "users", any),
            rule("principals", framework, "users", ownUser)))
        .put("view_agents", rules(rule("principals", both, "agents", any)))
        .put("view_flags", rules(rule("principals", operator, "flags", any)))
        .put("set_log_level", rules(rule("principals", operator, "level", any)))
        .put("mark_agents_gone", rules(rule("principals", operator, "agents", any)))
        // The agents read this file too: a framework principal reads its own frameworks' sandboxes
        // (the agent's rule), the operator every sandbox.
        .put("access_sandboxes", rules(rule("principals", operator, "users", any)));
  }

  private static JsonObject values(String... values) {
    return new JsonObject().put("values", new JsonArray(List.of((Object[]) values)));
  }

  private static JsonObject rule(String subjectKey, JsonObject subject, String objectKey, JsonObject object) {
    return new JsonObject().put(subjectKey, subject.copy()).put(objectKey, object.copy());
  }

  private static JsonArray rules(JsonObject... rules) {
    return new JsonArray(List.of((Object[]) rules));
  }

  /** 24 random bytes in URL-safe base64: no ':' (HTTP Basic), nothing a shell would expand. */
  private static String secret() {
    byte[] bytes = new byte[SECRET_BYTES];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Created 0600 before a byte is written, so the secret is never readable by others. */
  private static void writeOwnerOnly(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(file);
      if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  /**
   * Gives the masters ZooKeeper digest credentials on {@code zk} (the embedded ZooKeeper's plain
   * URL, which agents and clients keep using: they only read there) and returns the URL the
   * masters use. They create every node readable by anyone and writable only with the digest.
   */
  String masterZooKeeper(String zk) {
    if (!zk.startsWith("zk://")) {
      throw new IllegalArgumentException("Not a zk:// URL: " + zk);
    }
    String withDigest = "zk://" + ZK_USER + ":" + secret() + "@" + zk.substring("zk://".length());
    writeOwnerOnly(credentials.getParent().resolve(MASTER_ZK_FILE), withDigest);
    return withDigest;
  }

  /** The masters' ZooKeeper URL with its digest, when {@code cluster create} gave them one. */
  static java.util.Optional<String> masterZooKeeper(Path clusterDir) {
    Path file = clusterDir.resolve(MASTER_ZK_FILE);
    if (!Files.isRegularFile(file)) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  /** The masters' flags that turn authentication and authorization on with these files. */
  public List<String> masterFlags() {
    return masterFlags(credentials.toString(), acls.toString());
  }

  /** The masters' flags, with the files at these paths where the masters run. */
  static List<String> masterFlags(String credentials, String acls) {
    return List.of("--credentials", credentials, "--acls", acls,
        "--authenticate-http-frameworks", "--authenticate-http-readonly", "--authenticate-http-readwrite");
  }

  /**
   * The agents' flags: HTTP Basic on their read-only endpoints, {@code access_sandboxes} on their
   * files, and a token per executor on the executor API.
   */
  public List<String> agentFlags() {
    return agentFlags(credentials.toString(), acls.toString());
  }

  /** The agents' flags, with the files at these paths where the agents run. */
  static List<String> agentFlags(String credentials, String acls) {
    return List.of("--credentials", credentials, "--acls", acls, "--authenticate-http-readonly",
        "--authenticate-http-executors");
  }

  public Path credentials() {
    return credentials;
  }

  public Path acls() {
    return acls;
  }
}
