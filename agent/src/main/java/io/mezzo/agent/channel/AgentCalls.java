package io.mezzo.agent.channel;

import com.google.protobuf.ByteString;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.RunningTask;
import io.mezzo.protocol.internal.AgentChannel.StatusUpdate;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.ExecutorID;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.TaskStatus;
import java.util.List;

/** The agent's calls on the master channel. */
public final class AgentCalls {
  private AgentCalls() {}

  /** REGISTER, or re-register when {@code agentInfo} carries an id. */
  public static AgentCall register(AgentInfo agentInfo, List<RunningTask> tasks, List<String> runtimes, String version) {
    AgentCall.Register.Builder register = AgentCall.Register.newBuilder()
        .setAgentInfo(agentInfo)
        .addAllTasks(tasks)
        .addAllRuntimes(runtimes);
    if (version != null) {
      register.setVersion(version);
    }
    AgentCall.Builder call = AgentCall.newBuilder().setType(AgentCall.Type.REGISTER).setRegister(register);
    if (agentInfo.hasId()) {
      call.setAgentId(agentInfo.getId());
    }
    return call.build();
  }

  /** A custom executor's MESSAGE for its scheduler. */
  public static AgentCall executorMessage(AgentID agentId, FrameworkID frameworkId, ExecutorID executorId, ByteString data) {
    return AgentCall.newBuilder()
        .setType(AgentCall.Type.EXECUTOR_MESSAGE)
        .setAgentId(agentId)
        .setExecutorMessage(AgentCall.ExecutorMessage.newBuilder()
            .setFrameworkId(frameworkId)
            .setExecutorId(executorId)
            .setData(data))
        .build();
  }

  /**
   * A custom executor's process ended with {@code status} (exit code, or 128 + signal), or
   * never started ({@code status} null).
   */
  public static AgentCall executorTerminated(AgentID agentId, FrameworkID frameworkId, ExecutorID executorId, Integer status) {
    AgentCall.ExecutorTerminated.Builder terminated = AgentCall.ExecutorTerminated.newBuilder()
        .setFrameworkId(frameworkId)
        .setExecutorId(executorId);
    if (status != null) {
      terminated.setStatus(status);
    }
    return AgentCall.newBuilder()
        .setType(AgentCall.Type.EXECUTOR_TERMINATED)
        .setAgentId(agentId)
        .setExecutorTerminated(terminated)
        .build();
  }

  public static AgentCall statusUpdate(AgentID agentId, FrameworkID frameworkId, TaskStatus status) {
    return AgentCall.newBuilder()
        .setType(AgentCall.Type.STATUS_UPDATE)
        .setAgentId(agentId)
        .setStatusUpdate(StatusUpdate.newBuilder().setFrameworkId(frameworkId).setStatus(status))
        .build();
  }
}
