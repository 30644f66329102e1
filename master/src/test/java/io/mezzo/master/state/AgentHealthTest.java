package io.mezzo.master.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.state.ClusterStateTest.ManualTimers;
import io.mezzo.master.state.ClusterStateTest.RecordingSink;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.protocol.internal.AgentChannel.RunningTask;
import io.mezzo.protocol.internal.AgentChannel.StatusUpdate;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.Protos.Value;
import io.mezzo.v1.master.Protos.Event.OfferEvent.RescindReason;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Silent agents: the master's pings, the unreachable agent and its tasks (Mesos's partition
 * handling), its return, and its removal for good; with recording streams and timers moved by hand.
 */
class AgentHealthTest {
  private static final Duration PING = Duration.ofSeconds(15);
  private static final int MAX_PINGS = 5;
  private static final Duration REMOVAL = Duration.ofHours(1);
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final AgentLiveness LIVENESS = new AgentLiveness(PING, MAX_PINGS, REMOVAL);

  private final ManualTimers timers = new ManualTimers();
  private ClusterState state;
  private RecordingSink<AgentEvent> agentStream;
  private String agentId;

  @BeforeEach
  void setUp() {
    state = newState();
    agentStream = new RecordingSink<>("agent-stream");
    agentId = state.registerAgent(register(null), agentStream);
  }

  private ClusterState newState() {
    return new ClusterState(MasterInfo.newBuilder().setId("m").setIp(0).setPort(5050).build(),
        new DrfAllocator(new Random(1)), Clock.fixed(START, ZoneOffset.UTC), timers, StateOwner.currentThread(),
        Duration.ofMinutes(10), null, 1000, LIVENESS);
  }

  private AgentCall.Register register(String id, RunningTask... tasks) {
    AgentInfo.Builder info = AgentInfo.newBuilder().setHostname("h1").setPort(5051)
        .addResources(scalar("cpus", 2)).addResources(scalar("mem", 1024));
    if (id != null) {
      info.setId(AgentID.newBuilder().setValue(id));
    }
    return AgentCall.Register.newBuilder().setAgentInfo(info).addAllTasks(List.of(tasks)).build();
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  private RecordingSink<Event> subscribe(String name, boolean partitionAware) {
    FrameworkInfo.Builder info = FrameworkInfo.newBuilder().setUser("u").setName(name).setFailoverTimeout(3600);
    if (partitionAware) {
      info.addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE));
    }
    RecordingSink<Event> stream = new RecordingSink<>("framework-" + name);
    state.subscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info).build(), stream);
    return stream;
  }

  private static String frameworkId(RecordingSink<Event> stream) {
    return stream.events.get(0).getSubscribed().getFrameworkId().getValue();
  }

  private static Offer lastOffer(RecordingSink<Event> stream) {
    return stream.events.stream().filter(e -> e.getType() == Event.Type.OFFERS)
        .reduce((a, b) -> b).orElseThrow().getOffers().getOffers(0);
  }

  private void launchRunning(RecordingSink<Event> stream, String taskId) {
    state.allocate();
    Offer offer = lastOffer(stream);
    state.accept(frameworkId(stream), Call.Accept.newBuilder().addOfferIds(offer.getId())
        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(TaskInfo.newBuilder().setName(taskId)
                .setTaskId(TaskID.newBuilder().setValue(taskId)).setAgentId(offer.getAgentId())
                .addResources(scalar("cpus", 0.5)).addResources(scalar("mem", 64))
                .setCommand(CommandInfo.newBuilder().setValue("sleep 1000")))))
        .build());
    state.checkAgentCaller(agentId, agentStream.streamId());
    state.statusUpdate(agentId, StatusUpdate.newBuilder().setFrameworkId(offer.getFrameworkId())
        .setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId))
            .setState(TaskState.TASK_RUNNING).setUuid(ByteString.copyFrom(new byte[16])))
        .build());
  }

  private RunningTask running(RecordingSink<Event> framework, String taskId) {
    return RunningTask.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId(framework)))
        .setTask(TaskInfo.newBuilder().setName(taskId).setTaskId(TaskID.newBuilder().setValue(taskId))
            .setAgentId(AgentID.newBuilder().setValue(agentId))
            .addResources(scalar("cpus", 0.5)).addResources(scalar("mem", 64)))
        .setState(TaskState.TASK_RUNNING).build();
  }

  private static List<TaskStatus> updates(RecordingSink<Event> stream) {
    return stream.events.stream().filter(e -> e.getType() == Event.Type.UPDATE).map(e -> e.getUpdate().getStatus())
        .toList();
  }

  /**
   * Moves time a second at a step, so that a timer set by a timer that fired (the next ping) fires
   * in the same move ({@link ManualTimers} schedules from the end of a move).
   */
  private static void advance(ManualTimers timers, Duration by) {
    for (long s = 0; s < by.toSeconds(); s++) {
      timers.advance(Duration.ofSeconds(1));
    }
  }

  private static long pings(RecordingSink<AgentEvent> stream) {
    return stream.events.stream().filter(e -> e.getType() == AgentEvent.Type.PING).count();
  }

  private boolean registered() {
    return state.getAgents().getAgentsCount() == 1;
  }

  private void reconcile(RecordingSink<Event> framework, String taskId) {
    state.reconcile(frameworkId(framework), Call.Reconcile.newBuilder().addTasks(Call.Reconcile.Task.newBuilder()
        .setTaskId(TaskID.newBuilder().setValue(taskId)).setAgentId(AgentID.newBuilder().setValue(agentId))).build());
  }

  @Test
  void anAgentThatAnswersNoPingIsUnreachableAfterTheTimeoutTimesTheMaximum() {
    assertThat(agentStream.events.get(0).getRegistered().getPingTimeoutSeconds()).isEqualTo(75.0);

    advance(timers, PING.multipliedBy(MAX_PINGS));
    assertThat(registered()).isTrue();
    assertThat(pings(agentStream)).isEqualTo(MAX_PINGS);
    assertThat(agentStream.closed).isFalse();

    advance(timers, PING);
    assertThat(registered()).isFalse();
    assertThat(agentStream.closed).as("the agent's stream is closed, so that it re-registers once it can").isTrue();
    assertThat(state.unreachableAgents()).containsExactly(Map.entry(agentId, START));
    assertThat(state.gauges().agentsUnreachable()).isEqualTo(1);
  }

  @Test
  void agentsThatRegisterTogetherArePingedAtAnEvenRateNotAllAtOnce() {
    List<RecordingSink<AgentEvent>> streams = new java.util.ArrayList<>(List.of(agentStream));
    for (int i = 1; i < 300; i++) {
      RecordingSink<AgentEvent> stream = new RecordingSink<>("agent-" + i);
      state.registerAgent(register(null), stream);
      streams.add(stream);
    }
    long[] perSecond = new long[(int) PING.toSeconds()];
    long before = 0;
    for (int second = 0; second < perSecond.length; second++) {
      timers.advance(Duration.ofSeconds(1));
      long now = streams.stream().mapToLong(AgentHealthTest::pings).sum();
      perSecond[second] = now - before;
      before = now;
    }
    assertThat(streams).as("each agent is pinged once within the first timeout")
        .allSatisfy(stream -> assertThat(pings(stream)).isEqualTo(1));
    // An even rate is 20 a second; checked a whole timeout after registering, all 300 came in the last second.
    assertThat(java.util.Arrays.stream(perSecond).boxed().toList())
        .as("pings per second of the first timeout").allSatisfy(count -> assertThat(count).isBetween(5L, 40L));
  }

  @Test
  void aPingedAgentGetsNoHeartbeatButAFrameworkAndAnAgentThatIsNotPingedDo() {
    RecordingSink<Event> framework = subscribe("f", false);
    state.heartbeat();
    assertThat(framework.events).anyMatch(e -> e.getType() == Event.Type.HEARTBEAT);
    assertThat(agentStream.events).noneMatch(e -> e.getType() == AgentEvent.Type.HEARTBEAT);

    ClusterState unpinged = new ClusterState(MasterInfo.newBuilder().setId("m2").setIp(0).setPort(5050).build(),
        new DrfAllocator(new Random(1)), Clock.fixed(START, ZoneOffset.UTC), timers, StateOwner.currentThread(),
        Duration.ofMinutes(10), null, 1000, AgentLiveness.withoutPings());
    RecordingSink<AgentEvent> stream = new RecordingSink<>("unpinged");
    unpinged.registerAgent(register(null), stream);
    unpinged.heartbeat();
    assertThat(stream.events).as("its only sign that the master lives").anyMatch(e -> e.getType() == AgentEvent.Type.HEARTBEAT);
  }

  @Test
  void anAgentsFirstCheckIsWithinOneTimeoutAndTheSameForTheSameId() {
    for (int i = 0; i < 1000; i++) {
      Duration first = AgentPings.firstDelay("m-S" + i, PING);
      assertThat(first).isPositive().isLessThanOrEqualTo(PING).isEqualTo(AgentPings.firstDelay("m-S" + i, PING));
    }
  }

  @Test
  void anyCallOrPongFromTheAgentStartsTheCountAgain() {
    for (int minute = 0; minute < 10; minute++) {
      advance(timers, Duration.ofSeconds(60));
      state.checkAgentCaller(agentId, agentStream.streamId());
    }
    assertThat(registered()).isTrue();
    assertThat(pings(agentStream)).isEqualTo(40);

    advance(timers, PING.multipliedBy(MAX_PINGS + 1));
    assertThat(registered()).isFalse();
  }

  @Test
  void aDisconnectedAgentIsNotPingedAndAReconnectedOneIsCheckedAgain() {
    state.agentDisconnected(agentId, agentStream.streamId());
    advance(timers, Duration.ofMinutes(5));
    assertThat(pings(agentStream)).isZero();
    assertThat(state.unreachableAgents()).isEmpty();

    RecordingSink<AgentEvent> again = new RecordingSink<>("again");
    state.registerAgent(register(agentId), again);
    advance(timers, PING.multipliedBy(MAX_PINGS + 1));
    assertThat(pings(again)).isEqualTo(MAX_PINGS);
    assertThat(state.unreachableAgents()).containsOnlyKeys(agentId);
  }

  @Test
  void aPartitionAwareFrameworkHearsUnreachableThenRunningWhenTheAgentComesBack() {
    RecordingSink<Event> aware = subscribe("aware", true);
    launchRunning(aware, "t1");

    advance(timers, PING.multipliedBy(MAX_PINGS + 1));
    TaskStatus unreachable = updates(aware).get(1);
    assertThat(unreachable.getState()).isEqualTo(TaskState.TASK_UNREACHABLE);
    assertThat(unreachable.getReason()).isEqualTo(TaskStatus.Reason.REASON_AGENT_REMOVED);
    assertThat(unreachable.getSource()).isEqualTo(TaskStatus.Source.SOURCE_MASTER);
    assertThat(unreachable.getUnreachableTime().getNanoseconds()).isEqualTo(START.toEpochMilli() * 1_000_000L);
    assertThat(unreachable.hasUuid()).isFalse();
    assertThat(aware.events).anyMatch(e -> e.getType() == Event.Type.FAILURE
        && e.getFailure().getAgentId().getValue().equals(agentId));
    assertThat(state.getTasks().getTasksList()).isEmpty();
    assertThat(state.gauges().tasks(TaskState.TASK_UNREACHABLE)).isEqualTo(1);
    assertThat(state.getTasks().getUnreachableTasksList()).singleElement()
        .satisfies(t -> assertThat(t.getState()).isEqualTo(TaskState.TASK_UNREACHABLE));
    reconcile(aware, "t1");
    TaskStatus answer = updates(aware).get(2);
    assertThat(answer.getState()).isEqualTo(TaskState.TASK_UNREACHABLE);
    assertThat(answer.getUnreachableTime()).isEqualTo(unreachable.getUnreachableTime());

    RecordingSink<AgentEvent> back = new RecordingSink<>("back");
    state.registerAgent(register(agentId, running(aware, "t1")), back);

    TaskStatus resumed = updates(aware).get(3);
    assertThat(resumed.getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(resumed.getReason()).isEqualTo(TaskStatus.Reason.REASON_AGENT_REREGISTERED);
    assertThat(resumed.getSource()).isEqualTo(TaskStatus.Source.SOURCE_MASTER);
    assertThat(back.events).extracting(AgentEvent::getType).containsExactly(AgentEvent.Type.REGISTERED);
    assertThat(state.unreachableAgents()).isEmpty();
    assertThat(state.getTasks().getUnreachableTasksList()).isEmpty();
    assertThat(state.gauges().tasks(TaskState.TASK_UNREACHABLE)).isZero();
    assertThat(state.getTasks().getTasksList()).singleElement()
        .satisfies(t -> assertThat(t.getState()).isEqualTo(TaskState.TASK_RUNNING));
    reconcile(aware, "t1");
    assertThat(updates(aware).get(4).getState()).isEqualTo(TaskState.TASK_RUNNING);
  }

  @Test
  void aPlainFrameworkHearsLostAndItsTaskIsKilledWhenTheAgentComesBack() {
    RecordingSink<Event> plain = subscribe("plain", false);
    launchRunning(plain, "t1");

    advance(timers, PING.multipliedBy(MAX_PINGS + 1));
    TaskStatus lost = updates(plain).get(1);
    assertThat(lost.getState()).isEqualTo(TaskState.TASK_LOST);
    assertThat(lost.getReason()).isEqualTo(TaskStatus.Reason.REASON_AGENT_REMOVED);

    RecordingSink<AgentEvent> back = new RecordingSink<>("back");
    state.registerAgent(register(agentId, running(plain, "t1")), back);

    assertThat(back.events).extracting(AgentEvent::getType)
        .containsExactly(AgentEvent.Type.REGISTERED, AgentEvent.Type.KILL_TASK);
    assertThat(back.events.get(1).getKillTask().getTaskId().getValue()).isEqualTo("t1");
    assertThat(back.events.get(1).getKillTask().getFrameworkId().getValue()).isEqualTo(frameworkId(plain));
    assertThat(updates(plain)).as("no RUNNING after LOST").hasSize(2);
  }

  @Test
  void offersOnAnUnreachableAgentAreRescinded() {
    RecordingSink<Event> framework = subscribe("f", true);
    state.allocate();
    Offer offer = lastOffer(framework);

    advance(timers, PING.multipliedBy(MAX_PINGS + 1));

    assertThat(framework.events).anyMatch(e -> e.getType() == Event.Type.RESCIND
        && e.getRescind().getOfferId().equals(offer.getId()));
    assertThat(state.recentOfferEvents()).anySatisfy(e -> {
      assertThat(e.getOfferEvent().getOfferId()).isEqualTo(offer.getId());
      assertThat(e.getOfferEvent().getReason()).isEqualTo(RescindReason.AGENT_UNREACHABLE);
    });
    framework.events.clear();
    state.allocate();
    assertThat(framework.events).noneMatch(e -> e.getType() == Event.Type.OFFERS);
  }

  @Test
  void afterTheRemovalTimeoutTheAgentIsGoneAndMayNotRegisterAgain() {
    RecordingSink<Event> aware = subscribe("aware", true);
    RecordingSink<Event> plain = subscribe("plain", false);
    launchRunning(aware, "t-aware");
    launchRunning(plain, "t-plain");
    // The removal timeout counts from the moment the agent became unreachable.
    long silent = 0;
    while (state.unreachableAgents().isEmpty() && silent < PING.multipliedBy(MAX_PINGS + 1).toSeconds()) {
      timers.advance(Duration.ofSeconds(1));
      silent++;
    }
    assertThat(silent).isBetween(PING.multipliedBy(MAX_PINGS).toSeconds(), PING.multipliedBy(MAX_PINGS + 1).toSeconds());
    assertThat(updates(plain)).hasSize(2);

    advance(timers, REMOVAL.minus(Duration.ofSeconds(1)));
    assertThat(state.unreachableAgents()).containsOnlyKeys(agentId);
    advance(timers, Duration.ofSeconds(1));

    assertThat(state.unreachableAgents()).isEmpty();
    assertThat(state.removedAgents()).containsExactly(agentId);
    TaskStatus gone = updates(aware).get(2);
    assertThat(gone.getState()).isEqualTo(TaskState.TASK_GONE);
    assertThat(updates(plain)).as("TASK_LOST was its last word").hasSize(2);
    reconcile(aware, "t-aware");
    assertThat(updates(aware).get(3).getState()).isEqualTo(TaskState.TASK_GONE);
    reconcile(plain, "t-plain");
    assertThat(updates(plain).get(2).getState()).isEqualTo(TaskState.TASK_LOST);

    RecordingSink<AgentEvent> back = new RecordingSink<>("back");
    assertThat(state.registerAgent(register(agentId, running(aware, "t-aware")), back)).isNull();
    assertThat(back.events).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo(AgentEvent.Type.ERROR);
      assertThat(e.getError().getMessage()).contains("agent removal timeout");
    });
    assertThat(back.closed).isTrue();
    assertThat(state.getAgents().getAgentsList()).isEmpty();
  }

  @Test
  void aNewLeaderKeepsTheUnreachableAgentsAndTheirRemovalTime() {
    RecordingSink<Event> aware = subscribe("aware", true);
    launchRunning(aware, "t1");
    advance(timers, PING.multipliedBy(MAX_PINGS + 1));
    Map<String, Instant> unreachable = state.unreachableAgents();
    List<String> removed = state.removedAgents();

    // What the registry carries is all the next leader knows; it is elected 30 minutes later.
    ManualTimers newTimers = new ManualTimers();
    ClusterState next = new ClusterState(MasterInfo.newBuilder().setId("m2").setIp(0).setPort(5050).build(),
        new DrfAllocator(new Random(1)), Clock.fixed(START.plus(Duration.ofMinutes(30)), ZoneOffset.UTC), newTimers,
        StateOwner.currentThread(), Duration.ofMinutes(10), null, 1000, LIVENESS);
    next.recoverUnreachableAgents(unreachable, removed);
    RecordingSink<Event> resubscribed = new RecordingSink<>("resubscribed");
    next.subscribe(Call.Subscribe.newBuilder().setFrameworkInfo(FrameworkInfo.newBuilder().setUser("u").setName("aware")
        .setId(FrameworkID.newBuilder().setValue(frameworkId(aware)))
        .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE)))
        .build(), resubscribed);

    assertThat(next.unreachableAgents()).containsExactly(Map.entry(agentId, START));
    assertThat(next.gauges().agentsUnreachable()).isEqualTo(1);
    next.reconcile(frameworkId(aware), Call.Reconcile.newBuilder().addTasks(Call.Reconcile.Task.newBuilder()
        .setTaskId(TaskID.newBuilder().setValue("t1")).setAgentId(AgentID.newBuilder().setValue(agentId))).build());
    assertThat(updates(resubscribed)).singleElement().satisfies(s -> {
      assertThat(s.getState()).isEqualTo(TaskState.TASK_UNREACHABLE);
      assertThat(s.getUnreachableTime().getNanoseconds()).isEqualTo(START.toEpochMilli() * 1_000_000L);
    });

    // The removal timeout still counts from when the agent became unreachable.
    advance(newTimers, REMOVAL.minus(Duration.ofMinutes(30)).minusSeconds(1));
    assertThat(next.unreachableAgents()).containsOnlyKeys(agentId);
    advance(newTimers, Duration.ofSeconds(1));
    assertThat(next.removedAgents()).containsExactly(agentId);
    assertThat(next.registerAgent(register(agentId), new RecordingSink<>("late"))).isNull();
  }
}
