package io.mezzo.master.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.state.ClusterStateTest.ManualTimers;
import io.mezzo.master.state.ClusterStateTest.RecordingSink;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.testkit.ManualClock;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Value;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A framework whose event stream is backlogged (its reader far behind) is offered nothing: the
 * resources go to the other frameworks, and come back to it once it has caught up.
 */
class BackloggedStreamOffersTest {
  private final ManualClock clock = new ManualClock();
  private final ClusterState state = new ClusterState(MasterInfo.newBuilder().setId("m").setIp(0).setPort(5050)
      .build(), new DrfAllocator(new Random(1)), clock, new ManualTimers(), StateOwner.currentThread(),
      Duration.ofMinutes(10), null);

  private static List<Offer> offers(RecordingSink<Event> stream) {
    return stream.events.stream().filter(e -> e.getType() == Event.Type.OFFERS)
        .flatMap(e -> e.getOffers().getOffersList().stream()).toList();
  }

  private RecordingSink<Event> subscribe(String name) {
    RecordingSink<Event> stream = new RecordingSink<>("stream-" + name);
    state.subscribe(Call.Subscribe.newBuilder().setFrameworkInfo(FrameworkInfo.newBuilder().setUser("u").setName(name))
        .build(), stream);
    return stream;
  }

  private void registerAgent(String hostname) {
    state.registerAgent(AgentCall.Register.newBuilder().setAgentInfo(AgentInfo.newBuilder().setHostname(hostname)
        .setPort(5051).addResources(Resource.newBuilder().setName("cpus").setType(Value.Type.SCALAR)
            .setScalar(Value.Scalar.newBuilder().setValue(4)))).build(), new RecordingSink<AgentEvent>("a-" + hostname));
  }

  @Test
  void aBackloggedFrameworkIsOfferedNothingAndItsShareGoesToOthersUntilItHasCaughtUp() {
    RecordingSink<Event> behind = subscribe("behind");
    behind.ready = false;
    registerAgent("h1");
    registerAgent("h2");

    state.allocate();
    assertThat(offers(behind)).as("offers to a backlogged stream").isEmpty();

    RecordingSink<Event> other = subscribe("other");
    state.allocate();
    assertThat(offers(other)).as("what the backlogged framework was not sent, another is offered")
        .extracting(o -> o.getHostname()).containsExactlyInAnyOrder("h1", "h2");
    assertThat(offers(behind)).isEmpty();
  }

  @Test
  void oneThatHasCaughtUpIsOfferedAgainOnceTheShortFilterHasPassed() {
    RecordingSink<Event> behind = subscribe("behind");
    behind.ready = false;
    registerAgent("h1");
    state.allocate();
    assertThat(offers(behind)).isEmpty();

    behind.ready = true;
    state.allocate();
    assertThat(offers(behind)).as("still within the filter").isEmpty();

    clock.advance(Duration.ofMillis((long) (OfferCycle.BACKLOGGED_FILTER_SECONDS * 1000) + 1));
    state.allocate();
    assertThat(offers(behind)).extracting(o -> o.getHostname()).containsExactly("h1");
  }
}
