package io.mezzo.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.sdk.LocalClusters;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A cluster made with {@code mezzo cluster create} in a MEZZO_HOME of its own, for the test class
 * that registers it:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MezzoCluster cluster = MezzoCluster.named("runtimes");   // one for the class
 * @RegisterExtension
 * final MezzoCluster cluster = MezzoCluster.named("restart");           // one per test
 * }</pre>
 *
 * <p>On a static field it is created before the class's {@code @BeforeAll} methods and deleted
 * after its {@code @AfterAll} methods; on an instance field, around each test the same way. A
 * test may {@link #delete()} it itself to check what deleting leaves. Before it is deleted, the
 * nodes' logs are copied to {@code target/cluster-logs/NAME}; then its MEZZO_HOME goes.
 */
final class MezzoCluster implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private static final String RESOURCES = "cpus:4;mem:4096;disk:4096;ports:[31000-31099]";

  private final String name;
  private final int agents;
  private final String agentResources;
  private final int masters;
  private final boolean secure;
  private boolean perClass;
  private Path home;
  private Mezzo mezzo;
  private Mezzo.Result created;
  private Mezzo.Result deleted;

  private MezzoCluster(String name, int agents, String agentResources, int masters, boolean secure) {
    this.name = name;
    this.agents = agents;
    this.agentResources = agentResources;
    this.masters = masters;
    this.secure = secure;
  }

  /** One agent with 4 cpus, 4 GiB and ports 31000-31099, unless {@link #agents} or {@link #agentResources} change it. */
  static MezzoCluster named(String name) {
    return new MezzoCluster(name, 1, RESOURCES, 1, false);
  }

  MezzoCluster agents(int count) {
    return new MezzoCluster(name, count, agentResources, masters, secure);
  }

  /** {@code --masters count} (one unless set). */
  MezzoCluster masters(int count) {
    return new MezzoCluster(name, agents, agentResources, count, secure);
  }

  /** Each agent's {@code --agent-resources}, in Mesos syntax. */
  MezzoCluster agentResources(String resources) {
    return new MezzoCluster(name, agents, resources, masters, secure);
  }

  /**
   * The default cluster, without {@code --insecure}: TLS with the cluster's CA, and the masters
   * authenticating every API with the credentials and ACLs {@code cluster create} generated
   * ({@link #access()} reaches it as the SDK's {@code localCluster} does).
   */
  MezzoCluster secure() {
    return new MezzoCluster(name, agents, agentResources, masters, true);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    perClass = true;
    create();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    if (!perClass) {
      create();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (!perClass) {
      deleteAndForget();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    deleteAndForget();
  }

  private void create() throws IOException, InterruptedException {
    home = Files.createTempDirectory("mezzo-it-" + name);
    mezzo = new Mezzo(home);
    deleted = null;
    // Plain HTTP unless secure(): most suites speak to the nodes with raw HTTP clients and a browser
    // that neither trust a cluster CA nor authenticate. ClusterTlsIT, ClusterNodesIT and
    // SecureClusterIT cover the default, secure, cluster.
    List<String> args = new ArrayList<>(List.of("cluster", "create", "--name", name, "--agents",
        Integer.toString(agents), "--agent-resources", agentResources));
    if (!secure) {
      args.add("--insecure");
    }
    if (masters != 1) {
      args.addAll(List.of("--masters", Integer.toString(masters)));
    }
    created = mezzo.run(240, args.toArray(String[]::new));
    assertThat(created.exitCode()).as(created.toString()).isZero();
  }

  String name() {
    return name;
  }

  /** Runs {@code mezzo} commands against this cluster's MEZZO_HOME. */
  Mezzo mezzo() {
    return mezzo;
  }

  Path home() {
    return home;
  }

  /** What {@code cluster create} printed. */
  Mezzo.Result created() {
    return created;
  }

  /** {@code cluster status -o json}. */
  JsonObject status() throws IOException, InterruptedException {
    Mezzo.Result status = mezzo.run(60, "cluster", "status", "--name", name, "-o", "json");
    assertThat(status.exitCode()).as(status.toString()).isZero();
    return new JsonObject(status.stdout());
  }

  /** The cluster's ZooKeeper, {@code zk://host:port/path}. */
  String zk() throws IOException, InterruptedException {
    return status().getString("zk");
  }

  /** The cluster's directory: cluster.json, logs, and for a secure cluster tls/, credentials.json, acls.json. */
  Path dir() {
    return home.resolve("clusters").resolve(name);
  }

  /** Its ZooKeeper, CA and generated credentials, read as the SDK reads them. */
  LocalClusters.Access access() {
    return LocalClusters.open(dir());
  }

  /** The work directory of the agent named {@code agent} (agent-1, agent-2, ...). */
  Path agentWorkDir(String agent) {
    return home.resolve("clusters").resolve(name).resolve(agent);
  }

  /** {@code cluster delete}, once (later calls return the first result); fails unless it exits 0. */
  Mezzo.Result delete() throws IOException, InterruptedException {
    if (deleted == null) {
      keepLogs();
      Mezzo.Result result = mezzo.run(120, "cluster", "delete", "--name", name);
      assertThat(result.exitCode()).as(result.toString()).isZero();
      deleted = result;
    }
    return deleted;
  }

  /**
   * Deletes the cluster (also after a failed create), then its MEZZO_HOME; a cluster that would
   * not delete keeps its home, where its processes and logs are.
   */
  private void deleteAndForget() throws IOException, InterruptedException {
    if (home == null) {
      return;
    }
    delete();
    removeHome();
    home = null;
  }

  /** Copies the nodes' logs to target/cluster-logs/NAME, so a failed run can be read afterwards. */
  private void keepLogs() throws IOException {
    Path from = home.resolve("clusters").resolve(name);
    if (!Files.isDirectory(from)) {
      return;
    }
    Path to = Path.of("target", "cluster-logs", name);
    Files.createDirectories(to);
    try (Stream<Path> logs = Files.list(from)) {
      for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
        Files.copy(log, to.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private void removeHome() throws IOException {
    try (Stream<Path> files = Files.walk(home)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }
}
