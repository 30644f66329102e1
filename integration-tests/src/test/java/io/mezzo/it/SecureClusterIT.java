package io.mezzo.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.sdk.Credential;
import io.mezzo.sdk.LocalClusters;
import io.mezzo.v1.Protos.TaskState;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A cluster made by {@code mezzo cluster create} without {@code --insecure}, attacked by a caller on
 * the same machine without its credentials: every route of the master's router refuses it, a
 * principal cannot speak for another's framework, and the frameworks that have the generated
 * credentials keep working, and ZooKeeper takes writes from the masters only. A task started
 * before the cases is still running after them.
 * Strangers on the agent channel (no client certificate) are {@link ClusterTlsIT}'s, and show up
 * here only as the one route that answers 403 rather than 401.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecureClusterIT {
  private static final String CLUSTER = "secure";
  private static final String SCHEDULER = "/api/v1/scheduler";
  private static final String OPERATOR = "/api/v1";
  /** What answers without credentials, by design: health, where the leader is, the web UI's page and files. */
  private static final Set<String> PUBLIC = Set.of("/health", "/master/health", "/redirect", "/master/redirect",
      "/masters", "/master/masters", "/", "/ui/", "/webjars/");
  /** The agent channel: agents prove themselves with a client certificate, not a password (403 without). */
  private static final String AGENT_CHANNEL = "/internal/agent";

  @RegisterExtension
  static final MezzoCluster cluster = MezzoCluster.named(CLUSTER).secure();

  private HttpClient https;
  private String master;
  private Credential admin;
  private Credential framework;
  private TestFramework before;

  @BeforeAll
  void startATaskBeforeTheCases() throws Exception {
    LocalClusters.Access access = cluster.access();
    https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
        .sslContext(access.sslContext().orElseThrow()).build();
    master = cluster.status().getString("master");
    admin = access.operatorCredential().orElseThrow();
    framework = access.frameworkCredential().orElseThrow();
    before = TestFramework.start(access, "secure-it");
    before.launch(TestFramework.task("before", "process", Machine.IMAGE, "sleep 600", 32));
    before.await("before", TaskState.TASK_RUNNING);
  }

  @AfterAll
  void theTaskStartedBeforeIsStillRunning() throws Exception {
    try {
      assertThat(before.updates("before")).extracting(s -> s.getState()).last().isEqualTo(TaskState.TASK_RUNNING);
      JsonObject tasks = new JsonObject(operator(admin, "{\"type\":\"GET_TASKS\"}").body());
      assertThat(tasks.getJsonObject("get_tasks").getJsonArray("tasks").stream().map(t -> (JsonObject) t)
          .filter(t -> t.getJsonObject("task_id").getString("value").equals("before")).findFirst().orElseThrow()
          .getString("state")).isEqualTo("TASK_RUNNING");
    } finally {
      before.close();
    }
  }

  @Test
  void createGeneratedOwnerOnlyCredentialsAndAclsAndSaysWhere() throws Exception {
    Path credentials = cluster.dir().resolve("credentials.json");
    Path acls = cluster.dir().resolve("acls.json");
    for (Path file : List.of(credentials, acls)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString())
          .isEqualTo("rw-------");
    }
    assertThat(cluster.created().stdout()).contains("Auth:").contains(credentials.toString()).contains(acls.toString());
    JsonObject status = cluster.status();
    assertThat(status.getString("credentials")).isEqualTo(credentials.toString());
    assertThat(status.getString("acls")).isEqualTo(acls.toString());
    assertThat(new JsonObject(Files.readString(acls)).getBoolean("permissive")).isFalse();
  }

  @Test
  void everyRouteRefusesCallersWithoutCredentialsOrWithAWrongSecretExceptThePublicOnes() throws Exception {
    Map<String, HttpMethod> routes = MasterRouteList.routes();
    assertThat(routes.keySet()).as("the router's routes").containsAll(PUBLIC).contains(AGENT_CHANNEL, SCHEDULER, OPERATOR);
    Credential wrong = Credential.of(LocalClusters.OPERATOR, "not-the-secret");
    Map<String, Integer> anonymousAnswers = new LinkedHashMap<>();
    List<String> answeredAnonymously = new ArrayList<>();
    for (Map.Entry<String, HttpMethod> route : routes.entrySet()) {
      String path = route.getKey();
      HttpResponse<String> anonymous = send(route.getValue(), path, null);
      HttpResponse<String> wrongSecret = send(route.getValue(), path, wrong);
      anonymousAnswers.put(path, anonymous.statusCode());
      if (anonymous.statusCode() != 401) {
        answeredAnonymously.add(path);
        continue;
      }
      assertThat(anonymous.headers().firstValue("WWW-Authenticate")).as(path).hasValueSatisfying(
          challenge -> assertThat(challenge).startsWith("Basic realm="));
      assertThat(anonymous.body()).as(path).contains("Authentication required");
      assertThat(wrongSecret.statusCode()).as(path + " with a wrong secret").isEqualTo(401);
      assertThat(wrongSecret.body()).as(path).contains("wrong or unknown credentials");
    }
    System.out.println("Without credentials: " + anonymousAnswers);
    List<String> expected = new ArrayList<>(PUBLIC);
    expected.add(AGENT_CHANNEL);
    assertThat(answeredAnonymously).as("the routes that answered without credentials")
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(anonymousAnswers.get(AGENT_CHANNEL)).as("the agent channel without a client certificate").isEqualTo(403);
    assertThat(anonymousAnswers.get("/health")).isEqualTo(200);
  }

  @Test
  void theFrameworkPrincipalIsRefusedTheOperatorsWrites() throws Exception {
    String agentId = new JsonObject(operator(admin, "{\"type\":\"GET_AGENTS\"}").body()).getJsonObject("get_agents")
        .getJsonArray("agents").getJsonObject(0).getJsonObject("agent_info").getJsonObject("id").getString("value");
    Map<String, String> writes = Map.of(
        "update weight of role", "{\"type\":\"UPDATE_WEIGHTS\",\"update_weights\":{\"weight_infos\":"
            + "[{\"role\":\"eng\",\"weight\":2.0}]}}",
        "update quota of role", "{\"type\":\"UPDATE_QUOTA\",\"update_quota\":{\"quota_configs\":[{\"role\":\"eng\","
            + "\"guarantees\":{\"cpus\":{\"value\":1}}}]}}",
        "reserve for role", "{\"type\":\"RESERVE_RESOURCES\",\"reserve_resources\":{\"agent_id\":{\"value\":\""
            + agentId + "\"},\"resources\":[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":0.1},"
            + "\"reservations\":[{\"type\":\"DYNAMIC\",\"role\":\"eng\"}]}]}}",
        "view the flags", "{\"type\":\"GET_FLAGS\"}");
    for (Map.Entry<String, String> write : writes.entrySet()) {
      HttpResponse<String> refused = operator(framework, write.getValue());
      assertThat(refused.statusCode()).as(write.getKey() + ": " + refused.body()).isEqualTo(403);
      assertThat(refused.body()).contains("Not authorized to " + write.getKey()).contains("as principal 'framework'");
    }
    assertThat(operator(admin, "{\"type\":\"GET_WEIGHTS\"}").body()).doesNotContain("\"eng\"");
    assertThat(operator(admin, "{\"type\":\"GET_QUOTA\"}").body()).doesNotContain("\"eng\"");
  }

  @Test
  void aFrameworkOfAnotherPrincipalCannotBeTornDownKilledOrSpokenFor() throws Exception {
    try (TestFramework operators = TestFramework.start(cluster.access(), admin, "operators-framework")) {
      operators.launch(TestFramework.task("admins-task", "process", Machine.IMAGE, "sleep 600", 32));
      operators.await("admins-task", TaskState.TASK_RUNNING);
      String id = operators.frameworkId().getValue();

      HttpResponse<String> teardown = operator(framework,
          "{\"type\":\"TEARDOWN\",\"teardown\":{\"framework_id\":{\"value\":\"" + id + "\"}}}");
      assertThat(teardown.statusCode()).as(teardown.body()).isEqualTo(403);
      assertThat(teardown.body()).contains("Not authorized to tear down a framework of principal 'admin'");

      // On the scheduler API, as that framework: its principal is not the caller's (400, as Mesos).
      HttpResponse<String> kill = scheduler(framework, Optional.of(UUID.randomUUID().toString()),
          "{\"type\":\"KILL\",\"framework_id\":{\"value\":\"" + id + "\"},\"kill\":{\"task_id\":{\"value\":"
              + "\"admins-task\"}}}");
      assertThat(kill.statusCode()).as(kill.body()).isEqualTo(400);
      assertThat(kill.body()).contains("Authenticated principal 'framework' does not match principal 'admin'");

      HttpResponse<String> teardownOwn = scheduler(framework, Optional.of(UUID.randomUUID().toString()),
          "{\"type\":\"TEARDOWN\",\"framework_id\":{\"value\":\"" + id + "\"}}");
      assertThat(teardownOwn.statusCode()).as(teardownOwn.body()).isEqualTo(400);

      assertThat(operators.updates("admins-task")).extracting(s -> s.getState()).last()
          .isEqualTo(TaskState.TASK_RUNNING);
      assertThat(operators.updates("admins-task")).extracting(s -> s.getState())
          .doesNotContain(TaskState.TASK_KILLED, TaskState.TASK_KILLING);
    }
  }

  @Test
  void aSubscribeClaimingAnotherPrincipalIsRefused() throws Exception {
    HttpResponse<String> confused = scheduler(framework, Optional.empty(), "{\"type\":\"SUBSCRIBE\",\"subscribe\":"
        + "{\"framework_info\":{\"user\":\"root\",\"name\":\"confused\",\"principal\":\"admin\"}}}");
    assertThat(confused.statusCode()).as(confused.body()).isEqualTo(400);
    assertThat(confused.body()).contains("Authenticated principal 'framework' does not match principal 'admin'");
    assertThat(operator(admin, "{\"type\":\"GET_FRAMEWORKS\"}").body()).doesNotContain("confused");
  }

  @Test
  void aForgedStreamIdIsRefusedAndTheTaskKeepsRunning() throws Exception {
    String kill = "{\"type\":\"KILL\",\"framework_id\":{\"value\":\"" + before.frameworkId().getValue()
        + "\"},\"kill\":{\"task_id\":{\"value\":\"before\"}}}";
    HttpResponse<String> forged = scheduler(framework, Optional.of(UUID.randomUUID().toString()), kill);
    assertThat(forged.statusCode()).as(forged.body()).isEqualTo(400);
    assertThat(forged.body()).contains("didn't match the stream ID");
    HttpResponse<String> none = scheduler(framework, Optional.empty(), kill);
    assertThat(none.statusCode()).as(none.body()).isEqualTo(400);
    assertThat(none.body()).contains("should include the 'Mesos-Stream-Id' header");
    assertThat(before.updates("before")).extracting(s -> s.getState()).doesNotContain(TaskState.TASK_KILLED);
  }

  @Test
  void theExampleFrameworkRunsItsTasksToFinishedWithTheGeneratedCredentials() throws Exception {
    List<String> command = List.of(Mezzo.javaBinary(), "-cp", System.getProperty("java.class.path"),
        "io.mezzo.examples.batch.BatchFramework", "--cluster", CLUSTER, "--tasks", "2", "--cmd", "echo secure",
        "--timeout", "120");
    Path out = Files.createTempFile("secure-it-batch", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    builder.environment().put("MEZZO_HOME", cluster.home().toString());
    Process process = builder.start();
    assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("the example framework ended").isTrue();
    String output = Files.readString(out);
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("task batch-1 TASK_FINISHED").contains("2 of 2 tasks finished, 0 did not");

    Mezzo.Result run = cluster.mezzo().run(120, "run", "--cluster", CLUSTER, "--", "echo", "hello, authenticated");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).contains("hello, authenticated");
  }

  /**
   * The agents authenticate their readers and guard each sandbox: nothing without credentials, a
   * sandbox for its framework's principal and for the operator, not for another framework principal;
   * {@code mezzo task logs} reads it as the operator.
   */
  @Test
  void theAgentsSandboxesAreReadOnlyByTheirFrameworksPrincipalAndTheOperator() throws Exception {
    JsonObject agentProcess = cluster.status().getJsonArray("processes").stream().map(o -> (JsonObject) o)
        .filter(p -> p.getString("role").equals("agent")).findFirst().orElseThrow();
    String agent = agentProcess.getString("url");
    String stdout = "/frameworks/" + before.frameworkId().getValue() + "/executors/before/runs/latest/stdout";
    String read = agent + "/files/read?path=" + java.net.URLEncoder.encode(stdout, java.nio.charset.StandardCharsets.UTF_8)
        + "&offset=0&length=100";

    assertThat(get(read, null).statusCode()).as("no credentials").isEqualTo(401);
    assertThat(get(read, Credential.of(LocalClusters.FRAMEWORK, "wrong")).statusCode()).as("a wrong secret")
        .isEqualTo(401);
    assertThat(get(read, framework).statusCode()).as("the framework's own principal").isEqualTo(200);
    assertThat(get(read, admin).statusCode()).as("the operator").isEqualTo(200);
    assertThat(get(agent + "/health", null).statusCode()).as("the agent's health is public").isEqualTo(200);

    try (TestFramework other = TestFramework.start(cluster.access(), admin, "secure-it-admin")) {
      other.launch(TestFramework.task("admins", "process", Machine.IMAGE, "echo only for admin; sleep 600", 32));
      other.await("admins", TaskState.TASK_RUNNING);
      String admins = agent + "/files/read?path=" + java.net.URLEncoder.encode("/frameworks/"
          + other.frameworkId().getValue() + "/executors/admins/runs/latest/stdout",
          java.nio.charset.StandardCharsets.UTF_8) + "&offset=0&length=100";
      HttpResponse<String> refused = get(admins, framework);
      assertThat(refused.statusCode()).as("another principal's sandbox").isEqualTo(403);
      assertThat(refused.body()).contains("access_sandboxes");

      // The same reads through the master, as the web UI makes them: the agent decides for the caller.
      String throughMaster = master + "/agents/" + agentOf("before");
      String ownRead = throughMaster + read.substring(agent.length());
      assertThat(get(ownRead, null).statusCode()).as("no credentials, through the master").isEqualTo(401);
      HttpResponse<String> own = get(ownRead, framework);
      assertThat(own.statusCode()).as("the framework's own sandbox, through the master").isEqualTo(200);
      assertThat(new JsonObject(own.body()).getString("data")).isEqualTo(
          new JsonObject(get(read, framework).body()).getString("data"));
      assertThat(get(throughMaster + admins.substring(agent.length()), framework).statusCode())
          .as("another principal's sandbox, through the master").isEqualTo(403);
      assertThat(get(throughMaster + admins.substring(agent.length()), admin).statusCode())
          .as("the operator, through the master").isEqualTo(200);

      Mezzo.Result logs = cluster.mezzo().run(60, "task", "logs", "admins", "--cluster", CLUSTER);
      assertThat(logs.exitCode()).as(logs.toString()).isZero();
      assertThat(logs.stdout()).contains("only for admin");
    }
  }

  /** The id of the agent that runs task {@code taskId}, from the master's {@code /state}. */
  private String agentOf(String taskId) throws Exception {
    JsonObject state = new JsonObject(get(master + "/state", admin).body());
    return state.getJsonArray("frameworks").stream().map(f -> (JsonObject) f)
        .flatMap(f -> f.getJsonArray("tasks").stream().map(t -> (JsonObject) t))
        .filter(t -> t.getString("id").equals(taskId)).findFirst().orElseThrow().getString("slave_id");
  }

  private HttpResponse<String> get(String url, Credential credential) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    if (credential != null) {
      request.header("Authorization", credential.authorization());
    }
    return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void zooKeeperIsReadableByAnyoneAndWritableOnlyByTheMasters() throws Exception {
    String zk = cluster.zk();
    assertThat(zk).as("the URL agents and clients get carries no secret").doesNotContain("@");
    String hosts = zk.substring("zk://".length(), zk.indexOf('/', "zk://".length()));
    try (CuratorFramework stranger = CuratorFrameworkFactory.newClient(hosts, new RetryOneTime(200))) {
      stranger.start();
      assertThat(stranger.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
      String leader = stranger.getChildren().forPath("/mezzo").stream().filter(c -> c.startsWith("json.info_"))
          .sorted().findFirst().orElseThrow();
      byte[] published = stranger.getData().forPath("/mezzo/" + leader);
      assertThat(new String(published, java.nio.charset.StandardCharsets.UTF_8)).contains("\"hostname\"");

      byte[] forged = "{\"id\":\"forged\",\"hostname\":\"evil\",\"port\":1}".getBytes();
      assertThatThrownBy(() -> stranger.create().forPath("/mezzo/json.info_0000000000", forged))
          .isInstanceOf(KeeperException.NoAuthException.class);
      assertThatThrownBy(() -> stranger.setData().forPath("/mezzo/" + leader, forged))
          .isInstanceOf(KeeperException.NoAuthException.class);
      assertThatThrownBy(() -> stranger.delete().forPath("/mezzo/" + leader))
          .isInstanceOf(KeeperException.NoAuthException.class);
      assertThat(stranger.getData().forPath("/mezzo/" + leader)).isEqualTo(published);
    }
    // The masters' secret is in a file of the owner's, never on a command line others can read.
    Path digest = cluster.dir().resolve("zk-masters");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(digest))).isEqualTo("rw-------");
    String secret = Files.readString(digest).strip().replaceAll("^zk://[^:]+:([^@]+)@.*$", "$1");
    assertThat(secret).hasSizeGreaterThan(20);
    assertThat(Files.readString(cluster.dir().resolve("cluster.json"))).doesNotContain(secret);
    JsonObject masterProcess = cluster.status().getJsonArray("processes").stream().map(o -> (JsonObject) o)
        .filter(p -> p.getString("role").equals("master")).findFirst().orElseThrow();
    assertThat(ProcessHandle.of(masterProcess.getLong("pid")).orElseThrow().info().commandLine().orElseThrow())
        .contains("master").doesNotContain(secret);
  }

  private HttpResponse<String> send(HttpMethod method, String path, Credential credential) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(master + path)).timeout(Duration.ofSeconds(30))
        .method(method.name(), HttpRequest.BodyPublishers.noBody());
    if (credential != null) {
      request.header("Authorization", credential.authorization());
    }
    return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> operator(Credential credential, String call) throws Exception {
    return https.send(HttpRequest.newBuilder(URI.create(master + OPERATOR)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").header("Accept", "application/json")
        .header("Authorization", credential.authorization())
        .POST(HttpRequest.BodyPublishers.ofString(call)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A scheduler call; a SUBSCRIBE's stream is read only up to its status and first bytes. */
  private HttpResponse<String> scheduler(Credential credential, Optional<String> streamId, String call)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(master + SCHEDULER)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").header("Accept", "application/json")
        .header("Authorization", credential.authorization())
        .POST(HttpRequest.BodyPublishers.ofString(call));
    streamId.ifPresent(id -> request.header("Mesos-Stream-Id", id));
    return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
