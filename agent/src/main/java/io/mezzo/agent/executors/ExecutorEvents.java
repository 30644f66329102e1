package io.mezzo.agent.executors;

import com.google.protobuf.ByteString;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.ContainerID;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.KillPolicy;
import io.mezzo.v1.Protos.TaskGroupInfo;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.executor.Protos.Event;

/** The events of the v1 executor API, as the agent sends them. */
public final class ExecutorEvents {
  private ExecutorEvents() {}

  public static Event subscribed(ExecutorInfo executor, FrameworkInfo framework, AgentInfo agent, String containerId) {
    return Event.newBuilder()
        .setType(Event.Type.SUBSCRIBED)
        .setSubscribed(Event.Subscribed.newBuilder()
            .setExecutorInfo(executor)
            .setFrameworkInfo(framework)
            .setAgentInfo(agent)
            .setContainerId(ContainerID.newBuilder().setValue(containerId)))
        .build();
  }

  public static Event launch(TaskInfo task) {
    return Event.newBuilder().setType(Event.Type.LAUNCH).setLaunch(Event.Launch.newBuilder().setTask(task)).build();
  }

  public static Event launchGroup(TaskGroupInfo group) {
    return Event.newBuilder()
        .setType(Event.Type.LAUNCH_GROUP)
        .setLaunchGroup(Event.LaunchGroup.newBuilder().setTaskGroup(group))
        .build();
  }

  /** @param killPolicy null when neither the kill nor the task has one */
  public static Event kill(TaskID taskId, KillPolicy killPolicy) {
    Event.Kill.Builder kill = Event.Kill.newBuilder().setTaskId(taskId);
    if (killPolicy != null) {
      kill.setKillPolicy(killPolicy);
    }
    return Event.newBuilder().setType(Event.Type.KILL).setKill(kill).build();
  }

  public static Event acknowledged(TaskID taskId, ByteString uuid) {
    return Event.newBuilder()
        .setType(Event.Type.ACKNOWLEDGED)
        .setAcknowledged(Event.Acknowledged.newBuilder().setTaskId(taskId).setUuid(uuid))
        .build();
  }

  public static Event message(ByteString data) {
    return Event.newBuilder().setType(Event.Type.MESSAGE).setMessage(Event.Message.newBuilder().setData(data)).build();
  }

  public static Event error(String message) {
    return Event.newBuilder().setType(Event.Type.ERROR).setError(Event.Error.newBuilder().setMessage(message)).build();
  }

  public static Event shutdown() {
    return Event.newBuilder().setType(Event.Type.SHUTDOWN).build();
  }

  public static Event heartbeat() {
    return Event.newBuilder().setType(Event.Type.HEARTBEAT).build();
  }
}
