package io.mezzo.master.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.mezzo.master.spi.AgentResources;
import io.mezzo.master.spi.Resources;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.ExecutorID;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.Protos.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a task record keeps: equal to what it was given, sharing the parts other records have too. */
class TaskRecordTest {
  private static final String FRAMEWORK = "fw-1";
  private final ProtoInterner shared = new ProtoInterner();
  private final AgentRecord agent = new AgentRecord("agent-1", AgentInfo.newBuilder().setHostname("h1").build(),
      Resources.cpusMem(4, 4096), List.of("process"), 0);

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR).setRole("*")
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  private static Resource ports(long begin, long end) {
    return Resource.newBuilder().setName("ports").setType(Value.Type.RANGES).setRole("*")
        .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(begin).setEnd(end))).build();
  }

  private static TaskInfo task(String id, String agentId, Resource... resources) {
    return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(AgentID.newBuilder().setValue(agentId)).addAllResources(List.of(resources))
        .setCommand(CommandInfo.newBuilder().setValue("sleep 1000")).build();
  }

  /** A copy as it comes off the wire: every message and string its own. */
  private static <T extends com.google.protobuf.Message> T wire(T message) {
    try {
      @SuppressWarnings("unchecked")
      T parsed = (T) message.getParserForType().parseFrom(message.toByteArray());
      return parsed;
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private TaskRecord record(TaskInfo info) {
    return new TaskRecord(FRAMEWORK, agent.protoId, "*", info, AgentResources.unreserved(Resources.cpusMem(0.5, 64)),
        shared);
  }

  @Test
  void theStoredTaskEqualsTheLaunchedOneAndSharesTheAgentsIdItsResourcesAndItsCommand() {
    TaskInfo first = task("t1", "agent-1", scalar("cpus", 0.5), scalar("mem", 64));
    TaskInfo second = task("t2", "agent-1", scalar("cpus", 0.5), scalar("mem", 64));
    TaskRecord a = record(wire(first));
    TaskRecord b = record(wire(second));

    assertThat(a.info).isEqualTo(first);
    assertThat(b.info).isEqualTo(second);
    assertThat(a.info.getAgentId()).isSameAs(agent.protoId);
    assertThat(b.info.getAgentId()).isSameAs(agent.protoId);
    assertThat(b.info.getResources(0)).isSameAs(a.info.getResources(0));
    assertThat(b.info.getResources(1)).isSameAs(a.info.getResources(1));
    assertThat(b.info.getCommand()).isSameAs(a.info.getCommand());
    assertThat(a.info.getName()).isSameAs(a.info.getTaskId().getValue()).isSameAs(a.id());
    assertThat(a.agentId).isSameAs(agent.id);
  }

  @Test
  void limitsAndUnknownFieldsAreKeptAndATaskWithoutLimitsHoldsNoMapForThem() {
    TaskInfo plain = task("t1", "agent-1", scalar("cpus", 0.5));
    TaskInfo limited = plain.toBuilder().putLimits("cpus", Value.Scalar.newBuilder().setValue(2).build())
        .setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
            .addField(999, com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(5).build()).build())
        .build();

    TaskRecord a = record(wire(plain));
    TaskRecord b = record(wire(limited));

    assertThat(b.info).isEqualTo(limited);
    assertThat(b.info.toByteString()).isEqualTo(limited.toByteString());
    assertThat(b.info.getLimitsMap()).containsOnlyKeys("cpus");
    assertThat(a.info.getLimitsMap()).isEmpty();
    // As in a parsed message without limits: no map field of its own (protobuf's generated field).
    assertThat(limitsField(a.info)).isNull();
    assertThat(limitsField(b.info)).isNotNull();
  }

  private static Object limitsField(TaskInfo info) {
    try {
      java.lang.reflect.Field field = TaskInfo.class.getDeclaredField("limits_");
      field.setAccessible(true);
      return field.get(info);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void whatDiffersIsKeptAsItIsAndRangesAreNotHeldForSharing() {
    TaskInfo other = task("t1", "agent-2", scalar("cpus", 0.5), ports(31000, 31000)).toBuilder().setName("web")
        .build();
    TaskRecord r = record(wire(other));

    assertThat(r.info).isEqualTo(other);
    assertThat(r.info.getAgentId()).isNotSameAs(agent.protoId).isEqualTo(AgentID.newBuilder().setValue("agent-2").build());
    assertThat(r.info.getName()).isEqualTo("web");
    assertThat(shared.size()).as("cpus, the command and the record's allocation; not the ports").isEqualTo(3);
    TaskRecord again = record(wire(task("t2", "agent-1", scalar("cpus", 0.5), ports(31001, 31001))));
    assertThat(again.info.getResources(0)).isSameAs(r.info.getResources(0));
    assertThat(again.info.getResources(1)).isNotSameAs(r.info.getResources(1));
  }

  @Test
  void theLatestStatusDropsItsDataAndSharesTheTasksIds() {
    TaskRecord r = record(wire(task("t1", "agent-1", scalar("cpus", 0.5))));
    TaskStatus status = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t1"))
        .setState(TaskState.TASK_RUNNING).setUuid(ByteString.copyFrom(new byte[16]))
        .setAgentId(AgentID.newBuilder().setValue("agent-1")).setExecutorId(ExecutorID.newBuilder().setValue("t1"))
        .setData(ByteString.copyFromUtf8("large")).setHealthy(true).setTimestamp(12.5).build();

    r.recordStatus(wire(status));

    assertThat(r.state).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(r.latestStatus).isEqualTo(status.toBuilder().clearData().build());
    assertThat(r.latestStatus.getTaskId()).isSameAs(r.info.getTaskId());
    assertThat(r.latestStatus.getAgentId()).isSameAs(agent.protoId);
    assertThat(r.latestStatus.getExecutorId().getValue()).isSameAs(r.id());
  }

  @Test
  void aStatusNamingTheTasksOwnExecutorSharesItsId() {
    ExecutorInfo executor = ExecutorInfo.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue("e1"))
        .setCommand(CommandInfo.newBuilder().setValue("executor")).build();
    TaskRecord r = record(wire(task("t1", "agent-1", scalar("cpus", 0.5)).toBuilder().setExecutor(executor).build()));
    TaskRecord sibling = record(wire(task("t2", "agent-1", scalar("cpus", 0.5)).toBuilder().setExecutor(executor)
        .build()));
    TaskStatus status = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t1"))
        .setState(TaskState.TASK_STARTING).setExecutorId(ExecutorID.newBuilder().setValue("e1"))
        .setAgentId(AgentID.newBuilder().setValue("elsewhere")).build();

    r.recordStatus(wire(status));

    assertThat(sibling.info.getExecutor()).isSameAs(r.info.getExecutor());
    assertThat(r.latestStatus).isEqualTo(status);
    assertThat(r.latestStatus.getExecutorId()).isSameAs(r.info.getExecutor().getExecutorId());
    assertThat(r.latestStatus.getAgentId()).isNotSameAs(agent.protoId);
  }

  @Test
  void recordsWithEqualScalarResourcesShareOneAllocationButNotOneWithPorts() {
    TaskInfo info = task("t1", "agent-1", scalar("cpus", 0.5), scalar("mem", 64));
    TaskRecord a = new TaskRecord(FRAMEWORK, agent.protoId, "*", wire(info),
        AgentResources.unreserved(Resources.cpusMem(0.5, 64)), shared);
    TaskRecord b = new TaskRecord(FRAMEWORK, agent.protoId, "*", wire(info),
        AgentResources.unreserved(Resources.scalars(java.util.Map.of("mem", 64.0, "cpus", 0.5))), shared);
    assertThat(b.allocation).isSameAs(a.allocation);
    assertThat(b.resources).isSameAs(a.resources).isEqualTo(Resources.cpusMem(0.5, 64));

    AgentResources withPorts = AgentResources.unreserved(Resources.of(java.util.Map.of("cpus", 0.5),
        java.util.Map.of("ports", io.mezzo.master.spi.RangeSet.of(31000, 31000))));
    int held = shared.size();
    TaskRecord c = new TaskRecord(FRAMEWORK, agent.protoId, "*", wire(info), withPorts, shared);
    assertThat(c.allocation).isSameAs(withPorts);
    assertThat(shared.size()).isEqualTo(held);

    AgentResources reserved = AgentResources.reserved("eng", Resources.cpusMem(0.5, 64));
    TaskRecord d = new TaskRecord(FRAMEWORK, agent.protoId, "eng", wire(info), reserved, shared);
    assertThat(d.allocation).isEqualTo(reserved).isNotEqualTo(a.allocation);
    assertThat(d.resources).isEqualTo(Resources.cpusMem(0.5, 64));
  }

  @Test
  void theInternerHandsBackTheFirstEqualValue() {
    Resource first = scalar("mem", 64);
    assertThat(shared.intern(first)).isSameAs(first);
    assertThat(shared.intern(wire(first))).isSameAs(first);
    Resource other = scalar("mem", 65);
    assertThat(shared.intern(other)).isSameAs(other);
    assertThat(shared.size()).isEqualTo(2);
  }

  @Test
  void anAgentKeysItsTasksByFrameworkAndTaskWithoutJoiningThem() {
    assertThat(AgentRecord.taskKey("a/b", "c")).isNotEqualTo(AgentRecord.taskKey("a", "b/c"));
    assertThat(AgentRecord.taskKey("a", "b")).isEqualTo(AgentRecord.taskKey("a", "b"));
  }
}
