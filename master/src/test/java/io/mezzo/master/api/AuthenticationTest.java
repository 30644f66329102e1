package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.auth.BasicAuthenticator;
import io.mezzo.master.auth.Credentials;
import io.mezzo.master.auth.HttpAuthentication;
import io.mezzo.master.auth.HttpAuthentication.Realm;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.Wire;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A master with all three realms behind HTTP Basic: who gets in, with which answer, and principals. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthenticationTest {
  private static final String OPS = basic("ops", "ops-secret");
  private static final String FRAMEWORK = basic("fw", "fw-secret");
  private static final String WRONG = basic("ops", "fw-secret");
  private MasterFixture fixture;

  @BeforeAll
  void start() throws Exception {
    Credentials credentials = Credentials.of(Map.of("ops", "ops-secret", "fw", "fw-secret"));
    fixture = new MasterFixture(config -> config.authentication(
        HttpAuthentication.of(new BasicAuthenticator(credentials), EnumSet.allOf(Realm.class)), "/etc/creds.json"));
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void everyAuthenticatedEndpointAnswers401WithItsRealmWithoutOrWithWrongCredentials() throws Exception {
    for (String authorization : new String[] {null, WRONG, "Basic garbage", "Bearer x"}) {
      assertChallenge(post(Wire.SCHEDULER_PATH, Codec.JSON.encode(MasterFixture.subscribe()), authorization),
          "mesos-master-scheduler");
      assertChallenge(post("/api/v1", "{\"type\":\"GET_HEALTH\"}".getBytes(StandardCharsets.UTF_8), authorization),
          "mesos-master-readonly");
      assertChallenge(post("/api/v1", "{\"type\":\"SUBSCRIBE\"}".getBytes(StandardCharsets.UTF_8), authorization),
          "mesos-master-readonly");
      assertChallenge(post("/api/v1", "{\"type\":\"MARK_AGENT_GONE\",\"mark_agent_gone\":{\"agent_id\":{\"value\":\"a\"}}}"
          .getBytes(StandardCharsets.UTF_8), authorization), "mesos-master-readwrite");
      assertChallenge(post("/api/v1", "{not json".getBytes(StandardCharsets.UTF_8), authorization),
          "mesos-master-readwrite");
      for (String path : new String[] {"/state", "/master/state.json", "/metrics/snapshot", "/metrics",
          "/api/v1/explain?framework=x"}) {
        assertChallenge(get(path, authorization), "mesos-master-readonly");
      }
    }
    // Nothing changed: the agent was not marked gone.
    assertThat(new JsonObject(get("/state", OPS).body()).getJsonArray("frameworks")).isNotNull();
  }

  @Test
  void healthTheUiPageAndItsAssetsNeedNoCredentials() throws Exception {
    assertThat(get("/health", null).statusCode()).isEqualTo(200);
    assertThat(get("/", null).statusCode()).isEqualTo(200);
  }

  @Test
  void theRightCredentialsGetTheUsualAnswers() throws Exception {
    assertThat(post("/api/v1", "{\"type\":\"GET_HEALTH\"}".getBytes(StandardCharsets.UTF_8), OPS).statusCode())
        .isEqualTo(200);
    assertThat(get("/metrics/snapshot", FRAMEWORK).statusCode()).isEqualTo(200);
    JsonObject flags = new JsonObject(post("/api/v1", "{\"type\":\"GET_FLAGS\"}".getBytes(StandardCharsets.UTF_8),
        OPS).body());
    Map<String, String> byName = new java.util.HashMap<>();
    flags.getJsonObject("get_flags").getJsonArray("flags").forEach(f -> byName.put(((JsonObject) f).getString("name"),
        ((JsonObject) f).getString("value")));
    assertThat(byName).containsEntry("authenticate-http-frameworks", "true")
        .containsEntry("authenticate-http-readonly", "true").containsEntry("authenticate-http-readwrite", "true")
        .containsEntry("credentials", "/etc/creds.json");
  }

  @Test
  void anAuthenticatedSubscribeGetsItsPrincipalAndAnotherPrincipalCannotSpeakForIt() throws Exception {
    try (EventStream<Event> stream = subscribe(FrameworkInfo.newBuilder().setUser("root").setName("mine").build(),
        FRAMEWORK)) {
      assertThat(stream.response.statusCode()).isEqualTo(200);
      String id = stream.next().getSubscribed().getFrameworkId().getValue();
      JsonObject framework = framework(id);
      assertThat(framework.getString("principal")).as("filled in from the credentials").isEqualTo("fw");

      Call revive = Call.newBuilder().setType(Call.Type.REVIVE)
          .setFrameworkId(io.mezzo.v1.Protos.FrameworkID.newBuilder().setValue(id)).build();
      HttpResponse<String> asOps = post(Wire.SCHEDULER_PATH, Codec.JSON.encode(revive), OPS,
          stream.header(Wire.MESOS_STREAM_ID));
      assertThat(asOps.statusCode()).isEqualTo(400);
      assertThat(asOps.body()).contains("Authenticated principal 'ops' does not match principal 'fw'");
      Call teardown = revive.toBuilder().setType(Call.Type.TEARDOWN).build();
      assertThat(post(Wire.SCHEDULER_PATH, Codec.JSON.encode(teardown), OPS, stream.header(Wire.MESOS_STREAM_ID))
          .statusCode()).isEqualTo(400);
      assertThat(framework(id)).as("still there after another principal's TEARDOWN").isNotNull();

      assertThat(post(Wire.SCHEDULER_PATH, Codec.JSON.encode(revive), FRAMEWORK, stream.header(Wire.MESOS_STREAM_ID))
          .statusCode()).isEqualTo(202);
    }
  }

  @Test
  void aSubscribeClaimingAnotherPrincipalIsRefusedWith400() throws Exception {
    HttpResponse<String> answer = post(Wire.SCHEDULER_PATH, Codec.JSON.encode(MasterFixture.subscribe(
        FrameworkInfo.newBuilder().setUser("root").setName("liar").setPrincipal("ops").build())), FRAMEWORK);

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.body()).isEqualTo(
        "Authenticated principal 'fw' does not match principal 'ops' set in `FrameworkInfo`");
  }

  private JsonObject framework(String id) throws Exception {
    JsonArray frameworks = new JsonObject(get("/state", OPS).body()).getJsonArray("frameworks");
    for (int i = 0; i < frameworks.size(); i++) {
      if (frameworks.getJsonObject(i).getString("id").equals(id)) {
        return frameworks.getJsonObject(i);
      }
    }
    return null;
  }

  private EventStream<Event> subscribe(FrameworkInfo info, String authorization) throws Exception {
    return new EventStream<>(fixture.http, fixture.url() + Wire.SCHEDULER_PATH, MasterFixture.subscribe(info),
        Codec.JSON, Event.getDefaultInstance(), authorization);
  }

  private static void assertChallenge(HttpResponse<String> answer, String realm) {
    assertThat(answer.statusCode()).as(answer.uri() + " " + answer.body()).isEqualTo(401);
    assertThat(answer.headers().firstValue("WWW-Authenticate")).as(answer.uri().toString())
        .contains("Basic realm=\"" + realm + "\"");
  }

  private HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fixture.url() + path)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return fixture.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, byte[] json, String authorization) throws Exception {
    return post(path, json, authorization, null);
  }

  private HttpResponse<String> post(String path, byte[] json, String authorization, String streamId) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fixture.url() + path))
        .header("Content-Type", "application/json").header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(json));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (streamId != null) {
      request.header(Wire.MESOS_STREAM_ID, streamId);
    }
    return fixture.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String basic(String principal, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString((principal + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }
}
