package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.node.http.BodyBudget;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.RecordIO;
import io.mezzo.protocol.Wire;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real master under the loads of issue 15: many large bodies at once (finding 1), and a
 * subscriber that never reads while the master writes to it (finding 4).
 */
class MasterUnderLoadTest {
  private static final Logger log = LoggerFactory.getLogger(MasterUnderLoadTest.class);
  private static final int MB = 1024 * 1024;

  private MasterFixture fixture;
  private final Vertx vertx = Vertx.vertx();
  /** The response the stalled subscriber paused; resumed at the end so that its connection can close. */
  private volatile HttpClientResponse paused;

  @AfterEach
  void stop() throws Exception {
    if (paused != null) {
      paused.handler(chunk -> { }).resume();
    }
    await(vertx.close());
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void parallelBodiesOverTheBudgetGet503WhileHealthAndHeartbeatsGoOn() throws Exception {
    long budgetBytes = 8L * MB;
    int bodyBytes = 3 * MB;
    int requests = 20;
    fixture = new MasterFixture(ApiLimits.defaults().withInflightBodyBytes(budgetBytes));
    BodyBudget budget = fixture.master.bodyBudget();
    try (EventStream<Event> framework = fixture.subscribeStream(MasterFixture.subscribe(), Codec.PROTOBUF)) {
      assertThat(framework.next().getType()).isEqualTo(Event.Type.SUBSCRIBED);
      assertThat(framework.next().getType()).as("the heartbeat sent on subscribe").isEqualTo(Event.Type.HEARTBEAT);
      HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(fixture.master.port()), new PoolOptions().setHttp1MaxSize(requests));

      // Every request declares 3 MB and sends a little of it, then holds: all are in flight at once.
      List<HttpClientRequest> held = new ArrayList<>();
      List<Future<Answer>> answers = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        HttpClientRequest request = await(client.request(HttpMethod.POST, Wire.SCHEDULER_PATH));
        answers.add(answer(request.response()));
        request.putHeader("Content-Type", Codec.PROTOBUF.mediaType())
            .putHeader("Content-Length", String.valueOf(bodyBytes))
            .write(Buffer.buffer(new byte[64 * 1024]));
        held.add(request);
      }
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
          answers.stream().filter(Future::isComplete).count() + budget.inUse() / bodyBytes == requests);

      long refused = answers.stream().filter(Future::isComplete).count();
      assertThat(refused).as("refused on their headers").isGreaterThanOrEqualTo(requests - budgetBytes / bodyBytes);
      for (Future<Answer> answer : answers) {
        if (answer.isComplete()) {
          assertThat(answer.result().status()).isEqualTo(503);
          assertThat(answer.result().retryAfter()).isEqualTo("1");
          assertThat(answer.result().body()).contains("retry later");
        }
      }
      // While the admitted bodies are held: /health answers within a second, the periodic heartbeat comes.
      HttpResponse<String> health = fixture.http.send(HttpRequest.newBuilder(URI.create(fixture.url() + "/health"))
          .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      framework.next(e -> e.getType() == Event.Type.HEARTBEAT, Duration.ofSeconds(2 * (long) Wire.HEARTBEAT_INTERVAL_SECONDS));

      for (int i = 0; i < requests; i++) {
        if (!answers.get(i).isComplete()) {
          held.get(i).end(Buffer.buffer(new byte[bodyBytes - 64 * 1024]));
        }
      }
      for (Future<Answer> answer : answers) {
        assertThat(await(answer).status()).as("admitted bodies are read, then refused as unparsable").isIn(400, 503);
      }
      assertThat(budget.peak()).as("never more than the budget reserved").isLessThanOrEqualTo(budgetBytes)
          .isGreaterThanOrEqualTo(bodyBytes);
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> budget.inUse() == 0);
      log.info("{} of {} parallel {}-byte bodies refused with 503; peak reserved {} of {} bytes", refused, requests,
          bodyBytes, budget.peak(), budgetBytes);
    }
  }

  @Test
  void aSubscriberThatNeverReadsIsClosedAndTheHeapStaysBounded() throws Exception {
    fixture = new MasterFixture(ApiLimits.defaults().withStreamQueueBytes(MB));
    try (EventStream<Event> reader = fixture.subscribeStream(
        MasterFixture.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("reader").build()), Codec.PROTOBUF)) {
      String readerId = reader.next().getSubscribed().getFrameworkId().getValue();
      Stalled stalled = subscribeAndStopReading();
      long before = usedHeapAfterGc();

      int calls = 0;
      while (calls < 40 && connected(stalled.frameworkId)) {
        HttpResponse<String> answer = fixture.post(Wire.SCHEDULER_PATH, Codec.PROTOBUF.mediaType(),
            Codec.PROTOBUF.encode(reconcile(stalled.frameworkId, 20_000)), stalled.streamId);
        // 503: the stalled framework already has 200,000 tasks waiting for their answers.
        assertThat(answer.statusCode()).isIn(202, 400, 403, 503);
        calls++;
      }
      // Reconciliation answers go out in slices, so the queue may fill a little after the last call.
      Awaitility.await("the stalled stream was closed").atMost(Duration.ofSeconds(60))
          .until(() -> !connected(stalled.frameworkId));
      long after = usedHeapAfterGc();
      log.info("A subscriber that never reads was closed after {} RECONCILE calls of 20,000 tasks; used heap after GC"
          + " {} MB before, {} MB after", calls, before / MB, after / MB);
      assertThat(after - before).as("heap growth in bytes").isLessThan(64L * MB);

      // The other framework's stream goes on.
      fixture.post(Wire.SCHEDULER_PATH, Codec.PROTOBUF.mediaType(), Codec.PROTOBUF.encode(reconcile(readerId, 1)),
          reader.header(Wire.MESOS_STREAM_ID));
      Event update = reader.next(e -> e.getType() == Event.Type.UPDATE);
      assertThat(update.getUpdate().getStatus().getTaskId().getValue()).isEqualTo("task-0");
      assertThat(connected(readerId)).isTrue();
    }
  }

  private record Stalled(String frameworkId, String streamId) {}

  /** Subscribes with a small receive window, reads the SUBSCRIBED event, then pauses the response for good. */
  private Stalled subscribeAndStopReading() throws Exception {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setReceiveBufferSize(8192)
        .setDefaultHost("127.0.0.1").setDefaultPort(fixture.master.port()));
    Promise<Stalled> subscribed = Promise.promise();
    client.request(HttpMethod.POST, Wire.SCHEDULER_PATH).compose(request -> request
        .putHeader("Content-Type", Codec.PROTOBUF.mediaType()).putHeader("Accept", Codec.PROTOBUF.mediaType())
        .send(Buffer.buffer(Codec.PROTOBUF.encode(MasterFixture.subscribe(
            FrameworkInfo.newBuilder().setUser("root").setName("stalled").build())))))
        .onSuccess(response -> {
          RecordIO.Decoder decoder = new RecordIO.Decoder();
          response.handler(chunk -> {
            for (byte[] record : decoder.feed(chunk.getBytes(), 0, chunk.length())) {
              Event event = Codec.PROTOBUF.decode(record, Event.getDefaultInstance());
              if (event.getType() == Event.Type.SUBSCRIBED) {
                response.pause();
                paused = response;
                subscribed.tryComplete(new Stalled(event.getSubscribed().getFrameworkId().getValue(),
                    response.getHeader(Wire.MESOS_STREAM_ID)));
              }
            }
          });
        })
        .onFailure(subscribed::tryFail);
    return await(subscribed.future());
  }

  private boolean connected(String frameworkId) throws Exception {
    for (Object f : fixture.state().getJsonArray("frameworks")) {
      JsonObject framework = (JsonObject) f;
      if (framework.getString("id").equals(frameworkId)) {
        return framework.getBoolean("connected");
      }
    }
    return false;
  }

  private static Call reconcile(String frameworkId, int tasks) {
    Call.Reconcile.Builder reconcile = Call.Reconcile.newBuilder();
    for (int i = 0; i < tasks; i++) {
      reconcile.addTasks(Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue("task-" + i)));
    }
    return Call.newBuilder().setType(Call.Type.RECONCILE).setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
        .setReconcile(reconcile).build();
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private record Answer(int status, String retryAfter, String body) {}

  /** Reads the body as the response arrives (a Vert.x response drops what arrives before a handler). */
  private static Future<Answer> answer(Future<HttpClientResponse> response) {
    return response.compose(r -> r.body().map(b -> new Answer(r.statusCode(), r.getHeader("Retry-After"),
        b.toString())));
  }
}
