package io.mezzo.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A framework's own executor ({@link TestExecutor}, written against the official Mesos v1
 * executor classes) runs on a Mezzo agent: LAUNCH, updates, MESSAGE both ways, KILL,
 * SHUTDOWN, and the FAILURE event when it ends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CustomExecutorIT {
  @RegisterExtension
  static final MezzoCluster cluster = MezzoCluster.named("executors");
  private SchedulerHttp http;

  @BeforeAll
  void connect() {
    http = new SchedulerHttp(cluster.masterUrl(), cluster.access());
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  private static String executorCommand() {
    String java = ProcessHandle.current().info().command().orElse("java");
    return "exec '" + java + "' -cp '" + System.getProperty("java.class.path") + "' " + TestExecutor.class.getName();
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void aCustomExecutorRunsTasksAndTalksToItsScheduler(Encoding encoding) throws Exception {
    Call subscribe = Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setUser(System.getProperty("user.name", "root"))
            .setPrincipal(ClusterAccess.FRAMEWORK).setName("custom-executor"))).build();
    try (EventStream stream = http.subscribe(subscribe, encoding)) {
      FrameworkID id = stream.next(Event.Type.SUBSCRIBED).getSubscribed().getFrameworkId();
      Offer offer = stream.next(Event.Type.OFFERS).getOffers().getOffers(0);
      AgentID agent = offer.getAgentId();
      ExecutorInfo executor = ExecutorInfo.newBuilder().setType(ExecutorInfo.Type.CUSTOM)
          .setExecutorId(ExecutorID.newBuilder().setValue("echo-executor-" + encoding.name().toLowerCase()))
          .setCommand(CommandInfo.newBuilder().setValue(executorCommand()))
          .addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 128))
          .build();
      TaskInfo task = TaskInfo.newBuilder().setName("t").setTaskId(TaskID.newBuilder().setValue("t-" + encoding))
          .setAgentId(agent).addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32))
          .setExecutor(executor).build();
      http.call(Call.newBuilder().setType(Call.Type.ACCEPT).setFrameworkId(id).setAccept(Call.Accept.newBuilder()
          .addOfferIds(offer.getId()).addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
              .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)))
          .setFilters(Filters.newBuilder().setRefuseSeconds(0))).build(), encoding, stream.streamId());

      TaskStatus running = stream.next(e -> e.getType() == Event.Type.UPDATE
          && e.getUpdate().getStatus().getState() == TaskState.TASK_RUNNING).getUpdate().getStatus();
      assertThat(running.getExecutorId()).isEqualTo(executor.getExecutorId());
      assertThat(running.getUuid().size()).isEqualTo(16);
      acknowledge(stream, id, running, encoding);

      assertThat(http.call(Call.newBuilder().setType(Call.Type.MESSAGE).setFrameworkId(id).setMessage(
          Call.Message.newBuilder().setAgentId(agent).setExecutorId(executor.getExecutorId())
              .setData(ByteString.copyFromUtf8("ping"))).build(), encoding, stream.streamId()).statusCode())
          .isEqualTo(202);
      Event.Message reply = stream.next(Event.Type.MESSAGE).getMessage();
      assertThat(reply.getData().toStringUtf8()).isEqualTo("ping-pong");
      assertThat(reply.getExecutorId()).isEqualTo(executor.getExecutorId());

      http.call(Call.newBuilder().setType(Call.Type.KILL).setFrameworkId(id).setKill(Call.Kill.newBuilder()
          .setTaskId(task.getTaskId()).setAgentId(agent)).build(), encoding, stream.streamId());
      TaskStatus killed = stream.next(e -> e.getType() == Event.Type.UPDATE
          && e.getUpdate().getStatus().getState() == TaskState.TASK_KILLED).getUpdate().getStatus();
      acknowledge(stream, id, killed, encoding);

      http.call(Call.newBuilder().setType(Call.Type.SHUTDOWN).setFrameworkId(id).setShutdown(Call.Shutdown.newBuilder()
          .setExecutorId(executor.getExecutorId()).setAgentId(agent)).build(), encoding, stream.streamId());
      Event.Failure failure = stream.next(Event.Type.FAILURE).getFailure();
      assertThat(failure.getExecutorId()).isEqualTo(executor.getExecutorId());
      assertThat(failure.getAgentId()).isEqualTo(agent);

      http.call(Call.newBuilder().setType(Call.Type.TEARDOWN).setFrameworkId(id).build(), encoding, stream.streamId());
    }
  }

  private void acknowledge(EventStream stream, FrameworkID id, TaskStatus status, Encoding encoding) throws Exception {
    assertThat(http.call(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setFrameworkId(id).setAcknowledge(
        Call.Acknowledge.newBuilder().setAgentId(status.getAgentId()).setTaskId(status.getTaskId())
            .setUuid(status.getUuid())).build(), encoding, stream.streamId()).statusCode()).isEqualTo(202);
  }

}
