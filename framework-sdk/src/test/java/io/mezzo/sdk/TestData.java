package io.mezzo.sdk;

import com.google.protobuf.ByteString;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.scheduler.Protos.Event;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;

/** Data builders for SDK tests. */
final class TestData {
  private TestData() {}

  static FrameworkInfo frameworkInfo() {
    return FrameworkInfo.newBuilder().setUser("tester").setName("sdk-test").build();
  }

  static FrameworkID frameworkId(String id) {
    return FrameworkID.newBuilder().setValue(id).build();
  }

  static OfferID offerId(String id) {
    return OfferID.newBuilder().setValue(id).build();
  }

  static AgentID agentId(String id) {
    return AgentID.newBuilder().setValue(id).build();
  }

  static TaskID taskId(String id) {
    return TaskID.newBuilder().setValue(id).build();
  }

  static Offer offer(String id, String agent, Resource... resources) {
    return Offer.newBuilder()
        .setId(offerId(id))
        .setFrameworkId(frameworkId("fw-1"))
        .setAgentId(agentId(agent))
        .setHostname(agent + ".example")
        .addAllResources(List.of(resources))
        .build();
  }

  static Event offers(Offer... offers) {
    return Event.newBuilder()
        .setType(Event.Type.OFFERS)
        .setOffers(Event.Offers.newBuilder().addAllOffers(List.of(offers)))
        .build();
  }

  static TaskInfo task(String id, Offer offer) {
    return TaskInfo.newBuilder()
        .setName(id)
        .setTaskId(taskId(id))
        .setAgentId(offer.getAgentId())
        .addResources(Resources.cpus(0.5))
        .addResources(Resources.mem(64))
        .setCommand(CommandInfo.newBuilder().setShell(true).setValue("echo hi"))
        .build();
  }

  static ByteString uuid() {
    UUID uuid = UUID.randomUUID();
    ByteBuffer bytes = ByteBuffer.allocate(16);
    bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
    return ByteString.copyFrom(bytes.array());
  }

  static TaskStatus status(String task, TaskState state, ByteString uuid) {
    TaskStatus.Builder status = TaskStatus.newBuilder()
        .setTaskId(taskId(task))
        .setState(state)
        .setAgentId(agentId("agent-1"));
    if (uuid != null) {
      status.setUuid(uuid);
    }
    return status.build();
  }

  static Event update(TaskStatus status) {
    return Event.newBuilder()
        .setType(Event.Type.UPDATE)
        .setUpdate(Event.Update.newBuilder().setStatus(status))
        .build();
  }

  static Event error(String message) {
    return Event.newBuilder()
        .setType(Event.Type.ERROR)
        .setError(Event.Error.newBuilder().setMessage(message))
        .build();
  }

  static Event heartbeat() {
    return Event.newBuilder().setType(Event.Type.HEARTBEAT).build();
  }
}
