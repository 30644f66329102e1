package io.mezzo.conformance;

import java.net.http.HttpResponse;
import java.util.List;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * A Mesos v1 framework (principal {@value ClusterAccess#FRAMEWORK}, over {@link SchedulerHttp}),
 * subscribed for the length of a test and torn down by {@link #close}.
 */
final class MesosFramework implements AutoCloseable {
  final SchedulerHttp http;
  final Encoding encoding;
  final EventStream stream;
  final FrameworkID id;

  private MesosFramework(SchedulerHttp http, Encoding encoding, EventStream stream) throws InterruptedException {
    this.http = http;
    this.encoding = encoding;
    this.stream = stream;
    this.id = stream.next(Event.Type.SUBSCRIBED).getSubscribed().getFrameworkId();
  }

  /** Subscribes a framework named {@code name} in {@code role}. */
  static MesosFramework subscribe(SchedulerHttp http, String name, String role, Encoding encoding) throws Exception {
    Call subscribe = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
        .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(FrameworkInfo.newBuilder()
            .setUser(System.getProperty("user.name", "root")).setName(name).addRoles(role)
            .setPrincipal(ClusterAccess.FRAMEWORK)
            .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.MULTI_ROLE))))
        .build();
    return new MesosFramework(http, encoding, http.subscribe(subscribe, encoding));
  }

  HttpResponse<String> send(Call.Builder call) throws Exception {
    return http.call(call.setFrameworkId(id).build(), encoding, stream.streamId());
  }

  Offer offer() throws Exception {
    return offers().get(0);
  }

  /** The offers of the next OFFERS event. */
  List<Offer> offers() throws Exception {
    return stream.next(Event.Type.OFFERS).getOffers().getOffersList();
  }

  /** Launches on {@code offer}; what it leaves comes back to this framework at once (refuse_seconds 0). */
  HttpResponse<String> launch(Offer offer, TaskInfo... tasks) throws Exception {
    return launch(offer, 0, tasks);
  }

  /** Launches on {@code offer}; what it leaves is not offered to this framework again for {@code refuseSeconds}. */
  HttpResponse<String> launch(Offer offer, double refuseSeconds, TaskInfo... tasks) throws Exception {
    return send(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
        .addOfferIds(offer.getId())
        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(List.of(tasks))))
        .setFilters(Filters.newBuilder().setRefuseSeconds(refuseSeconds))));
  }

  /** Declines the offers: their agents are not offered to this framework again for {@code refuseSeconds}. */
  HttpResponse<String> decline(List<Offer> offers, double refuseSeconds) throws Exception {
    Call.Decline.Builder decline = Call.Decline.newBuilder().setFilters(Filters.newBuilder()
        .setRefuseSeconds(refuseSeconds));
    offers.forEach(offer -> decline.addOfferIds(offer.getId()));
    return send(Call.newBuilder().setType(Call.Type.DECLINE).setDecline(decline));
  }

  /**
   * The next update of {@code taskId} in {@code state}. Every update read on the way is
   * acknowledged: an agent sends a task's next update only once the last one was.
   */
  TaskStatus update(String taskId, TaskState state) throws Exception {
    while (true) {
      TaskStatus status = stream.next(e -> e.getType() == Event.Type.UPDATE).getUpdate().getStatus();
      if (status.hasUuid()) {
        send(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
            .setAgentId(status.getAgentId()).setTaskId(status.getTaskId()).setUuid(status.getUuid())));
      }
      if (status.getTaskId().getValue().equals(taskId) && status.getState() == state) {
        return status;
      }
    }
  }

  static Resource scalar(String name, double value, String role) {
    Resource.Builder resource = Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value));
    resource.getAllocationInfoBuilder().setRole(role);
    return resource.build();
  }

  /** A shell task with 0.1 cpus and 32 MB in {@code role} on {@code agent}. */
  static TaskInfo task(String id, AgentID agent, String command, String role) {
    return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id)).setAgentId(agent)
        .addResources(scalar("cpus", 0.1, role)).addResources(scalar("mem", 32, role))
        .setCommand(CommandInfo.newBuilder().setValue(command)).build();
  }

  @Override
  public void close() throws Exception {
    send(Call.newBuilder().setType(Call.Type.TEARDOWN));
    stream.close();
  }
}
