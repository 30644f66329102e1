package io.mezzo.master.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.offers.OfferHistory;
import io.mezzo.master.state.ClusterStateTest.ManualTimers;
import io.mezzo.master.state.ClusterStateTest.RecordingSink;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.testkit.ManualClock;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.Filters;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.Value;
import io.mezzo.v1.master.Protos.Event.OfferEvent;
import io.mezzo.v1.master.Protos.Event.OfferEvent.RescindReason;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mezzo's offer events as the state applies them: one OFFER_CREATED per offer and one end per offer
 * (accepted, declined with its filter, expired, rescinded with why), with ids, times and fields; and
 * the offer history that keeps them for a late operator-stream subscriber.
 */
class OfferEventsTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final MasterInfo MASTER =
      MasterInfo.newBuilder().setId("11111111-2222-3333-4444-555555555555").setIp(0).setPort(5050).build();

  private final ManualClock clock = new ManualClock(T0);
  private final ManualTimers timers = new ManualTimers();
  private final RecordingSink<AgentEvent> agentStream = new RecordingSink<>("agent-stream");

  private ClusterState state(int offerHistory) {
    return new ClusterState(MASTER, new DrfAllocator(new Random(1)), clock, timers, StateOwner.currentThread(),
        Duration.ofMinutes(10), Duration.ofSeconds(60), offerHistory);
  }

  private String registerAgent(ClusterState state) {
    return state.registerAgent(AgentCall.Register.newBuilder().setAgentInfo(AgentInfo.newBuilder()
        .setHostname("h1").setPort(5051).addResources(scalar("cpus", 4)).addResources(scalar("mem", 4096)))
        .addRuntimes("process").build(), agentStream);
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  private static FrameworkInfo framework(String name, String role) {
    return FrameworkInfo.newBuilder().setUser("u").setName(name).setRole(role).setFailoverTimeout(600).build();
  }

  private static RecordingSink<Event> subscribe(ClusterState state, FrameworkInfo info) {
    RecordingSink<Event> stream = new RecordingSink<>("stream-" + info.getName() + "-" + info.hasId());
    state.subscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info).build(), stream);
    return stream;
  }

  private static String frameworkId(RecordingSink<Event> stream) {
    return stream.events.get(0).getSubscribed().getFrameworkId().getValue();
  }

  /** Runs an allocation round and returns the one offer it made to the framework. */
  private static Offer allocate(ClusterState state, RecordingSink<Event> stream) {
    int before = stream.events.size();
    state.allocate();
    List<Offer> made = stream.events.subList(before, stream.events.size()).stream()
        .filter(e -> e.getType() == Event.Type.OFFERS).flatMap(e -> e.getOffers().getOffersList().stream()).toList();
    assertThat(made).as("offers of this round").hasSize(1);
    return made.get(0);
  }

  private static double seconds(Instant at) {
    return at.toEpochMilli() / 1000.0;
  }

  private static List<io.mezzo.v1.master.Protos.Event> offerEvents(List<io.mezzo.v1.master.Protos.Event> events) {
    return events.stream().filter(OfferHistory::isOfferEvent).toList();
  }

  @Test
  void acceptDeclineExpireAndRescindEachEndTheirOfferWithTheirFields() {
    ClusterState state = state(OfferHistory.DEFAULT_CAPACITY);
    List<io.mezzo.v1.master.Protos.Event> observed = new ArrayList<>();
    state.observe(observed::add);
    String agentId = registerAgent(state);
    RecordingSink<Event> stream = subscribe(state, framework("market", "*"));
    String frameworkId = frameworkId(stream);

    Offer first = allocate(state, stream);
    clock.advance(Duration.ofSeconds(2));
    state.accept(frameworkId, Call.Accept.newBuilder().addOfferIds(first.getId())
        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(TaskInfo.newBuilder().setName("t1")
                .setTaskId(TaskID.newBuilder().setValue("t1")).setAgentId(first.getAgentId())
                .addResources(scalar("cpus", 1)).addResources(scalar("mem", 128))
                .setCommand(CommandInfo.newBuilder().setValue("sleep 1000")))))
        .build());
    clock.advance(Duration.ofSeconds(6)); // past the default 5 s filter the ACCEPT put on what it left
    Offer second = allocate(state, stream);
    clock.advance(Duration.ofSeconds(1));
    state.decline(frameworkId, Call.Decline.newBuilder().addOfferIds(second.getId())
        .setFilters(Filters.newBuilder().setRefuseSeconds(30)).build());
    clock.advance(Duration.ofSeconds(31));
    Offer third = allocate(state, stream);
    Instant thirdAt = clock.instant();
    clock.advance(Duration.ofSeconds(60)); // the offer timeout: the next round expires it, then offers again
    Offer fourth = allocate(state, stream);
    clock.advance(Duration.ofSeconds(3));
    state.agentDisconnected(agentId, agentStream.streamId());

    List<io.mezzo.v1.master.Protos.Event> events = offerEvents(observed);
    assertThat(events).extracting(e -> e.getOfferEvent().getType().name() + " " + e.getOfferEvent().getOfferId().getValue())
        .containsExactly(
            "OFFER_CREATED " + first.getId().getValue(),
            "OFFER_ACCEPTED " + first.getId().getValue(),
            "OFFER_CREATED " + second.getId().getValue(),
            "OFFER_DECLINED " + second.getId().getValue(),
            "OFFER_CREATED " + third.getId().getValue(),
            "OFFER_EXPIRED " + third.getId().getValue(),
            "OFFER_CREATED " + fourth.getId().getValue(),
            "OFFER_RESCINDED " + fourth.getId().getValue());
    assertThat(events).allSatisfy(e -> {
      assertThat(e.getOfferEvent().getFrameworkId().getValue()).isEqualTo(frameworkId);
      assertThat(e.getOfferEvent().getAgentId().getValue()).isEqualTo(agentId);
      assertThat(e.getOfferEvent().getRole()).isEqualTo("*");
    });

    OfferEvent created = events.get(0).getOfferEvent();
    assertThat(created.getTimestamp()).isEqualTo(seconds(T0));
    assertThat(created.getResourcesList()).isEqualTo(first.getResourcesList());
    assertThat(created.hasHeldSeconds()).isFalse();

    OfferEvent accepted = events.get(1).getOfferEvent();
    assertThat(accepted.getTaskIdsList()).extracting(TaskID::getValue).containsExactly("t1");
    assertThat(accepted.getHeldSeconds()).isEqualTo(2.0);
    assertThat(accepted.getTimestamp()).isEqualTo(seconds(T0.plusSeconds(2)));
    assertThat(accepted.getOperationsList()).singleElement().satisfies(op -> {
      assertThat(op.getType()).isEqualTo(Offer.Operation.Type.LAUNCH);
      TaskInfo task = op.getLaunch().getTaskInfos(0);
      assertThat(task.getTaskId().getValue()).isEqualTo("t1");
      assertThat(task.getResourcesList()).containsExactly(scalar("cpus", 1), scalar("mem", 128));
      assertThat(task.hasCommand()).as("the history keeps no command lines").isFalse();
    });
    assertThat(accepted.hasMessage()).isFalse();

    OfferEvent declined = events.get(3).getOfferEvent();
    assertThat(declined.getRefuseSeconds()).isEqualTo(30.0);
    assertThat(declined.getFiltersGiven()).isTrue();
    assertThat(declined.getHeldSeconds()).isEqualTo(1.0);

    OfferEvent expired = events.get(5).getOfferEvent();
    assertThat(expired.getHeldSeconds()).isEqualTo(60.0);
    assertThat(expired.getTimestamp()).isEqualTo(seconds(thirdAt.plusSeconds(60)));
    assertThat(expired.getMessage()).contains("offer timeout of 60 s");
    assertThat(stream.events).anySatisfy(e -> assertThat(e.getRescind().getOfferId()).isEqualTo(third.getId()));

    OfferEvent rescinded = events.get(7).getOfferEvent();
    assertThat(rescinded.getReason()).isEqualTo(RescindReason.AGENT_DISCONNECTED);
    assertThat(rescinded.getMessage()).contains(agentId);
    assertThat(rescinded.getHeldSeconds()).isEqualTo(3.0);
    assertThat(stream.events).anySatisfy(e -> assertThat(e.getRescind().getOfferId()).isEqualTo(fourth.getId()));

    assertThat(state.recentOfferEvents()).as("what a late subscriber is sent").isEqualTo(events);
  }

  /** Declines without a filter, roles left, a dropped connection and a lost leadership; nobody observes the state. */
  @Test
  void theHistoryHearsEveryOfferEndWithItsReasonEvenWithoutAnObserver() {
    ClusterState state = state(OfferHistory.DEFAULT_CAPACITY);
    registerAgent(state);
    RecordingSink<Event> stream = subscribe(state, framework("roles", "a"));
    String frameworkId = frameworkId(stream);

    Offer first = allocate(state, stream);
    state.decline(frameworkId, Call.Decline.newBuilder().addOfferIds(first.getId()).build());
    clock.advance(Duration.ofSeconds(6));
    Offer second = allocate(state, stream);
    state.updateFramework(frameworkId, Call.UpdateFramework.newBuilder().setFrameworkInfo(framework("roles", "b")
        .toBuilder().setId(FrameworkID.newBuilder().setValue(frameworkId))).build());
    Offer third = allocate(state, stream);
    state.frameworkDisconnected(frameworkId, stream.streamId());
    RecordingSink<Event> back = subscribe(state, framework("roles", "b").toBuilder()
        .setId(FrameworkID.newBuilder().setValue(frameworkId)).build());
    Offer fourth = allocate(state, back);
    state.closeAll();

    List<io.mezzo.v1.master.Protos.Event> history = state.recentOfferEvents();
    assertThat(history).extracting(e -> e.getOfferEvent().getType().name() + " " + e.getOfferEvent().getOfferId().getValue())
        .containsExactly(
            "OFFER_CREATED " + first.getId().getValue(),
            "OFFER_DECLINED " + first.getId().getValue(),
            "OFFER_CREATED " + second.getId().getValue(),
            "OFFER_RESCINDED " + second.getId().getValue(),
            "OFFER_CREATED " + third.getId().getValue(),
            "OFFER_RESCINDED " + third.getId().getValue(),
            "OFFER_CREATED " + fourth.getId().getValue(),
            "OFFER_RESCINDED " + fourth.getId().getValue());
    assertThat(history.get(1).getOfferEvent().getRefuseSeconds()).as("Mesos's default filter").isEqualTo(5.0);
    assertThat(history.get(1).getOfferEvent().getFiltersGiven()).isFalse();
    assertThat(history.get(2).getOfferEvent().getRole()).isEqualTo("a");
    assertThat(history.get(3).getOfferEvent().getReason()).isEqualTo(RescindReason.ROLE_REMOVED);
    assertThat(history.get(3).getOfferEvent().getMessage()).contains("'a'");
    assertThat(history.get(4).getOfferEvent().getRole()).isEqualTo("b");
    assertThat(history.get(5).getOfferEvent().getReason()).isEqualTo(RescindReason.FRAMEWORK_DISCONNECTED);
    assertThat(history.get(7).getOfferEvent().getReason()).isEqualTo(RescindReason.LEADERSHIP_LOST);
  }

  @Test
  void theHistoryKeepsOnlyTheMostRecentEventsUpToItsBound() {
    ClusterState state = state(3);
    registerAgent(state);
    RecordingSink<Event> stream = subscribe(state, framework("bounded", "*"));
    String frameworkId = frameworkId(stream);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Offer offer = allocate(state, stream);
      ids.add(offer.getId().getValue());
      state.decline(frameworkId, Call.Decline.newBuilder().addOfferIds(offer.getId())
          .setFilters(Filters.newBuilder().setRefuseSeconds(1)).build());
      clock.advance(Duration.ofSeconds(2));
    }

    assertThat(state.recentOfferEvents())
        .extracting(e -> e.getOfferEvent().getType().name() + " " + e.getOfferEvent().getOfferId().getValue())
        .containsExactly("OFFER_DECLINED " + ids.get(1), "OFFER_CREATED " + ids.get(2), "OFFER_DECLINED " + ids.get(2));
  }

  @Test
  void aTeardownEndsTheFrameworksOffersAsRemoved() {
    ClusterState state = state(OfferHistory.DEFAULT_CAPACITY);
    registerAgent(state);
    RecordingSink<Event> stream = subscribe(state, framework("gone", "*"));
    Offer offer = allocate(state, stream);

    state.teardown(frameworkId(stream));

    assertThat(state.recentOfferEvents()).last().satisfies(e -> {
      assertThat(e.getOfferEvent().getType()).isEqualTo(io.mezzo.v1.master.Protos.Event.OfferEvent.Type.OFFER_RESCINDED);
      assertThat(e.getOfferEvent().getOfferId()).isEqualTo(offer.getId());
      assertThat(e.getOfferEvent().getReason()).isEqualTo(RescindReason.FRAMEWORK_REMOVED);
      assertThat(e.getOfferEvent().getMessage()).contains("torn down");
    });
  }
}
