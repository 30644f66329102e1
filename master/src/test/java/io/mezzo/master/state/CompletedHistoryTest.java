package io.mezzo.master.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.state.ClusterStateTest.ManualTimers;
import io.mezzo.master.state.ClusterStateTest.RecordingSink;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.protocol.internal.AgentChannel.RunningTask;
import io.mezzo.protocol.internal.AgentChannel.StatusUpdate;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Task;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.Protos.Value;
import io.mezzo.v1.master.Protos.Response.GetFrameworks;
import io.mezzo.v1.scheduler.Protos.Call;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Completed tasks and frameworks: the bounded rings, and what GET_TASKS and GET_FRAMEWORKS show of them. */
class CompletedHistoryTest {
  private final ManualTimers timers = new ManualTimers();
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  private static Task task(String frameworkId, String taskId) {
    return Task.newBuilder().setName(taskId).setTaskId(TaskID.newBuilder().setValue(taskId))
        .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
        .setAgentId(AgentID.newBuilder().setValue("a")).setState(TaskState.TASK_FINISHED).build();
  }

  private static GetFrameworks.Framework framework(String id) {
    return GetFrameworks.Framework.newBuilder().setActive(false).setConnected(false).setRecovered(false)
        .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("u").setName(id).setId(FrameworkID.newBuilder()
            .setValue(id))).build();
  }

  @Test
  void eachFrameworkKeepsItsNewestEndedTasksAndTheNewestRemovedFrameworksAreKept() {
    CompletedHistory history = new CompletedHistory(new CompletedLimits(2, 3));
    for (int i = 0; i < 5; i++) {
      history.taskEnded(task("f1", "t" + i));
    }
    history.taskEnded(task("f2", "u0"));

    assertThat(history.tasks()).extracting(t -> t.getTaskId().getValue()).containsExactly("t2", "t3", "t4", "u0");

    history.frameworkRemoved(framework("f1"));
    history.frameworkRemoved(framework("f2"));
    history.frameworkRemoved(framework("f3"));

    // f1 made room for f3, and its tasks went with it.
    assertThat(history.frameworks()).extracting(f -> f.getFrameworkInfo().getName()).containsExactly("f2", "f3");
    assertThat(history.tasks()).extracting(t -> t.getTaskId().getValue()).containsExactly("u0");
    assertThat(history.taskCount()).isEqualTo(1);
  }

  @Test
  void memoryStaysBoundedWhateverComesThrough() {
    CompletedHistory history = new CompletedHistory(new CompletedLimits(3, 10));
    for (int f = 0; f < 100; f++) {
      for (int t = 0; t < 50; t++) {
        history.taskEnded(task("f" + f, "t" + t));
      }
      history.frameworkRemoved(framework("f" + f));
    }
    assertThat(history.frameworks()).hasSize(3);
    assertThat(history.taskCount()).isEqualTo(30);
  }

  @Test
  void zeroKeepsNothingAndNegativeLimitsAreRefused() {
    CompletedHistory history = new CompletedHistory(new CompletedLimits(0, 0));
    history.taskEnded(task("f1", "t1"));
    history.frameworkRemoved(framework("f1"));
    assertThat(history.tasks()).isEmpty();
    assertThat(history.frameworks()).isEmpty();
    assertThatThrownBy(() -> new CompletedLimits(-1, 5)).hasMessageContaining("-1");
  }

  // ---------------------------------------------------------------- through the state

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  private static RunningTask running(String frameworkId, String taskId) {
    return RunningTask.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
        .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("u").setName(frameworkId))
        .setState(TaskState.TASK_RUNNING)
        .setTask(TaskInfo.newBuilder().setName(taskId).setTaskId(TaskID.newBuilder().setValue(taskId))
            .setAgentId(AgentID.newBuilder().setValue("x")).addResources(scalar("cpus", 0.5)))
        .build();
  }

  private ClusterState state(CompletedLimits limits) {
    return new ClusterState(MasterInfo.newBuilder().setId("m").setIp(0).setPort(5050).setVersion("1.11.0").build(),
        new DrfAllocator(new Random(1)), clock, timers, StateOwner.currentThread(), Duration.ofMinutes(10), null,
        10, limits);
  }

  @Test
  void anAcknowledgedTerminalTaskMovesToCompletedTasksAndATornDownFrameworkToCompletedFrameworks() {
    ClusterState state = state(CompletedLimits.MESOS_DEFAULTS);
    RecordingSink<AgentEvent> agentStream = new RecordingSink<>("a1");
    String agentId = state.registerAgent(AgentCall.Register.newBuilder()
        .setAgentInfo(AgentInfo.newBuilder().setHostname("h1").setPort(5051).addResources(scalar("cpus", 2)))
        .addTasks(running("f1", "done")).addTasks(running("f1", "still"))
        .build(), agentStream);
    state.subscribe(Call.Subscribe.newBuilder().setFrameworkInfo(FrameworkInfo.newBuilder().setUser("u")
        .setName("f1").setId(FrameworkID.newBuilder().setValue("f1"))).build(), new RecordingSink<>("s1"));
    ByteString uuid = ByteString.copyFromUtf8("uuid-1");
    state.statusUpdate(agentId, StatusUpdate.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue("f1"))
        .setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("done"))
            .setState(TaskState.TASK_FINISHED).setUuid(uuid)).build());

    // Not acknowledged yet: Mesos lists it with the tasks.
    assertThat(state.getTasks().getTasksList()).extracting(t -> t.getTaskId().getValue())
        .containsExactly("done", "still");
    assertThat(state.getTasks().getCompletedTasksList()).isEmpty();

    state.acknowledge("f1", Call.Acknowledge.newBuilder().setAgentId(AgentID.newBuilder().setValue(agentId))
        .setTaskId(TaskID.newBuilder().setValue("done")).setUuid(uuid).build());

    assertThat(state.getTasks().getTasksList()).extracting(t -> t.getTaskId().getValue()).containsExactly("still");
    assertThat(state.getTasks().getCompletedTasksList()).singleElement().satisfies(t -> {
      assertThat(t.getTaskId().getValue()).isEqualTo("done");
      assertThat(t.getState()).isEqualTo(TaskState.TASK_FINISHED);
      assertThat(t.getAgentId().getValue()).isEqualTo(agentId);
    });
    assertThat(state.getState().getGetTasks().getCompletedTasksCount()).isEqualTo(1);

    state.teardown("f1");

    GetFrameworks frameworks = state.getFrameworks();
    assertThat(frameworks.getFrameworksList()).isEmpty();
    assertThat(frameworks.getCompletedFrameworksList()).singleElement().satisfies(f -> {
      assertThat(f.getFrameworkInfo().getId().getValue()).isEqualTo("f1");
      assertThat(f.getActive()).isFalse();
      assertThat(f.getConnected()).isFalse();
      assertThat(f.getUnregisteredTime().getNanoseconds()).isEqualTo(clock.millis() * 1_000_000L);
    });
    // The running task was killed with its framework and kept with it.
    assertThat(state.getTasks().getTasksList()).isEmpty();
    assertThat(state.getTasks().getCompletedTasksList()).extracting(t -> t.getTaskId().getValue() + "=" + t.getState())
        .containsExactly("done=TASK_FINISHED", "still=TASK_KILLED");
    assertThat(state.view().json().getJsonArray("completed_frameworks").getJsonObject(0)
        .getJsonArray("completed_tasks")).hasSize(2);
  }

  @Test
  void theLimitsBoundWhatTheOperatorApiShows() {
    ClusterState state = state(new CompletedLimits(1, 1));
    RecordingSink<AgentEvent> agentStream = new RecordingSink<>("a1");
    String agentId = state.registerAgent(AgentCall.Register.newBuilder()
        .setAgentInfo(AgentInfo.newBuilder().setHostname("h1").setPort(5051).addResources(scalar("cpus", 4)))
        .addTasks(running("f1", "a")).addTasks(running("f1", "b")).addTasks(running("f2", "c"))
        .build(), agentStream);
    state.markAgentGone(agentId);

    // The agent's tasks ended (TASK_LOST: the frameworks are not partition-aware); one per framework is kept.
    assertThat(state.getTasks().getCompletedTasksList()).extracting(t -> t.getTaskId().getValue() + "=" + t.getState())
        .containsExactly("b=TASK_LOST", "c=TASK_LOST");
  }

  @Test
  void aTornDownFrameworkKeepsItsNewestTasksAndTheOperatorStreamStillHearsEveryKill() {
    ClusterState state = state(new CompletedLimits(1, 2));
    java.util.List<io.mezzo.v1.master.Protos.Event> heard = new java.util.ArrayList<>();
    state.observe(heard::add);
    AgentCall.Register.Builder register = AgentCall.Register.newBuilder()
        .setAgentInfo(AgentInfo.newBuilder().setHostname("h1").setPort(5051).addResources(scalar("cpus", 8)));
    for (int i = 1; i <= 5; i++) {
      register.addTasks(running("f1", "t" + i));
    }
    state.registerAgent(register.build(), new RecordingSink<>("a1"));
    state.subscribe(Call.Subscribe.newBuilder().setFrameworkInfo(FrameworkInfo.newBuilder().setUser("u")
        .setName("f1").setId(FrameworkID.newBuilder().setValue("f1"))).build(), new RecordingSink<>("s1"));

    state.teardown("f1");

    assertThat(state.getTasks().getCompletedTasksList()).extracting(t -> t.getTaskId().getValue() + "=" + t.getState())
        .containsExactly("t4=TASK_KILLED", "t5=TASK_KILLED");
    assertThat(heard).filteredOn(e -> e.getType() == io.mezzo.v1.master.Protos.Event.Type.TASK_UPDATED)
        .extracting(e -> e.getTaskUpdated().getStatus().getTaskId().getValue())
        .containsExactly("t1", "t2", "t3", "t4", "t5");
  }
}
