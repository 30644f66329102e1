package io.mezzo.conformance;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A cluster started the way a user starts one, {@code mezzo cluster create}, with its own
 * MEZZO_HOME, for the test class that registers it:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MezzoCluster cluster = MezzoCluster.named("conformance").agents(2);
 * }</pre>
 *
 * <p>It is the default, secure, cluster: every node serves HTTPS only with a certificate of the
 * cluster's own CA, the masters authenticate every API with HTTP Basic and enforce the ACLs
 * {@code create} generated, and the agents authenticate their readers and give each executor its
 * own token. {@link #access()} is what a Mesos client is configured with to reach it: the CA and
 * the principals' secrets, found through {@code cluster status -o json}.
 *
 * <p>It is created before the class's {@code @BeforeAll} methods and, after its last test and
 * {@code @AfterAll} methods, its nodes' logs are copied to {@code target/cluster-logs/NAME} and
 * it is deleted (also when the create failed half-way, as {@code cluster delete} allows).
 */
final class MezzoCluster implements BeforeAllCallback, AfterAllCallback {
  private final Path jar = Path.of(System.getProperty("mezzo.jar", "../../cli/target/mezzo.jar")).toAbsolutePath();
  private final String name;
  private final int masters;
  private final int agents;
  private final List<String> createArgs;
  private Path home;
  private String masterUrl;
  private String zk;
  private ClusterAccess access;
  /** Masters that do not lead (with 2 masters or more). */
  private final List<String> standbyUrls = new ArrayList<>();
  /** The agents' processes: url and pid. */
  private final List<Node> agentNodes = new ArrayList<>();

  /** A node process of the cluster. */
  record Node(String url, long pid) {}

  private MezzoCluster(String name, int masters, int agents, List<String> createArgs) {
    this.name = name;
    this.masters = masters;
    this.agents = agents;
    this.createArgs = List.copyOf(createArgs);
  }

  /** One master and one agent, until {@link #masters} or {@link #agents} say otherwise. */
  static MezzoCluster named(String name) {
    return new MezzoCluster(name, 1, 1, List.of());
  }

  MezzoCluster masters(int count) {
    return new MezzoCluster(name, count, agents, createArgs);
  }

  MezzoCluster agents(int count) {
    return new MezzoCluster(name, masters, count, createArgs);
  }

  /** More options for {@code mezzo cluster create}. */
  MezzoCluster createArgs(String... args) {
    return new MezzoCluster(name, masters, agents, List.of(args));
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException, InterruptedException {
    if (!Files.exists(jar)) {
      throw new IllegalStateException("Build the CLI first: " + jar + " is missing");
    }
    home = Files.createTempDirectory("mezzo-conformance");
    List<String> create = new ArrayList<>(List.of("cluster", "create", "--name", name, "--masters",
        Integer.toString(masters), "--agents", Integer.toString(agents),
        "--agent-resources", "cpus:4;mem:4096;disk:4096;ports:[31000-31099]"));
    create.addAll(createArgs);
    run(180, create.toArray(String[]::new));
    JsonObject status = new JsonParser().parse(run(60, "cluster", "status", "--name", name, "-o", "json"))
        .getAsJsonObject();
    masterUrl = status.get("master").getAsString();
    zk = status.get("zk").getAsString();
    String ca = path(status, "ca_cert");
    String credentials = path(status, "credentials");
    if (!masterUrl.startsWith("https://") || ca == null || credentials == null || path(status, "acls") == null) {
      throw new IllegalStateException("cluster create made no secure cluster: " + status);
    }
    access = ClusterAccess.read(Path.of(ca), Path.of(credentials));
    status.getAsJsonArray("processes").forEach(p -> {
      JsonObject process = p.getAsJsonObject();
      if (process.get("role").getAsString().equals("master") && !process.get("leading").getAsBoolean()) {
        standbyUrls.add(process.get("url").getAsString());
      }
      if (process.get("role").getAsString().equals("agent")) {
        agentNodes.add(new Node(process.get("url").getAsString(), process.get("pid").getAsLong()));
      }
    });
  }

  private static String path(JsonObject status, String key) {
    return status.has(key) && !status.get(key).isJsonNull() ? status.get(key).getAsString() : null;
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException, InterruptedException {
    if (home == null) {
      return;
    }
    keepLogs();
    run(120, "cluster", "delete", "--name", name);
  }

  /** The leading master, {@code https://host:port}. */
  String masterUrl() {
    return masterUrl;
  }

  /** The cluster's ZooKeeper, {@code zk://host:port/path}: anyone may read there, only the masters write. */
  String zk() {
    return zk;
  }

  /** The cluster CA and the principals' secrets, for the suite's clients. */
  ClusterAccess access() {
    return access;
  }

  /** The masters that do not lead. */
  List<String> standbyUrls() {
    return List.copyOf(standbyUrls);
  }

  /** The agents, {@code https://host:port} and pid each. */
  List<Node> agents() {
    return List.copyOf(agentNodes);
  }

  /**
   * Starts one more master as a background process of this test, on {@code port} and ZooKeeper
   * {@code zk}, with every other flag that {@code cluster create} gave the cluster's first master
   * (its certificate and the cluster CA, credentials, ACLs, authentication), as an operator adds
   * a master to a Mesos cluster: like the others but for where it runs. Its log goes to
   * {@code target/cluster-logs/NAME/spawned-master-PORT.log}.
   */
  Process spawnMaster(String zk, int port) throws IOException {
    List<String> args = new ArrayList<>(List.of("master", "--zk", zk, "--port", Integer.toString(port)));
    args.addAll(withoutPlacement(recordedArgs("master-1")));
    Path log = Path.of("target", "cluster-logs", name, "spawned-master-" + port + ".log");
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(command(args.toArray(String[]::new))).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("MEZZO_"));
    return builder.start();
  }

  /** The arguments {@code cluster create} started node {@code node} with, as cluster.json records them. */
  private List<String> recordedArgs(String node) throws IOException {
    JsonObject file = new JsonParser().parse(Files.readString(home.resolve("clusters").resolve(name)
        .resolve("cluster.json"))).getAsJsonObject();
    for (var p : file.getAsJsonArray("processes")) {
      JsonObject process = p.getAsJsonObject();
      if (process.get("name").getAsString().equals(node)) {
        List<String> args = new ArrayList<>();
        process.getAsJsonArray("args").forEach(a -> args.add(a.getAsString()));
        return args;
      }
    }
    throw new IllegalStateException("cluster.json records no node " + node);
  }

  /** {@code args} without the flags that say where a node runs: {@code --zk} and {@code --port} with their values. */
  private static List<String> withoutPlacement(List<String> args) {
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals("--zk") || args.get(i).equals("--port")) {
        i++;
      } else {
        kept.add(args.get(i));
      }
    }
    return kept;
  }

  private List<String> command(String... args) {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
        jar.toString()));
    command.addAll(List.of(args));
    return command;
  }

  private String run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile("conformance-out", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command(args)).redirectErrorStream(false).redirectOutput(out.toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().put("MEZZO_HOME", home.toString());
    Process process = builder.start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException("mezzo " + String.join(" ", args) + " failed: " + Files.readString(out));
    }
    return Files.readString(out);
  }

  /** Copies the nodes' logs to target/cluster-logs/NAME, so a failed run can be read afterwards. */
  private void keepLogs() throws IOException {
    Path from = home.resolve("clusters").resolve(name);
    if (!Files.isDirectory(from)) {
      return;
    }
    Path to = Path.of("target", "cluster-logs", name);
    Files.createDirectories(to);
    try (var logs = Files.list(from)) {
      for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
        Files.copy(log, to.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
