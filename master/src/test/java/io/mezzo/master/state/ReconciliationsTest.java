package io.mezzo.master.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.state.ClusterStateTest.ManualTimers;
import io.mezzo.master.state.ClusterStateTest.RecordingSink;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.RecordIO;
import io.mezzo.testkit.StrictVertx;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** RECONCILE answered in slices: in order, a slice per turn of the context, dropped with its stream. */
class ReconciliationsTest {
  private final ManualTimers timers = new ManualTimers();
  /** A clock that does not move: slices end on their count alone, as tests by hand need. */
  private final ClusterState state = newState(timers, StateOwner.currentThread(),
      Clock.fixed(java.time.Instant.parse("2026-01-01T00:00:00Z"), java.time.ZoneOffset.UTC));

  private static ClusterState newState(Timers timers, StateOwner owner, Clock clock) {
    return new ClusterState(MasterInfo.newBuilder().setId("m").setIp(0).setPort(5050).build(),
        new DrfAllocator(new Random(1)), clock, timers, owner, Duration.ofMinutes(10), null);
  }

  private static String subscribe(ClusterState state, EventSink<Event> stream) {
    return state.subscribe(Call.Subscribe.newBuilder().setFrameworkInfo(FrameworkInfo.newBuilder().setUser("u")
        .setName("reconciler").setFailoverTimeout(60)).build(), stream);
  }

  private static Call.Reconcile ghosts(String prefix, int tasks) {
    Call.Reconcile.Builder reconcile = Call.Reconcile.newBuilder();
    for (int i = 0; i < tasks; i++) {
      reconcile.addTasks(Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue(prefix + i)));
    }
    return reconcile.build();
  }

  private static List<String> updatedTasks(List<Event> events) {
    return events.stream().filter(e -> e.getType() == Event.Type.UPDATE)
        .map(e -> e.getUpdate().getStatus().getTaskId().getValue()).toList();
  }

  private static List<String> names(String prefix, int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> prefix + i).toList();
  }

  @Test
  void aFrameworkWhoseReaderIsBehindWaitsForItWhileAnotherIsAnswered() {
    RecordingSink<Event> behind = new RecordingSink<>("behind");
    RecordingSink<Event> keepsUp = new RecordingSink<>("keeps-up");
    String behindId = subscribe(state, behind);
    String keepsUpId = subscribe(state, keepsUp);
    behind.ready = false;

    state.reconcile(behindId, ghosts("b", 30));
    state.reconcile(keepsUpId, ghosts("k", 1200));
    timers.advance(Duration.ZERO);
    assertThat(updatedTasks(behind.events)).as("nothing while its reader is behind").isEmpty();
    assertThat(updatedTasks(keepsUp.events)).containsExactlyElementsOf(names("k", 0, 1200));

    timers.advance(Reconciliations.BEHIND_RETRY);
    assertThat(updatedTasks(behind.events)).as("still behind at the next look").isEmpty();

    behind.ready = true;
    timers.advance(Reconciliations.BEHIND_RETRY);
    assertThat(updatedTasks(behind.events)).as("all of it, in order, once it caught up")
        .containsExactlyElementsOf(names("b", 0, 30));
  }

  @Test
  void aStreamThatStaysBehindIsAbandonedAndItsAnswersDropped() {
    long[] now = {0};
    Clock moving = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public java.time.Instant instant() {
        return java.time.Instant.ofEpochMilli(now[0]);
      }
    };
    ClusterState withClock = newState(timers, StateOwner.currentThread(), moving);
    RecordingSink<Event> stuck = new RecordingSink<>("stuck");
    String stuckId = subscribe(withClock, stuck);
    stuck.ready = false;

    withClock.reconcile(stuckId, ghosts("s", 100));
    now[0] += Reconciliations.STALLED_AFTER.toMillis() - 1;
    timers.advance(Reconciliations.BEHIND_RETRY);
    assertThat(stuck.closed).as("behind, not yet for long").isFalse();

    now[0] += 1;
    timers.advance(Reconciliations.BEHIND_RETRY);
    assertThat(stuck.closed).as("behind for " + Reconciliations.STALLED_AFTER).isTrue();
    assertThat(updatedTasks(stuck.events)).isEmpty();
  }

  @Test
  void aSliceIsAnsweredNowAndEachNextOneOnALaterTurnInTheOrderOfTheCalls() {
    RecordingSink<Event> stream = new RecordingSink<>("s");
    String frameworkId = subscribe(state, stream);

    state.reconcile(frameworkId, ghosts("a", 1200));
    state.reconcile(frameworkId, ghosts("b", 10));
    assertThat(updatedTasks(stream.events)).containsExactlyElementsOf(names("a", 0, Reconciliations.SLICE));

    timers.advance(Duration.ZERO);
    assertThat(updatedTasks(stream.events)).as("the next turns answer the rest, then the second call")
        .hasSize(1210).startsWith("a0").endsWith("a1199", "b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9");
    assertThat(stream.events.stream().filter(e -> e.getType() == Event.Type.UPDATE).map(e -> e.getUpdate().getStatus()))
        .allSatisfy(s -> {
          assertThat(s.getState()).isEqualTo(TaskState.TASK_LOST);
          assertThat(s.getReason()).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);
          assertThat(s.getMessage()).isEqualTo("Reconciliation: Task is unknown");
        });
  }

  @Test
  void whatIsLeftOfACallIsDroppedWhenItsStreamCloses() {
    RecordingSink<Event> stream = new RecordingSink<>("s");
    String frameworkId = subscribe(state, stream);
    state.reconcile(frameworkId, ghosts("a", 20_000));
    state.frameworkDisconnected(frameworkId, "s");
    RecordingSink<Event> again = new RecordingSink<>("again");
    state.subscribe(Call.Subscribe.newBuilder().setFrameworkInfo(FrameworkInfo.newBuilder().setUser("u")
        .setName("reconciler").setFailoverTimeout(60).setId(FrameworkID.newBuilder().setValue(frameworkId))).build(), again);

    timers.advance(Duration.ZERO);

    assertThat(updatedTasks(stream.events)).hasSize(Reconciliations.SLICE);
    assertThat(updatedTasks(again.events)).as("the new stream does not get the old call's answers").isEmpty();
    state.reconcile(frameworkId, ghosts("b", 3));
    assertThat(updatedTasks(again.events)).containsExactly("b0", "b1", "b2");
  }

  @Test
  void aFrameworkWithTooManyTasksWaitingIsToldToRetryLater() {
    RecordingSink<Event> stream = new RecordingSink<>("s");
    String frameworkId = subscribe(state, stream);
    state.reconcile(frameworkId, ghosts("a", Reconciliations.MAX_PENDING_PER_FRAMEWORK + Reconciliations.SLICE));

    assertThatThrownBy(() -> state.reconcile(frameworkId, ghosts("c", 1))).isInstanceOfSatisfying(CallRejected.class,
        r -> {
          assertThat(r.status()).isEqualTo(503);
          assertThat(r.getMessage()).contains("tasks waiting for reconciliation; retry later");
        });
    timers.advance(Duration.ZERO);
    state.reconcile(frameworkId, ghosts("c", 1));
    assertThat(updatedTasks(stream.events)).hasSize(Reconciliations.MAX_PENDING_PER_FRAMEWORK + Reconciliations.SLICE + 1)
        .endsWith("c0");
  }

  /**
   * On a real context: work queued while a reconciliation of 20,000 tasks is under way (a request,
   * a heartbeat) runs before it ends, and the answers, encoded as on the wire, keep their order.
   */
  @Test
  void theContextIsFreeBetweenSlices() throws Exception {
    try (StrictVertx strict = StrictVertx.start()) {
      Vertx vertx = strict.vertx();
      Context context = vertx.getOrCreateContext();
      Timers vertxTimers = new Timers() {
        @Override
        public long schedule(Duration delay, Runnable action) {
          return vertx.setTimer(Math.max(1, delay.toMillis()), id -> action.run());
        }

        @Override
        public void cancel(long timerId) {
          vertx.cancelTimer(timerId);
        }
      };
      List<String> answered = new CopyOnWriteArrayList<>();
      EventSink<Event> wire = new EventSink<>() {
        @Override
        public String streamId() {
          return "wire";
        }

        @Override
        public void send(Event event) {
          byte[] json = Codec.JSON.encode(event);
          RecordIO.Decoder decoder = new RecordIO.Decoder();
          Event decoded = Codec.JSON.decode(decoder.feed(RecordIO.encode(json)).get(0), Event.getDefaultInstance());
          if (decoded.getType() == Event.Type.UPDATE) {
            answered.add(decoded.getUpdate().getStatus().getTaskId().getValue());
          }
        }

        @Override
        public void close() {
        }
      };
      Promise<Integer> answeredWhenQueuedWorkRan = Promise.promise();
      context.runOnContext(v -> {
        ClusterState onContext = newState(vertxTimers, () -> Vertx.currentContext() == context,
            Clock.systemUTC());
        String frameworkId = subscribe(onContext, wire);
        onContext.reconcile(frameworkId, ghosts("t", 20_000));
        context.runOnContext(w -> answeredWhenQueuedWorkRan.complete(answered.size()));
      });

      int answeredThen = answeredWhenQueuedWorkRan.future().toCompletionStage().toCompletableFuture()
          .get(20, TimeUnit.SECONDS);
      assertThat(answeredThen).as("answers made before the queued work ran: one slice, cut short if it took long")
          .isPositive().isLessThanOrEqualTo(Reconciliations.SLICE);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> answered.size() == 20_000);
      assertThat(answered).containsExactlyElementsOf(names("t", 0, 20_000));
    }
  }
}
