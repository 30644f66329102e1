package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.Value;
import io.mezzo.v1.scheduler.Protos.Call;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** ACCEPT calls whose resources are no quantity are refused before any state is looked at. */
class CallValidationTest {
  @Test
  void scalarsThatAreNotFiniteOrAreNegativeAreRefusedNamingTheResource() {
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1.0}) {
      Optional<String> refused = CallValidation.validate(accept(Offer.Operation.newBuilder()
          .setType(Offer.Operation.Type.LAUNCH).setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task(
              scalar("mem", 32), scalar("cpus", bad))))));
      assertThat(refused).as("cpus %s", bad).hasValue("accept.operations[0].launch.task_infos[0].resources[1]"
          + " ('cpus'): a scalar must be a finite number of at least 0, got " + bad);
    }
  }

  @Test
  void aBackwardsOrNegativeRangeAndABadReservationAreRefusedToo() {
    Resource backwards = Resource.newBuilder().setName("ports").setType(Value.Type.RANGES).setRanges(
        Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(31005).setEnd(31000))).build();
    assertThat(CallValidation.validate(accept(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
        .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task(backwards))))))
        .hasValue("accept.operations[0].launch.task_infos[0].resources[0] ('ports'): a range must run from 0 or more"
            + " up to its end, got [31005-31000]");
    assertThat(CallValidation.validate(accept(Offer.Operation.newBuilder().setType(Offer.Operation.Type.RESERVE)
        .setReserve(Offer.Operation.Reserve.newBuilder().addResources(scalar("disk", Double.NaN))))))
        .hasValue("accept.operations[0].reserve.resources[0] ('disk'): a scalar must be a finite number of at"
            + " least 0, got NaN");
  }

  @Test
  void largeButFiniteAndZeroQuantitiesPassHereAndAreLeftToTheState() {
    assertThat(CallValidation.validate(accept(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
        .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task(scalar("cpus", 1e300), scalar("gpus", 0)))))))
        .isEmpty();
  }

  private static Call accept(Offer.Operation.Builder operation) {
    return Call.newBuilder().setType(Call.Type.ACCEPT).setFrameworkId(FrameworkID.newBuilder().setValue("f"))
        .setAccept(Call.Accept.newBuilder().addOfferIds(OfferID.newBuilder().setValue("o")).addOperations(operation))
        .build();
  }

  private static TaskInfo task(Resource... resources) {
    return TaskInfo.newBuilder().setName("t").setTaskId(TaskID.newBuilder().setValue("t"))
        .setAgentId(AgentID.newBuilder().setValue("a")).setCommand(CommandInfo.newBuilder().setValue("true"))
        .addAllResources(java.util.List.of(resources)).build();
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }
}
