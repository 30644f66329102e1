package io.mezzo.agent.executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.AgentHarness;
import io.mezzo.agent.channel.ReconnectBackoff;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.testing.FakeRuntime;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.RunningTask;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.executor.Protos.Call;
import io.mezzo.v1.executor.Protos.Event;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor API and executor lifecycle against a runtime that starts nothing: the test plays the executor. */
class ExecutorApiTest {
  private static final Duration QUIET = Duration.ofMillis(300);

  @TempDir
  Path workDir;

  private final FakeRuntime runtime = new FakeRuntime();
  private AgentHarness harness;
  private ExecutorClient client;

  @BeforeEach
  void start() throws Exception {
    harness = new AgentHarness(workDir, 3600, runtime);
    client = new ExecutorClient("127.0.0.1:" + harness.agent.httpPort(), Tasks.FRAMEWORK.getValue(), "exec");
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  @Test
  void anExecutorIsLaunchedInItsSandboxWithTheMesosEnvironment() throws Exception {
    launchExecutorTask("t1");

    LaunchRequest launch = runtime.launches().get(0);
    Path sandbox = workDir.resolve("frameworks/framework-1/executors/exec/runs/" + launch.containerId());
    assertThat(launch.sandbox()).isEqualTo(sandbox);
    assertThat(launch.task().getCommand().getValue()).isEqualTo("/bin/executor");
    assertThat(launch.environment())
        .containsEntry("MESOS_FRAMEWORK_ID", "framework-1")
        .containsEntry("MESOS_EXECUTOR_ID", "exec")
        .containsEntry("MESOS_AGENT_ENDPOINT", "127.0.0.1:" + harness.agent.httpPort())
        .containsEntry("MESOS_DIRECTORY", sandbox.toString())
        .containsEntry("MESOS_SANDBOX", sandbox.toString())
        .containsEntry("MESOS_CHECKPOINT", "1")
        .containsEntry("MESOS_RECOVERY_TIMEOUT", "15mins")
        .containsEntry("MESOS_SUBSCRIPTION_BACKOFF_MAX", "2secs")
        .containsEntry("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "5secs")
        .containsEntry("MESOS_HTTP_COMMAND_EXECUTOR", "0");
    assertThat(harness.master.statusUpdates()).as("no update before the executor reports").isEmpty();
  }

  @Test
  void anExecutorThatNeverSubscribesIsKilledAfterTheRegistrationTimeoutAndItsTasksFail() throws Exception {
    launchExecutorTask("t1");

    harness.timers.advance(Duration.ofSeconds(59));
    await().during(QUIET).atMost(QUIET.multipliedBy(4)).until(() -> runtime.kills().isEmpty());
    harness.timers.advance(Duration.ofSeconds(1));

    await().atMost(AgentHarness.WAIT).until(() -> harness.master.statusUpdates("t1").size() == 1);
    TaskStatus failed = harness.master.statusUpdates("t1").get(0);
    assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_EXECUTOR_REGISTRATION_TIMEOUT);
    assertThat(failed.getMessage()).isEqualTo("Executor did not register within 1mins");
    assertThat(failed.getExecutorId().getValue()).isEqualTo("exec");
    assertThat(runtime.kills()).containsExactly(runtime.launches().get(0).containerId());
    AgentCall terminated = executorTerminated();
    assertThat(terminated.getExecutorTerminated().getStatus()).isEqualTo(128 + 15);
    assertThat(harness.state().getJsonArray("executors")).isEmpty();
  }

  @Test
  void badCallsAreRefusedWithTheStatusMesosUses() throws Exception {
    launchExecutorTask("t1");
    Call update = client.update("t1", TaskState.TASK_RUNNING);

    assertThat(client.get().statusCode()).isEqualTo(405);
    assertThat(client.post(update.toByteArray(), null, null).statusCode()).isEqualTo(400);
    assertThat(client.post(update.toByteArray(), "text/plain", null).statusCode()).isEqualTo(415);
    assertThat(client.post(update.toByteArray(), "application/json; charset=utf-8", null).statusCode()).isEqualTo(415);
    HttpResponse<String> garbage = client.post("garbage".getBytes(StandardCharsets.UTF_8), ExecutorClient.PROTOBUF, null);
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(garbage.body()).startsWith("Failed to parse body into Call");
    assertThat(client.post("{\"type\":\"UPDATE\"}".getBytes(StandardCharsets.UTF_8), "application/json", null).statusCode())
        .as("JSON without the required ids").isEqualTo(400);
    HttpResponse<String> agentSource = client.post(update.toBuilder()
        .setUpdate(Call.Update.newBuilder().setStatus(update.getUpdate().getStatus().toBuilder()
            .setSource(TaskStatus.Source.SOURCE_AGENT)))
        .build());
    assertThat(agentSource.statusCode()).isEqualTo(400);
    assertThat(agentSource.body()).contains("expecting 'SOURCE_EXECUTOR'");

    HttpResponse<String> untyped = client.post(update.toBuilder().clearType().build());
    assertThat(untyped.statusCode()).isEqualTo(400);
    assertThat(untyped.body()).isEqualTo("Failed to validate executor::Call: Expecting 'type' to be present");

    ExecutorClient stranger = new ExecutorClient("127.0.0.1:" + harness.agent.httpPort(), "framework-2", "exec");
    assertThat(stranger.post(stranger.update("t1", TaskState.TASK_RUNNING)).body()).isEqualTo("Framework cannot be found");
    ExecutorClient otherExecutor = new ExecutorClient("127.0.0.1:" + harness.agent.httpPort(), "framework-1", "other");
    HttpResponse<String> unknown = otherExecutor.post(otherExecutor.update("t1", TaskState.TASK_RUNNING));
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).isEqualTo("Executor cannot be found");

    HttpResponse<String> early = client.post(update);
    assertThat(early.statusCode()).isEqualTo(403);
    assertThat(early.body()).isEqualTo("Executor is not subscribed");
    Call subscribe = client.call(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.getDefaultInstance()).build();
    assertThat(client.post(subscribe.toByteArray(), ExecutorClient.PROTOBUF, "text/html").statusCode()).isEqualTo(406);
    assertThat(harness.master.statusUpdates()).isEmpty();
  }

  @Test
  void aSubscribedExecutorGetsItsQueuedTasksAndADuplicateUpdateIsAcknowledgedButNotResent() throws Exception {
    launchExecutorTask("t1");
    HttpResponse<InputStream> stream = client.subscribe(Call.Subscribe.getDefaultInstance());
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type")).contains(ExecutorClient.PROTOBUF);
    InputStream events = stream.body();

    Event subscribed = ExecutorClient.next(events);
    assertThat(subscribed.getType()).isEqualTo(Event.Type.SUBSCRIBED);
    assertThat(subscribed.getSubscribed().getContainerId().getValue()).isEqualTo(runtime.launches().get(0).containerId());
    assertThat(subscribed.getSubscribed().getExecutorInfo().getExecutorId().getValue()).isEqualTo("exec");
    assertThat(subscribed.getSubscribed().getFrameworkInfo().getId()).isEqualTo(Tasks.FRAMEWORK);
    assertThat(subscribed.getSubscribed().getAgentInfo().getId().getValue()).isEqualTo("agent-1");
    Event launch = ExecutorClient.next(events);
    assertThat(launch.getType()).isEqualTo(Event.Type.LAUNCH);
    assertThat(launch.getLaunch().getTask().getTaskId().getValue()).isEqualTo("t1");

    Call running = client.update("t1", TaskState.TASK_RUNNING);
    assertThat(client.post(running).statusCode()).isEqualTo(202);
    Event acknowledged = ExecutorClient.next(events);
    assertThat(acknowledged.getType()).isEqualTo(Event.Type.ACKNOWLEDGED);
    assertThat(acknowledged.getAcknowledged().getUuid()).isEqualTo(running.getUpdate().getStatus().getUuid());
    await().atMost(AgentHarness.WAIT).until(() -> harness.master.statusUpdates("t1").size() == 1);
    assertThat(harness.master.statusUpdates("t1").get(0).getUuid()).isEqualTo(running.getUpdate().getStatus().getUuid());

    // The executor re-sends the same update (it had missed the ACKNOWLEDGED): acknowledged again, not duplicated.
    assertThat(client.post(running).statusCode()).isEqualTo(202);
    assertThat(ExecutorClient.next(events).getType()).isEqualTo(Event.Type.ACKNOWLEDGED);
    harness.master.send(Tasks.acknowledge(Tasks.FRAMEWORK, harness.master.statusUpdates("t1").get(0)));
    assertThat(client.post(client.message("ping")).statusCode()).isEqualTo(202);
    await().atMost(AgentHarness.WAIT).until(() -> harness.master.calls().stream()
        .anyMatch(c -> c.getType() == AgentCall.Type.EXECUTOR_MESSAGE));
    assertThat(harness.master.statusUpdates("t1")).hasSize(1);

    // Heartbeats every 30 minutes, on the injected timers.
    harness.timers.advance(ExecutorRegistry.HEARTBEAT_INTERVAL);
    assertThat(ExecutorClient.next(events).getType()).isEqualTo(Event.Type.HEARTBEAT);

    // A SHUTDOWN_EXECUTOR sends SHUTDOWN, and kills the process after the grace period.
    harness.master.send(Tasks.shutdownExecutor("exec"));
    assertThat(ExecutorClient.next(events).getType()).isEqualTo(Event.Type.SHUTDOWN);
    assertThat(runtime.kills()).isEmpty();
    await().atMost(AgentHarness.WAIT).until(() -> harness.timers.armedWithin(ExecutorRegistry.DEFAULT_SHUTDOWN_GRACE_PERIOD) > 0);
    harness.timers.advance(ExecutorRegistry.DEFAULT_SHUTDOWN_GRACE_PERIOD);
    await().atMost(AgentHarness.WAIT).until(() -> runtime.kills().size() == 1);
    assertThat(ExecutorClient.next(events)).as("the stream ends with the executor").isNull();
  }

  @Test
  void aReSubscriptionHonoursTheUnacknowledgedTasksAndUpdates() throws Exception {
    launchExecutorTask("t1");
    HttpResponse<InputStream> first = client.subscribe(Call.Subscribe.getDefaultInstance());
    InputStream events = first.body();
    assertThat(ExecutorClient.next(events).getType()).isEqualTo(Event.Type.SUBSCRIBED);
    TaskInfo launched = ExecutorClient.next(events).getLaunch().getTask();
    events.close();
    await().atMost(AgentHarness.WAIT).until(() ->
        !harness.state().getJsonArray("executors").getJsonObject(0).getBoolean("subscribed"));
    Call running = client.update("t1", TaskState.TASK_RUNNING);
    assertThat(client.post(running).statusCode()).as("not subscribed any more").isEqualTo(403);

    HttpResponse<InputStream> second = client.subscribe(Call.Subscribe.newBuilder()
        .addUnacknowledgedTasks(launched)
        .addUnacknowledgedUpdates(running.getUpdate())
        .build());

    InputStream again = second.body();
    assertThat(ExecutorClient.next(again).getType()).isEqualTo(Event.Type.SUBSCRIBED);
    Event acknowledged = ExecutorClient.next(again);
    assertThat(acknowledged.getType()).as("no second LAUNCH of a task the executor has").isEqualTo(Event.Type.ACKNOWLEDGED);
    assertThat(acknowledged.getAcknowledged().getUuid()).isEqualTo(running.getUpdate().getStatus().getUuid());
    await().atMost(AgentHarness.WAIT).until(() -> harness.master.statusUpdates("t1").size() == 1);
    assertThat(harness.master.statusUpdates("t1").get(0).getUuid()).isEqualTo(running.getUpdate().getStatus().getUuid());
    assertThat(harness.state().getJsonArray("executors").getJsonObject(0).getBoolean("subscribed")).isTrue();
    harness.timers.advance(ExecutorRegistry.HEARTBEAT_INTERVAL);
    assertThat(ExecutorClient.next(again).getType()).as("nothing launched again").isEqualTo(Event.Type.HEARTBEAT);
  }

  @Test
  void aFrameworkShutdownShutsDownItsExecutorsAndKillsItsCommandTasks() throws Exception {
    launchExecutorTask("t1");
    harness.master.send(Tasks.runTask(Tasks.shellTask("c1", "sleep 100")));
    await().atMost(AgentHarness.WAIT).until(() -> runtime.isRunning("c1"));
    InputStream events = client.subscribe(Call.Subscribe.getDefaultInstance()).body();
    assertThat(ExecutorClient.next(events).getType()).isEqualTo(Event.Type.SUBSCRIBED);
    assertThat(ExecutorClient.next(events).getType()).isEqualTo(Event.Type.LAUNCH);

    harness.master.send(Tasks.shutdownFramework());

    assertThat(ExecutorClient.next(events).getType()).isEqualTo(Event.Type.SHUTDOWN);
    await().atMost(AgentHarness.WAIT).until(() -> !runtime.isRunning("c1"));
    assertThat(runtime.isRunning("exec")).as("the executor has its grace period").isTrue();
    harness.timers.advance(ExecutorRegistry.DEFAULT_SHUTDOWN_GRACE_PERIOD);
    await().atMost(AgentHarness.WAIT).until(() -> !runtime.isRunning("exec"));
    await().atMost(AgentHarness.WAIT).until(() -> harness.master.statusUpdates("t1").size() == 1);
    assertThat(harness.master.statusUpdates("t1").get(0).getReason()).isEqualTo(TaskStatus.Reason.REASON_EXECUTOR_TERMINATED);
  }

  @Test
  void aTaskKilledBeforeItsExecutorSubscribedIsKilledByTheAgentAndTheIdleExecutorStopped() throws Exception {
    launchExecutorTask("t1");

    harness.master.send(Tasks.killTask(Tasks.FRAMEWORK, "t1"));

    await().atMost(AgentHarness.WAIT).until(() -> harness.master.statusUpdates("t1").size() == 1);
    TaskStatus killed = harness.master.statusUpdates("t1").get(0);
    assertThat(killed.getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(killed.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_KILLED_DURING_LAUNCH);
    await().atMost(AgentHarness.WAIT).until(() -> runtime.kills().size() == 1);
  }

  @Test
  void anExecutorThatCannotStartFailsItsTasks() throws Exception {
    runtime.failLaunchesWith("exec format error");
    launchExecutorTask("t1");

    await().atMost(AgentHarness.WAIT).until(() -> harness.master.statusUpdates("t1").size() == 1);
    TaskStatus failed = harness.master.statusUpdates("t1").get(0);
    assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    assertThat(failed.getMessage()).isEqualTo("exec format error");
    AgentCall terminated = executorTerminated();
    assertThat(terminated.getExecutorTerminated().hasStatus()).as("it never ran").isFalse();
    assertThat(harness.state().getJsonArray("executors")).isEmpty();
  }

  @Test
  void aJsonSubscriptionStreamsJsonRecords() throws Exception {
    launchExecutorTask("t1");
    Call subscribe = client.call(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.getDefaultInstance()).build();
    java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + harness.agent.httpPort() + "/api/v1/executor"))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(io.mezzo.protocol.JsonCodec.print(subscribe)))
        .build();

    HttpResponse<InputStream> response = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1).build()
        .send(request, HttpResponse.BodyHandlers.ofInputStream());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(response.headers().firstValue("Mesos-Stream-Id")).isEmpty();
    try (InputStream events = response.body()) {
      String length = new String(readUntilNewline(events), StandardCharsets.US_ASCII);
      String record = new String(events.readNBytes(Integer.parseInt(length)), StandardCharsets.UTF_8);
      Event subscribed = io.mezzo.protocol.Codec.JSON.decode(record.getBytes(StandardCharsets.UTF_8), Event.getDefaultInstance());
      assertThat(record).startsWith("{").contains("\"type\":\"SUBSCRIBED\"");
      assertThat(subscribed.getSubscribed().getExecutorInfo().getExecutorId().getValue()).isEqualTo("exec");
    }
  }

  @Test
  void aReRegistrationNamesTheExecutorOfEachTask() throws Exception {
    launchExecutorTask("t1");

    harness.master.dropStream();
    await().atMost(AgentHarness.WAIT).until(() -> !harness.state().getBoolean("registered"));
    harness.timers.advance(ReconnectBackoff.MAX);
    await().atMost(AgentHarness.WAIT).until(() -> harness.master.registrations().size() == 2);

    List<RunningTask> tasks = harness.master.registrations().get(1).getRegister().getTasksList();
    assertThat(tasks).hasSize(1);
    assertThat(tasks.get(0).getTask().getTaskId().getValue()).isEqualTo("t1");
    assertThat(tasks.get(0).getState()).isEqualTo(TaskState.TASK_STAGING);
    assertThat(tasks.get(0).getExecutor().getExecutorId().getValue()).isEqualTo("exec");
  }

  private static byte[] readUntilNewline(InputStream in) throws java.io.IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new java.io.EOFException("stream ended");
      }
      out.write(b);
    }
    return out.toByteArray();
  }

  @Test
  void withExecutorAuthenticationEachExecutorGetsATokenAndOnlyItsOwnTokenSpeaksForIt() throws Exception {
    harness.close();
    harness = new AgentHarness(workDir, 3600, (v, t) -> runtime, config -> config.authenticateHttpExecutors(true, null));
    launchExecutorTask("t1");
    String token = runtime.launches().get(0).environment().get(ExecutorTokens.ENV);
    assertThat(token).as("the executor's token").isNotBlank();
    assertThat(ExecutorTokens.inWorkDir(workDir).verify(token))
        .contains(new ExecutorTokens.Claims(Tasks.FRAMEWORK.getValue(), "exec"));
    ExecutorClient executor = new ExecutorClient("127.0.0.1:" + harness.agent.httpPort(), Tasks.FRAMEWORK.getValue(),
        "exec");
    Call.Subscribe subscribe = Call.Subscribe.getDefaultInstance();

    HttpResponse<InputStream> none = executor.subscribe(subscribe);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"mesos-agent-executor\"");
    // A token of this agent's for another executor, a token signed with another key, one tampered with.
    String others = ExecutorTokens.inWorkDir(workDir).issue(Tasks.FRAMEWORK.getValue(), "other");
    HttpResponse<String> asOther = executor.token(others).post(executor.update("t1", TaskState.TASK_RUNNING));
    assertThat(asOther.statusCode()).isEqualTo(403);
    assertThat(asOther.body()).isEqualTo("The token is for executor 'other' of framework '" + Tasks.FRAMEWORK.getValue()
        + "', not this call's");
    String forged = ExecutorTokens.withKey(new byte[32]).issue(Tasks.FRAMEWORK.getValue(), "exec");
    assertThat(executor.token(forged).subscribe(subscribe).statusCode()).isEqualTo(401);
    String[] parts = token.split("\\.");
    String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "x" + "." + parts[2];
    assertThat(executor.token(tampered).subscribe(subscribe).statusCode()).isEqualTo(401);
    assertThat(harness.master.statusUpdates()).isEmpty();

    HttpResponse<InputStream> stream = executor.token(token).subscribe(subscribe);
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(ExecutorClient.next(stream.body()).getType()).isEqualTo(Event.Type.SUBSCRIBED);
    assertThat(executor.post(executor.update("t1", TaskState.TASK_RUNNING)).statusCode()).isEqualTo(202);
    await().atMost(AgentHarness.WAIT).until(() -> harness.master.statusUpdates().size() == 1);
    stream.body().close();
  }

  private void launchExecutorTask(String taskId) {
    ExecutorInfo executor = Tasks.executor("exec", List.of("/bin/executor", "--flag"));
    harness.master.send(Tasks.runTask(Tasks.executorTask(taskId, executor, "")));
    await().atMost(AgentHarness.WAIT).until(() -> runtime.launches().size() == 1);
  }

  /** The EXECUTOR_TERMINATED call, once it has come: the agent sends it and the task's update as two calls. */
  private AgentCall executorTerminated() {
    return await().atMost(AgentHarness.WAIT).until(() -> harness.master.calls().stream()
        .filter(c -> c.getType() == AgentCall.Type.EXECUTOR_TERMINATED).findFirst(), java.util.Optional::isPresent)
        .orElseThrow();
  }
}
