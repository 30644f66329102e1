package io.mezzo.master.state;

import io.mezzo.master.spi.AgentResources;
import io.mezzo.master.spi.Resources;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.ExecutorID;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.Protos.Value;

/**
 * The master's view of one task. A master holds one per task, so what it keeps is made small:
 * its messages share the agent's {@link AgentID}, one {@link TaskID} (and its id string) between
 * the task and its latest status, and, through {@link ProtoInterner}, the resources (as messages
 * and as {@link AgentResources}), command, container and executor that other tasks have too. Each is equal to what it replaces, so no
 * reader sees a difference.
 */
final class TaskRecord {
  final String frameworkId;
  final String agentId;
  final String role;
  final TaskInfo info;
  final Resources resources;
  /** {@link #resources} split into unreserved and reserved-per-role parts. */
  final AgentResources allocation;
  TaskState state = TaskState.TASK_STAGING;
  /** The latest status without its data (the master never shows it); set through {@link #recordStatus}. */
  TaskStatus latestStatus;
  boolean resourcesRecovered;

  /** @param agentId the agent's own {@link AgentRecord#protoId}, which the stored task info shares */
  TaskRecord(String frameworkId, AgentID agentId, String role, TaskInfo info, AgentResources allocation,
      ProtoInterner shared) {
    this.frameworkId = frameworkId;
    this.agentId = agentId.getValue();
    this.role = role;
    this.info = compact(info, agentId, shared);
    // Scalars repeat from task to task; ranges (ports) mostly do not, and would only cost an entry.
    this.allocation = allocation.total().ranges().isEmpty() ? shared.intern(allocation) : allocation;
    this.resources = this.allocation.total();
  }

  String id() {
    return info.getTaskId().getValue();
  }

  /** Makes {@code status} the task's latest: its state, and the status itself without its data. */
  void recordStatus(TaskStatus status) {
    state = status.getState();
    latestStatus = compact(status);
  }

  /** {@code info} with the parts it shares with other records; equal to {@code info}. */
  static TaskInfo compact(TaskInfo info, AgentID agentId, ProtoInterner shared) {
    // Field by field rather than toBuilder(): that gives every copy a map of its own for the
    // task's limits, even when it has none.
    TaskInfo.Builder out = TaskInfo.newBuilder();
    info.getAllFields().forEach(out::setField);
    out.setUnknownFields(info.getUnknownFields());
    String taskId = info.getTaskId().getValue();
    if (info.hasAgentId() && info.getAgentId().equals(agentId)) {
      out.setAgentId(agentId);
    }
    if (info.hasName() && info.getName().equals(taskId)) {
      out.setName(taskId);
    }
    for (int i = 0; i < info.getResourcesCount(); i++) {
      Resource r = info.getResources(i);
      // Scalars repeat from task to task; ranges (ports) mostly do not, and would only cost an entry.
      if (r.getType() == Value.Type.SCALAR) {
        out.setResources(i, shared.intern(r));
      }
    }
    if (info.hasCommand()) {
      out.setCommand(shared.intern(info.getCommand()));
    }
    if (info.hasContainer()) {
      out.setContainer(shared.intern(info.getContainer()));
    }
    if (info.hasExecutor()) {
      out.setExecutor(shared.intern(info.getExecutor()));
    }
    return out.build();
  }

  /** {@code status} without its data, sharing the task's ids; otherwise equal to it. */
  private TaskStatus compact(TaskStatus status) {
    TaskStatus.Builder out = status.toBuilder().clearData();
    TaskID taskId = info.getTaskId();
    if (status.getTaskId().equals(taskId)) {
      out.setTaskId(taskId);
    }
    if (status.hasAgentId() && info.hasAgentId() && status.getAgentId().equals(info.getAgentId())) {
      out.setAgentId(info.getAgentId());
    }
    if (status.hasExecutorId()) {
      ExecutorID executorId = status.getExecutorId();
      if (info.hasExecutor() && info.getExecutor().getExecutorId().equals(executorId)) {
        out.setExecutorId(info.getExecutor().getExecutorId());
      } else if (executorId.getValue().equals(taskId.getValue())) {
        // The command executor is named after its task: keep one string for both.
        ExecutorID named = ExecutorID.newBuilder().setValue(taskId.getValue()).build();
        if (named.equals(executorId)) {
          out.setExecutorId(named);
        }
      }
    }
    return out.build();
  }
}
