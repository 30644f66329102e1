package io.mezzo.master.state;

import io.mezzo.master.spi.AgentResources;
import io.mezzo.master.spi.Resources;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;

/** The master's view of one task. */
final class TaskRecord {
  final String frameworkId;
  final String agentId;
  final String role;
  final TaskInfo info;
  final Resources resources;
  /** {@link #resources} split into unreserved and reserved-per-role parts. */
  final AgentResources allocation;
  TaskState state = TaskState.TASK_STAGING;
  TaskStatus latestStatus;
  boolean resourcesRecovered;

  TaskRecord(String frameworkId, String agentId, String role, TaskInfo info, AgentResources allocation) {
    this.frameworkId = frameworkId;
    this.agentId = agentId;
    this.role = role;
    this.info = info;
    this.allocation = allocation;
    this.resources = allocation.total();
  }

  String id() {
    return info.getTaskId().getValue();
  }
}
