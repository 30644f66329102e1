package io.mezzo.sdk;

import static io.mezzo.sdk.TestData.agentId;
import static io.mezzo.sdk.TestData.frameworkId;
import static io.mezzo.sdk.TestData.frameworkInfo;
import static io.mezzo.sdk.TestData.offer;
import static io.mezzo.sdk.TestData.offerId;
import static io.mezzo.sdk.TestData.offers;
import static io.mezzo.sdk.TestData.status;
import static io.mezzo.sdk.TestData.task;
import static io.mezzo.sdk.TestData.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.mezzo.protocol.Codec;
import io.mezzo.testkit.ManualClock;
import io.mezzo.v1.Protos.Filters;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.scheduler.Protos.Call;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SchedulerClientTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration QUIET = Duration.ofMillis(300);

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final RecordingScheduler scheduler = new RecordingScheduler();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable resource : resources) {
      resource.close();
    }
  }

  private FakeMaster fakeMaster() {
    FakeMaster master = FakeMaster.start();
    resources.add(master);
    return master;
  }

  private SchedulerClient.Builder client(String master) {
    return SchedulerClient.builder()
        .master(master)
        .frameworkInfo(frameworkInfo())
        .scheduler(scheduler)
        .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(50));
  }

  private SchedulerClient started(SchedulerClient.Builder builder) {
    SchedulerClient client = builder.build();
    resources.add(0, () -> client.close().get(10, TimeUnit.SECONDS));
    client.start();
    return client;
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void subscribesThenDeliversOffersAndSendsTheAcceptCall(Codec codec) throws Exception {
    FakeMaster master = fakeMaster();
    List<TaskInfo> launched = new ArrayList<>();
    scheduler.onOffers = (driver, offers) -> {
      TaskInfo task = task("task-1", offers.get(0));
      launched.add(task);
      driver.launch(offers.get(0).getId(), List.of(task));
    };
    started(client(master.url()).codec(codec));

    await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 1);
    assertThat(scheduler.subscribed).containsExactly(frameworkId("fw-1"));
    assertThat(scheduler.masters.get(0).getAddress().getPort()).isEqualTo(master.port());
    FakeMaster.Received subscribe = master.received(Call.Type.SUBSCRIBE).get(0);
    assertThat(subscribe.contentType()).isEqualTo(codec.mediaType());
    assertThat(subscribe.accept()).isEqualTo(codec.mediaType());
    assertThat(subscribe.streamId()).isNull();
    assertThat(subscribe.call().hasFrameworkId()).isFalse();
    assertThat(subscribe.call().getSubscribe().getFrameworkInfo().getName()).isEqualTo("sdk-test");
    assertThat(subscribe.call().getSubscribe().getFrameworkInfo().getUser()).isEqualTo("tester");
    assertThat(subscribe.call().getSubscribe().getFrameworkInfo().hasId()).isFalse();

    Offer offer = offer("offer-1", "agent-1", Resources.cpus(2), Resources.mem(1024));
    master.push(offers(offer));

    await().atMost(WAIT).until(() -> master.calls(Call.Type.ACCEPT).size() == 1);
    FakeMaster.Received accept = master.received(Call.Type.ACCEPT).get(0);
    assertThat(accept.contentType()).isEqualTo(codec.mediaType());
    assertThat(accept.streamId()).isEqualTo(master.streamIds().get(0));
    assertThat(accept.call().getFrameworkId()).isEqualTo(frameworkId("fw-1"));
    assertThat(accept.call().getAccept().getOfferIdsList()).containsExactly(offerId("offer-1"));
    assertThat(accept.call().getAccept().getOperationsList()).hasSize(1);
    Offer.Operation operation = accept.call().getAccept().getOperations(0);
    assertThat(operation.getType()).isEqualTo(Offer.Operation.Type.LAUNCH);
    assertThat(operation.getLaunch().getTaskInfosList()).isEqualTo(launched);
    if (codec == Codec.JSON) {
      String json = new String(accept.body(), StandardCharsets.UTF_8);
      assertThat(json).contains("\"type\":\"ACCEPT\"", "\"offer_ids\":[{\"value\":\"offer-1\"}]", "\"task_infos\":[");
    } else {
      assertThat(Call.parseFrom(accept.body())).isEqualTo(accept.call());
    }
    assertThat(scheduler.threads).containsExactly(EventDispatcher.THREAD_NAME);
  }

  @Test
  void aCredentialGoesWithEveryCallAndBecomesThePrincipal() {
    FakeMaster master = fakeMaster();
    scheduler.onOffers = (driver, offers) -> driver.decline(List.of(offers.get(0).getId()), Calls.refuseSeconds(1));
    started(client(master.url()).credential(Credential.of("fw", "s3cret")));

    await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 1);
    master.push(offers(offer("offer-1", "agent-1", Resources.cpus(1))));
    await().atMost(WAIT).until(() -> master.calls(Call.Type.DECLINE).size() == 1);

    String expected = "Basic " + java.util.Base64.getEncoder().encodeToString("fw:s3cret".getBytes(StandardCharsets.UTF_8));
    FakeMaster.Received subscribe = master.received(Call.Type.SUBSCRIBE).get(0);
    assertThat(subscribe.authorization()).isEqualTo(expected);
    assertThat(subscribe.call().getSubscribe().getFrameworkInfo().getPrincipal()).isEqualTo("fw");
    assertThat(master.received(Call.Type.DECLINE).get(0).authorization()).isEqualTo(expected);
  }

  @Test
  void aCredentialThatHttpBasicCannotCarryIsRefused() {
    assertThatThrownBy(() -> Credential.of("a:b", "s")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Credential.of("", "s")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Credential.of("a", "s:t")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void declinesTheOffersACallbackLeftUnansweredWithTheDefaultFilter() {
    FakeMaster master = fakeMaster();
    Filters longFilter = Calls.refuseSeconds(60);
    scheduler.onOffers = (driver, offers) -> {
      driver.launch(offers.get(0).getId(), List.of(task("task-1", offers.get(0))));
      driver.decline(List.of(offers.get(1).getId()), longFilter);
      // offers 3 and 4 are left unanswered
    };
    started(client(master.url()).defaultFilters(Calls.refuseSeconds(7)));
    await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 1);

    master.push(offers(
        offer("offer-1", "agent-1", Resources.cpus(1)),
        offer("offer-2", "agent-2", Resources.cpus(1)),
        offer("offer-3", "agent-3", Resources.cpus(1)),
        offer("offer-4", "agent-4", Resources.cpus(1))));

    await().atMost(WAIT).until(() -> master.calls(Call.Type.DECLINE).size() == 2);
    await().during(QUIET).atMost(WAIT).until(() -> master.calls(Call.Type.DECLINE).size() == 2);
    List<Call.Decline> declines = master.calls(Call.Type.DECLINE).stream().map(Call::getDecline).toList();
    assertThat(declines).containsExactlyInAnyOrder(
        Call.Decline.newBuilder().addOfferIds(offerId("offer-2")).setFilters(longFilter).build(),
        Call.Decline.newBuilder()
            .addOfferIds(offerId("offer-3"))
            .addOfferIds(offerId("offer-4"))
            .setFilters(Calls.refuseSeconds(7))
            .build());
    assertThat(master.calls(Call.Type.ACCEPT)).hasSize(1);
  }

  @Test
  void acknowledgesUpdatesWithAUuidOnlyAfterTheCallbackReturned() {
    FakeMaster master = fakeMaster();
    ByteString running = TestData.uuid();
    ByteString failing = TestData.uuid();
    ByteString finished = TestData.uuid();
    scheduler.onUpdate = (driver, status) -> {
      if (status.getTaskId().getValue().equals("task-3")) {
        throw new IllegalStateException("cannot persist this update");
      }
    };
    started(client(master.url()));
    await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 1);

    master.push(update(status("task-1", TaskState.TASK_RUNNING, running)));
    master.push(update(status("task-2", TaskState.TASK_LOST, null)));
    master.push(update(status("task-3", TaskState.TASK_RUNNING, failing)));
    master.push(update(status("task-4", TaskState.TASK_FINISHED, finished)));

    await().atMost(WAIT).until(() -> scheduler.updates.size() == 4);
    await().atMost(WAIT).until(() -> master.calls(Call.Type.ACKNOWLEDGE).size() == 2);
    await().during(QUIET).atMost(WAIT).until(() -> master.calls(Call.Type.ACKNOWLEDGE).size() == 2);
    assertThat(master.calls(Call.Type.ACKNOWLEDGE))
        .extracting(Call::getAcknowledge)
        .containsExactlyInAnyOrder(
            Call.Acknowledge.newBuilder().setAgentId(agentId("agent-1")).setTaskId(TestData.taskId("task-1")).setUuid(running).build(),
            Call.Acknowledge.newBuilder().setAgentId(agentId("agent-1")).setTaskId(TestData.taskId("task-4")).setUuid(finished).build());
  }

  @Test
  void leavesAcknowledgementsToTheAuthorWhenImplicitAcknowledgementsAreOff() throws Exception {
    FakeMaster master = fakeMaster();
    ByteString second = TestData.uuid();
    List<CompletableFuture<Void>> noUuidAcks = new ArrayList<>();
    scheduler.onUpdate = (driver, status) -> {
      if (status.getTaskId().getValue().equals("task-2")) {
        driver.acknowledge(status);
      }
      if (status.getTaskId().getValue().equals("task-3")) {
        noUuidAcks.add(driver.acknowledge(status));
      }
    };
    started(client(master.url()).implicitAcknowledgements(false));
    await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 1);

    master.push(update(status("task-1", TaskState.TASK_RUNNING, TestData.uuid())));
    master.push(update(status("task-2", TaskState.TASK_RUNNING, second)));
    master.push(update(status("task-3", TaskState.TASK_LOST, null)));

    await().atMost(WAIT).until(() -> scheduler.updates.size() == 3);
    await().atMost(WAIT).until(() -> master.calls(Call.Type.ACKNOWLEDGE).size() == 1);
    await().during(QUIET).atMost(WAIT).until(() -> master.calls(Call.Type.ACKNOWLEDGE).size() == 1);
    assertThat(master.calls(Call.Type.ACKNOWLEDGE).get(0).getAcknowledge().getUuid()).isEqualTo(second);
    assertThat(noUuidAcks).hasSize(1);
    assertThat(noUuidAcks.get(0)).isCompleted();
    assertThat(noUuidAcks.get(0).get()).isNull();
  }

  @Test
  void followsAProtocolRelativeRedirectToTheLeader() {
    FakeMaster leader = fakeMaster();
    FakeMaster follower = fakeMaster();
    follower.redirectTo("//127.0.0.1:" + leader.port() + "/api/v1/scheduler");
    scheduler.onOffers = (driver, offers) -> driver.decline(List.of(offers.get(0).getId()), null);
    started(client(follower.url()));

    await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 1);
    assertThat(follower.calls(Call.Type.SUBSCRIBE)).hasSize(1);
    assertThat(leader.calls(Call.Type.SUBSCRIBE)).hasSize(1);

    leader.push(offers(offer("offer-1", "agent-1", Resources.cpus(1))));
    await().atMost(WAIT).until(() -> leader.calls(Call.Type.DECLINE).size() == 1);
    assertThat(follower.calls()).extracting(Call::getType).containsExactly(Call.Type.SUBSCRIBE);
  }

  @Test
  void resubscribesWithTheSameFrameworkIdAfterTheStreamCloses() throws Exception {
    FakeMaster master = fakeMaster();
    SchedulerClient client = started(client(master.url()));
    await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 1);

    master.closeStream();

    await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 2);
    assertThat(scheduler.disconnects).hasValue(1);
    assertThat(scheduler.subscribed).containsExactly(frameworkId("fw-1"), frameworkId("fw-1"));
    Call resubscribe = master.calls(Call.Type.SUBSCRIBE).get(1);
    assertThat(resubscribe.getFrameworkId()).isEqualTo(frameworkId("fw-1"));
    assertThat(resubscribe.getSubscribe().getFrameworkInfo().getId()).isEqualTo(frameworkId("fw-1"));
    // Calls now carry the new stream id (the fake master refuses the old one with 400).
    client.revive().get(10, TimeUnit.SECONDS);
    assertThat(master.received(Call.Type.REVIVE).get(0).streamId()).isEqualTo(master.streamIds().get(1));
    assertThat(master.streamIds().get(1)).isNotEqualTo(master.streamIds().get(0));
  }

  @Test
  void resubscribesWithSuppressedRolesStillSuppressed() throws Exception {
    FakeMaster master = fakeMaster();
    SchedulerClient client = started(client(master.url()));
    await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 1);
    client.suppress().get(10, TimeUnit.SECONDS);

    master.closeStream();

    await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 2);
    assertThat(master.calls(Call.Type.SUBSCRIBE).get(0).getSubscribe().getSuppressedRolesList()).isEmpty();
    assertThat(master.calls(Call.Type.SUBSCRIBE).get(1).getSubscribe().getSuppressedRolesList()).containsExactly("*");
  }

  @Test
  void reconnectsWhenNoEventArrivesForFiveHeartbeatIntervalsOfTheInjectedClock() {
    FakeMaster master = fakeMaster();
    master.heartbeatIntervalSeconds(2);
    ManualClock clock = new ManualClock();
    started(client(master.url()).clock(clock));
    await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 1);

    clock.advance(Duration.ofSeconds(9)); // within 5 x 2 s
    await().during(Duration.ofMillis(3 * SubscriptionLoop.WATCHDOG_TICK_MILLIS)).atMost(WAIT)
        .until(() -> master.calls(Call.Type.SUBSCRIBE).size() == 1);
    master.push(TestData.heartbeat()); // any event, heartbeats included, resets the silence
    master.push(update(status("marker", TaskState.TASK_LOST, null)));
    await().atMost(WAIT).until(() -> scheduler.updates.size() == 1);
    clock.advance(Duration.ofSeconds(9));
    await().during(Duration.ofMillis(3 * SubscriptionLoop.WATCHDOG_TICK_MILLIS)).atMost(WAIT)
        .until(() -> master.calls(Call.Type.SUBSCRIBE).size() == 1);

    clock.advance(Duration.ofSeconds(2));

    await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 2);
    assertThat(scheduler.disconnects).hasValue(1);
    assertThat(master.calls(Call.Type.SUBSCRIBE).get(1).getFrameworkId()).isEqualTo(frameworkId("fw-1"));
  }

  @Test
  void retriesTheSubscriptionWhileTheMasterHasNoLeader() {
    FakeMaster master = fakeMaster();
    master.answerSubscribeWith(503, "No leader elected");
    started(client(master.url()));

    await().atMost(WAIT).until(() -> master.calls(Call.Type.SUBSCRIBE).size() >= 3);
    assertThat(scheduler.subscribed).isEmpty();
    master.answerSubscribeWith(200, "");

    await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 1);
    assertThat(scheduler.disconnects).hasValue(0);
  }

  @Test
  void stopsAfterAnErrorEvent() throws Exception {
    FakeMaster master = fakeMaster();
    SchedulerClient client = started(client(master.url()));
    await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 1);

    master.push(TestData.error("Framework has been removed"));
    master.closeStream();

    client.terminated().get(10, TimeUnit.SECONDS);
    assertThat(scheduler.errors).containsExactly("Framework has been removed");
    assertThat(scheduler.disconnects).hasValue(0);
    assertThat(master.calls(Call.Type.SUBSCRIBE)).hasSize(1);
    assertThat(client.revive()).failsWithin(Duration.ofSeconds(1))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void keepsGoingAfterAnErrorEventWhenAsked() {
    FakeMaster master = fakeMaster();
    SchedulerClient client = started(client(master.url()).continueAfterError(true));
    await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 1);

    master.push(TestData.error("Framework failed over"));
    master.closeStream();

    await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 2);
    assertThat(scheduler.errors).containsExactly("Framework failed over");
    assertThat(client.terminated()).isNotDone();
  }

  @Test
  void aCallTheMasterRefusesFailsWithTheStatusAndTheMessage() {
    FakeMaster master = fakeMaster();
    SchedulerClient client = started(client(master.url()));
    await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 1);
    master.answerCallsWith(403, "Framework is not subscribed");

    CompletableFuture<Void> kill = client.kill(TestData.taskId("task-1"), null);

    assertThat(kill).failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(SchedulerCallException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(403);
          assertThat(e.body()).isEqualTo("Framework is not subscribed");
          assertThat(e.callType()).isEqualTo(Call.Type.KILL);
          assertThat(e.getMessage()).contains("KILL", "403", "Framework is not subscribed");
        });
  }

  @Test
  void atMostABoundedNumberOfCallsAreOnTheWireAtOnceAndTheRestFollow() {
    FakeMaster master = fakeMaster();
    SchedulerClient client = started(client(master.url()));
    await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 1);
    master.holdCalls();

    List<CompletableFuture<Void>> kills = new ArrayList<>();
    for (int i = 0; i < 3 * CallSender.MAX_IN_FLIGHT; i++) {
      kills.add(client.kill(TestData.taskId("task-" + i), null));
    }
    await().atMost(WAIT).until(() -> master.callsInProgress() == CallSender.MAX_IN_FLIGHT);
    assertThat(master.calls(Call.Type.KILL)).hasSize(CallSender.MAX_IN_FLIGHT);
    assertThat(kills).noneMatch(CompletableFuture::isDone);

    master.answerHeldCalls();
    assertThat(CompletableFuture.allOf(kills.toArray(CompletableFuture[]::new))).succeedsWithin(WAIT);
    assertThat(master.mostCallsAtOnce()).isEqualTo(CallSender.MAX_IN_FLIGHT);
    assertThat(master.calls(Call.Type.KILL)).extracting(c -> c.getKill().getTaskId().getValue())
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 3 * CallSender.MAX_IN_FLIGHT)
            .mapToObj(i -> "task-" + i).toList());
  }

  @Test
  void callsReuseABoundedSetOfThreadsRatherThanStartingOneEach() {
    FakeMaster master = fakeMaster();
    SchedulerClient client = started(client(master.url()));
    await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 1);
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    // Warm up: the first calls start the sender threads (and whatever the fake master needs).
    CompletableFuture.allOf(IntStream.range(0, CallSender.MAX_IN_FLIGHT)
        .mapToObj(i -> client.kill(TestData.taskId("warm-" + i), null)).toArray(CompletableFuture[]::new)).join();
    long before = threads.getTotalStartedThreadCount();

    List<CompletableFuture<Void>> kills = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      kills.add(client.kill(TestData.taskId("task-" + i), null));
      if (i % 50 == 49) {
        CompletableFuture.allOf(kills.toArray(CompletableFuture[]::new)).join();
      }
    }
    assertThat(CompletableFuture.allOf(kills.toArray(CompletableFuture[]::new))).succeedsWithin(WAIT);
    assertThat(master.calls(Call.Type.KILL)).hasSize(CallSender.MAX_IN_FLIGHT + 500);
    // Before, each call's answer came through CompletableFuture's default executor, which starts
    // a thread per task on one or two cores: 500 threads here. The sender threads are all started
    // by the warm-up; the slack is for threads of the JDK's HTTP client and the fake master, which
    // start as they need (34 were seen once).
    assertThat(threads.getTotalStartedThreadCount() - before).as("threads started by 500 calls")
        .isLessThan(100);
  }

  @Test
  void callsBeforeTheSubscriptionFailWithoutReachingTheMaster() {
    FakeMaster master = fakeMaster();
    master.answerSubscribeWith(503, "No leader elected");
    SchedulerClient client = started(client(master.url()));

    assertThat(client.revive()).failsWithin(Duration.ofSeconds(1))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(IllegalStateException.class)
        .withMessageContaining("Not subscribed");
    assertThat(master.calls(Call.Type.REVIVE)).isEmpty();
  }

  @Test
  void acknowledgingAnUpdateWithoutUuidSendsNothing() {
    SchedulerClient client = client("http://127.0.0.1:1").build();
    resources.add(() -> client.close().get(10, TimeUnit.SECONDS));
    TaskStatus noUuid = status("task-1", TaskState.TASK_LOST, null);

    assertThat(client.acknowledge(noUuid)).isCompletedWithValue(null);
    assertThat(client.acknowledge(status("task-1", TaskState.TASK_RUNNING, TestData.uuid())))
        .isCompletedExceptionally();
  }

  @Test
  void teardownStopsTheClientWithoutReconnecting() throws Exception {
    FakeMaster master = fakeMaster();
    SchedulerClient client = started(client(master.url()));
    await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 1);

    client.teardown().get(10, TimeUnit.SECONDS);

    client.terminated().get(10, TimeUnit.SECONDS);
    assertThat(master.calls(Call.Type.TEARDOWN)).hasSize(1);
    assertThat(master.calls(Call.Type.SUBSCRIBE)).hasSize(1);
    assertThat(scheduler.disconnects).hasValue(0);
  }

  @Test
  void closeIsIdempotentAndStartAfterCloseIsRefused() throws Exception {
    FakeMaster master = fakeMaster();
    SchedulerClient client = started(client(master.url()));
    await().atMost(WAIT).until(() -> scheduler.subscribed.size() == 1);

    client.close().get(10, TimeUnit.SECONDS);
    assertThat(client.close()).isCompleted();
    assertThat(client.isSubscribed()).isFalse();
    assertThatThrownBy(client::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThat(scheduler.disconnects).hasValue(0);
  }

  @Test
  void buildRefusesMissingOrInvalidSettings() {
    assertThatThrownBy(() -> SchedulerClient.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("master")
        .hasMessageContaining("frameworkInfo")
        .hasMessageContaining("scheduler");
    assertThatThrownBy(() -> SchedulerClient.builder().master("http://x:5050").frameworkInfo(frameworkInfo()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("SchedulerClient.Builder is missing: scheduler");
    assertThatThrownBy(() -> client("mesos://127.0.0.1:5050").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mesos://127.0.0.1:5050");
    assertThatThrownBy(() -> client("zk://127.0.0.1:2181").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("path");
    assertThatThrownBy(() -> client("http://127.0.0.1:5050").reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("backoff");
  }
}
