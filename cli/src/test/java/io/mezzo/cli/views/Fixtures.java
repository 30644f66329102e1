package io.mezzo.cli.views;

import io.mezzo.sdk.Resources;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Task;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.master.Protos.Event;
import io.mezzo.v1.master.Protos.Response;
import io.mezzo.v1.master.Protos.Response.GetAgents;
import io.mezzo.v1.master.Protos.Response.GetFrameworks;
import io.mezzo.v1.master.Protos.Response.GetTasks;
import java.util.List;

/**
 * One small cluster as the operator API shows it: agent a1 (4 cpus, 8192 MB) runs task t1 of
 * framework f1 (role eng) and has offer O-1 out to it; agent a2 (2 cpus, 1 of them reserved for
 * eng) is idle; task t0 finished.
 */
final class Fixtures {
  private Fixtures() {}

  /** @param agentPort where a1 answers: its pid names it (the views reach an agent through its pid) */
  static GetAgents agents(int agentPort) {
    return GetAgents.newBuilder()
        .addAgents(GetAgents.Agent.newBuilder()
            .setAgentInfo(AgentInfo.newBuilder().setId(agentId("a1")).setHostname("host-1").setPort(5051))
            .setActive(true).setVersion("1.11.0").setPid("slave(1)@127.0.0.1:" + agentPort)
            .addAllTotalResources(List.of(Resources.cpus(4), Resources.mem(8192), Resources.disk(10000)))
            .addAllAllocatedResources(List.of(allocated(Resources.cpus(1)), allocated(Resources.mem(512))))
            .addAllOfferedResources(List.of(allocated(Resources.cpus(2)), allocated(Resources.mem(1024)))))
        .addAgents(GetAgents.Agent.newBuilder()
            .setAgentInfo(AgentInfo.newBuilder().setId(agentId("a2")).setHostname("host-2").setPort(5051))
            .setActive(true).setVersion("1.11.0")
            .addAllTotalResources(List.of(Resources.cpus(1), reserved(Resources.cpus(1)), Resources.mem(4096))))
        .build();
  }

  static GetFrameworks frameworks() {
    return GetFrameworks.newBuilder().addFrameworks(GetFrameworks.Framework.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setId(FrameworkID.newBuilder().setValue("f1")).setUser("u")
            .setName("spark").addRoles("eng"))
        .setActive(true).setConnected(true).setRecovered(false)
        .addOffers(offer("O-1", "a1", 2, 1024))
        .addAllAllocatedResources(List.of(allocated(Resources.cpus(1)), allocated(Resources.mem(512))))
        .addAllOfferedResources(List.of(allocated(Resources.cpus(2)), allocated(Resources.mem(1024)))))
        .build();
  }

  static GetTasks tasks(TaskState t1State) {
    Task t1 = task("t1", "a1", t1State, 1, 512);
    GetTasks.Builder tasks = GetTasks.newBuilder().addCompletedTasks(task("t0", "a1", TaskState.TASK_FINISHED, 0.5, 128));
    return (t1State == TaskState.TASK_RUNNING ? tasks.addTasks(t1) : tasks.addCompletedTasks(t1)).build();
  }

  static Response.GetState state(int agentPort) {
    return Response.GetState.newBuilder().setGetAgents(agents(agentPort)).setGetFrameworks(frameworks())
        .setGetTasks(tasks(TaskState.TASK_RUNNING)).build();
  }

  static Response response(GetAgents agents) {
    return Response.newBuilder().setType(Response.Type.GET_AGENTS).setGetAgents(agents).build();
  }

  static Response response(GetFrameworks frameworks) {
    return Response.newBuilder().setType(Response.Type.GET_FRAMEWORKS).setGetFrameworks(frameworks).build();
  }

  static Response response(GetTasks tasks) {
    return Response.newBuilder().setType(Response.Type.GET_TASKS).setGetTasks(tasks).build();
  }

  static Task task(String id, String agent, TaskState state, double cpus, double mem) {
    return Task.newBuilder().setName("task-" + id).setTaskId(TaskID.newBuilder().setValue(id))
        .setFrameworkId(FrameworkID.newBuilder().setValue("f1")).setAgentId(agentId(agent)).setState(state)
        .addResources(allocated(Resources.cpus(cpus))).addResources(allocated(Resources.mem(mem))).build();
  }

  static Offer offer(String id, String agent, double cpus, double mem) {
    return Offer.newBuilder().setId(OfferID.newBuilder().setValue(id))
        .setFrameworkId(FrameworkID.newBuilder().setValue("f1")).setAgentId(agentId(agent)).setHostname("host-1")
        .setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole("eng"))
        .addResources(allocated(Resources.cpus(cpus))).addResources(allocated(Resources.mem(mem))).build();
  }

  static Event offerEvent(Event.OfferEvent.Type type, String offerId, String agent, double cpus, double mem) {
    Event.OfferEvent.Builder o = Event.OfferEvent.newBuilder().setType(type).setOfferId(OfferID.newBuilder().setValue(offerId))
        .setFrameworkId(FrameworkID.newBuilder().setValue("f1")).setAgentId(agentId(agent)).setRole("eng")
        .setTimestamp(1_790_000_000);
    if (type == Event.OfferEvent.Type.OFFER_CREATED) {
      o.addResources(allocated(Resources.cpus(cpus))).addResources(allocated(Resources.mem(mem)));
    } else {
      o.setHeldSeconds(2.5);
    }
    if (type == Event.OfferEvent.Type.OFFER_DECLINED) {
      o.setRefuseSeconds(5).setFiltersGiven(true);
    }
    return Event.newBuilder().setOfferEvent(o).build();
  }

  static Event taskAdded(Task task) {
    return Event.newBuilder().setType(Event.Type.TASK_ADDED)
        .setTaskAdded(Event.TaskAdded.newBuilder().setTask(task)).build();
  }

  static Event taskUpdated(String id, TaskState state, String message) {
    return Event.newBuilder().setType(Event.Type.TASK_UPDATED).setTaskUpdated(Event.TaskUpdated.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue("f1")).setState(state)
        .setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setState(state)
            .setMessage(message))).build();
  }

  static AgentID agentId(String id) {
    return AgentID.newBuilder().setValue(id).build();
  }

  private static Resource allocated(Resource r) {
    return r.toBuilder().setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole("eng")).build();
  }

  private static Resource reserved(Resource r) {
    return r.toBuilder().addReservations(Resource.ReservationInfo.newBuilder()
        .setType(Resource.ReservationInfo.Type.STATIC).setRole("eng")).build();
  }
}
