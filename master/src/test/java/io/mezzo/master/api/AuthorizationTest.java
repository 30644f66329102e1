package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.auth.BasicAuthenticator;
import io.mezzo.master.auth.Credentials;
import io.mezzo.master.auth.HttpAuthentication;
import io.mezzo.master.auth.HttpAuthentication.Realm;
import io.mezzo.master.auth.LocalAuthorizer;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.Wire;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.Protos.Value;
import io.mezzo.v1.master.Protos;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Mesos-style ACLs on a real master with authentication on: who may use a role, run as a user, tear down. */
class AuthorizationTest {
  /** The example ACL of docs/security.md, read from there, so the page shows what this test checks. */
  private static final String ACLS = documentedAcls();
  private static final String OPS = basic("ops", "ops-secret");
  private static final String FW = basic("fw", "fw-secret");
  private MasterFixture fixture;

  @BeforeEach
  void start() throws Exception {
    Credentials credentials = Credentials.of(Map.of("ops", "ops-secret", "fw", "fw-secret"));
    fixture = new MasterFixture(config -> config
        .authentication(HttpAuthentication.of(new BasicAuthenticator(credentials), EnumSet.allOf(Realm.class)), null)
        .authorizer(LocalAuthorizer.parse(ACLS), ACLS));
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void aFrameworkMayOnlySubscribeInTheRolesItsPrincipalIsGiven() throws Exception {
    try (EventStream<Event> allowed = subscribe("prod", FW); EventStream<Event> denied = subscribe("dev", FW)) {
      assertThat(allowed.next().getType()).isEqualTo(Event.Type.SUBSCRIBED);
      Event error = denied.next();
      assertThat(denied.response.statusCode()).as("as Mesos: an ERROR on the 200 stream").isEqualTo(200);
      assertThat(error.getType()).isEqualTo(Event.Type.ERROR);
      assertThat(error.getError().getMessage()).isEqualTo("Not authorized to use role 'dev' as principal 'fw'");
    }
    try (EventStream<Event> asOps = subscribe("prod", OPS)) {
      assertThat(asOps.next().getError().getMessage()).isEqualTo("Not authorized to use role 'prod' as principal 'ops'");
    }
  }

  @Test
  void aTaskRunsOnlyAsAUserItsPrincipalMayRunAs() throws Exception {
    try (FakeAgent agent = fixture.registerAgent(); EventStream<Event> scheduler = subscribe("prod", FW)) {
      FrameworkID id = scheduler.next().getSubscribed().getFrameworkId();
      Offer offer = scheduler.next(e -> e.getType() == Event.Type.OFFERS).getOffers().getOffers(0);
      Call accept = launch(id, offer, task("as-nobody", offer, "nobody"), task("as-root", offer, "root"));

      assertThat(call(accept, scheduler).statusCode()).isEqualTo(202);

      TaskStatus refused = scheduler.next(e -> e.getType() == Event.Type.UPDATE).getUpdate().getStatus();
      assertThat(refused.getTaskId().getValue()).isEqualTo("as-root");
      assertThat(refused.getState()).isEqualTo(TaskState.TASK_ERROR);
      assertThat(refused.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_UNAUTHORIZED);
      assertThat(refused.getMessage()).isEqualTo("Not authorized to launch as user 'root'");
      AgentEvent run = agent.next(e -> e.getType() == AgentEvent.Type.RUN_TASK);
      assertThat(run.getRunTask().getTask().getTaskId().getValue()).isEqualTo("as-nobody");
      String tasks = operator("{\"type\":\"GET_TASKS\"}", OPS).body();
      assertThat(tasks).contains("as-nobody").doesNotContain("\"as-root\"");
    }
  }

  @Test
  void eachPrincipalSeesOnlyTheFrameworksTasksAndAgentsItsViewAclsGiveIt() throws Exception {
    try (FakeAgent agent = fixture.registerAgent(); EventStream<Event> scheduler = subscribe("prod", FW)) {
      FrameworkID id = scheduler.next().getSubscribed().getFrameworkId();
      Offer offer = scheduler.next(e -> e.getType() == Event.Type.OFFERS).getOffers().getOffers(0);
      try (EventStream<Protos.Event> asFw = operatorStream(FW); EventStream<Protos.Event> asOps = operatorStream(OPS)) {
        Protos.Event fwSubscribed = asFw.next();
        assertThat(fwSubscribed.getSubscribed().getGetState().getGetFrameworks().getFrameworksList()).hasSize(1);
        assertThat(fwSubscribed.getSubscribed().getGetState().getGetAgents().getAgentsList()).isEmpty();
        assertThat(asOps.next().getSubscribed().getGetState().getGetAgents().getAgentsList()).hasSize(1);

        Call accept = launch(id, offer, task("as-nobody", offer, "nobody"), task("as-daemon", offer, "daemon"));
        assertThat(call(accept, scheduler).statusCode()).isEqualTo(202);
        agent.next(e -> e.getType() == AgentEvent.Type.RUN_TASK);
        agent.next(e -> e.getType() == AgentEvent.Type.RUN_TASK);
        assertThat(agent.call(agent.statusUpdate(id, "as-daemon", TaskState.TASK_RUNNING)).statusCode()).isEqualTo(202);
        assertThat(agent.call(agent.statusUpdate(id, "as-nobody", TaskState.TASK_RUNNING)).statusCode()).isEqualTo(202);

        // ops sees both tasks' updates; fw's stream goes from SUBSCRIBED to as-nobody's update without a word of as-daemon.
        asOps.next(e -> e.getType() == Protos.Event.Type.TASK_UPDATED
            && e.getTaskUpdated().getStatus().getTaskId().getValue().equals("as-daemon"));
        java.util.List<Protos.Event> seen = new java.util.ArrayList<>();
        asFw.next(e -> {
          seen.add(e);
          return e.getType() == Protos.Event.Type.TASK_UPDATED;
        });
        assertThat(seen).last().satisfies(e ->
            assertThat(e.getTaskUpdated().getStatus().getTaskId().getValue()).isEqualTo("as-nobody"));
        assertThat(seen).noneMatch(e -> e.toString().contains("as-daemon"));
        assertThat(seen).anyMatch(e -> e.getType() == Protos.Event.Type.TASK_ADDED);
      }

      JsonObject fwState = new JsonObject(operator("{\"type\":\"GET_STATE\"}", FW).body()).getJsonObject("get_state");
      assertThat(fwState.encode()).contains("as-nobody", id.getValue()).doesNotContain("as-daemon");
      assertThat(fwState.getJsonObject("get_agents").getJsonArray("agents", new JsonArray())).isEmpty();
      JsonObject opsState = new JsonObject(operator("{\"type\":\"GET_STATE\"}", OPS).body()).getJsonObject("get_state");
      assertThat(opsState.encode()).contains("as-nobody", "as-daemon");
      assertThat(opsState.getJsonObject("get_agents").getJsonArray("agents")).hasSize(1);
      assertThat(operator("{\"type\":\"GET_TASKS\"}", FW).body()).contains("as-nobody").doesNotContain("as-daemon");
      assertThat(new JsonObject(operator("{\"type\":\"GET_AGENTS\"}", FW).body()).getJsonObject("get_agents")
          .getJsonArray("agents", new JsonArray())).isEmpty();
      HttpResponse<String> state = fixture.http.send(HttpRequest.newBuilder(URI.create(fixture.url() + "/state"))
          .header("Authorization", FW).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(state.statusCode()).isEqualTo(200);
      assertThat(state.body()).contains("as-nobody").doesNotContain("as-daemon");
      assertThat(new JsonObject(state.body()).getJsonArray("slaves")).isEmpty();

      HttpResponse<String> flags = operator("{\"type\":\"GET_FLAGS\"}", FW);
      assertThat(flags.statusCode()).isEqualTo(403);
      assertThat(flags.body()).isEqualTo("Not authorized to view the flags as principal 'fw'");
      assertThat(operator("{\"type\":\"GET_FLAGS\"}", OPS).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aPrincipalGivenNoViewSeesAnEmptyClusterAndNoHiddenFrameworkExists() throws Exception {
    try (EventStream<Event> scheduler = subscribe("prod", FW)) {
      String id = scheduler.next().getSubscribed().getFrameworkId().getValue();
      String hidden = "{\"register_frameworks\": [{\"principals\": {\"type\": \"ANY\"}, \"roles\": {\"type\": \"ANY\"}}]}";
      try (MasterFixture strict = new MasterFixture(config -> config
          .authentication(HttpAuthentication.of(new BasicAuthenticator(Credentials.of(Map.of("fw", "fw-secret"))),
              EnumSet.allOf(Realm.class)), null)
          .authorizer(LocalAuthorizer.parse(hidden), hidden))) {
        try (EventStream<Event> other = new EventStream<>(strict.http, strict.url() + Wire.SCHEDULER_PATH,
            MasterFixture.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("x").setRole("prod").build()),
            Codec.PROTOBUF, Event.getDefaultInstance(), FW)) {
          String otherId = other.next().getSubscribed().getFrameworkId().getValue();
          // No view_* rules and not permissive: the framework's own principal does not see it either.
          HttpResponse<String> state = strict.http.send(HttpRequest.newBuilder(URI.create(strict.url() + "/api/v1"))
              .header("Content-Type", "application/json").header("Accept", "application/json").header("Authorization", FW)
              .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"GET_FRAMEWORKS\"}")).build(),
              HttpResponse.BodyHandlers.ofString());
          assertThat(state.body()).doesNotContain(otherId);
          HttpResponse<String> explain = strict.http.send(HttpRequest.newBuilder(
              URI.create(strict.url() + "/api/v1/explain?framework_id=" + otherId)).header("Authorization", FW).build(),
              HttpResponse.BodyHandlers.ofString());
          assertThat(explain.statusCode()).isEqualTo(404);
          assertThat(explain.body()).isEqualTo("Framework " + otherId + " is not known to this master");
        }
      }
      assertThat(activeFrameworks()).contains(id);
    }
  }

  @Test
  void onlyTheOperatorGivenTeardownMayTearDownAndOnlyOpsMayChangeWeights() throws Exception {
    try (EventStream<Event> scheduler = subscribe("prod", FW)) {
      String id = scheduler.next().getSubscribed().getFrameworkId().getValue();
      String teardown = "{\"type\":\"TEARDOWN\",\"teardown\":{\"framework_id\":{\"value\":\"" + id + "\"}}}";

      HttpResponse<String> asFw = operator(teardown, FW);
      assertThat(asFw.statusCode()).isEqualTo(403);
      assertThat(asFw.body()).isEqualTo("Not authorized to tear down a framework of principal 'fw' as principal 'fw'");
      assertThat(activeFrameworks()).contains(id);
      assertThat(operator(teardown, OPS).statusCode()).isEqualTo(200);
      assertThat(activeFrameworks()).doesNotContain(id);
    }
    String weights = "{\"type\":\"UPDATE_WEIGHTS\",\"update_weights\":{\"weight_infos\":[{\"role\":\"prod\",\"weight\":2}]}}";
    assertThat(operator(weights, FW).statusCode()).isEqualTo(403);
    assertThat(operator("{\"type\":\"GET_WEIGHTS\"}", OPS).body()).doesNotContain("prod");
    assertThat(operator(weights, OPS).statusCode()).isEqualTo(200);
  }

  private java.util.List<String> activeFrameworks() throws Exception {
    io.vertx.core.json.JsonArray frameworks = new io.vertx.core.json.JsonObject(
        operator("{\"type\":\"GET_FRAMEWORKS\"}", OPS).body()).getJsonObject("get_frameworks")
        .getJsonArray("frameworks", new io.vertx.core.json.JsonArray());
    java.util.List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < frameworks.size(); i++) {
      ids.add(frameworks.getJsonObject(i).getJsonObject("framework_info").getJsonObject("id").getString("value"));
    }
    return ids;
  }

  private EventStream<Event> subscribe(String role, String authorization) throws Exception {
    return new EventStream<>(fixture.http, fixture.url() + Wire.SCHEDULER_PATH, MasterFixture.subscribe(
        FrameworkInfo.newBuilder().setUser("root").setName("acl-" + role).setRole(role).build()), Codec.PROTOBUF,
        Event.getDefaultInstance(), authorization);
  }

  private EventStream<Protos.Event> operatorStream(String authorization) throws Exception {
    return new EventStream<>(fixture.http, fixture.url() + "/api/v1",
        Protos.Call.newBuilder().setType(Protos.Call.Type.SUBSCRIBE).build(),
        Codec.PROTOBUF, Protos.Event.getDefaultInstance(), authorization);
  }

  private HttpResponse<String> call(Call call, EventStream<Event> scheduler) throws Exception {
    return fixture.http.send(HttpRequest.newBuilder(URI.create(fixture.url() + Wire.SCHEDULER_PATH))
        .header("Content-Type", Codec.PROTOBUF.mediaType()).header("Authorization", FW)
        .header(Wire.MESOS_STREAM_ID, scheduler.header(Wire.MESOS_STREAM_ID))
        .POST(HttpRequest.BodyPublishers.ofByteArray(Codec.PROTOBUF.encode(call))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void onlyAPrincipalTheAclsNameMaySetTheLoggingLevelOrMarkAnAgentGone() throws Exception {
    String setLevel = "{\"type\":\"SET_LOGGING_LEVEL\",\"set_logging_level\":{\"level\":1,"
        + "\"duration\":{\"nanoseconds\":1000000000}}}";
    HttpResponse<String> refused = operator(setLevel, FW);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).isEqualTo("Not authorized to set_log_level as principal 'fw'");
    assertThat(operator(setLevel, OPS).statusCode()).isEqualTo(200);

    String markGone = "{\"type\":\"MARK_AGENT_GONE\",\"mark_agent_gone\":{\"agent_id\":{\"value\":\"no-such-agent\"}}}";
    HttpResponse<String> gone = operator(markGone, FW);
    assertThat(gone.statusCode()).isEqualTo(403);
    assertThat(gone.body()).isEqualTo("Not authorized to mark_agents_gone as principal 'fw'");
    // Past the ACL, the master answers for the agent itself: it knows no such agent.
    assertThat(operator(markGone, OPS).statusCode()).isEqualTo(404);
  }

  private HttpResponse<String> operator(String json, String authorization) throws Exception {
    return fixture.http.send(HttpRequest.newBuilder(URI.create(fixture.url() + "/api/v1"))
        .header("Content-Type", "application/json").header("Accept", "application/json")
        .header("Authorization", authorization)
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** An ACCEPT of {@code offer} that launches {@code tasks}. */
  private static Call launch(FrameworkID id, Offer offer, TaskInfo... tasks) {
    return Call.newBuilder().setType(Call.Type.ACCEPT).setFrameworkId(id)
        .setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
            .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(java.util.List.of(tasks)))))
        .build();
  }

  /** A task with a tenth of the offer's cpus and 32 MB, in the offer's role, run as {@code user}. */
  private static TaskInfo task(String id, Offer offer, String user) {
    Map<String, Resource> byName = new HashMap<>();
    offer.getResourcesList().forEach(r -> byName.put(r.getName(), r));
    return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id)).setAgentId(offer.getAgentId())
        .addResources(byName.get("cpus").toBuilder().setScalar(Value.Scalar.newBuilder().setValue(0.1)))
        .addResources(byName.get("mem").toBuilder().setScalar(Value.Scalar.newBuilder().setValue(32)))
        .setCommand(CommandInfo.newBuilder().setValue("true").setUser(user)).build();
  }

  private static String documentedAcls() {
    try {
      Path page = Path.of("..", "docs", "security.md").toAbsolutePath().normalize();
      String text = Files.readString(page);
      int section = text.indexOf("## Authorization (ACLs)");
      int start = text.indexOf("```json\n", section) + "```json\n".length();
      return text.substring(start, text.indexOf("```", start));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String basic(String principal, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString((principal + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }
}
