package io.mezzo.agent.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.AgentHarness;
import io.mezzo.agent.http.AgentSecurity;
import io.mezzo.agent.testing.FakeRuntime;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.node.auth.Acls;
import io.mezzo.node.auth.Credentials;
import io.mezzo.protocol.Codec;
import io.mezzo.v1.Protos.Task;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.agent.Protos.Call;
import io.mezzo.v1.agent.Protos.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's reads filtered by the view ACLs ({@code --acls}), on a real agent: {@code ops} may see
 * every task and executor, {@code fw} only tasks that run as {@code nobody}, and nobody else any.
 * One task runs as {@code nobody}, one as its framework's user, and one is queued for a custom
 * executor.
 */
class ViewAclsTest {
  private static final String ACLS = """
      {"permissive": false,
       "view_frameworks": [{"principals": {"type": "ANY"}, "users": {"type": "ANY"}}],
       "view_tasks": [{"principals": {"values": ["ops"]}, "users": {"type": "ANY"}},
                      {"principals": {"values": ["fw"]}, "users": {"values": ["nobody"]}}],
       "view_executors": [{"principals": {"values": ["ops"]}, "users": {"type": "ANY"}}]}
      """;
  private static final String OPS = basic("ops", "ops-secret");
  private static final String FW = basic("fw", "fw-secret");
  private static final String STRANGER = basic("stranger", "stranger-secret");

  @TempDir
  Path workDir;

  private final FakeRuntime runtime = new FakeRuntime();
  private final HttpClient http = HttpClient.newHttpClient();
  private AgentHarness harness;

  @BeforeEach
  void start() throws Exception {
    AgentSecurity security = AgentSecurity.of(Credentials.of(Map.of("ops", "ops-secret", "fw", "fw-secret",
        "stranger", "stranger-secret")), "test", true, Acls.parse(ACLS), "test");
    harness = new AgentHarness(workDir, 3600, (v, t) -> runtime, config -> config.security(security));
    TaskInfo shell = Tasks.shellTask("as-nobody", "sleep 1000");
    harness.master.send(Tasks.runTask(shell.toBuilder().setCommand(shell.getCommand().toBuilder().setUser("nobody"))
        .build()));
    harness.master.send(Tasks.runTask(Tasks.shellTask("as-framework-user", "sleep 1000")));
    harness.master.send(Tasks.runTask(Tasks.executorTask("delegated", Tasks.executor("exec", List.of("/bin/exec")), "")));
    await().atMost(AgentHarness.WAIT).until(() -> runtime.launches().size() == 3);
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  @Test
  void getTasksGetStateAndStateShowEachCallerOnlyWhatItsAclsLetItSee() throws Exception {
    assertThat(taskIds(OPS)).containsExactlyInAnyOrder("as-nobody", "as-framework-user", "delegated");
    assertThat(taskIds(FW)).containsExactly("as-nobody");
    assertThat(taskIds(STRANGER)).isEmpty();

    assertThat(call(OPS, Call.Type.GET_EXECUTORS).getGetExecutors().getExecutorsCount()).isEqualTo(3);
    assertThat(call(FW, Call.Type.GET_EXECUTORS).getGetExecutors().getExecutorsCount()).isZero();
    Response.GetState fwState = call(FW, Call.Type.GET_STATE).getGetState();
    assertThat(fwState.getGetTasks().getLaunchedTasksList()).extracting(t -> t.getTaskId().getValue())
        .containsExactly("as-nobody");
    assertThat(fwState.getGetExecutors().getExecutorsCount()).isZero();
    assertThat(call(STRANGER, Call.Type.GET_FRAMEWORKS).getGetFrameworks().getFrameworksCount()).isZero();

    assertThat(stateTaskIds(OPS)).containsExactlyInAnyOrder("as-nobody", "as-framework-user", "delegated");
    assertThat(stateTaskIds(FW)).containsExactly("as-nobody");
    assertThat(stateTaskIds(STRANGER)).isEmpty();
    assertThat(get("/state", null).statusCode()).as("reads need credentials here").isEqualTo(401);
  }

  private List<String> taskIds(String auth) throws Exception {
    Response.GetTasks tasks = call(auth, Call.Type.GET_TASKS).getGetTasks();
    return java.util.stream.Stream.of(tasks.getLaunchedTasksList(), tasks.getQueuedTasksList())
        .flatMap(List::stream).map(Task::getTaskId).map(id -> id.getValue()).toList();
  }

  private List<String> stateTaskIds(String auth) throws Exception {
    HttpResponse<String> response = get("/state", auth);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonArray tasks = new JsonObject(response.body()).getJsonArray("tasks");
    return tasks.stream().map(t -> ((JsonObject) t).getString("id")).toList();
  }

  private Response call(String auth, Call.Type type) throws Exception {
    HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/v1"))
        .header("Content-Type", Codec.PROTOBUF.mediaType()).header("Accept", Codec.PROTOBUF.mediaType())
        .header("Authorization", auth)
        .POST(HttpRequest.BodyPublishers.ofByteArray(Codec.PROTOBUF.encode(Call.newBuilder().setType(type).build())))
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    return Codec.PROTOBUF.decode(response.body(), Response.getDefaultInstance());
  }

  private HttpResponse<String> get(String path, String auth) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).GET();
    if (auth != null) {
      request.header("Authorization", auth);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String base() {
    return "http://127.0.0.1:" + harness.agent.httpPort();
  }

  private static String basic(String principal, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString((principal + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }
}
