package io.mezzo.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
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
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Framework failover as Mesos frameworks rely on it: a scheduler that dies and comes back
 * within its failover_timeout finds its tasks; one that stays away longer loses them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrameworkFailoverIT {
  @RegisterExtension
  static final MezzoCluster cluster = MezzoCluster.named("failover");
  private SchedulerHttp http;
  /** The operator's view of the master ({@code /state}), which the test watches the framework in. */
  private OperatorHttp operator;

  @BeforeAll
  void connect() {
    http = new SchedulerHttp(cluster.masterUrl(), cluster.access());
    operator = new OperatorHttp(cluster.masterUrl(), cluster.access());
  }

  private static Call subscribe(String name, double failoverTimeout, FrameworkID id) {
    FrameworkInfo.Builder info = FrameworkInfo.newBuilder().setUser(System.getProperty("user.name", "root"))
        .setPrincipal(ClusterAccess.FRAMEWORK).setName(name).setFailoverTimeout(failoverTimeout);
    Call.Builder call = Call.newBuilder().setType(Call.Type.SUBSCRIBE);
    if (id != null) {
      info.setId(id);
      call.setFrameworkId(id);
    }
    return call.setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info)).build();
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  /** A subscribed framework with one running task. */
  private record Sleeper(EventStream stream, FrameworkID id) {}

  /** Subscribes, launches {@code sleep 1000} and acknowledges it to RUNNING. */
  private Sleeper runSleeper(Call subscribe, String taskId) throws Exception {
    EventStream stream = http.subscribe(subscribe, Encoding.PROTOBUF);
    FrameworkID id = stream.next(Event.Type.SUBSCRIBED).getSubscribed().getFrameworkId();
    Offer offer = stream.next(Event.Type.OFFERS).getOffers().getOffers(0);
    TaskInfo task = TaskInfo.newBuilder().setName(taskId).setTaskId(TaskID.newBuilder().setValue(taskId))
        .setAgentId(offer.getAgentId()).addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32))
        .setCommand(CommandInfo.newBuilder().setValue("sleep 1000")).build();
    http.call(Call.newBuilder().setType(Call.Type.ACCEPT).setFrameworkId(id).setAccept(Call.Accept.newBuilder()
        .addOfferIds(offer.getId()).addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)))
        .setFilters(Filters.newBuilder().setRefuseSeconds(0))).build(), Encoding.PROTOBUF, stream.streamId());
    for (TaskState state : new TaskState[] {TaskState.TASK_STARTING, TaskState.TASK_RUNNING}) {
      TaskStatus status = stream.next(e -> e.getType() == Event.Type.UPDATE
          && e.getUpdate().getStatus().getState() == state).getUpdate().getStatus();
      http.call(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setFrameworkId(id).setAcknowledge(
          Call.Acknowledge.newBuilder().setAgentId(status.getAgentId()).setTaskId(status.getTaskId())
              .setUuid(status.getUuid())).build(), Encoding.PROTOBUF, stream.streamId());
    }
    return new Sleeper(stream, id);
  }

  private JsonObject masterState() throws Exception {
    return new JsonParser().parse(operator.get("/state")).getAsJsonObject();
  }

  private JsonObject framework(String id) throws Exception {
    for (JsonElement f : masterState().getAsJsonArray("frameworks")) {
      if (f.getAsJsonObject().get("id").getAsString().equals(id)) {
        return f.getAsJsonObject();
      }
    }
    return null;
  }

  @Test
  void aSchedulerThatComesBackWithinItsFailoverTimeoutFindsItsTaskRunning() throws Exception {
    String taskId = "survivor-" + UUID.randomUUID().toString().substring(0, 8);
    Sleeper first = runSleeper(subscribe("survivor", 300, null), taskId);
    FrameworkID id = first.id();
    String oldStreamId = first.stream().streamId();
    first.stream().close();
    Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> !framework(id.getValue()).get("connected").getAsBoolean());
    HttpResponse<String> notSubscribed = http.call(Call.newBuilder().setType(Call.Type.REVIVE).setFrameworkId(id)
        .build(), Encoding.PROTOBUF, oldStreamId);
    assertThat(notSubscribed.statusCode()).isEqualTo(403);
    assertThat(notSubscribed.body()).isEqualTo("Framework is not subscribed");

    try (EventStream again = http.subscribe(subscribe("survivor", 300, id), Encoding.JSON)) {
      assertThat(again.next(Event.Type.SUBSCRIBED).getSubscribed().getFrameworkId()).isEqualTo(id);
      http.call(Call.newBuilder().setType(Call.Type.RECONCILE).setFrameworkId(id).setReconcile(
          Call.Reconcile.newBuilder().addTasks(Call.Reconcile.Task.newBuilder()
              .setTaskId(TaskID.newBuilder().setValue(taskId)))).build(), Encoding.JSON, again.streamId());
      TaskStatus status = again.next(e -> e.getType() == Event.Type.UPDATE
          && e.getUpdate().getStatus().getTaskId().getValue().equals(taskId)).getUpdate().getStatus();
      assertThat(status.getState()).isEqualTo(TaskState.TASK_RUNNING);
      assertThat(status.getReason()).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);
      http.call(Call.newBuilder().setType(Call.Type.TEARDOWN).setFrameworkId(id).build(), Encoding.JSON,
          again.streamId());
    }
  }

  @Test
  void aSchedulerThatStaysAwayPastItsFailoverTimeoutIsRemovedAndItsTasksKilled() throws Exception {
    String taskId = "orphan-" + UUID.randomUUID().toString().substring(0, 8);
    Sleeper orphan = runSleeper(subscribe("orphan", 2, null), taskId);
    String id = orphan.id().getValue();
    JsonObject before = framework(id);
    assertThat(before.getAsJsonArray("tasks")).hasSize(1);
    String agentId = before.getAsJsonArray("tasks").get(0).getAsJsonObject().get("slave_id").getAsString();
    orphan.stream().close();

    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> framework(id) == null);
    Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      JsonArray agentTasks = agentState(agentId).getAsJsonArray("tasks");
      for (JsonElement t : agentTasks) {
        assertThat(t.getAsJsonObject().get("id").getAsString()).isNotEqualTo(taskId);
      }
    });
    try (EventStream back = http.subscribe(subscribe("orphan", 2, FrameworkID.newBuilder().setValue(id).build()),
        Encoding.PROTOBUF)) {
      assertThat(back.next(Event.Type.ERROR).getError().getMessage()).isEqualTo("Framework has been removed");
    }
  }

  private JsonObject agentState(String agentId) throws Exception {
    for (JsonElement slave : masterState().getAsJsonArray("slaves")) {
      JsonObject agent = slave.getAsJsonObject();
      if (agent.get("id").getAsString().equals(agentId)) {
        // The agent serves HTTPS only, as the cluster's every node: a Mesos client with SSL on speaks https to it.
        String url = "https://" + agent.get("hostname").getAsString() + ":" + agent.get("port").getAsInt();
        return new JsonParser().parse(new OperatorHttp(url, cluster.access()).get("/state")).getAsJsonObject();
      }
    }
    throw new AssertionError("agent " + agentId + " is not in the master's state");
  }

  @Test
  void heartbeatsKeepComingAtTheAnnouncedInterval() throws Exception {
    try (EventStream stream = http.subscribe(subscribe("heartbeats", 0, null), Encoding.JSON)) {
      Event subscribed = stream.next(Event.Type.SUBSCRIBED);
      assertThat(subscribed.getSubscribed().getHeartbeatIntervalSeconds()).isEqualTo(15.0);
      assertThat(stream.next().getType()).as("the first heartbeat follows SUBSCRIBED").isEqualTo(Event.Type.HEARTBEAT);
      long start = System.nanoTime();
      stream.next(Event.Type.HEARTBEAT);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThanOrEqualTo(Duration.ofSeconds(16));
      http.call(Call.newBuilder().setType(Call.Type.TEARDOWN).setFrameworkId(subscribed.getSubscribed()
          .getFrameworkId()).build(), Encoding.JSON, stream.streamId());
    }
  }
}
