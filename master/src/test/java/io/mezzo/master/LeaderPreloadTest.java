package io.mezzo.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.protocol.Codec;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import org.junit.jupiter.api.Test;

/** The preload decodes real messages of each kind, every round, and touches nothing else. */
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
  void eachRegistrationsTasksAreCompactedAsARecordWouldBe() {
    AgentCall.Register register = LeaderPreload.registerCall().getRegister();

    assertThat(io.mezzo.master.state.ClusterState.preloadRegistration(register)).isEqualTo(10);
  }
}
