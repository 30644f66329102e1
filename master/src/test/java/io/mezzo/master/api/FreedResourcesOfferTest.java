package io.mezzo.master.api;

import static io.mezzo.master.api.MasterFixture.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.protocol.Codec;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Resources that free up are offered without waiting for the periodic round: with an allocation
 * interval of an hour, the only rounds this test can see are those the master runs over agents
 * whose resources just freed (an agent registering, a task ending).
 */
class FreedResourcesOfferTest {
  @Test
  void anAgentThatRegistersAndATaskThatEndsAreOfferedAtOnceNotAtTheNextPeriodicRound() throws Exception {
    try (MasterFixture fixture = new MasterFixture(config -> config.allocationInterval(Duration.ofHours(1)));
        EventStream<Event> scheduler = fixture.subscribeStream(MasterFixture.subscribe(), Codec.PROTOBUF)) {
      FrameworkID frameworkId = scheduler.next(e -> e.getType() == Event.Type.SUBSCRIBED).getSubscribed()
          .getFrameworkId();
      try (FakeAgent agent = fixture.registerAgent(scalar("cpus", 2), scalar("mem", 1024))) {
        Offer offer = scheduler.next(e -> e.getType() == Event.Type.OFFERS).getOffers().getOffers(0);
        assertThat(offer.getAgentId().getValue()).isEqualTo(agent.id());

        // One task takes the whole agent.
        Call accept = Call.newBuilder().setType(Call.Type.ACCEPT).setFrameworkId(frameworkId)
            .setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
                .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                    .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(TaskInfo.newBuilder().setName("t")
                        .setTaskId(TaskID.newBuilder().setValue("t")).setAgentId(offer.getAgentId())
                        .setCommand(CommandInfo.newBuilder().setValue("true"))
                        .addResources(scalar("cpus", 2)).addResources(scalar("mem", 1024))))))
            .build();
        assertThat(fixture.call(accept, scheduler).statusCode()).isEqualTo(202);
        assertThat(agent.call(agent.statusUpdate(frameworkId, "t", TaskState.TASK_RUNNING)).statusCode())
            .isEqualTo(202);
        assertThat(agent.call(agent.statusUpdate(frameworkId, "t", TaskState.TASK_FINISHED)).statusCode())
            .isEqualTo(202);

        Event again = scheduler.next(e -> e.getType() == Event.Type.OFFERS);
        assertThat(again.getOffers().getOffers(0).getAgentId().getValue()).isEqualTo(agent.id());
        assertThat(again.getOffers().getOffers(0).getResourcesList()).filteredOn(r -> r.getName().equals("cpus"))
            .extracting(r -> r.getScalar().getValue()).containsExactly(2.0);
      }
    }
  }
}
