package io.mezzo.agent.testing;

import com.google.protobuf.ByteString;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.ExecutorID;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.TaskGroupInfo;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskStatus;
import java.util.List;
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

  /** A RUN_TASK whose framework declares the given capabilities. */
  public static AgentEvent runTask(TaskInfo task, FrameworkInfo.Capability.Type... capabilities) {
    FrameworkInfo.Builder info = FrameworkInfo.newBuilder().setUser("").setName("test").setId(FRAMEWORK);
    for (FrameworkInfo.Capability.Type capability : capabilities) {
      info.addCapabilities(FrameworkInfo.Capability.newBuilder().setType(capability));
    }
    return AgentEvent.newBuilder()
        .setType(AgentEvent.Type.RUN_TASK)
        .setRunTask(AgentEvent.RunTask.newBuilder().setFrameworkId(FRAMEWORK).setFrameworkInfo(info).setTask(task))
        .build();
  }

  /** A task for {@code executor}; {@code data} tells the test executor what to do with it. */
  public static TaskInfo executorTask(String id, ExecutorInfo executor, String data) {
    return TaskInfo.newBuilder()
        .setName(id)
        .setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(AgentID.newBuilder().setValue("agent-1"))
        .setExecutor(executor)
        .setData(ByteString.copyFromUtf8(data))
        .build();
  }

  /** A custom executor whose command runs {@code argv} without a shell (argv[0] is the program). */
  public static ExecutorInfo executor(String id, List<String> argv) {
    return ExecutorInfo.newBuilder()
        .setType(ExecutorInfo.Type.CUSTOM)
        .setExecutorId(ExecutorID.newBuilder().setValue(id))
        .setFrameworkId(FRAMEWORK)
        .setCommand(CommandInfo.newBuilder().setShell(false).setValue(argv.get(0)).addAllArguments(argv))
        .build();
  }

  public static AgentEvent runTaskGroup(ExecutorInfo executor, TaskInfo... tasks) {
    return AgentEvent.newBuilder()
        .setType(AgentEvent.Type.RUN_TASK_GROUP)
        .setRunTaskGroup(AgentEvent.RunTaskGroup.newBuilder()
            .setFrameworkId(FRAMEWORK)
            .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("").setName("test").setId(FRAMEWORK))
            .setExecutor(executor)
            .setTaskGroup(TaskGroupInfo.newBuilder().addAllTasks(List.of(tasks))))
        .build();
  }

  public static AgentEvent shutdownExecutor(String executorId) {
    return AgentEvent.newBuilder()
        .setType(AgentEvent.Type.SHUTDOWN_EXECUTOR)
        .setShutdownExecutor(AgentEvent.ShutdownExecutor.newBuilder()
            .setFrameworkId(FRAMEWORK)
            .setExecutorId(ExecutorID.newBuilder().setValue(executorId)))
        .build();
  }

  public static AgentEvent shutdownFramework() {
    return AgentEvent.newBuilder()
        .setType(AgentEvent.Type.SHUTDOWN_FRAMEWORK)
        .setShutdownFramework(AgentEvent.ShutdownFramework.newBuilder().setFrameworkId(FRAMEWORK))
        .build();
  }

  public static AgentEvent frameworkMessage(String executorId, String data) {
    return AgentEvent.newBuilder()
        .setType(AgentEvent.Type.FRAMEWORK_MESSAGE)
        .setFrameworkMessage(AgentEvent.FrameworkMessage.newBuilder()
            .setFrameworkId(FRAMEWORK)
            .setExecutorId(ExecutorID.newBuilder().setValue(executorId))
            .setData(ByteString.copyFromUtf8(data)))
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

  /**
   * Every file and directory under the work dir's sandboxes ({@code frameworks/}), none when
   * there is none yet. Not the whole work dir: the agent replaces its checkpoints under
   * {@code meta/} all the time, and a walk there can trip over a file renamed away.
   */
  public static java.util.stream.Stream<java.nio.file.Path> sandboxTree(java.nio.file.Path workDir)
      throws java.io.IOException {
    java.nio.file.Path frameworks = workDir.resolve(io.mezzo.agent.sandbox.SandboxLayout.FRAMEWORKS);
    return java.nio.file.Files.isDirectory(frameworks) ? java.nio.file.Files.walk(frameworks) : java.util.stream.Stream.empty();
  }
}
