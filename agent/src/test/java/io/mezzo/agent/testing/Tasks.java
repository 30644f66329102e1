package io.mezzo.agent.testing;

import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskStatus;
import java.util.UUID;

/** Data builders for tasks and the events that carry them. */
public final class Tasks {
  public static final FrameworkID FRAMEWORK = FrameworkID.newBuilder().setValue("framework-1").build();

  private Tasks() {}

  public static TaskInfo shellTask(String id, String command) {
    return TaskInfo.newBuilder()
        .setName(id)
        .setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(AgentID.newBuilder().setValue("agent-1"))
        .setCommand(CommandInfo.newBuilder().setValue(command))
        .build();
  }

  public static AgentEvent runTask(TaskInfo task) {
    return runTask(FRAMEWORK, task);
  }

  public static AgentEvent runTask(FrameworkID frameworkId, TaskInfo task) {
    return AgentEvent.newBuilder()
        .setType(AgentEvent.Type.RUN_TASK)
        .setRunTask(AgentEvent.RunTask.newBuilder()
            .setFrameworkId(frameworkId)
            .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("").setName("test").setId(frameworkId))
            .setTask(task))
        .build();
  }

  public static AgentEvent acknowledge(FrameworkID frameworkId, TaskStatus status) {
    return AgentEvent.newBuilder()
        .setType(AgentEvent.Type.ACKNOWLEDGE)
        .setAcknowledge(AgentEvent.Acknowledge.newBuilder()
            .setFrameworkId(frameworkId)
            .setTaskId(status.getTaskId())
            .setUuid(status.getUuid()))
        .build();
  }

  public static AgentEvent killTask(FrameworkID frameworkId, String taskId) {
    return AgentEvent.newBuilder()
        .setType(AgentEvent.Type.KILL_TASK)
        .setKillTask(AgentEvent.KillTask.newBuilder()
            .setFrameworkId(frameworkId)
            .setTaskId(TaskID.newBuilder().setValue(taskId)))
        .build();
  }

  public static String uniqueId(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
