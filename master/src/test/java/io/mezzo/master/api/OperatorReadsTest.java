package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.protocol.Codec;
import io.mezzo.protocol.Wire;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.DurationInfo;
import io.mezzo.v1.Protos.Flag;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.master.Protos.Response;
import io.mezzo.v1.scheduler.Protos.Event;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The operator API's calls on a real master with an agent, a framework and a running task, in
 * both encodings, each answer checked against what the master was told.
 */
class OperatorReadsTest {
  private MasterFixture fixture;
  private OperatorClient operator;

  @BeforeEach
  void start() throws Exception {
    fixture = new MasterFixture();
    operator = new OperatorClient(fixture);
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  private static FrameworkInfo frameworkInfo(String name) {
    return FrameworkInfo.newBuilder().setUser("root").setName(name).setRole("eng").setFailoverTimeout(60).build();
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void theReadCallsShowTheState(Codec codec) throws Exception {
    try (FakeAgent agent = fixture.registerAgent();
        EventStream<Event> scheduler = fixture.subscribeStream(MasterFixture.subscribe(frameworkInfo("reads")),
            Codec.PROTOBUF)) {
      FrameworkID frameworkId = scheduler.next().getSubscribed().getFrameworkId();
      operator.launch(scheduler, frameworkId, agent, "t1");
      OperatorClient.report(agent, frameworkId, "t1", TaskState.TASK_RUNNING);
      scheduler.next(e -> e.getType() == Event.Type.UPDATE);

      Response.GetTasks tasks = operator.get(Call.Type.GET_TASKS, codec).getGetTasks();
      assertThat(tasks.getTasksList()).singleElement().satisfies(task -> {
        assertThat(task.getTaskId().getValue()).isEqualTo("t1");
        assertThat(task.getName()).isEqualTo("t1");
        assertThat(task.getFrameworkId()).isEqualTo(frameworkId);
        assertThat(task.getAgentId().getValue()).isEqualTo(agent.id());
        assertThat(task.getState()).isEqualTo(TaskState.TASK_RUNNING);
        assertThat(task.getStatusesList()).extracting(s -> s.getState()).containsExactly(TaskState.TASK_RUNNING);
        assertThat(task.getResourcesList()).extracting(Resource::getName).containsExactly("cpus", "mem");
      });

      Response.GetAgents agents = operator.get(Call.Type.GET_AGENTS, codec).getGetAgents();
      assertThat(agents.getAgentsList()).singleElement().satisfies(a -> {
        assertThat(a.getAgentInfo().getId().getValue()).isEqualTo(agent.id());
        assertThat(a.getActive()).isTrue();
        assertThat(a.getPid()).isEqualTo("slave(1)@127.0.0.1:5051");
        assertThat(scalar(a.getTotalResourcesList(), "cpus")).isEqualTo(2.0);
        assertThat(scalar(a.getAllocatedResourcesList(), "cpus")).isEqualTo(0.5);
        assertThat(a.getAllocatedResourcesList()).allSatisfy(r ->
            assertThat(r.getAllocationInfo().getRole()).isEqualTo("eng"));
        assertThat(a.getRegisteredTime().getNanoseconds()).isPositive();
      });

      Response.GetFrameworks frameworks = operator.get(Call.Type.GET_FRAMEWORKS, codec).getGetFrameworks();
      assertThat(frameworks.getFrameworksList()).singleElement().satisfies(f -> {
        assertThat(f.getFrameworkInfo().getId()).isEqualTo(frameworkId);
        assertThat(f.getFrameworkInfo().getName()).isEqualTo("reads");
        assertThat(f.getActive()).isTrue();
        assertThat(f.getConnected()).isTrue();
        assertThat(f.getRecovered()).isFalse();
        assertThat(scalar(f.getAllocatedResourcesList(), "mem")).isEqualTo(64.0);
      });

      Response.GetState state = operator.get(Call.Type.GET_STATE, codec).getGetState();
      assertThat(state.getGetTasks()).isEqualTo(tasks);
      assertThat(state.getGetAgents().getAgentsList()).hasSize(1);
      assertThat(state.getGetFrameworks().getFrameworksList()).hasSize(1);
      assertThat(operator.get(Call.Type.GET_EXECUTORS, codec).getGetExecutors().getExecutorsList()).isEmpty();

      Response.GetRoles roles = operator.get(Call.Type.GET_ROLES, codec).getGetRoles();
      assertThat(roles.getRolesList()).singleElement().satisfies(role -> {
        assertThat(role.getName()).isEqualTo("eng");
        assertThat(role.getWeight()).isEqualTo(1.0);
        assertThat(role.getFrameworksList()).containsExactly(frameworkId);
        assertThat(scalar(role.getResourcesList(), "cpus")).isEqualTo(0.5);
      });
    }
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void theMastersFactsAreAnswered(Codec codec) throws Exception {
    assertThat(operator.get(Call.Type.GET_HEALTH, codec).getGetHealth().getHealthy()).isTrue();
    assertThat(operator.get(Call.Type.GET_VERSION, codec).getGetVersion().getVersionInfo().getVersion())
        .isEqualTo(MezzoVersion.get()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(operator.get(Call.Type.GET_FLAGS, codec).getGetFlags().getFlagsList())
        .contains(Flag.newBuilder().setName("allocation-interval").setValue("50ms").build(),
            Flag.newBuilder().setName("port").setValue("0").build(),
            Flag.newBuilder().setName("offer-history").setValue("10000").build(),
            Flag.newBuilder().setName("body-read-timeout").setValue("20secs").build(),
            Flag.newBuilder().setName("zk-session-timeout").setValue("10secs").build())
        .anySatisfy(f -> assertThat(f.getName()).isEqualTo("zk"));
    Response.GetMaster master = operator.get(Call.Type.GET_MASTER, codec).getGetMaster();
    assertThat(master.getMasterInfo().getPort()).isEqualTo(fixture.master.port());
    assertThat(master.getStartTime()).isPositive();
    assertThat(master.getElectedTime()).isGreaterThanOrEqualTo(master.getStartTime());
    assertThat(operator.get(Call.Type.GET_LOGGING_LEVEL, codec).hasGetLoggingLevel()).isTrue();
  }

  @Test
  void theLoggingLevelIsSetAndRevertsAfterItsDuration() throws Exception {
    ch.qos.logback.classic.Logger mezzo = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.mezzo");
    ch.qos.logback.classic.Level before = mezzo.getLevel();
    int levelBefore = operator.get(Call.Type.GET_LOGGING_LEVEL, Codec.JSON).getGetLoggingLevel().getLevel();
    try {
      HttpResponse<byte[]> set = operator.call(setLoggingLevel(2, Duration.ofMinutes(5)), Codec.JSON);
      assertThat(set.statusCode()).as(OperatorClient.text(set)).isEqualTo(200);
      assertThat(operator.get(Call.Type.GET_LOGGING_LEVEL, Codec.PROTOBUF).getGetLoggingLevel().getLevel()).isEqualTo(2);
      assertThat(mezzo.getLevel()).isEqualTo(ch.qos.logback.classic.Level.TRACE);

      // A second SET replaces the first's revert and still goes back to the level before both.
      assertThat(operator.call(setLoggingLevel(1, Duration.ofSeconds(2)), Codec.PROTOBUF).statusCode()).isEqualTo(200);
      assertThat(mezzo.getLevel()).isEqualTo(ch.qos.logback.classic.Level.DEBUG);
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> mezzo.getLevel() == before);
      assertThat(operator.get(Call.Type.GET_LOGGING_LEVEL, Codec.JSON).getGetLoggingLevel().getLevel())
          .isEqualTo(levelBefore);

      HttpResponse<byte[]> noDuration = operator.call(setLoggingLevel(1, Duration.ZERO), Codec.JSON);
      assertThat(noDuration.statusCode()).isEqualTo(400);
      assertThat(OperatorClient.text(noDuration)).contains("duration");
      HttpResponse<byte[]> missing = operator.call(Call.newBuilder().setType(Call.Type.SET_LOGGING_LEVEL).build(),
          Codec.JSON);
      assertThat(missing.statusCode()).isEqualTo(400);
      assertThat(mezzo.getLevel()).isEqualTo(before);
    } finally {
      mezzo.setLevel(before);
    }
  }

  @Test
  void teardownRemovesTheFrameworkAndKillsItsTasks() throws Exception {
    try (FakeAgent agent = fixture.registerAgent();
        EventStream<Event> scheduler = fixture.subscribeStream(MasterFixture.subscribe(frameworkInfo("doomed")),
            Codec.PROTOBUF)) {
      FrameworkID frameworkId = scheduler.next().getSubscribed().getFrameworkId();
      operator.launch(scheduler, frameworkId, agent, "t1");

      HttpResponse<byte[]> teardown = operator.call(teardown(frameworkId.getValue()), Codec.JSON);

      assertThat(teardown.statusCode()).as(OperatorClient.text(teardown)).isEqualTo(200);
      assertThat(agent.next(e -> e.getType() == AgentEvent.Type.SHUTDOWN_FRAMEWORK).getShutdownFramework()
          .getFrameworkId()).isEqualTo(frameworkId);
      assertThat(scheduler.ended()).isTrue();
      assertThat(operator.get(Call.Type.GET_FRAMEWORKS, Codec.JSON).getGetFrameworks().getFrameworksList()).isEmpty();
      assertThat(operator.get(Call.Type.GET_TASKS, Codec.JSON).getGetTasks().getTasksList()).isEmpty();

      HttpResponse<byte[]> again = operator.call(teardown(frameworkId.getValue()), Codec.PROTOBUF);
      assertThat(again.statusCode()).isEqualTo(400);
      assertThat(OperatorClient.text(again)).contains("No framework found");
      assertThat(operator.call(Call.newBuilder().setType(Call.Type.TEARDOWN).build(), Codec.JSON).statusCode())
          .isEqualTo(400);
    }
  }

  @Test
  void anAgentMarkedGoneLosesItsTasksAndMayNotComeBack() throws Exception {
    FrameworkInfo aware = frameworkInfo("aware").toBuilder().addCapabilities(FrameworkInfo.Capability.newBuilder()
        .setType(FrameworkInfo.Capability.Type.PARTITION_AWARE)).build();
    try (FakeAgent agent = fixture.registerAgent(FakeAgent.scalar("cpus", 2), FakeAgent.scalar("mem", 1024));
        EventStream<Event> scheduler = fixture.subscribeStream(MasterFixture.subscribe(aware), Codec.PROTOBUF)) {
      FrameworkID frameworkId = scheduler.next().getSubscribed().getFrameworkId();
      operator.launch(scheduler, frameworkId, agent, "t1");
      OperatorClient.report(agent, frameworkId, "t1", TaskState.TASK_RUNNING);
      scheduler.next(e -> e.getType() == Event.Type.UPDATE);

      HttpResponse<byte[]> gone = operator.call(markGone(agent.id()), Codec.PROTOBUF);

      assertThat(gone.statusCode()).as(OperatorClient.text(gone)).isEqualTo(200);
      Event lost = scheduler.next(e -> e.getType() == Event.Type.UPDATE);
      assertThat(lost.getUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_GONE_BY_OPERATOR);
      assertThat(lost.getUpdate().getStatus().getReason().name()).isEqualTo("REASON_AGENT_REMOVED_BY_OPERATOR");
      assertThat(scheduler.next(e -> e.getType() == Event.Type.FAILURE).getFailure().getAgentId().getValue())
          .isEqualTo(agent.id());
      assertThat(agent.next(e -> e.getType() == AgentEvent.Type.ERROR).getError().getMessage()).contains("gone");
      assertThat(operator.get(Call.Type.GET_AGENTS, Codec.JSON).getGetAgents().getAgentsList()).isEmpty();
      assertThat(operator.get(Call.Type.GET_TASKS, Codec.JSON).getGetTasks().getTasksList()).isEmpty();

      assertThat(operator.call(markGone(agent.id()), Codec.JSON).statusCode()).as("marking again").isEqualTo(200);
      HttpResponse<byte[]> unknown = operator.call(markGone("no-such-agent"), Codec.JSON);
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(OperatorClient.text(unknown)).contains("no-such-agent");

      AgentCall register = AgentCall.newBuilder().setType(AgentCall.Type.REGISTER)
          .setRegister(AgentCall.Register.newBuilder().setAgentInfo(AgentInfo.newBuilder().setHostname("127.0.0.1")
              .setPort(5051).setId(AgentID.newBuilder().setValue(agent.id())).addResources(FakeAgent.scalar("cpus", 2))))
          .build();
      try (EventStream<AgentEvent> back = new EventStream<>(fixture.http, fixture.url() + Wire.AGENT_CHANNEL_PATH,
          register, Codec.PROTOBUF, AgentEvent.getDefaultInstance())) {
        AgentEvent refused = back.next();
        assertThat(refused.getType()).isEqualTo(AgentEvent.Type.ERROR);
        assertThat(refused.getError().getMessage()).contains("marked gone");
        assertThat(back.ended()).isTrue();
      }
      assertThat(operator.get(Call.Type.GET_AGENTS, Codec.JSON).getGetAgents().getAgentsList()).isEmpty();
    }
  }

  @Test
  void stateIsStillServedWithItsMesosKeys() throws Exception {
    try (FakeAgent agent = fixture.registerAgent();
        EventStream<Event> scheduler = fixture.subscribeStream(MasterFixture.subscribe(frameworkInfo("v0")),
            Codec.PROTOBUF)) {
      FrameworkID frameworkId = scheduler.next().getSubscribed().getFrameworkId();
      operator.launch(scheduler, frameworkId, agent, "t1");

      JsonObject state = fixture.state();
      JsonObject slave = state.getJsonArray("slaves").getJsonObject(0);
      assertThat(slave.getString("id")).isEqualTo(agent.id());
      assertThat(slave.getBoolean("active")).isTrue();
      assertThat(slave.getJsonObject("resources").getDouble("cpus")).isEqualTo(2.0);
      assertThat(slave.getJsonObject("used_resources").getDouble("cpus")).isEqualTo(0.5);
      assertThat(state.getInteger("activated_slaves")).isEqualTo(1);
      JsonObject framework = state.getJsonArray("frameworks").getJsonObject(0);
      assertThat(framework.getString("id")).isEqualTo(frameworkId.getValue());
      assertThat(framework.getJsonArray("roles").getList()).containsExactly("eng");
      assertThat(framework.getBoolean("connected")).isTrue();
      JsonObject task = framework.getJsonArray("tasks").getJsonObject(0);
      assertThat(task.getString("id")).isEqualTo("t1");
      assertThat(task.getString("slave_id")).isEqualTo(agent.id());
      assertThat(task.getString("state")).isEqualTo("TASK_STAGING");
      assertThat(task.getJsonObject("resources").getDouble("mem")).isEqualTo(64.0);
      assertThat(state.getString("pid")).startsWith("master@");
    }
  }

  /** The JSON bodies docs/operations.md shows, sent as they are written there. */
  @Test
  void theDocumentedJsonBodiesWork() throws Exception {
    ch.qos.logback.classic.Logger mezzo = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.mezzo");
    ch.qos.logback.classic.Level level = mezzo.getLevel();
    try (FakeAgent agent = fixture.registerAgent();
        EventStream<Event> scheduler = fixture.subscribeStream(MasterFixture.subscribe(frameworkInfo("docs")),
            Codec.PROTOBUF)) {
      String frameworkId = scheduler.next().getSubscribed().getFrameworkId().getValue();
      String subscribe = "{\"type\": \"SUBSCRIBE\"}";
      try (EventStream<io.mezzo.v1.master.Protos.Event> stream = new EventStream<>(fixture.http,
          fixture.url() + "/api/v1", Codec.JSON.decode(subscribe.getBytes(java.nio.charset.StandardCharsets.UTF_8),
          Call.getDefaultInstance()), Codec.JSON, io.mezzo.v1.master.Protos.Event.getDefaultInstance())) {
        assertThat(stream.next().getType()).isEqualTo(io.mezzo.v1.master.Protos.Event.Type.SUBSCRIBED);
      }
      String[] documented = {
          "{\"type\": \"GET_STATE\"}",
          "{\"type\": \"SET_LOGGING_LEVEL\", \"set_logging_level\": {\"level\": 1, \"duration\": {\"nanoseconds\": 600000000000}}}",
          "{\"type\": \"TEARDOWN\", \"teardown\": {\"framework_id\": {\"value\": \"FRAMEWORK\"}}}",
          "{\"type\": \"MARK_AGENT_GONE\", \"mark_agent_gone\": {\"agent_id\": {\"value\": \"AGENT\"}}}",
      };
      for (String body : documented) {
        HttpResponse<byte[]> response = OperatorApiTest.post(fixture.http, fixture.url(), "application/json", null,
            body.replace("\"FRAMEWORK\"", "\"" + frameworkId + "\"").replace("\"AGENT\"", "\"" + agent.id() + "\"")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(response.statusCode()).as(body + ": " + OperatorClient.text(response)).isEqualTo(200);
      }
      assertThat(mezzo.getLevel()).isEqualTo(ch.qos.logback.classic.Level.DEBUG);
      assertThat(operator.get(Call.Type.GET_STATE, Codec.JSON).getGetState().getGetAgents().getAgentsList()).isEmpty();
    } finally {
      mezzo.setLevel(level);
    }
  }

  static double scalar(java.util.List<Resource> resources, String name) {
    return resources.stream().filter(r -> r.getName().equals(name)).mapToDouble(r -> r.getScalar().getValue()).sum();
  }

  static Call setLoggingLevel(int level, Duration duration) {
    return Call.newBuilder().setType(Call.Type.SET_LOGGING_LEVEL).setSetLoggingLevel(Call.SetLoggingLevel.newBuilder()
        .setLevel(level).setDuration(DurationInfo.newBuilder().setNanoseconds(duration.toNanos()))).build();
  }

  static Call teardown(String frameworkId) {
    return Call.newBuilder().setType(Call.Type.TEARDOWN).setTeardown(Call.Teardown.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))).build();
  }

  static Call markGone(String agentId) {
    return Call.newBuilder().setType(Call.Type.MARK_AGENT_GONE).setMarkAgentGone(Call.MarkAgentGone.newBuilder()
        .setAgentId(AgentID.newBuilder().setValue(agentId))).build();
  }
}
