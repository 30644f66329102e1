package io.mezzo.master.state;

import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.scheduler.Protos.Event;
import java.time.Clock;

/**
 * Task status updates as the parts of {@link ClusterState} send them to frameworks: the UPDATE
 * event, the updates the master makes itself, and which task states are terminal.
 */
final class TaskUpdates {
  private TaskUpdates() {}

  /** An update the master makes itself: no uuid, not retried, not to be acknowledged. Returns what was sent. */
  static TaskStatus masterUpdate(Clock clock, FrameworkRecord framework, TaskID taskId, String agentId, TaskState state,
      TaskStatus.Reason reason, String message) {
    TaskStatus.Builder status = TaskStatus.newBuilder().setTaskId(taskId).setState(state)
        .setSource(TaskStatus.Source.SOURCE_MASTER).setReason(reason).setMessage(message)
        .setTimestamp(clock.millis() / 1000.0);
    if (agentId != null && !agentId.isEmpty()) {
      status.setAgentId(AgentID.newBuilder().setValue(agentId));
    }
    TaskStatus sent = status.build();
    framework.send(update(sent));
    return sent;
  }

  static boolean isTerminal(TaskState state) {
    return io.mezzo.protocol.TaskStates.isTerminal(state);
  }

  static Event update(TaskStatus status) {
    return Event.newBuilder().setType(Event.Type.UPDATE).setUpdate(Event.Update.newBuilder().setStatus(status)).build();
  }
}
