package io.mezzo.master.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.state.ClusterStateTest.ManualTimers;
import io.mezzo.master.state.ClusterStateTest.RecordingSink;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.protocol.internal.AgentChannel.RunningTask;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.Value;
import io.mezzo.v1.master.Protos.Event;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the state tells its observers, with in-process fakes: the paths the HTTP tests do not reach. */
class ClusterObserverTest {
  private final ManualTimers timers = new ManualTimers();
  private final List<Event> first = new ArrayList<>();
  private final List<Event> second = new ArrayList<>();
  private ClusterState state;

  @BeforeEach
  void setUp() {
    state = new ClusterState(MasterInfo.newBuilder().setId("m").setIp(0).setPort(5050).setVersion("1.11.0").build(),
        new DrfAllocator(new Random(1)), Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), timers,
        StateOwner.currentThread(), Duration.ofMinutes(10), null);
    state.observe(first::add);
    state.observe(second::add);
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  /** An agent registering after a master failover with a running task of a framework this master never saw. */
  private String registerWithTask(RecordingSink<AgentEvent> stream) {
    return state.registerAgent(AgentCall.Register.newBuilder()
        .setAgentInfo(AgentInfo.newBuilder().setHostname("h1").setPort(5051).addResources(scalar("cpus", 2)))
        .addTasks(RunningTask.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue("f1"))
            .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("u").setName("old"))
            .setState(TaskState.TASK_RUNNING)
            .setTask(TaskInfo.newBuilder().setName("t").setTaskId(TaskID.newBuilder().setValue("t1"))
                .setAgentId(io.mezzo.v1.Protos.AgentID.newBuilder().setValue("x")).addResources(scalar("cpus", 1))))
        .build(), stream);
  }

  @Test
  void adoptedTasksAndAnAgentThatDoesNotComeBackAreToldToEveryObserverInOrder() {
    RecordingSink<AgentEvent> stream = new RecordingSink<>("s1");
    String agentId = registerWithTask(stream);
    state.agentDisconnected(agentId, "s1");
    timers.advance(Duration.ofMinutes(10));

    assertThat(first).extracting(Event::getType).containsExactly(Event.Type.AGENT_ADDED, Event.Type.FRAMEWORK_ADDED,
        Event.Type.TASK_ADDED, Event.Type.TASK_UPDATED, Event.Type.AGENT_REMOVED);
    assertThat(second).isEqualTo(first);
    assertThat(first.get(1).getFrameworkAdded().getFramework().getRecovered()).isTrue();
    assertThat(first.get(1).getFrameworkAdded().getFramework().getConnected()).isFalse();
    assertThat(first.get(2).getTaskAdded().getTask().getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(first.get(3).getTaskUpdated().getState()).isEqualTo(TaskState.TASK_LOST);
    assertThat(first.get(4).getAgentRemoved().getAgentId().getValue()).isEqualTo(agentId);
    assertThat(state.getAgents().getAgentsList()).isEmpty();
    assertThat(state.getTasks().getTasksList()).isEmpty();
  }

  @Test
  void aRecoveredFrameworkThatSubscribesIsUpdatedAndNoLongerRecovered() {
    registerWithTask(new RecordingSink<>("s1"));
    state.subscribe(io.mezzo.v1.scheduler.Protos.Call.Subscribe.newBuilder().setFrameworkInfo(FrameworkInfo
        .newBuilder().setUser("u").setName("old").setId(FrameworkID.newBuilder().setValue("f1"))).build(),
        new RecordingSink<>("f"));

    Event updated = first.get(first.size() - 1);
    assertThat(updated.getType()).isEqualTo(Event.Type.FRAMEWORK_UPDATED);
    assertThat(updated.getFrameworkUpdated().getFramework().getRecovered()).isFalse();
    assertThat(updated.getFrameworkUpdated().getFramework().getConnected()).isTrue();
    assertThat(state.getFrameworks().getFrameworks(0).getRecovered()).isFalse();
  }

  @Test
  void anUpdateTheAgentSendsAgainIsToldOnce() {
    String agentId = registerWithTask(new RecordingSink<>("s1"));
    io.mezzo.protocol.internal.AgentChannel.StatusUpdate update = io.mezzo.protocol.internal.AgentChannel.StatusUpdate
        .newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue("f1"))
        .setStatus(io.mezzo.v1.Protos.TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t1"))
            .setState(TaskState.TASK_FINISHED).setUuid(com.google.protobuf.ByteString.copyFromUtf8("u1")))
        .build();
    state.statusUpdate(agentId, update);
    state.statusUpdate(agentId, update);

    assertThat(first).filteredOn(e -> e.getType() == Event.Type.TASK_UPDATED).singleElement()
        .satisfies(e -> assertThat(e.getTaskUpdated().getState()).isEqualTo(TaskState.TASK_FINISHED));
  }

  /** An observer that hears state events only while {@link #hearing}, and records what it is told. */
  private static final class Deafened implements ClusterObserver {
    final List<Event> told = new ArrayList<>();
    boolean hearing;

    @Override
    public void applied(Event event) {
      told.add(event);
    }

    @Override
    public boolean hearsStateEvents() {
      return hearing;
    }
  }

  private ClusterState freshState() {
    return new ClusterState(MasterInfo.newBuilder().setId("m").setIp(0).setPort(5050).setVersion("1.11.0").build(),
        new DrfAllocator(new Random(1)), Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), timers,
        StateOwner.currentThread(), Duration.ofMinutes(10), null);
  }

  @Test
  void stateEventsAreNotBuiltWhileNoObserverHearsThemAndAreOnceOneDoes() {
    state = freshState();
    Deafened deaf = new Deafened();
    state.observe(deaf);
    RecordingSink<AgentEvent> stream = new RecordingSink<>("s1");

    String agentId = registerWithTask(stream);
    assertThat(deaf.told).isEmpty();

    deaf.hearing = true;
    state.agentDisconnected(agentId, "s1");
    timers.advance(Duration.ofMinutes(10));
    assertThat(deaf.told).extracting(Event::getType).containsExactly(Event.Type.TASK_UPDATED, Event.Type.AGENT_REMOVED);
  }

  @Test
  void stateEventsAreBuiltWhenAnyOfSeveralObserversHearsThemAndToldToEach() {
    state = freshState();
    Deafened deaf = new Deafened();
    Deafened listening = new Deafened();
    listening.hearing = true;
    state.observe(deaf);
    state.observe(listening);

    registerWithTask(new RecordingSink<>("s1"));

    assertThat(listening.told).extracting(Event::getType)
        .containsExactly(Event.Type.AGENT_ADDED, Event.Type.FRAMEWORK_ADDED, Event.Type.TASK_ADDED);
    assertThat(deaf.told).isEqualTo(listening.told);
  }

  @Test
  void offerEventsAreToldToAnObserverThatHearsNoStateEvents() {
    state = freshState();
    Deafened deaf = new Deafened();
    state.observe(deaf);
    state.subscribe(io.mezzo.v1.scheduler.Protos.Call.Subscribe.newBuilder().setFrameworkInfo(FrameworkInfo
        .newBuilder().setUser("u").setName("fresh")).build(), new RecordingSink<>("f"));
    state.registerAgent(AgentCall.Register.newBuilder()
        .setAgentInfo(AgentInfo.newBuilder().setHostname("h2").setPort(5051).addResources(scalar("cpus", 2)))
        .build(), new RecordingSink<>("s2"));
    state.allocate();

    assertThat(deaf.told).isNotEmpty().allSatisfy(event -> assertThat(event.hasOfferEvent()).isTrue());
    assertThat(state.recentOfferEvents()).isEqualTo(deaf.told);
  }
}
