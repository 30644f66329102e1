package io.mezzo.agent.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.Agent;
import io.mezzo.agent.AgentHarness;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.testing.FakeRuntime;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.protocol.Codec;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.FileInfo;
import io.mezzo.v1.Protos.Flag;
import io.mezzo.v1.Protos.Task;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.agent.Protos.Call;
import io.mezzo.v1.agent.Protos.Response;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The agent's operator API against an agent running tasks on a fake runtime: one running command
 * task, one finished but not acknowledged, one acknowledged, and one queued for a custom executor
 * that has not subscribed. Every call in both encodings.
 */
class AgentOperatorApiTest {
  @TempDir
  Path workDir;

  private final FakeRuntime runtime = new FakeRuntime();
  private final HttpClient http = HttpClient.newHttpClient();
  private AgentHarness harness;

  @BeforeEach
  void start() throws Exception {
    harness = new AgentHarness(workDir, 3600, runtime);
    harness.master.send(Tasks.runTask(Tasks.shellTask("running", "sleep 1000")));
    harness.master.send(Tasks.runTask(Tasks.shellTask("finished", "true")));
    harness.master.send(Tasks.runTask(Tasks.shellTask("done", "true")));
    harness.master.send(Tasks.runTask(Tasks.executorTask("delegated", Tasks.executor("exec", List.of("/bin/exec")), "")));
    await().atMost(AgentHarness.WAIT).until(() -> runtime.isRunning("finished") && runtime.isRunning("done")
        && runtime.isRunning("running") && runtime.launches().size() == 4);
    runtime.exit("finished", 0);
    runtime.exit("done", 0);
    acknowledgeUntilTerminal("done");
    await().atMost(AgentHarness.WAIT).until(() -> !harness.state().getJsonArray("tasks").stream()
        .map(t -> ((JsonObject) t).getString("id")).toList().contains("done"));
    await().atMost(AgentHarness.WAIT).until(() -> stateOf("finished") == TaskState.TASK_FINISHED
        && stateOf("running") == TaskState.TASK_RUNNING);
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void getTasksSortsTasksAsTheMesosAgentDoes(Codec codec) throws Exception {
    Response response = call(codec, Call.newBuilder().setType(Call.Type.GET_TASKS).build());
    assertThat(response.getType()).isEqualTo(Response.Type.GET_TASKS);
    Response.GetTasks tasks = response.getGetTasks();
    assertThat(ids(tasks.getLaunchedTasksList())).containsExactly("running");
    assertThat(ids(tasks.getQueuedTasksList())).containsExactly("delegated");
    assertThat(ids(tasks.getTerminatedTasksList())).containsExactly("finished");
    assertThat(ids(tasks.getCompletedTasksList())).containsExactly("done");

    Task running = tasks.getLaunchedTasks(0);
    assertThat(running.getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(running.getFrameworkId()).isEqualTo(Tasks.FRAMEWORK);
    assertThat(running.getAgentId().getValue()).isEqualTo("agent-1");
    assertThat(running.getName()).isEqualTo("running");
    assertThat(running.hasExecutorId()).as("a command task names no executor, as in Mesos").isFalse();
    assertThat(running.getStatusesList()).extracting(TaskStatus::getState)
        .containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING);
    assertThat(running.getStatusUpdateState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(running.getStatusUpdateUuid()).isEqualTo(running.getStatuses(1).getUuid());

    Task done = tasks.getCompletedTasks(0);
    assertThat(done.getState()).isEqualTo(TaskState.TASK_FINISHED);
    assertThat(done.getStatusesList()).extracting(TaskStatus::getState).endsWith(TaskState.TASK_FINISHED);
    assertThat(tasks.getQueuedTasks(0).getExecutorId().getValue()).isEqualTo("exec");
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void getExecutorsGetFrameworksAndGetContainersShowWhatRuns(Codec codec) throws Exception {
    Response.GetExecutors executors = call(codec, type(Call.Type.GET_EXECUTORS)).getGetExecutors();
    assertThat(executors.getExecutorsList()).extracting(e -> e.getExecutorInfo().getExecutorId().getValue())
        .containsExactlyInAnyOrder("exec", "running");
    assertThat(executors.getCompletedExecutorsList()).extracting(e -> e.getExecutorInfo().getExecutorId().getValue())
        .containsExactlyInAnyOrder("finished", "done");
    ExecutorInfo command = executors.getExecutorsList().stream().map(Response.GetExecutors.Executor::getExecutorInfo)
        .filter(e -> e.getExecutorId().getValue().equals("running")).findFirst().orElseThrow();
    assertThat(command.getFrameworkId()).isEqualTo(Tasks.FRAMEWORK);
    assertThat(command.getCommand().getValue()).isEqualTo("sleep 1000");
    assertThat(command.getName()).contains("Command Executor (Task: running)");

    Response.GetFrameworks frameworks = call(codec, type(Call.Type.GET_FRAMEWORKS)).getGetFrameworks();
    assertThat(frameworks.getFrameworksList()).singleElement().satisfies(f -> {
      assertThat(f.getFrameworkInfo().getId()).isEqualTo(Tasks.FRAMEWORK);
      assertThat(f.getFrameworkInfo().getName()).isEqualTo("test");
    });
    assertThat(frameworks.getCompletedFrameworksList()).isEmpty();

    Response.GetContainers containers = call(codec, type(Call.Type.GET_CONTAINERS)).getGetContainers();
    assertThat(containers.getContainersList()).extracting(c -> c.getExecutorId().getValue() + "@" + c.getContainerId().getValue())
        .containsExactlyInAnyOrder("running@" + launchOf("running").containerId(), "exec@" + launchOf("exec").containerId());
    assertThat(containers.getContainersList()).allSatisfy(c -> assertThat(c.getFrameworkId()).isEqualTo(Tasks.FRAMEWORK));
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void getStateHoldsTheTasksExecutorsAndFrameworks(Codec codec) throws Exception {
    Response.GetState state = call(codec, type(Call.Type.GET_STATE)).getGetState();
    assertThat(ids(state.getGetTasks().getLaunchedTasksList())).containsExactly("running");
    assertThat(ids(state.getGetTasks().getCompletedTasksList())).containsExactly("done");
    assertThat(state.getGetExecutors().getExecutorsCount()).isEqualTo(2);
    assertThat(state.getGetFrameworks().getFrameworksCount()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void getHealthFlagsVersionAndAgent(Codec codec) throws Exception {
    assertThat(call(codec, type(Call.Type.GET_HEALTH)).getGetHealth().getHealthy()).isTrue();
    List<Flag> flags = call(codec, type(Call.Type.GET_FLAGS)).getGetFlags().getFlagsList();
    assertThat(flags).contains(Flag.newBuilder().setName("work-dir").setValue(workDir.toAbsolutePath().normalize().toString()).build(),
        Flag.newBuilder().setName("max-operator-body-bytes").setValue("1048576").build(),
        Flag.newBuilder().setName("resources").setValue("cpus:2;mem:1024;disk:1024;ports:[31000-31009]").build());
    assertThat(call(codec, type(Call.Type.GET_VERSION)).getGetVersion().getVersionInfo().getVersion()).isEqualTo(Agent.VERSION);
    assertThat(call(codec, type(Call.Type.GET_AGENT)).getGetAgent().getAgentInfo().getId().getValue()).isEqualTo("agent-1");
    java.util.Map<String, Double> metrics = call(codec, type(Call.Type.GET_METRICS)).getGetMetrics().getMetricsList()
        .stream().collect(java.util.stream.Collectors.toMap(m -> m.getName(), m -> m.getValue()));
    assertThat(metrics).containsEntry("slave/tasks_running", 1.0).containsEntry("slave/cpus_total", 2.0);
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void listFilesAndReadFileServeTheSandbox(Codec codec) throws Exception {
    String sandbox = sandboxOf("running");
    Path dir = workDir.resolve(sandbox.substring(1));
    Files.writeString(dir.resolve("out.txt"), "0123456789");

    List<FileInfo> infos = call(codec, Call.newBuilder().setType(Call.Type.LIST_FILES)
        .setListFiles(Call.ListFiles.newBuilder().setPath(sandbox)).build()).getListFiles().getFileInfosList();
    FileInfo out = infos.stream().filter(f -> f.getPath().equals(sandbox + "/out.txt")).findFirst().orElseThrow();
    assertThat(out.getSize()).isEqualTo(10);
    assertThat(out.getMode() & 0170000).as("a regular file's type bits").isEqualTo(0100000);
    assertThat(out.getMtime().getNanoseconds() % 1_000_000_000L).isZero();

    Response.ReadFile part = read(codec, sandbox + "/out.txt", 2, 3L);
    assertThat(part.getSize()).isEqualTo(10);
    assertThat(part.getData().toStringUtf8()).isEqualTo("234");
    assertThat(read(codec, sandbox + "/out.txt", 4, null).getData().toStringUtf8()).isEqualTo("456789");
    Response.ReadFile pastEnd = read(codec, sandbox + "/out.txt", 50, 5L);
    assertThat(pastEnd.getSize()).isEqualTo(10);
    assertThat(pastEnd.getData().isEmpty()).isTrue();
  }

  @Test
  void badFilePathsGetTheFilesApisAnswers() throws Exception {
    String sandbox = sandboxOf("running");
    Path dir = workDir.resolve(sandbox.substring(1));
    Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("fifo").toString()).start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).as("mkfifo").isTrue();
    Files.writeString(workDir.resolve("agent-secret"), "secret");

    assertThat(readStatus(sandbox + "/../../../../../../agent-secret")).isEqualTo(403);
    assertThat(readStatus("/etc/passwd")).isEqualTo(403);
    assertThat(readStatus(sandbox + "/no-such-file")).isEqualTo(404);
    assertThat(readStatus(sandbox + "/fifo")).isEqualTo(400);
    assertThat(readStatus(sandbox)).as("a directory").isEqualTo(400);
    assertThat(post(Codec.JSON.encode(Call.newBuilder().setType(Call.Type.LIST_FILES)
        .setListFiles(Call.ListFiles.newBuilder().setPath(sandbox + "/../../../../../..")).build()), "application/json", null)
        .statusCode()).isEqualTo(403);
    assertThat(post(Codec.JSON.encode(Call.newBuilder().setType(Call.Type.LIST_FILES)
        .setListFiles(Call.ListFiles.newBuilder().setPath(sandbox + "/fifo")).build()), "application/json", null)
        .statusCode()).isEqualTo(400);
  }

  @Test
  void transportRulesAsMesos() throws Exception {
    byte[] health = Codec.JSON.encode(type(Call.Type.GET_HEALTH));
    HttpResponse<byte[]> get = http.send(HttpRequest.newBuilder(uri()).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).contains("POST");
    assertThat(http.send(HttpRequest.newBuilder(uri()).POST(HttpRequest.BodyPublishers.ofByteArray(health)).build(),
        HttpResponse.BodyHandlers.ofByteArray()).statusCode()).as("no Content-Type").isEqualTo(400);
    assertThat(post(health, "application/json; charset=utf-8", null).statusCode()).isEqualTo(415);
    assertThat(post("{not json".getBytes(StandardCharsets.UTF_8), "application/json", null).statusCode()).isEqualTo(400);
    assertThat(post(new byte[] {(byte) 0xff, 1, 2}, "application/x-protobuf", null).statusCode()).isEqualTo(400);
    assertThat(post(health, "application/json", "text/html").statusCode()).isEqualTo(406);
    assertThat(post(Codec.JSON.encode(type(Call.Type.UNKNOWN)), "application/json", null).statusCode()).isEqualTo(501);
    assertThat(post(Codec.JSON.encode(type(Call.Type.PRUNE_IMAGES)), "application/json", null).statusCode()).isEqualTo(501);
    assertThat(post(Codec.JSON.encode(type(Call.Type.LIST_FILES)), "application/json", null).statusCode()).isEqualTo(400);
    HttpResponse<byte[]> noAccept = post(Codec.PROTOBUF.encode(type(Call.Type.GET_HEALTH)), "application/x-protobuf", null);
    assertThat(noAccept.statusCode()).isEqualTo(200);
    assertThat(noAccept.headers().firstValue("Content-Type")).as("no Accept means JSON").contains("application/json");
    assertThat(post(new byte[2 * 1024 * 1024], "application/x-protobuf", null).statusCode()).as("over the 1 MB cap")
        .isEqualTo(413);
  }

  // ---- helpers ----

  private void acknowledgeUntilTerminal(String taskId) {
    Set<com.google.protobuf.ByteString> acked = new HashSet<>();
    await().atMost(AgentHarness.WAIT).until(() -> {
      for (TaskStatus status : harness.master.statusUpdates(taskId)) {
        if (acked.add(status.getUuid())) {
          harness.master.send(Tasks.acknowledge(Tasks.FRAMEWORK, status));
        }
      }
      return harness.master.statusUpdates(taskId).stream().anyMatch(s -> s.getState() == TaskState.TASK_FINISHED)
          && acked.size() == harness.master.statusUpdates(taskId).size();
    });
  }

  private TaskState stateOf(String taskId) throws Exception {
    return harness.state().getJsonArray("tasks").stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("id").equals(taskId)).map(t -> TaskState.valueOf(t.getString("state")))
        .findFirst().orElse(null);
  }

  private String sandboxOf(String taskId) throws Exception {
    return harness.state().getJsonArray("tasks").stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("id").equals(taskId)).map(t -> t.getString("sandbox")).findFirst().orElseThrow();
  }

  private LaunchRequest launchOf(String taskId) {
    return runtime.launches().stream().filter(r -> r.task().getTaskId().getValue().equals(taskId)).findFirst().orElseThrow();
  }

  private static List<String> ids(List<Task> tasks) {
    return tasks.stream().map(t -> t.getTaskId().getValue()).toList();
  }

  private static Call type(Call.Type type) {
    return Call.newBuilder().setType(type).build();
  }

  private Response.ReadFile read(Codec codec, String path, long offset, Long length) throws Exception {
    Call.ReadFile.Builder read = Call.ReadFile.newBuilder().setPath(path).setOffset(offset);
    if (length != null) {
      read.setLength(length);
    }
    return call(codec, Call.newBuilder().setType(Call.Type.READ_FILE).setReadFile(read).build()).getReadFile();
  }

  private int readStatus(String path) throws Exception {
    Call call = Call.newBuilder().setType(Call.Type.READ_FILE)
        .setReadFile(Call.ReadFile.newBuilder().setPath(path).setOffset(0)).build();
    return post(Codec.PROTOBUF.encode(call), "application/x-protobuf", "application/x-protobuf").statusCode();
  }

  private Response call(Codec codec, Call call) throws Exception {
    HttpResponse<byte[]> response = post(codec.encode(call), codec.mediaType(), codec.mediaType());
    assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains(codec.mediaType());
    return codec.decode(response.body(), Response.getDefaultInstance());
  }

  private HttpResponse<byte[]> post(byte[] body, String contentType, String accept) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri()).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (accept != null) {
      request.header("Accept", accept);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private URI uri() {
    return URI.create("http://127.0.0.1:" + harness.agent.httpPort() + "/api/v1");
  }
}
