package io.mezzo.master;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.state.ClusterState;
import io.mezzo.master.state.EventSink;
import io.mezzo.master.state.StateOwner;
import io.mezzo.master.state.Timers;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.v1.Protos.MasterInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The preload decodes real messages of each kind, every round, and registers agents with states of
 * its own, which log nothing; it touches nothing else.
 */
class LeaderPreloadTest {
  @Test
  void everyRoundDecodesEachKindOfFirstCall() {
    assertThat(LeaderPreload.run()).isEqualTo(4 * LeaderPreload.ROUNDS);
  }

  @Test
  void theRegistrationIsOneAnAgentSendsAfterAFailover() {
    AgentCall call = Codec.PROTOBUF.decode(Codec.PROTOBUF.encode(LeaderPreload.registerCall()),
        AgentCall.getDefaultInstance());

    assertThat(call.getType()).isEqualTo(AgentCall.Type.REGISTER);
    assertThat(call.getRegister().getAgentInfo().hasId()).as("re-registers with its id").isTrue();
    assertThat(call.getRegister().getTasksList()).hasSize(10)
        .allSatisfy(task -> assertThat(task.getTask().getResourcesCount()).isEqualTo(2));
  }

  @Test
  void theRegistrationsTasksAndFrameworksComeInTheShapesRealOnesHave() {
    var tasks = LeaderPreload.registerCall().getRegister().getTasksList();

    assertThat(tasks).anySatisfy(t -> assertThat(t.getTask().hasContainer()).isTrue())
        .anySatisfy(t -> assertThat(t.getTask().hasLabels() && t.getTask().hasKillPolicy()).isTrue())
        .anySatisfy(t -> assertThat(t.getTask().hasContainer() || t.getTask().hasLabels()).isFalse());
    assertThat(tasks).allSatisfy(t -> assertThat(t.getFrameworkInfo().hasId()).isTrue())
        .anySatisfy(t -> assertThat(t.getFrameworkInfo().getCapabilitiesCount()).isEqualTo(3))
        .anySatisfy(t -> assertThat(t.getFrameworkInfo().getCapabilitiesCount()).isZero());
  }

  @Test
  void itRegistersAgentsWithTheirTasksWithStatesOfItsOwnThatLogNothing() {
    List<ClusterState> states = new ArrayList<>();
    List<Long> rests = new ArrayList<>();
    ListAppender<ILoggingEvent> captured = capture();
    int accepted;
    try {
      accepted = LeaderPreload.register(keptIn(states), 25, 10, rests::add);
    } finally {
      release(captured);
    }

    assertThat(accepted).isEqualTo(25);
    assertThat(states).hasSize(3);
    assertThat(states.get(0).getAgents().getAgentsCount()).isEqualTo(10);
    assertThat(states.get(2).getAgents().getAgentsCount()).isEqualTo(5);
    assertThat(states.get(0).getTasks().getTasksCount()).as("each agent's ten tasks").isEqualTo(100);
    assertThat(states.get(0).getTasks().getTasksList()).as("tasks named after their ids, and others")
        .anySatisfy(t -> assertThat(t.getName()).isEqualTo(t.getTaskId().getValue()))
        .anySatisfy(t -> assertThat(t.getName()).isNotEqualTo(t.getTaskId().getValue()));
    assertThat(states.get(0).getAgents().getAgentsList()).extracting(a -> a.getAgentInfo().getId().getValue())
        .doesNotHaveDuplicates();
    assertThat(captured.list).as("what the preload's states logged").isEmpty();
    assertThat(rests).as("a rest after each state, as long as the state took").hasSize(3).allMatch(nanos -> nanos > 0);
  }

  @Test
  void anInterruptedPreloadStops() {
    List<ClusterState> states = new ArrayList<>();
    Thread.currentThread().interrupt();
    int accepted;
    try {
      accepted = LeaderPreload.register(keptIn(states), 25, 10, nanos -> { });
    } finally {
      Thread.interrupted();
    }

    assertThat(accepted).isZero();
    assertThat(states).isEmpty();
  }

  @Test
  void aStateThatWasNotSilencedLogsItsRegistrations() {
    ListAppender<ILoggingEvent> captured = capture();
    try {
      ClusterState state = newState();
      state.registerAgent(LeaderPreload.registerCall().getRegister(), new EventSink<AgentEvent>() {
        @Override
        public String streamId() {
          return "s";
        }

        @Override
        public void send(AgentEvent event) {}

        @Override
        public void close() {}
      });
    } finally {
      release(captured);
    }

    assertThat(captured.list).extracting(ILoggingEvent::getFormattedMessage)
        .anyMatch(line -> line.contains("preload-S0") && line.contains("registered"));
  }

  /** New states, each kept in {@code states} as it is built. */
  private static java.util.function.Supplier<ClusterState> keptIn(List<ClusterState> states) {
    return () -> {
      ClusterState state = newState();
      states.add(state);
      return state;
    };
  }

  private static ClusterState newState() {
    return new ClusterState(MasterInfo.newBuilder().setId("preload-test").setIp(0).setPort(5050).build(),
        new DrfAllocator(new Random(1)), Clock.systemUTC(), Timers.NEVER, StateOwner.currentThread(), Duration.ofMinutes(10), null);
  }

  private static ListAppender<ILoggingEvent> capture() {
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    ((Logger) LoggerFactory.getLogger(ClusterState.class)).addAppender(captured);
    return captured;
  }

  private static void release(ListAppender<ILoggingEvent> captured) {
    ((Logger) LoggerFactory.getLogger(ClusterState.class)).detachAppender(captured);
  }
}
