package io.mezzo.it;

import io.mezzo.protocol.RecordIO;
import io.mezzo.sdk.Credential;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A framework spoken by hand on the v1 scheduler API (JSON): one SUBSCRIBE whose RecordIO event
 * stream a thread of its own decodes, and calls sent with its stream id. For what the SDK will
 * not send: resources that are not numbers, a stream id of an earlier subscription.
 */
final class RawScheduler implements AutoCloseable {
  static final String PATH = "/api/v1/scheduler";

  private final HttpClient https;
  private final String master;
  private final Credential credential;
  private final List<JsonObject> events = new CopyOnWriteArrayList<>();
  private final InputStream stream;
  private final Thread reader;
  final String streamId;
  final String frameworkId;

  private RawScheduler(HttpClient https, String master, Credential credential, JsonObject frameworkInfo)
      throws IOException, InterruptedException {
    this.https = https;
    this.master = master;
    this.credential = credential;
    JsonObject call = new JsonObject().put("type", "SUBSCRIBE")
        .put("subscribe", new JsonObject().put("framework_info", frameworkInfo));
    if (frameworkInfo.containsKey("id")) {
      call.put("framework_id", frameworkInfo.getJsonObject("id"));
    }
    String subscribe = call.encode();
    HttpResponse<InputStream> response = https.send(HttpRequest.newBuilder(URI.create(master + PATH))
        .header("Content-Type", "application/json").header("Accept", "application/json")
        .header("Authorization", credential.authorization())
        .POST(HttpRequest.BodyPublishers.ofString(subscribe)).build(), HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
      throw new AssertionError("SUBSCRIBE answered " + response.statusCode() + ": " + body);
    }
    streamId = response.headers().firstValue("Mesos-Stream-Id").orElseThrow();
    stream = response.body();
    reader = new Thread(this::read, "raw-scheduler-events");
    reader.setDaemon(true);
    reader.start();
    frameworkId = awaitEvent("SUBSCRIBED", e -> true).getJsonObject("subscribed").getJsonObject("framework_id")
        .getString("value");
  }

  /** A new framework named {@code name}, of user root in role *. */
  static RawScheduler subscribe(HttpClient https, String master, Credential credential, String name)
      throws IOException, InterruptedException {
    return new RawScheduler(https, master, credential, new JsonObject().put("user", "root").put("name", name)
        .put("failover_timeout", 600.0));
  }

  /** Subscribes again as {@code framework} (its id, a new stream), as a scheduler does after a failover. */
  static RawScheduler resubscribe(RawScheduler framework, String name) throws IOException, InterruptedException {
    return new RawScheduler(framework.https, framework.master, framework.credential, new JsonObject().put("user", "root")
        .put("name", name).put("failover_timeout", 600.0)
        .put("id", new JsonObject().put("value", framework.frameworkId)));
  }

  private void read() {
    RecordIO.Decoder decoder = new RecordIO.Decoder();
    byte[] buffer = new byte[65_536];
    try {
      int n;
      while ((n = stream.read(buffer)) >= 0) {
        for (byte[] record : decoder.feed(buffer, 0, n)) {
          events.add(new JsonObject(new String(record, StandardCharsets.UTF_8)));
        }
      }
    } catch (IOException | RuntimeException e) {
      // The stream ended or was closed.
    }
  }

  /** The first event of {@code type} matching {@code test}, waited for. */
  JsonObject awaitEvent(String type, Predicate<JsonObject> test) {
    Awaitility.await("a " + type + " event").atMost(TestFramework.WAIT).until(() -> find(type, test).isPresent());
    return find(type, test).orElseThrow();
  }

  Optional<JsonObject> find(String type, Predicate<JsonObject> test) {
    return events.stream().filter(e -> type.equals(e.getString("type"))).filter(test).findFirst();
  }

  /** Whether the reader thread saw the stream end. */
  boolean streamEnded() {
    return !reader.isAlive();
  }

  /** An offer that arrived after {@code seen} offers events, waited for: {offer id, agent id}. */
  String[] awaitOffer(int seen) {
    Awaitility.await("an offer").atMost(TestFramework.WAIT).until(() -> offersEvents().size() > seen);
    JsonObject offer = offersEvents().get(seen).getJsonObject("offers").getJsonArray("offers").getJsonObject(0);
    return new String[] {offer.getJsonObject("id").getString("value"),
        offer.getJsonObject("agent_id").getString("value")};
  }

  List<JsonObject> offersEvents() {
    return events.stream().filter(e -> "OFFERS".equals(e.getString("type"))).toList();
  }

  /** A JSON call with {@code streamId} as its Mesos-Stream-Id. */
  HttpResponse<String> call(String streamId, String json) throws IOException, InterruptedException {
    return send(streamId, "application/json", HttpRequest.BodyPublishers.ofString(json));
  }

  /** A protobuf call with this subscription's stream id. */
  HttpResponse<String> callProtobuf(byte[] call) throws IOException, InterruptedException {
    return send(streamId, "application/x-protobuf", HttpRequest.BodyPublishers.ofByteArray(call));
  }

  private HttpResponse<String> send(String streamId, String contentType, HttpRequest.BodyPublisher body)
      throws IOException, InterruptedException {
    return https.send(HttpRequest.newBuilder(URI.create(master + PATH)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", contentType).header("Accept", "application/json")
        .header("Authorization", credential.authorization()).header("Mesos-Stream-Id", streamId)
        .POST(body).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Tears the framework down (its tasks too) and closes the stream. */
  void teardown() throws IOException, InterruptedException {
    call(streamId, new JsonObject().put("type", "TEARDOWN").put("framework_id", new JsonObject().put("value", frameworkId))
        .encode());
    close();
  }

  @Override
  public void close() throws IOException {
    stream.close();
  }
}
