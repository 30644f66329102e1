package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.auth.BasicAuthenticator;
import io.mezzo.master.auth.Credentials;
import io.mezzo.master.auth.HttpAuthentication;
import io.mezzo.master.auth.HttpAuthentication.Realm;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.Wire;
import io.mezzo.v1.scheduler.Protos.Event;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --max-subscriptions-per-principal}: a principal's framework and operator streams together
 * are capped; one more is refused with 429 and changes nothing, other principals are not held
 * back, and a closed stream gives its place back.
 */
class SubscriptionsPerPrincipalTest {
  private static final String FW = basic("fw", "fw-secret");
  private static final String OPS = basic("ops", "ops-secret");
  private final List<AutoCloseable> streams = new ArrayList<>();
  private MasterFixture fixture;

  @BeforeEach
  void start() throws Exception {
    Credentials credentials = Credentials.of(Map.of("ops", "ops-secret", "fw", "fw-secret"));
    fixture = new MasterFixture(config -> config.limits(ApiLimits.defaults().withSubscriptionsPerPrincipal(3))
        .authentication(HttpAuthentication.of(new BasicAuthenticator(credentials), EnumSet.allOf(Realm.class)),
            "/etc/creds.json"));
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable stream : streams) {
      stream.close();
    }
    fixture.close();
  }

  @Test
  void aPrincipalsStreamsAreCappedTogetherAndAClosedOneGivesItsPlaceBack() throws Exception {
    EventStream<Event> first = framework(FW);
    framework(FW);
    EventStream<io.mezzo.v1.master.Protos.Event> operator = operator(FW);
    assertThat(operator.status()).isEqualTo(200);
    int frameworks = frameworks();

    HttpResponse<String> fourth = post(Wire.SCHEDULER_PATH, Codec.JSON.encode(MasterFixture.subscribe()), FW);
    assertThat(fourth.statusCode()).isEqualTo(429);
    assertThat(fourth.body()).isEqualTo("Principal 'fw' already has 3 event streams open on this master, the most"
        + " --max-subscriptions-per-principal allows");
    HttpResponse<String> operatorToo = post("/api/v1", "{\"type\":\"SUBSCRIBE\"}".getBytes(StandardCharsets.UTF_8), FW);
    assertThat(operatorToo.statusCode()).isEqualTo(429);
    assertThat(frameworks()).as("no framework registered by the refusals").isEqualTo(frameworks);

    assertThat(framework(OPS).status()).as("another principal").isEqualTo(200);
    assertThat(operator(OPS).status()).isEqualTo(200);

    first.close();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> subscribeStatus(FW) == 200);
  }

  @Test
  void theCapShowsInTheFlags() throws Exception {
    HttpResponse<String> flags = post("/api/v1", "{\"type\":\"GET_FLAGS\"}".getBytes(StandardCharsets.UTF_8), OPS);
    assertThat(flags.body()).contains("\"name\":\"max-subscriptions-per-principal\",\"value\":\"3\"");
  }

  private EventStream<Event> framework(String authorization) throws Exception {
    EventStream<Event> stream = new EventStream<>(fixture.http, fixture.url() + Wire.SCHEDULER_PATH,
        MasterFixture.subscribe(), Codec.JSON, Event.getDefaultInstance(), authorization);
    streams.add(stream);
    assertThat(stream.status()).isEqualTo(200);
    assertThat(stream.next().getType()).isEqualTo(Event.Type.SUBSCRIBED);
    return stream;
  }

  private EventStream<io.mezzo.v1.master.Protos.Event> operator(String authorization) throws Exception {
    EventStream<io.mezzo.v1.master.Protos.Event> stream = new EventStream<>(fixture.http, fixture.url() + "/api/v1",
        io.mezzo.v1.master.Protos.Call.newBuilder().setType(io.mezzo.v1.master.Protos.Call.Type.SUBSCRIBE).build(),
        Codec.JSON, io.mezzo.v1.master.Protos.Event.getDefaultInstance(), authorization);
    streams.add(stream);
    return stream;
  }

  private HttpResponse<String> post(String path, byte[] body, String authorization) throws Exception {
    return fixture.http.send(HttpRequest.newBuilder(URI.create(fixture.url() + path))
        .header("Content-Type", "application/json").header("Accept", "application/json")
        .header("Authorization", authorization).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private int frameworks() throws Exception {
    return new io.vertx.core.json.JsonObject(fixture.http.send(HttpRequest.newBuilder(URI.create(fixture.url() + "/state"))
        .header("Authorization", OPS).build(), HttpResponse.BodyHandlers.ofString()).body())
        .getJsonArray("frameworks").size();
  }

  /** A framework SUBSCRIBE's status; a stream it opens stays open until the test ends. */
  private int subscribeStatus(String authorization) throws Exception {
    HttpResponse<InputStream> response = fixture.http.send(HttpRequest.newBuilder(
        URI.create(fixture.url() + Wire.SCHEDULER_PATH)).header("Content-Type", "application/json")
        .header("Accept", "application/json").header("Authorization", authorization)
        .POST(HttpRequest.BodyPublishers.ofByteArray(Codec.JSON.encode(MasterFixture.subscribe()))).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    streams.add(response.body());
    return response.statusCode();
  }

  private static String basic(String principal, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString((principal + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }
}
