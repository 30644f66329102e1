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
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Mesos-style ACLs on a real master with authentication on: who may use a role, run as a user, tear down. */
class AuthorizationTest {
  private static final String ACLS = """
      {"register_frameworks": [{"principals": {"values": ["fw"]}, "roles": {"values": ["prod"]}}],
       "run_tasks": [{"principals": {"values": ["fw"]}, "users": {"values": ["nobody"]}}],
       "teardown_frameworks": [{"principals": {"values": ["ops"]}, "framework_principals": {"type": "ANY"}}],
       "update_weights": [{"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}}]}""";
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
      Call accept = Call.newBuilder().setType(Call.Type.ACCEPT).setFrameworkId(id)
          .setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
              .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                  .setLaunch(Offer.Operation.Launch.newBuilder()
                      .addTaskInfos(task("as-nobody", offer, "nobody"))
                      .addTaskInfos(task("as-root", offer, "root")))))
          .build();

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

  private HttpResponse<String> call(Call call, EventStream<Event> scheduler) throws Exception {
    return fixture.http.send(HttpRequest.newBuilder(URI.create(fixture.url() + Wire.SCHEDULER_PATH))
        .header("Content-Type", Codec.PROTOBUF.mediaType()).header("Authorization", FW)
        .header(Wire.MESOS_STREAM_ID, scheduler.header(Wire.MESOS_STREAM_ID))
        .POST(HttpRequest.BodyPublishers.ofByteArray(Codec.PROTOBUF.encode(call))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> operator(String json, String authorization) throws Exception {
    return fixture.http.send(HttpRequest.newBuilder(URI.create(fixture.url() + "/api/v1"))
        .header("Content-Type", "application/json").header("Accept", "application/json")
        .header("Authorization", authorization)
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
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

  private static String basic(String principal, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString((principal + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }
}
