package io.mezzo.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskGroupInfo;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A Mesos v1 framework's view of a Mezzo cluster started by {@code mezzo cluster create}:
 * the official Apache Mesos 1.11 classes on protobuf-java 3, both encodings, over HTTPS trusting
 * the cluster CA and authenticated as principal {@value ClusterAccess#FRAMEWORK}, as a framework
 * of a secure Mesos cluster is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchedulerApiConformanceIT {
  private static final String UUID_TEXT = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  @RegisterExtension
  static final MezzoCluster cluster = MezzoCluster.named("conformance").agents(2);
  private SchedulerHttp http;

  @BeforeAll
  void connect() {
    http = new SchedulerHttp(cluster.masterUrl(), cluster.access());
  }

  private static Call subscribe(String name) {
    return Call.newBuilder().setType(Call.Type.SUBSCRIBE)
        .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(
            FrameworkInfo.newBuilder().setUser(System.getProperty("user.name", "root"))
                .setPrincipal(ClusterAccess.FRAMEWORK).setName(name)))
        .build();
  }

  /** One subscribed framework for the length of a test; torn down at the end. */
  private final class Framework implements AutoCloseable {
    final Encoding encoding;
    final EventStream stream;
    final FrameworkID id;
    final Event subscribed;

    Framework(String name, Encoding encoding) throws Exception {
      this.encoding = encoding;
      this.stream = http.subscribe(subscribe(name), encoding);
      this.subscribed = stream.next(Event.Type.SUBSCRIBED);
      this.id = subscribed.getSubscribed().getFrameworkId();
    }

    HttpResponse<String> send(Call.Builder call) throws Exception {
      return http.call(call.setFrameworkId(id).build(), encoding, stream.streamId());
    }

    Offer offer() throws Exception {
      return stream.next(Event.Type.OFFERS).getOffers().getOffers(0);
    }

    HttpResponse<String> launch(Offer offer, TaskInfo... tasks) throws Exception {
      return send(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
          .addOfferIds(offer.getId())
          .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
              .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(List.of(tasks))))
          .setFilters(Filters.newBuilder().setRefuseSeconds(0))));
    }

    TaskStatus update(String taskId, TaskState state) throws Exception {
      return stream.next(e -> e.getType() == Event.Type.UPDATE
          && e.getUpdate().getStatus().getTaskId().getValue().equals(taskId)
          && e.getUpdate().getStatus().getState() == state).getUpdate().getStatus();
    }

    HttpResponse<String> acknowledge(TaskStatus status) throws Exception {
      return send(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
          .setAgentId(status.getAgentId()).setTaskId(status.getTaskId()).setUuid(status.getUuid())));
    }

    @Override
    public void close() throws Exception {
      send(Call.newBuilder().setType(Call.Type.TEARDOWN));
      stream.close();
    }
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  private static TaskInfo task(String id, AgentID agent, String command, double cpus, double mem) {
    return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id)).setAgentId(agent)
        .addResources(scalar("cpus", cpus)).addResources(scalar("mem", mem))
        .setCommand(CommandInfo.newBuilder().setValue(command)).build();
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void subscribeAnswersAStreamWithSubscribedThenHeartbeat(Encoding encoding) throws Exception {
    try (Framework framework = new Framework("subscribe", encoding)) {
      assertThat(framework.stream.response.statusCode()).isEqualTo(200);
      assertThat(framework.stream.header("Content-Type")).isEqualTo(encoding.mediaType);
      assertThat(framework.stream.streamId()).matches(UUID_TEXT);
      Event.Subscribed subscribed = framework.subscribed.getSubscribed();
      assertThat(subscribed.getFrameworkId().getValue()).matches(UUID_TEXT + "-\\d{4}");
      assertThat(subscribed.getHeartbeatIntervalSeconds()).isEqualTo(15.0);
      assertThat(subscribed.getMasterInfo().getPid()).startsWith("master@");
      assertThat(cluster.masterUrl()).endsWith(":" + subscribed.getMasterInfo().getPort());
      assertThat(subscribed.getMasterInfo().getAddress().getPort()).isEqualTo(subscribed.getMasterInfo().getPort());
      assertThat(framework.stream.next().getType()).isEqualTo(Event.Type.HEARTBEAT);
    }
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void offersNameTheAgentAndItsResources(Encoding encoding) throws Exception {
    try (Framework framework = new Framework("offers", encoding)) {
      Offer offer = framework.offer();
      assertThat(offer.getFrameworkId()).isEqualTo(framework.id);
      assertThat(offer.getId().getValue()).contains("-O");
      assertThat(offer.getAgentId().getValue()).contains("-S");
      assertThat(offer.getHostname()).isEqualTo("127.0.0.1");
      assertThat(offer.getUrl().getScheme()).as("the scheme the agents serve").isEqualTo("https")
          .isEqualTo(URI.create(cluster.agents().get(0).url()).getScheme());
      assertThat(offer.getUrl().getAddress().getPort()).isPositive();
      assertThat(offer.getResourcesList()).extracting(Resource::getName).contains("cpus", "mem", "disk", "ports");
      assertThat(offer.getResourcesList()).allSatisfy(r -> assertThat(r.getRole()).isEqualTo("*"));
      assertThat(offer.hasAllocationInfo()).as("no allocation_info without MULTI_ROLE").isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void aLaunchedTaskSendsReliableUpdatesThatAreAcknowledged(Encoding encoding) throws Exception {
    try (Framework framework = new Framework("launch", encoding)) {
      Offer offer = framework.offer();
      String id = unique("echo");
      assertThat(framework.launch(offer, task(id, offer.getAgentId(), "echo conformance", 0.1, 32)).statusCode())
          .isEqualTo(202);
      for (TaskState state : List.of(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED)) {
        TaskStatus status = framework.update(id, state);
        assertThat(status.getUuid().size()).isEqualTo(16);
        assertThat(status.getAgentId()).isEqualTo(offer.getAgentId());
        assertThat(status.getSource()).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);
        assertThat(status.getTimestamp()).isPositive();
        assertThat(framework.acknowledge(status).statusCode()).isEqualTo(202);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void aTaskGroupRunsOnTheDefaultExecutor(Encoding encoding) throws Exception {
    try (Framework framework = new Framework("group", encoding)) {
      Offer offer = framework.offer();
      String a = unique("group-a");
      String b = unique("group-b");
      ExecutorInfo executor = ExecutorInfo.newBuilder().setType(ExecutorInfo.Type.DEFAULT)
          .setExecutorId(ExecutorID.newBuilder().setValue(unique("default")))
          .addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32)).build();
      assertThat(framework.send(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
          .addOfferIds(offer.getId())
          .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH_GROUP)
              .setLaunchGroup(Offer.Operation.LaunchGroup.newBuilder().setExecutor(executor)
                  .setTaskGroup(TaskGroupInfo.newBuilder()
                      .addTasks(task(a, offer.getAgentId(), "echo a", 0.1, 32))
                      .addTasks(task(b, offer.getAgentId(), "echo b", 0.1, 32)))))
          .setFilters(Filters.newBuilder().setRefuseSeconds(0)))).statusCode()).isEqualTo(202);
      java.util.Set<String> finished = new java.util.HashSet<>();
      while (finished.size() < 2) {
        TaskStatus status = framework.stream.next(Event.Type.UPDATE).getUpdate().getStatus();
        assertThat(status.getTaskId().getValue()).isIn(a, b);
        assertThat(status.getExecutorId()).isEqualTo(executor.getExecutorId());
        assertThat(framework.acknowledge(status).statusCode()).isEqualTo(202);
        if (status.getState() == TaskState.TASK_FINISHED) {
          finished.add(status.getTaskId().getValue());
        }
      }
    }
  }

  @Test
  void anUpdateThatIsNotAcknowledgedIsSentAgainAndTheNextWaitsForIt() throws Exception {
    try (Framework framework = new Framework("unacknowledged", Encoding.PROTOBUF)) {
      Offer offer = framework.offer();
      String id = unique("patient");
      framework.launch(offer, task(id, offer.getAgentId(), "sleep 1000", 0.1, 32));
      TaskStatus starting = framework.update(id, TaskState.TASK_STARTING);
      // Not acknowledged: the agent re-sends the same update (same uuid), and RUNNING waits behind it.
      Event again = framework.stream.next(e -> e.getType() == Event.Type.UPDATE
          && e.getUpdate().getStatus().getTaskId().getValue().equals(id));
      assertThat(again.getUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_STARTING);
      assertThat(again.getUpdate().getStatus().getUuid()).isEqualTo(starting.getUuid());
      framework.acknowledge(starting);
      framework.acknowledge(framework.update(id, TaskState.TASK_RUNNING));
    }
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void killEndsARunningTaskAndReconciliationAnswersFromTheMaster(Encoding encoding) throws Exception {
    try (Framework framework = new Framework("kill", encoding)) {
      Offer offer = framework.offer();
      String id = unique("sleep");
      framework.launch(offer, task(id, offer.getAgentId(), "sleep 1000", 0.1, 32));
      framework.acknowledge(framework.update(id, TaskState.TASK_STARTING));
      framework.acknowledge(framework.update(id, TaskState.TASK_RUNNING));

      assertThat(framework.send(Call.newBuilder().setType(Call.Type.RECONCILE)
          .setReconcile(Call.Reconcile.newBuilder())).statusCode()).isEqualTo(202);
      TaskStatus implicit = framework.stream.next(e -> e.getType() == Event.Type.UPDATE
          && e.getUpdate().getStatus().getReason() == TaskStatus.Reason.REASON_RECONCILIATION).getUpdate().getStatus();
      assertThat(implicit.getTaskId().getValue()).isEqualTo(id);
      assertThat(implicit.getState()).isEqualTo(TaskState.TASK_RUNNING);
      assertThat(implicit.getSource()).isEqualTo(TaskStatus.Source.SOURCE_MASTER);
      assertThat(implicit.hasUuid()).isFalse();

      String unknown = unique("never-launched");
      framework.send(Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(Call.Reconcile.newBuilder()
          .addTasks(Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue(unknown)))));
      TaskStatus lost = framework.update(unknown, TaskState.TASK_LOST);
      assertThat(lost.getReason()).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);
      assertThat(lost.getMessage()).isEqualTo("Reconciliation: Task is unknown");

      assertThat(framework.send(Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder()
          .setTaskId(TaskID.newBuilder().setValue(id)).setAgentId(offer.getAgentId()))).statusCode()).isEqualTo(202);
      TaskStatus killed = framework.update(id, TaskState.TASK_KILLED);
      assertThat(framework.acknowledge(killed).statusCode()).isEqualTo(202);
    }
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void invalidTasksAndSpentOffersGetMasterUpdatesWithMesosReasons(Encoding encoding) throws Exception {
    try (Framework framework = new Framework("invalid", encoding)) {
      Offer offer = framework.offer();
      String big = unique("too-big");
      String ok = unique("ok");
      String duplicate = ok;
      framework.launch(offer, task(big, offer.getAgentId(), "true", 1000, 32),
          task(ok, offer.getAgentId(), "true", 0.1, 32), task(duplicate, offer.getAgentId(), "true", 0.1, 32));
      TaskStatus tooBig = framework.update(big, TaskState.TASK_ERROR);
      assertThat(tooBig.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_INVALID);
      assertThat(tooBig.getSource()).isEqualTo(TaskStatus.Source.SOURCE_MASTER);
      assertThat(tooBig.hasUuid()).isFalse();
      TaskStatus dup = framework.update(ok, TaskState.TASK_ERROR);
      assertThat(dup.getMessage()).contains("duplicate");

      String late = unique("late");
      assertThat(framework.launch(offer, task(late, offer.getAgentId(), "true", 0.1, 32)).statusCode()).isEqualTo(202);
      TaskStatus spent = framework.update(late, TaskState.TASK_LOST);
      assertThat(spent.getReason()).isEqualTo(TaskStatus.Reason.REASON_INVALID_OFFERS);
    }
  }

  /**
   * As Mesos 1.11: an ACCEPT naming an offer id the master does not hold is 202, never a 4xx (a
   * Mesos client takes any other answer for a failed connection), and each of its tasks is lost
   * with REASON_INVALID_OFFERS and a message naming the offer; a DECLINE of one is 202 too.
   */
  @ParameterizedTest
  @EnumSource(Encoding.class)
  void anAcceptOfAnUnknownOfferIs202AndItsTasksAreLost(Encoding encoding) throws Exception {
    try (Framework framework = new Framework("unknown-offer", encoding)) {
      Offer offer = framework.offer();
      String lost = unique("lost");
      HttpResponse<String> accept = framework.send(Call.newBuilder().setType(Call.Type.ACCEPT)
          .setAccept(Call.Accept.newBuilder()
              .addOfferIds(org.apache.mesos.v1.Protos.OfferID.newBuilder().setValue("no-such-offer"))
              .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                  .setLaunch(Offer.Operation.Launch.newBuilder()
                      .addTaskInfos(task(lost, offer.getAgentId(), "true", 0.1, 32))))));

      assertThat(accept.statusCode()).isEqualTo(202);
      TaskStatus status = framework.update(lost, TaskState.TASK_LOST);
      assertThat(status.getReason()).isEqualTo(TaskStatus.Reason.REASON_INVALID_OFFERS);
      assertThat(status.getSource()).isEqualTo(TaskStatus.Source.SOURCE_MASTER);
      assertThat(status.getMessage()).contains("no-such-offer");
      assertThat(status.hasUuid()).isFalse();

      assertThat(framework.send(Call.newBuilder().setType(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder()
          .addOfferIds(org.apache.mesos.v1.Protos.OfferID.newBuilder().setValue("no-such-offer")))).statusCode())
          .isEqualTo(202);
    }
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void declineReviveAndSuppressAreAccepted(Encoding encoding) throws Exception {
    try (Framework framework = new Framework("hygiene", encoding)) {
      Offer offer = framework.offer();
      assertThat(framework.send(Call.newBuilder().setType(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder()
          .addOfferIds(offer.getId()).setFilters(Filters.newBuilder().setRefuseSeconds(3600)))).statusCode())
          .isEqualTo(202);
      assertThat(framework.send(Call.newBuilder().setType(Call.Type.SUPPRESS)).statusCode()).isEqualTo(202);
      assertThat(framework.send(Call.newBuilder().setType(Call.Type.REVIVE)).statusCode()).isEqualTo(202);
      assertThat(framework.offer().getAgentId()).isNotNull();
    }
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void aSecondSubscribeTakesOverAndTeardownRemovesTheFramework(Encoding encoding) throws Exception {
    Framework first = new Framework("failover", encoding);
    Call again = Call.newBuilder().setType(Call.Type.SUBSCRIBE).setFrameworkId(first.id)
        .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(subscribe("failover").getSubscribe()
            .getFrameworkInfo().toBuilder().setId(first.id).setFailoverTimeout(300)))
        .build();
    try (EventStream second = http.subscribe(again, encoding)) {
      assertThat(second.next(Event.Type.SUBSCRIBED).getSubscribed().getFrameworkId()).isEqualTo(first.id);
      assertThat(second.streamId()).isNotEqualTo(first.stream.streamId());
      assertThat(first.stream.next(Event.Type.ERROR).getError().getMessage()).isEqualTo("Framework failed over");
      assertThat(first.stream.endsWithin30s()).isTrue();
      assertThat(http.call(Call.newBuilder().setType(Call.Type.REVIVE).setFrameworkId(first.id).build(), encoding,
          first.stream.streamId()).statusCode()).as("the old stream id stops working").isEqualTo(400);

      assertThat(http.call(Call.newBuilder().setType(Call.Type.TEARDOWN).setFrameworkId(first.id).build(), encoding,
          second.streamId()).statusCode()).isEqualTo(202);
      assertThat(second.endsWithin30s()).isTrue();
    }
    try (EventStream removed = http.subscribe(again, encoding)) {
      assertThat(removed.next(Event.Type.ERROR).getError().getMessage()).isEqualTo("Framework has been removed");
    }
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void updateFrameworkChangesRolesAndRescindsOffersOfRolesLeft(Encoding encoding) throws Exception {
    FrameworkInfo multiRole = FrameworkInfo.newBuilder().setUser(System.getProperty("user.name", "root"))
        .setPrincipal(ClusterAccess.FRAMEWORK).setName("roles").addRoles("blue")
        .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.MULTI_ROLE))
        .build();
    try (EventStream stream = http.subscribe(Call.newBuilder().setType(Call.Type.SUBSCRIBE)
        .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(multiRole)).build(), encoding)) {
      FrameworkID id = stream.next(Event.Type.SUBSCRIBED).getSubscribed().getFrameworkId();
      Offer offer = stream.next(Event.Type.OFFERS).getOffers().getOffers(0);
      assertThat(offer.getAllocationInfo().getRole()).isEqualTo("blue");
      assertThat(offer.getResourcesList()).allSatisfy(r -> assertThat(r.getAllocationInfo().getRole()).isEqualTo("blue"));
      assertThat(http.call(Call.newBuilder().setType(Call.Type.REQUEST).setFrameworkId(id)
          .setRequest(Call.Request.newBuilder()).build(), encoding, stream.streamId()).statusCode()).isEqualTo(202);

      HttpResponse<String> updated = http.call(Call.newBuilder().setType(Call.Type.UPDATE_FRAMEWORK).setFrameworkId(id)
          .setUpdateFramework(Call.UpdateFramework.newBuilder().setFrameworkInfo(multiRole.toBuilder().setId(id)
              .clearRoles().addRoles("green"))).build(), encoding, stream.streamId());
      assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
      assertThat(stream.next(Event.Type.RESCIND).getRescind().getOfferId()).isEqualTo(offer.getId());
      assertThat(stream.next(Event.Type.OFFERS).getOffers().getOffers(0).getAllocationInfo().getRole())
          .isEqualTo("green");

      HttpResponse<String> refused = http.call(Call.newBuilder().setType(Call.Type.UPDATE_FRAMEWORK).setFrameworkId(id)
          .setUpdateFramework(Call.UpdateFramework.newBuilder().setFrameworkInfo(multiRole.toBuilder().setId(id)
              .setUser("someone-else"))).build(), encoding, stream.streamId());
      assertThat(refused.statusCode()).isEqualTo(400);
      http.call(Call.newBuilder().setType(Call.Type.TEARDOWN).setFrameworkId(id).build(), encoding, stream.streamId());
    }
  }

  @Test
  void theLibprocessPathServesTheSameApi() throws Exception {
    try (EventStream stream = http.subscribe("/master/api/v1/scheduler", subscribe("libprocess"), Encoding.PROTOBUF)) {
      FrameworkID id = stream.next(Event.Type.SUBSCRIBED).getSubscribed().getFrameworkId();
      assertThat(http.call(Call.newBuilder().setType(Call.Type.TEARDOWN).setFrameworkId(id).build(), Encoding.PROTOBUF,
          stream.streamId()).statusCode()).isEqualTo(202);
    }
  }

  /** As a Mesos master with --authenticate_http_frameworks: no call gets through without valid credentials. */
  @Test
  void aCallWithoutValidCredentialsIs401WithMesossChallenge() throws Exception {
    HttpClient anonymous = cluster.access().http().build();
    String wrongSecret = "Basic " + Base64.getEncoder().encodeToString(
        (ClusterAccess.FRAMEWORK + ":not-the-secret").getBytes(StandardCharsets.UTF_8));
    for (String authorization : new String[] {null, wrongSecret}) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cluster.masterUrl() + SchedulerHttp.PATH))
          .header("Content-Type", Encoding.JSON.mediaType)
          .POST(HttpRequest.BodyPublishers.ofByteArray(Encoding.JSON.encode(subscribe("anonymous"))));
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      HttpResponse<String> response = anonymous.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("Authorization: " + authorization).isEqualTo(401);
      assertThat(response.headers().firstValue("WWW-Authenticate"))
          .hasValue("Basic realm=\"mesos-master-scheduler\"");
    }
  }

  @Test
  void errorsUseMesosStatusCodes() throws Exception {
    byte[] subscribe = Encoding.JSON.encode(subscribe("errors"));
    HttpResponse<String> get = http.raw("GET", SchedulerHttp.PATH, null, null, null, null);
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    assertThat(http.raw("POST", SchedulerHttp.PATH, null, null, subscribe, null).statusCode()).isEqualTo(400);
    assertThat(http.raw("POST", SchedulerHttp.PATH, "text/plain", null, subscribe, null).statusCode()).isEqualTo(415);
    assertThat(http.raw("POST", SchedulerHttp.PATH, "application/json", null,
        "{\"type\":".getBytes(StandardCharsets.UTF_8), null).statusCode()).isEqualTo(400);
    assertThat(http.raw("POST", SchedulerHttp.PATH, "application/json", "text/html", subscribe, null).statusCode())
        .isEqualTo(406);
    assertThat(http.raw("POST", SchedulerHttp.PATH, "application/json", null, subscribe, UUID.randomUUID().toString())
        .statusCode()).isEqualTo(400);
    Call unknownFramework = Call.newBuilder().setType(Call.Type.REVIVE)
        .setFrameworkId(FrameworkID.newBuilder().setValue("no-such-framework")).build();
    HttpResponse<String> unknown = http.call(unknownFramework, Encoding.JSON, UUID.randomUUID().toString());
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).isEqualTo("Framework cannot be found");
    assertThat(http.call(Call.newBuilder().setType(Call.Type.UNKNOWN).setFrameworkId(unknownFramework.getFrameworkId())
        .build(), Encoding.PROTOBUF, null).statusCode()).isEqualTo(501);
    assertThat(http.call(Call.newBuilder().setType(Call.Type.REVIVE).build(), Encoding.PROTOBUF, null).statusCode())
        .as("framework_id missing").isEqualTo(400);

    try (Framework framework = new Framework("stream-ids", Encoding.JSON)) {
      Call revive = Call.newBuilder().setType(Call.Type.REVIVE).setFrameworkId(framework.id).build();
      assertThat(http.call(revive, Encoding.JSON, null).statusCode()).isEqualTo(400);
      assertThat(http.call(revive, Encoding.JSON, UUID.randomUUID().toString()).statusCode()).isEqualTo(400);
      assertThat(framework.send(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setAcknowledge(
          Call.Acknowledge.newBuilder().setAgentId(AgentID.newBuilder().setValue("a"))
              .setTaskId(TaskID.newBuilder().setValue("t")).setUuid(ByteString.copyFromUtf8("short"))))
          .statusCode()).as("an ack uuid that is not 16 bytes").isEqualTo(400);
    }
  }
}
