package io.mezzo.master.api;

import static io.mezzo.master.api.MasterFixture.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.ExecutorID;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.Filters;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.TaskGroupInfo;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Custom executors, task groups, MESSAGE, SHUTDOWN, FAILURE and UPDATE_FRAMEWORK through a real master. */
class ExecutorCallsTest {
  private static final ExecutorInfo EXECUTOR = ExecutorInfo.newBuilder()
      .setType(ExecutorInfo.Type.CUSTOM)
      .setExecutorId(ExecutorID.newBuilder().setValue("exec-1"))
      .setCommand(CommandInfo.newBuilder().setValue("./my-executor"))
      .addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32))
      .build();

  private MasterFixture fixture;
  private FakeAgent agent;
  private EventStream<Event> scheduler;
  private FrameworkID frameworkId;

  @BeforeEach
  void start() throws Exception {
    fixture = new MasterFixture();
    agent = fixture.registerAgent();
    scheduler = fixture.subscribeStream(MasterFixture.subscribe(), Codec.PROTOBUF);
    frameworkId = scheduler.next().getSubscribed().getFrameworkId();
  }

  @AfterEach
  void stop() throws Exception {
    scheduler.close();
    agent.close();
    fixture.close();
  }

  private Offer offer() throws InterruptedException {
    return scheduler.next(e -> e.getType() == Event.Type.OFFERS).getOffers().getOffers(0);
  }

  private void accept(Offer offer, Offer.Operation operation) throws Exception {
    Call accept = Call.newBuilder().setType(Call.Type.ACCEPT).setFrameworkId(frameworkId)
        .setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId()).addOperations(operation)
            .setFilters(Filters.newBuilder().setRefuseSeconds(0)))
        .build();
    assertThat(fixture.call(accept, scheduler).statusCode()).isEqualTo(202);
  }

  private static TaskInfo.Builder task(String id, AgentID agentId) {
    return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id)).setAgentId(agentId)
        .addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32));
  }

  private static Offer.Operation launch(TaskInfo... tasks) {
    return Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
        .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(List.of(tasks))).build();
  }

  private TaskStatus update(String taskId) throws InterruptedException {
    return scheduler.next(e -> e.getType() == Event.Type.UPDATE
        && e.getUpdate().getStatus().getTaskId().getValue().equals(taskId)).getUpdate().getStatus();
  }

  @Test
  void aTaskWithACustomExecutorGoesToTheAgentWithItsFrameworkAndLaterOffersNameTheExecutor() throws Exception {
    Offer offer = offer();
    accept(offer, launch(task("t1", offer.getAgentId()).setExecutor(EXECUTOR).build()));

    AgentEvent run = agent.next(e -> e.getType() == AgentEvent.Type.RUN_TASK);
    assertThat(run.getRunTask().getTask().getExecutor().getExecutorId().getValue()).isEqualTo("exec-1");
    assertThat(run.getRunTask().getTask().getExecutor().getFrameworkId()).isEqualTo(frameworkId);
    Offer next = offer();
    assertThat(next.getExecutorIdsList()).extracting(ExecutorID::getValue).containsExactly("exec-1");
    // The executor's own resources (0.1 cpus, 32 mem) are held once, with the task's.
    assertThat(next.getResourcesList()).filteredOn(r -> r.getName().equals("cpus"))
        .singleElement().satisfies(r -> assertThat(r.getScalar().getValue()).isEqualTo(1.8));
  }

  @Test
  void aTaskNamingBothOrNeitherCommandAndExecutorIsAnError() throws Exception {
    Offer offer = offer();
    accept(offer, launch(task("both", offer.getAgentId()).setExecutor(EXECUTOR)
        .setCommand(CommandInfo.newBuilder().setValue("true")).build(), task("neither", offer.getAgentId()).build()));

    assertThat(update("both").getState()).isEqualTo(TaskState.TASK_ERROR);
    TaskStatus neither = update("neither");
    assertThat(neither.getState()).isEqualTo(TaskState.TASK_ERROR);
    assertThat(neither.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_INVALID);
  }

  @Test
  void aTaskGroupGoesToTheAgentWholeOrFailsWhole() throws Exception {
    Offer offer = offer();
    ExecutorInfo defaultExecutor = ExecutorInfo.newBuilder().setType(ExecutorInfo.Type.DEFAULT)
        .setExecutorId(ExecutorID.newBuilder().setValue("group-exec"))
        .addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32)).build();
    TaskInfo a = task("a", offer.getAgentId()).setCommand(CommandInfo.newBuilder().setValue("true")).build();
    TaskInfo b = task("b", offer.getAgentId()).setCommand(CommandInfo.newBuilder().setValue("true")).build();
    accept(offer, Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH_GROUP)
        .setLaunchGroup(Offer.Operation.LaunchGroup.newBuilder().setExecutor(defaultExecutor)
            .setTaskGroup(TaskGroupInfo.newBuilder().addTasks(a).addTasks(b)))
        .build());

    AgentEvent run = agent.next(e -> e.getType() == AgentEvent.Type.RUN_TASK_GROUP);
    assertThat(run.getRunTaskGroup().getTaskGroup().getTasksList()).extracting(t -> t.getTaskId().getValue())
        .containsExactly("a", "b");
    assertThat(run.getRunTaskGroup().getExecutor().getFrameworkId()).isEqualTo(frameworkId);

    Offer next = offer();
    TaskInfo c = task("c", next.getAgentId()).setCommand(CommandInfo.newBuilder().setValue("true")).build();
    accept(next, Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH_GROUP)
        .setLaunchGroup(Offer.Operation.LaunchGroup.newBuilder().setExecutor(defaultExecutor.toBuilder()
                .setExecutorId(ExecutorID.newBuilder().setValue("group-exec-2")))
            .setTaskGroup(TaskGroupInfo.newBuilder().addTasks(c).addTasks(c)))
        .build());
    TaskStatus failed = update("c");
    assertThat(failed.getState()).isEqualTo(TaskState.TASK_ERROR);
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_GROUP_INVALID);
    assertThat(failed.getMessage()).contains("duplicate task ID");
  }

  @Test
  void messagesShutdownAndExecutorEndsTravelBetweenSchedulerAndAgent() throws Exception {
    AgentID agentId = offer().getAgentId();
    Call message = Call.newBuilder().setType(Call.Type.MESSAGE).setFrameworkId(frameworkId)
        .setMessage(Call.Message.newBuilder().setAgentId(agentId).setExecutorId(EXECUTOR.getExecutorId())
            .setData(ByteString.copyFromUtf8("ping")))
        .build();
    assertThat(fixture.call(message, scheduler).statusCode()).isEqualTo(202);
    AgentEvent forwarded = agent.next(e -> e.getType() == AgentEvent.Type.FRAMEWORK_MESSAGE);
    assertThat(forwarded.getFrameworkMessage().getData().toStringUtf8()).isEqualTo("ping");

    AgentCall reply = AgentCall.newBuilder().setType(AgentCall.Type.EXECUTOR_MESSAGE).setAgentId(agentId)
        .setExecutorMessage(AgentCall.ExecutorMessage.newBuilder().setFrameworkId(frameworkId)
            .setExecutorId(EXECUTOR.getExecutorId()).setData(ByteString.copyFromUtf8("pong")))
        .build();
    assertThat(agent.call(reply).statusCode()).isEqualTo(202);
    Event.Message received = scheduler.next(e -> e.getType() == Event.Type.MESSAGE).getMessage();
    assertThat(received.getData().toStringUtf8()).isEqualTo("pong");
    assertThat(received.getAgentId()).isEqualTo(agentId);

    Call shutdown = Call.newBuilder().setType(Call.Type.SHUTDOWN).setFrameworkId(frameworkId)
        .setShutdown(Call.Shutdown.newBuilder().setAgentId(agentId).setExecutorId(EXECUTOR.getExecutorId())).build();
    assertThat(fixture.call(shutdown, scheduler).statusCode()).isEqualTo(202);
    assertThat(agent.next(e -> e.getType() == AgentEvent.Type.SHUTDOWN_EXECUTOR).getShutdownExecutor()
        .getExecutorId()).isEqualTo(EXECUTOR.getExecutorId());

    AgentCall ended = AgentCall.newBuilder().setType(AgentCall.Type.EXECUTOR_TERMINATED).setAgentId(agentId)
        .setExecutorTerminated(AgentCall.ExecutorTerminated.newBuilder().setFrameworkId(frameworkId)
            .setExecutorId(EXECUTOR.getExecutorId()).setStatus(137))
        .build();
    assertThat(agent.call(ended).statusCode()).isEqualTo(202);
    Event.Failure failure = scheduler.next(e -> e.getType() == Event.Type.FAILURE).getFailure();
    assertThat(failure.getExecutorId()).isEqualTo(EXECUTOR.getExecutorId());
    assertThat(failure.getStatus()).isEqualTo(137);
  }

  @Test
  void updateFrameworkAppliesWholeOrNotAtAll() throws Exception {
    FrameworkInfo current = FrameworkInfo.newBuilder().setUser("root").setName("test").setId(frameworkId).build();
    Call rename = Call.newBuilder().setType(Call.Type.UPDATE_FRAMEWORK).setFrameworkId(frameworkId)
        .setUpdateFramework(Call.UpdateFramework.newBuilder().setFrameworkInfo(current.toBuilder().setName("renamed")))
        .build();
    assertThat(fixture.call(rename, scheduler).statusCode()).isEqualTo(200);
    assertThat(fixture.state().getJsonArray("frameworks").getJsonObject(0).getString("name")).isEqualTo("renamed");

    Call changeUser = Call.newBuilder().setType(Call.Type.UPDATE_FRAMEWORK).setFrameworkId(frameworkId)
        .setUpdateFramework(Call.UpdateFramework.newBuilder()
            .setFrameworkInfo(current.toBuilder().setName("again").setUser("mallory")))
        .build();
    var refused = fixture.call(changeUser, scheduler);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("user");
    assertThat(fixture.state().getJsonArray("frameworks").getJsonObject(0).getString("name")).isEqualTo("renamed");

    Call otherId = Call.newBuilder().setType(Call.Type.UPDATE_FRAMEWORK).setFrameworkId(frameworkId)
        .setUpdateFramework(Call.UpdateFramework.newBuilder()
            .setFrameworkInfo(current.toBuilder().setId(FrameworkID.newBuilder().setValue("other"))))
        .build();
    assertThat(fixture.call(otherId, scheduler).statusCode()).isEqualTo(400);
  }

  @Test
  void frameworksWithoutGpuCapabilityGetNoOffersFromGpuAgents() throws Exception {
    try (FakeAgent gpuAgent = fixture.registerAgent(scalar("cpus", 8), scalar("mem", 8192),
            scalar("gpus", 1));
        EventStream<Event> gpuFramework = fixture.subscribeStream(MasterFixture.subscribe(FrameworkInfo.newBuilder()
            .setUser("root").setName("gpu")
            .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.GPU_RESOURCES))
            .build()), Codec.PROTOBUF)) {
      Offer gpuOffer = gpuFramework.next(e -> e.getType() == Event.Type.OFFERS
          && e.getOffers().getOffers(0).getResourcesList().stream().anyMatch(r -> r.getName().equals("gpus")))
          .getOffers().getOffers(0);
      assertThat(gpuOffer.getResourcesList()).anyMatch(r -> r.getName().equals("gpus"));
      // The framework without the capability holds an offer, and only ever of the 2-cpu agent.
      List<Double> gpusOffered = fixture.state().getJsonArray("frameworks").stream()
          .map(f -> (io.vertx.core.json.JsonObject) f)
          .filter(f -> f.getString("name").equals("test"))
          .flatMap(f -> f.getJsonArray("offers").stream())
          .map(o -> ((io.vertx.core.json.JsonObject) o).getJsonObject("resources").getDouble("gpus"))
          .toList();
      assertThat(gpusOffered).isNotEmpty().containsOnly(0.0);
    }
  }
}
