package io.mezzo.master.webui;

import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.Address;
import io.mezzo.v1.Protos.Attribute;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Task;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.Protos.Value;
import io.mezzo.v1.master.Protos.Event;
import io.mezzo.v1.master.Protos.Event.OfferEvent;
import io.mezzo.v1.master.Protos.Response;
import java.util.List;
import java.util.function.Consumer;

/** The messages the UI's tests feed it: built with the protocol's own classes, so the JSON is the master's. */
final class UiFixtures {
  private UiFixtures() {}

  static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  static List<Resource> resources(double cpus, double mem) {
    return List.of(scalar("cpus", cpus), scalar("mem", mem));
  }

  static Response.GetAgents.Agent agent(String id, String hostname, int port, double cpus, double mem) {
    return Response.GetAgents.Agent.newBuilder()
        .setAgentInfo(AgentInfo.newBuilder().setHostname(hostname).setPort(port).setId(AgentID.newBuilder().setValue(id))
            .addAllResources(resources(cpus, mem))
            .addAttributes(Attribute.newBuilder().setName("rack").setType(Value.Type.TEXT)
                .setText(Value.Text.newBuilder().setValue("r1"))))
        .setActive(true).setVersion("0.1.0").addAllTotalResources(resources(cpus, mem)).build();
  }

  static Response.GetFrameworks.Framework framework(String id, String name, String role, Offer... offers) {
    return Response.GetFrameworks.Framework.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("root").setName(name)
            .setId(FrameworkID.newBuilder().setValue(id)).addRoles(role))
        .setActive(true).setConnected(true).setRecovered(false).addAllOffers(List.of(offers)).build();
  }

  static Offer offer(String id, String frameworkId, String agentId, double cpus, double mem) {
    return Offer.newBuilder().setId(OfferID.newBuilder().setValue(id))
        .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId)).setAgentId(AgentID.newBuilder().setValue(agentId))
        .setHostname("127.0.0.1").addAllResources(resources(cpus, mem)).build();
  }

  static TaskStatus status(String taskId, String agentId, TaskState state, double timestamp, String message) {
    TaskStatus.Builder status = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId)).setState(state)
        .setAgentId(AgentID.newBuilder().setValue(agentId)).setTimestamp(timestamp)
        .setSource(TaskStatus.Source.SOURCE_EXECUTOR);
    if (message != null) {
      status.setMessage(message);
    }
    return status.build();
  }

  static Task task(String id, String frameworkId, String agentId, TaskState state, double startedAt) {
    Task.Builder task = Task.newBuilder().setName("task " + id).setTaskId(TaskID.newBuilder().setValue(id))
        .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId)).setAgentId(AgentID.newBuilder().setValue(agentId))
        .setState(state).addAllResources(resources(0.5, 64));
    task.addStatuses(status(id, agentId, TaskState.TASK_STARTING, startedAt, null));
    if (state != TaskState.TASK_STARTING) {
      task.addStatuses(status(id, agentId, state, startedAt + 1, "command started"));
    }
    return task.build();
  }

  static Event offerEvent(OfferEvent.Type type, String offerId, String frameworkId, String agentId, String role,
      double timestamp, Consumer<OfferEvent.Builder> more) {
    OfferEvent.Builder event = OfferEvent.newBuilder().setType(type).setOfferId(OfferID.newBuilder().setValue(offerId))
        .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId)).setAgentId(AgentID.newBuilder().setValue(agentId))
        .setRole(role).setTimestamp(timestamp);
    more.accept(event);
    return Event.newBuilder().setOfferEvent(event).build();
  }

  static Event created(String offerId, String frameworkId, String agentId, String role, double timestamp) {
    return offerEvent(OfferEvent.Type.OFFER_CREATED, offerId, frameworkId, agentId, role, timestamp,
        e -> e.addAllResources(resources(2, 1024)));
  }

  static Event accepted(String offerId, String frameworkId, String agentId, String role, double timestamp,
      String taskId) {
    return offerEvent(OfferEvent.Type.OFFER_ACCEPTED, offerId, frameworkId, agentId, role, timestamp,
        e -> e.addTaskIds(TaskID.newBuilder().setValue(taskId)).setHeldSeconds(1.5));
  }

  static Event declined(String offerId, String frameworkId, String agentId, String role, double timestamp,
      boolean filterGiven) {
    return offerEvent(OfferEvent.Type.OFFER_DECLINED, offerId, frameworkId, agentId, role, timestamp,
        e -> e.setRefuseSeconds(filterGiven ? 30 : 5).setFiltersGiven(filterGiven).setHeldSeconds(0.5));
  }

  static Event rescinded(String offerId, String frameworkId, String agentId, String role, double timestamp) {
    return offerEvent(OfferEvent.Type.OFFER_RESCINDED, offerId, frameworkId, agentId, role, timestamp,
        e -> e.setReason(OfferEvent.RescindReason.AGENT_DISCONNECTED).setMessage("the agent's connection closed")
            .setHeldSeconds(3));
  }

  static Event taskAdded(Task task) {
    return Event.newBuilder().setType(Event.Type.TASK_ADDED).setTaskAdded(Event.TaskAdded.newBuilder().setTask(task))
        .build();
  }

  static Event taskUpdated(String frameworkId, TaskStatus status) {
    return Event.newBuilder().setType(Event.Type.TASK_UPDATED).setTaskUpdated(Event.TaskUpdated.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId)).setStatus(status).setState(status.getState()))
        .build();
  }

  static Event agentAdded(Response.GetAgents.Agent agent) {
    return Event.newBuilder().setType(Event.Type.AGENT_ADDED).setAgentAdded(Event.AgentAdded.newBuilder()
        .setAgent(agent)).build();
  }

  static Response.GetMaster master(int port) {
    double now = System.currentTimeMillis() / 1000.0;
    return Response.GetMaster.newBuilder().setMasterInfo(MasterInfo.newBuilder().setId("master-1").setIp(0)
        .setPort(port).setHostname("localhost").setVersion("0.1.0-test")
        .setAddress(Address.newBuilder().setHostname("localhost").setIp("127.0.0.1").setPort(port)))
        .setStartTime(now - 3725).setElectedTime(now - 3600).build();
  }
}
