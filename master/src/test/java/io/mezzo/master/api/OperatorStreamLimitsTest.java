package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.registry.OperatorState;
import io.mezzo.master.registry.Registry;
import io.mezzo.master.state.ClusterState;
import io.mezzo.master.state.Timers;
import io.mezzo.node.http.BodyBudget;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.internal.RegistryRecords;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.master.Protos.Event;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator stream's cap on subscribers, its heartbeats (on timers the test fires), the end of
 * a leadership term, and the offer-history hook: the master's router with options the test sets.
 */
class OperatorStreamLimitsTest {
  private static final int QUEUE_BYTES = 64 * 1024;
  private static final Event OFFER_CREATED = Event.newBuilder().setOfferEvent(Event.OfferEvent.newBuilder()
      .setType(Event.OfferEvent.Type.OFFER_CREATED).setOfferId(OfferID.newBuilder().setValue("o-1"))).build();

  private final HttpClient http = HttpClient.newBuilder().build();
  private final ManualTimers timers = new ManualTimers();
  private final AtomicReference<Leadership> leadership = new AtomicReference<>(Leadership.initial());
  private final AtomicReference<List<Event>> history = new AtomicReference<>(List.of(OFFER_CREATED));
  private Vertx vertx;
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    OperatorOptions options = new OperatorOptions(java.util.Map.of(),
        io.mezzo.v1.Protos.VersionInfo.newBuilder().setVersion("test").build(), Clock.systemUTC().instant(),
        Optional::empty, new LoggingLevels(timers), Duration.ofSeconds(15), 2, state -> history.get());
    var router = MasterRoutes.router(vertx, new LeaderGate(leadership::get, Optional::empty, () -> "self:5050"),
        () -> { }, ApiLimits.defaults().withStreamQueueBytes(QUEUE_BYTES),
        new BodyBudget(ApiLimits.defaults().inflightBodyBytes()), options, timers,
        new io.mezzo.master.metrics.MasterMetrics(new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT), Clock.systemUTC(), () -> true,
            () -> io.mezzo.master.state.StateGauges.NONE));
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    leadership.set(leading());
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private EventStream<Event> subscribe() throws Exception {
    return new EventStream<>(http, "http://127.0.0.1:" + server.actualPort() + "/api/v1",
        Call.newBuilder().setType(Call.Type.SUBSCRIBE).build(), Codec.PROTOBUF, Event.getDefaultInstance());
  }

  @Test
  void subscribedIsFollowedByTheOfferHistoryThenAHeartbeat() throws Exception {
    try (EventStream<Event> stream = subscribe()) {
      assertThat(stream.next().getType()).isEqualTo(Event.Type.SUBSCRIBED);
      assertThat(stream.next()).isEqualTo(OFFER_CREATED);
      assertThat(stream.next().getType()).isEqualTo(Event.Type.HEARTBEAT);
    }
  }

  /**
   * The state and offer history a subscriber gets first are as large as the cluster's, and may be
   * far larger than the queue a live stream may fall behind by: they are not a slow reader.
   */
  @Test
  void anOpeningLargerThanTheQueueCapReachesAReaderThatReads() throws Exception {
    List<Event> large = new java.util.ArrayList<>();
    for (int i = 0; i < 4_000; i++) {
      large.add(OFFER_CREATED.toBuilder().setOfferEvent(OFFER_CREATED.getOfferEvent().toBuilder()
          .setOfferId(OfferID.newBuilder().setValue("o-" + i)).setMessage("x".repeat(1_000))).build());
    }
    history.set(large);
    try (EventStream<Event> stream = subscribe()) {
      assertThat(stream.next().getType()).isEqualTo(Event.Type.SUBSCRIBED);
      for (int i = 0; i < large.size(); i++) {
        assertThat(stream.next().getOfferEvent().getOfferId().getValue()).isEqualTo("o-" + i);
      }
      assertThat(stream.next().getType()).isEqualTo(Event.Type.HEARTBEAT);
      timers.fireAll();
      assertThat(stream.next().getType()).as("still live after an opening of ~4 MB over a 64 KB queue")
          .isEqualTo(Event.Type.HEARTBEAT);
    }
  }

  @Test
  void heartbeatsComeEveryIntervalOnEachStream() throws Exception {
    try (EventStream<Event> first = subscribe(); EventStream<Event> second = subscribe()) {
      for (EventStream<Event> stream : List.of(first, second)) {
        stream.next(e -> e.getType() == Event.Type.HEARTBEAT);
      }
      assertThat(timers.pending()).containsExactly(Duration.ofSeconds(15));
      timers.fireAll();
      for (EventStream<Event> stream : List.of(first, second)) {
        assertThat(stream.next().getType()).isEqualTo(Event.Type.HEARTBEAT);
      }
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> timers.pending().size() == 1);
    }
  }

  @Test
  void oneSubscriberAboveTheCapClosesTheOldest() throws Exception {
    try (EventStream<Event> oldest = subscribe(); EventStream<Event> middle = subscribe()) {
      oldest.next(e -> e.getType() == Event.Type.HEARTBEAT);
      middle.next(e -> e.getType() == Event.Type.HEARTBEAT);
      try (EventStream<Event> newest = subscribe()) {
        newest.next(e -> e.getType() == Event.Type.HEARTBEAT);
        assertThat(oldest.ended()).as("the oldest stream was closed").isTrue();
        timers.fireAll();
        assertThat(middle.next().getType()).isEqualTo(Event.Type.HEARTBEAT);
        assertThat(newest.next().getType()).isEqualTo(Event.Type.HEARTBEAT);
      }
    }
  }

  @Test
  void theStreamsOfALeadershipTermThatEndedAreClosed() throws Exception {
    try (EventStream<Event> stream = subscribe()) {
      stream.next(e -> e.getType() == Event.Type.HEARTBEAT);
      leadership.set(leadership.get().stepDown());
      timers.fireAll();
      assertThat(stream.ended()).isTrue();
    }
  }

  /** A leading value over an empty cluster; its registry is never written in these tests. */
  private Leadership.Leading leading() {
    Context context = vertx.getOrCreateContext();
    ClusterState state = new ClusterState(MasterInfo.newBuilder().setId("stream-test-master").setIp(0).setPort(5050)
        .setVersion("1.11.0").build(), new DrfAllocator(new Random(1)), Clock.systemUTC(), timers, () -> true,
        Duration.ofMinutes(10), null);
    Registry registry = new Registry(CuratorFrameworkFactory.newClient("127.0.0.1:1", new RetryOneTime(1)), "/mezzo",
        context, new io.mezzo.master.spi.LeaderFence("/mezzo/leader-latch/none", why -> { }));
    OperatorState operator = new OperatorState(registry,
        new Registry.Versioned(RegistryRecords.Registry.getDefaultInstance(), Registry.Versioned.ABSENT),
        new DrfAllocator(new Random(1)), state);
    return Leadership.initial().elected().recovered(state, operator);
  }

  /** Timers that fire when the test says, each on the Vert.x context it was scheduled from. */
  private static final class ManualTimers implements Timers {
    private record Pending(long id, Duration delay, Context context, Runnable action) {}

    private final List<Pending> pending = new ArrayList<>();
    private long next;

    @Override
    public synchronized long schedule(Duration delay, Runnable action) {
      pending.add(new Pending(next, delay, Vertx.currentContext(), action));
      return next++;
    }

    @Override
    public synchronized void cancel(long timerId) {
      pending.removeIf(p -> p.id() == timerId);
    }

    synchronized List<Duration> pending() {
      return pending.stream().map(Pending::delay).toList();
    }

    void fireAll() {
      List<Pending> due;
      synchronized (this) {
        due = new ArrayList<>(pending);
        pending.clear();
      }
      for (Pending p : due) {
        p.context().runOnContext(v -> p.action().run());
      }
    }
  }
}
