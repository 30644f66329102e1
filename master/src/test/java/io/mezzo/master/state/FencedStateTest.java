package io.mezzo.master.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.spi.LeaderFence;
import io.mezzo.master.state.ClusterStateTest.ManualTimers;
import io.mezzo.master.state.ClusterStateTest.RecordingSink;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.Value;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The guard where offers and launches leave the leader: once the term's fence breaks (on the
 * election's thread, before the master's context drops this state), nothing more goes out.
 */
class FencedStateTest {
  private final LeaderFence fence = new LeaderFence("/mezzo/leader-latch/latch-0000000000", why -> { });
  private ClusterState state;
  private RecordingSink<AgentEvent> agent;
  private RecordingSink<Event> framework;
  private String frameworkId;

  @BeforeEach
  void setUp() {
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    state = new ClusterState(MasterInfo.newBuilder().setId("fenced").setIp(0).setPort(5050).build(),
        new DrfAllocator(new Random(1)), clock, new ManualTimers(), StateOwner.currentThread(), Duration.ofMinutes(10),
        null);
    state.fencedBy(fence::holds);
    agent = new RecordingSink<>("agent-stream");
    state.registerAgent(AgentCall.Register.newBuilder().setAgentInfo(AgentInfo.newBuilder().setHostname("h1")
        .setPort(5051).addResources(scalar("cpus", 2)).addResources(scalar("mem", 1024))).build(), agent);
    framework = new RecordingSink<>("framework-stream");
    frameworkId = state.subscribe(Call.Subscribe.newBuilder().setFrameworkInfo(FrameworkInfo.newBuilder().setUser("u")
        .setName("f")).build(), framework);
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  private long offersSent() {
    return framework.events.stream().filter(e -> e.getType() == Event.Type.OFFERS).count();
  }

  private long launchesSent() {
    return agent.events.stream().filter(e -> e.getType() == AgentEvent.Type.RUN_TASK).count();
  }

  private Call.Accept launch(Offer offer, String taskId) {
    return Call.Accept.newBuilder().addOfferIds(offer.getId()).addOperations(Offer.Operation.newBuilder()
        .setType(Offer.Operation.Type.LAUNCH).setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(
            TaskInfo.newBuilder().setName(taskId).setTaskId(TaskID.newBuilder().setValue(taskId))
                .setAgentId(offer.getAgentId()).addResources(scalar("cpus", 0.5)).addResources(scalar("mem", 64))
                .setCommand(CommandInfo.newBuilder().setValue("sleep 1000")))))
        .build();
  }

  @Test
  void whileTheFenceHoldsOffersAndLaunchesGoOut() {
    state.allocate();
    assertThat(offersSent()).isEqualTo(1);
    // What the other test relies on: declined without a filter, the resources are offered again.
    state.decline(frameworkId, declineWithoutFilter(lastOffer()));
    state.allocate();
    assertThat(offersSent()).isEqualTo(2);
    state.accept(frameworkId, launch(lastOffer(), "t1"));
    assertThat(launchesSent()).isEqualTo(1);
  }

  private Offer lastOffer() {
    return framework.events.stream().filter(e -> e.getType() == Event.Type.OFFERS).reduce((a, b) -> b).orElseThrow()
        .getOffers().getOffers(0);
  }

  private static Call.Decline declineWithoutFilter(Offer offer) {
    return Call.Decline.newBuilder().addOfferIds(offer.getId())
        .setFilters(io.mezzo.v1.Protos.Filters.newBuilder().setRefuseSeconds(0)).build();
  }

  @Test
  void aMasterWhoseFenceBrokeSendsNoOfferAndLaunchesNothing() {
    state.allocate();
    Offer offer = framework.events.stream().filter(e -> e.getType() == Event.Type.OFFERS).findFirst().orElseThrow()
        .getOffers().getOffers(0);
    fence.breakFence("the ZooKeeper connection is SUSPENDED");

    assertThatThrownBy(() -> state.accept(frameworkId, launch(offer, "t1")))
        .isInstanceOfSatisfying(CallRejected.class, e -> assertThat(e.status()).isEqualTo(503))
        .hasMessageContaining("no longer the leader");
    state.decline(frameworkId, declineWithoutFilter(offer));
    state.allocate();
    state.allocate();

    assertThat(launchesSent()).isZero();
    assertThat(offersSent()).as("only the offer made before the fence broke").isEqualTo(1);
  }
}
