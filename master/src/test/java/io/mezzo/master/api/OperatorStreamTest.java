package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.protocol.Codec;
import io.mezzo.protocol.RecordIO;
import io.mezzo.protocol.Wire;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.protocol.internal.AgentChannel.RunningTask;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Label;
import io.mezzo.v1.Protos.Labels;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.master.Protos.Event;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The operator event stream (SUBSCRIBE on /api/v1) of a real master. */
class OperatorStreamTest {
  private static final Logger log = LoggerFactory.getLogger(OperatorStreamTest.class);
  private static final int MB = 1024 * 1024;

  private MasterFixture fixture;
  private final Vertx vertx = Vertx.vertx();
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

  /** The next event that is not a heartbeat nor an offer event (another part of the master emits those). */
  private static Event nextChange(EventStream<Event> stream) throws InterruptedException {
    return stream.next(e -> e.getType() != Event.Type.HEARTBEAT && !e.hasOfferEvent());
  }

  @Test
  void subscribersHearEachChangeInTheOrderTheMasterAppliedIt() throws Exception {
    fixture = new MasterFixture();
    OperatorClient operator = new OperatorClient(fixture);
    try (EventStream<Event> json = operator.subscribe(Codec.JSON);
        EventStream<Event> protobuf = operator.subscribe(Codec.PROTOBUF)) {
      for (EventStream<Event> stream : List.of(json, protobuf)) {
        Event subscribed = stream.next();
        assertThat(subscribed.getType()).isEqualTo(Event.Type.SUBSCRIBED);
        assertThat(subscribed.getSubscribed().getHeartbeatIntervalSeconds()).isEqualTo(Wire.HEARTBEAT_INTERVAL_SECONDS);
        assertThat(subscribed.getSubscribed().getGetState().getGetAgents().getAgentsList()).isEmpty();
        assertThat(stream.next(e -> !e.hasOfferEvent()).getType()).isEqualTo(Event.Type.HEARTBEAT);
      }
      assertThat(json.header("Content-Type")).isEqualTo(Codec.JSON.mediaType());
      assertThat(protobuf.header("Content-Type")).isEqualTo(Codec.PROTOBUF.mediaType());

      try (FakeAgent agent = fixture.registerAgent();
          EventStream<io.mezzo.v1.scheduler.Protos.Event> scheduler = fixture.subscribeStream(MasterFixture.subscribe(
              FrameworkInfo.newBuilder().setUser("root").setName("watched").setFailoverTimeout(60).build()),
              Codec.PROTOBUF)) {
        FrameworkID frameworkId = scheduler.next().getSubscribed().getFrameworkId();
        operator.launch(scheduler, frameworkId, agent, "t1");
        OperatorClient.report(agent, frameworkId, "t1", TaskState.TASK_RUNNING);
        try (EventStream<io.mezzo.v1.scheduler.Protos.Event> other = fixture.subscribeStream(MasterFixture.subscribe(
            FrameworkInfo.newBuilder().setUser("root").setName("leaves").setFailoverTimeout(60).build()),
            Codec.PROTOBUF)) {
          other.next();
        }
        // The second framework's disconnection is applied once its stream has closed: the late
        // subscriber comes after it (the sixth change), so that it is in its snapshot, not its events.
        List<Event> beforeLate = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          beforeLate.add(nextChange(json));
        }
        // The late subscriber's snapshot has what happened so far.
        try (EventStream<Event> late = operator.subscribe(Codec.JSON)) {
          var snapshot = late.next().getSubscribed().getGetState();
          assertThat(snapshot.getGetTasks().getTasksList()).singleElement().satisfies(task ->
              assertThat(task.getState()).isEqualTo(TaskState.TASK_RUNNING));
          assertThat(snapshot.getGetFrameworks().getFrameworksList()).hasSize(2);
          assertThat(snapshot.getGetAgents().getAgents(0).getAgentInfo().getId().getValue()).isEqualTo(agent.id());

          assertThat(operator.call(OperatorReadsTest.teardown(frameworkId.getValue()), Codec.JSON).statusCode())
              .isEqualTo(200);
          assertThat(operator.call(OperatorReadsTest.markGone(agent.id()), Codec.JSON).statusCode()).isEqualTo(200);

          List<Event> jsonEvents = new ArrayList<>(beforeLate);
          for (int i = 0; i < 3; i++) {
            jsonEvents.add(nextChange(json));
          }
          assertThat(jsonEvents).extracting(Event::getType).containsExactly(
              Event.Type.AGENT_ADDED, Event.Type.FRAMEWORK_ADDED, Event.Type.TASK_ADDED, Event.Type.TASK_UPDATED,
              Event.Type.FRAMEWORK_ADDED, Event.Type.FRAMEWORK_UPDATED,
              Event.Type.TASK_UPDATED, Event.Type.FRAMEWORK_REMOVED, Event.Type.AGENT_REMOVED);
          assertThat(jsonEvents.get(0).getAgentAdded().getAgent().getAgentInfo().getId().getValue()).isEqualTo(agent.id());
          assertThat(jsonEvents.get(1).getFrameworkAdded().getFramework().getFrameworkInfo().getId())
              .isEqualTo(frameworkId);
          assertThat(jsonEvents.get(2).getTaskAdded().getTask().getTaskId().getValue()).isEqualTo("t1");
          assertThat(jsonEvents.get(2).getTaskAdded().getTask().getState()).isEqualTo(TaskState.TASK_STAGING);
          assertThat(jsonEvents.get(3).getTaskUpdated().getState()).isEqualTo(TaskState.TASK_RUNNING);
          assertThat(jsonEvents.get(3).getTaskUpdated().getFrameworkId()).isEqualTo(frameworkId);
          assertThat(jsonEvents.get(5).getFrameworkUpdated().getFramework().getConnected()).isFalse();
          assertThat(jsonEvents.get(6).getTaskUpdated().getState()).isEqualTo(TaskState.TASK_KILLED);
          assertThat(jsonEvents.get(7).getFrameworkRemoved().getFrameworkInfo().getId()).isEqualTo(frameworkId);
          assertThat(jsonEvents.get(8).getAgentRemoved().getAgentId().getValue()).isEqualTo(agent.id());

          List<Event> protobufEvents = new ArrayList<>();
          for (int i = 0; i < 9; i++) {
            protobufEvents.add(nextChange(protobuf));
          }
          // Compared as JSON: the JSON codec writes fields with defaults that the protobuf left unset.
          assertThat(protobufEvents).extracting(OperatorStreamTest::json).as("both encodings carry the same events")
              .isEqualTo(jsonEvents.stream().map(OperatorStreamTest::json).toList());
          List<Event> lateEvents = new ArrayList<>();
          for (int i = 0; i < 3; i++) {
            lateEvents.add(nextChange(late));
          }
          assertThat(lateEvents).isEqualTo(jsonEvents.subList(6, 9));
        }
      }
    }
  }

  @Test
  void aSubscriberThatNeverReadsIsClosedWhileTheOthersGoOnAndTheHeapStaysBounded() throws Exception {
    fixture = new MasterFixture();
    OperatorClient operator = new OperatorClient(fixture);
    int rounds = 25;
    int tasksPerRound = 400;
    try (EventStream<Event> reader = operator.subscribe(Codec.PROTOBUF);
        EventStream<io.mezzo.v1.scheduler.Protos.Event> framework = fixture.subscribeStream(
            MasterFixture.subscribe(), Codec.PROTOBUF)) {
      assertThat(reader.next().getType()).isEqualTo(Event.Type.SUBSCRIBED);
      FrameworkID frameworkId = framework.next().getSubscribed().getFrameworkId();
      AtomicBoolean stalledClosed = subscribeAndStopReading();
      long before = usedHeapAfterGc();

      // Each round an agent reports 400 tasks (TASK_ADDED, 8 KB of labels each), then comes back without
      // them (TASK_UPDATED): 20,000 events, while the master's state ends where it began.
      String agentId = null;
      for (int round = 0; round < rounds; round++) {
        agentId = register(agentId, tasks(round, tasksPerRound));
        agentId = register(agentId, List.of());
      }
      int added = 0;
      int updated = 0;
      while (added + updated < rounds * tasksPerRound * 2) {
        Event event = reader.next(e -> e.getType() == Event.Type.TASK_ADDED || e.getType() == Event.Type.TASK_UPDATED);
        if (event.getType() == Event.Type.TASK_ADDED) {
          added++;
        } else {
          updated++;
        }
      }
      assertThat(added).isEqualTo(rounds * tasksPerRound);
      // Measured once this test's own reader has let go of the events it received.
      long after = usedHeapAfterGc();
      // A paused reader cannot see its connection close: let it read what reached it. Had the master not
      // closed the stream, the events would keep coming and the stream would stay open.
      paused.handler(chunk -> { }).resume();
      Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilTrue(stalledClosed);
      log.info("An operator subscriber that never read was closed during 20,000 events of ~8 KB; used heap after GC"
          + " {} MB before, {} MB after", before / MB, after / MB);
      assertThat(after - before).as("heap growth in bytes (the stalled stream alone would hold > 80 MB)")
          .isLessThan(32L * MB);

      // The reading subscriber and the framework go on.
      assertThat(operator.call(OperatorReadsTest.markGone(agentId), Codec.PROTOBUF).statusCode()).isEqualTo(200);
      assertThat(reader.next(e -> e.getType() == Event.Type.AGENT_REMOVED).getAgentRemoved().getAgentId().getValue())
          .isEqualTo(agentId);
      assertThat(fixture.call(io.mezzo.v1.scheduler.Protos.Call.newBuilder()
          .setType(io.mezzo.v1.scheduler.Protos.Call.Type.RECONCILE).setFrameworkId(frameworkId)
          .setReconcile(io.mezzo.v1.scheduler.Protos.Call.Reconcile.getDefaultInstance()).build(), framework)
          .statusCode()).isEqualTo(202);
      assertThat(framework.next(e -> e.getType() == io.mezzo.v1.scheduler.Protos.Event.Type.HEARTBEAT).getType())
          .isNotNull();
    }
  }

  private static String json(Event event) {
    return new String(Codec.JSON.encode(event), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static List<RunningTask> tasks(int round, int count) {
    String big = "x".repeat(8 * 1024);
    List<RunningTask> tasks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      tasks.add(RunningTask.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue("load-framework"))
          .setState(TaskState.TASK_RUNNING)
          .setTask(TaskInfo.newBuilder().setName("load").setTaskId(TaskID.newBuilder().setValue("r" + round + "-" + i))
              .setAgentId(AgentID.newBuilder().setValue("unused"))
              .setLabels(Labels.newBuilder().addLabels(Label.newBuilder().setKey("payload").setValue(big)))
              .addResources(FakeAgent.scalar("cpus", 0.001)))
          .build());
    }
    return tasks;
  }

  /** Registers (or re-registers as {@code agentId}) an agent reporting {@code tasks}; returns its id. */
  private String register(String agentId, List<RunningTask> tasks) throws Exception {
    AgentInfo.Builder info = AgentInfo.newBuilder().setHostname("127.0.0.1").setPort(5051)
        .addResources(FakeAgent.scalar("cpus", 1000)).addResources(FakeAgent.scalar("mem", 1024));
    if (agentId != null) {
      info.setId(AgentID.newBuilder().setValue(agentId));
    }
    AgentCall register = AgentCall.newBuilder().setType(AgentCall.Type.REGISTER)
        .setRegister(AgentCall.Register.newBuilder().setAgentInfo(info).addAllTasks(tasks)).build();
    try (EventStream<AgentEvent> stream = new EventStream<>(fixture.http, fixture.url() + Wire.AGENT_CHANNEL_PATH,
        register, Codec.PROTOBUF, AgentEvent.getDefaultInstance())) {
      AgentEvent registered = stream.next();
      assertThat(registered.getType()).as(registered.toString()).isEqualTo(AgentEvent.Type.REGISTERED);
      return registered.getRegistered().getAgentId().getValue();
    }
  }

  /** An operator subscriber in JSON with a small receive window: reads SUBSCRIBED, then pauses for good. */
  private AtomicBoolean subscribeAndStopReading() throws Exception {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setReceiveBufferSize(8192)
        .setDefaultHost("127.0.0.1").setDefaultPort(fixture.master.port()));
    AtomicBoolean closed = new AtomicBoolean();
    Promise<Void> subscribed = Promise.promise();
    client.request(HttpMethod.POST, "/api/v1").compose(request -> {
      request.connection().closeHandler(v -> closed.set(true));
      return request.putHeader("Content-Type", Codec.JSON.mediaType()).putHeader("Accept", Codec.JSON.mediaType())
          .send(Buffer.buffer(Codec.JSON.encode(Call.newBuilder().setType(Call.Type.SUBSCRIBE).build())));
    }).onSuccess(response -> {
      response.exceptionHandler(e -> closed.set(true));
      response.endHandler(v -> closed.set(true));
      RecordIO.Decoder decoder = new RecordIO.Decoder();
      response.handler(chunk -> {
        for (byte[] record : decoder.feed(chunk.getBytes(), 0, chunk.length())) {
          if (Codec.JSON.decode(record, Event.getDefaultInstance()).getType() == Event.Type.SUBSCRIBED) {
            response.pause();
            paused = response;
            subscribed.tryComplete();
          }
        }
      });
    }).onFailure(subscribed::tryFail);
    await(subscribed.future());
    return closed;
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
