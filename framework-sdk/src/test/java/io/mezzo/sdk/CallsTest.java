package io.mezzo.sdk;

import static io.mezzo.sdk.TestData.agentId;
import static io.mezzo.sdk.TestData.frameworkId;
import static io.mezzo.sdk.TestData.frameworkInfo;
import static io.mezzo.sdk.TestData.offerId;
import static io.mezzo.sdk.TestData.taskId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.protocol.JsonCodec;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.scheduler.Protos.Call;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallsTest {

  @Test
  void aFirstSubscribeHasNoFrameworkId() {
    Call call = Calls.subscribe(frameworkInfo());
    assertThat(call.getType()).isEqualTo(Call.Type.SUBSCRIBE);
    assertThat(call.hasFrameworkId()).isFalse();
    assertThat(call.getSubscribe().getFrameworkInfo().hasId()).isFalse();
  }

  @Test
  void aResubscribeCarriesTheFrameworkIdTwice() {
    Call call = Calls.resubscribe(frameworkInfo(), frameworkId("fw-9"), List.of("web"));
    assertThat(call.getFrameworkId()).isEqualTo(frameworkId("fw-9"));
    assertThat(call.getSubscribe().getFrameworkInfo().getId()).isEqualTo(frameworkId("fw-9"));
    assertThat(call.getSubscribe().getSuppressedRolesList()).containsExactly("web");
    assertThat(Calls.subscribe(frameworkInfo().toBuilder().setId(frameworkId("fw-2")).build()).getFrameworkId())
        .isEqualTo(frameworkId("fw-2"));
  }

  @Test
  void acceptAndDeclinePrintAsMesosJson() {
    Call decline = Calls.decline(frameworkId("fw-1"), List.of(offerId("o-1")), Calls.refuseSeconds(30));
    assertThat(JsonCodec.print(decline)).isEqualTo(
        "{\"framework_id\":{\"value\":\"fw-1\"},\"type\":\"DECLINE\","
            + "\"decline\":{\"offer_ids\":[{\"value\":\"o-1\"}],\"filters\":{\"refuse_seconds\":30.0}}}");
    Call accept = Calls.accept(frameworkId("fw-1"), List.of(offerId("o-1")), List.of(), null);
    assertThat(accept.getAccept().hasFilters()).isFalse();
  }

  @Test
  void acknowledgeNeedsAUuidAndAnAgent() {
    assertThatThrownBy(() -> Calls.acknowledge(frameworkId("fw-1"), TestData.status("t-1", TaskState.TASK_LOST, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no uuid");
    var uuid = TestData.uuid();
    Call ack = Calls.acknowledge(frameworkId("fw-1"), TestData.status("t-1", TaskState.TASK_RUNNING, uuid));
    assertThat(ack.getAcknowledge().getUuid()).isEqualTo(uuid);
    assertThat(ack.getAcknowledge().getAgentId()).isEqualTo(agentId("agent-1"));
    assertThat(ack.getAcknowledge().getTaskId()).isEqualTo(taskId("t-1"));
  }

  @Test
  void reviveAndSuppressWithoutRolesMeanAllRoles() {
    assertThat(Calls.revive(frameworkId("fw-1"), List.of()).hasRevive()).isFalse();
    assertThat(Calls.suppress(frameworkId("fw-1"), List.of()).hasSuppress()).isFalse();
    assertThat(Calls.suppress(frameworkId("fw-1"), List.of("a", "b")).getSuppress().getRolesList()).containsExactly("a", "b");
  }

  @Test
  void refusesNonsenseFilters() {
    assertThatThrownBy(() -> Calls.refuseSeconds(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Calls.refuseSeconds(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }
}
