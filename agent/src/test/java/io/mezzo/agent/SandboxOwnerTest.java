package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.http.AgentSecurity;
import io.mezzo.agent.resources.ResourceSpec;
import io.mezzo.agent.sandbox.SandboxLayout;
import io.mezzo.agent.support.MasterUrl;
import io.mezzo.agent.testing.FakeMaster;
import io.mezzo.agent.testing.FakeRuntime;
import io.mezzo.agent.testing.OutlivingRuntime;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.node.auth.Acls;
import io.mezzo.node.auth.Credentials;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.testkit.TestVertx;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.TaskInfo;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real agent knows whose each sandbox is from what the master sent with the launch (the
 * framework's principal and user, the executor's or the task's command user), guards them with the
 * docs' {@code access_sandboxes} example, and still knows after a restart on the same work dir,
 * from its checkpoints. Executors' own API stays outside HTTP Basic.
 */
class SandboxOwnerTest {
  private static final String FW = basic("fw", "fw-secret");
  private static final String OTHER = basic("other", "other-secret");

  @RegisterExtension
  final TestVertx vertxes = new TestVertx();
  @TempDir
  Path workDir;

  private final HttpClient http = HttpClient.newHttpClient();
  private FakeMaster master;
  private Agent second;

  @BeforeEach
  void startMaster() throws Exception {
    // Closing a Vert.x under a working agent fails its in-flight blocking work: that is the crash staged here.
    org.awaitility.Awaitility.doNotCatchUncaughtExceptionsByDefault();
    master = FakeMaster.start(vertxes.vertx(), "agent-1");
    master.heartbeatIntervalSeconds(3600);
  }

  @AfterEach
  void stop() throws Exception {
    org.awaitility.Awaitility.reset();
    if (second != null) {
      AgentHarness.get(second.close());
    }
  }

  @Test
  void eachSandboxBelongsToItsLaunchsPrincipalAndUserAcrossARestart() throws Exception {
    Vertx firstVertx = vertxes.create();
    Agent first = agent(firstVertx, new OutlivingRuntime(new FakeRuntime()));
    AgentHarness.get(first.start());
    await().atMost(AgentHarness.WAIT).until(master::streaming);

    master.send(runTask("fw-a", "fw", Tasks.shellTask("mine", "sleep 1000")));
    master.send(runTask("fw-b", "other", Tasks.shellTask("theirs", "sleep 1000")));
    master.send(runTask("fw-b", "other", TaskInfo.newBuilder(Tasks.shellTask("as-nobody", "sleep 1000"))
        .setCommand(CommandInfo.newBuilder().setValue("sleep 1000").setUser("nobody")).build()));
    ExecutorInfo executor = ExecutorInfo.newBuilder(Tasks.executor("exec", List.of("/bin/executor")))
        .setFrameworkId(FrameworkID.newBuilder().setValue("fw-b"))
        .setCommand(CommandInfo.newBuilder().setShell(false).setValue("/bin/executor").setUser("nobody")).build();
    master.send(runTask("fw-b", "other", Tasks.executorTask("delegated", executor, "")));
    awaitSandboxes("fw-a/executors/mine", "fw-b/executors/theirs", "fw-b/executors/as-nobody", "fw-b/executors/exec");
    int port = first.httpPort();

    assertThat(read(port, "fw-a", "mine", FW).statusCode()).as("its own framework's").isEqualTo(200);
    HttpResponse<String> refused = read(port, "fw-b", "theirs", FW);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("access_sandboxes");
    assertThat(read(port, "fw-b", "as-nobody", FW).statusCode()).as("the task's command user").isEqualTo(200);
    assertThat(read(port, "fw-b", "exec", FW).statusCode()).as("the executor's command user").isEqualTo(200);
    assertThat(read(port, "fw-a", "mine", OTHER).statusCode()).isEqualTo(403);
    assertThat(read(port, "fw-a", "mine", null).statusCode()).isEqualTo(401);
    HttpResponse<String> executorApi = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/api/v1/executor")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(executorApi.statusCode()).as("executors need no Basic credentials: " + executorApi.body()).isEqualTo(400);
    assertThat(executorApi.headers().firstValue("WWW-Authenticate")).isEmpty();

    // The agent dies without a word; a new one on the same work dir knows the owners from its checkpoints.
    firstVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    second = agent(vertxes.create(), new FakeRuntime());
    AgentHarness.get(second.start());
    int restarted = second.httpPort();
    assertThat(read(restarted, "fw-a", "mine", FW).statusCode()).as("its own framework's, after the restart")
        .isEqualTo(200);
    assertThat(read(restarted, "fw-b", "theirs", FW).statusCode()).isEqualTo(403);
    assertThat(read(restarted, "fw-b", "theirs", OTHER).statusCode()).isEqualTo(200);
  }

  private Agent agent(Vertx vertx, io.mezzo.agent.spi.ContainerRuntime runtime) throws Exception {
    String acls = documentedAcls();
    AgentConfig config = AgentConfig.builder().master(MasterUrl.parse(master.url())).workDir(workDir).port(0)
        .resources(ResourceSpec.parseResources("cpus:4;mem:1024;disk:1024;ports:[31000-31009]"))
        .security(AgentSecurity.of(Credentials.of(Map.of("fw", "fw-secret", "other", "other-secret")), "creds.json",
            true, Acls.parse(acls), acls))
        .build();
    return new Agent(config, Clock.systemUTC(), vertx, null, (v, timers) -> List.of(runtime));
  }

  private static AgentEvent runTask(String frameworkId, String principal, TaskInfo task) {
    FrameworkID id = FrameworkID.newBuilder().setValue(frameworkId).build();
    return AgentEvent.newBuilder().setType(AgentEvent.Type.RUN_TASK)
        .setRunTask(AgentEvent.RunTask.newBuilder().setFrameworkId(id)
            .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("root").setName("test").setId(id).setPrincipal(principal))
            .setTask(task.getExecutor().hasExecutorId()
                ? task.toBuilder().setExecutor(task.getExecutor().toBuilder().setFrameworkId(id)).build() : task))
        .build();
  }

  private void awaitSandboxes(String... executorDirs) {
    await().atMost(AgentHarness.WAIT).until(() -> java.util.Arrays.stream(executorDirs)
        .allMatch(dir -> Files.isDirectory(workDir.resolve("frameworks").resolve(dir).resolve("runs/latest"))));
  }

  private HttpResponse<String> read(int port, String frameworkId, String executorId, String auth) throws Exception {
    String path = URLEncoder.encode(SandboxLayout.virtualLatestPath(frameworkId, executorId), StandardCharsets.UTF_8);
    HttpRequest.Builder request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/files/browse?path=" + path)).GET();
    if (auth != null) {
      request.header("Authorization", auth);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String basic(String principal, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString((principal + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  /** The example ACL of docs/security.md's "Sandbox access". */
  private static String documentedAcls() throws Exception {
    String text = Files.readString(Path.of("..", "docs", "security.md").toAbsolutePath().normalize());
    int start = text.indexOf("```json\n", text.indexOf("### Sandbox access")) + "```json\n".length();
    return text.substring(start, text.indexOf("```", start));
  }
}
