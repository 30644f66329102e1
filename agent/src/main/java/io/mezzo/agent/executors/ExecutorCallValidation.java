package io.mezzo.agent.executors;

import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.executor.Protos.Call;
import java.util.Optional;

/** The checks Mesos makes of an {@code executor::Call} before looking at any state (executor/validation.cpp). */
final class ExecutorCallValidation {
  private static final int UUID_BYTES = 16;

  private ExecutorCallValidation() {}

  /** What is wrong with the call, or empty when it may be dispatched. */
  static Optional<String> validate(Call call) {
    if (!call.hasType()) {
      return Optional.of("Expecting 'type' to be present");
    }
    switch (call.getType()) {
      case SUBSCRIBE -> {
        if (!call.hasSubscribe()) {
          return Optional.of("Expecting 'subscribe' to be present");
        }
        for (Call.Update update : call.getSubscribe().getUnacknowledgedUpdatesList()) {
          Optional<String> invalid = validateStatus(call, update.getStatus());
          if (invalid.isPresent()) {
            return Optional.of("Unacknowledged update of task '" + update.getStatus().getTaskId().getValue() + "': "
                + invalid.get());
          }
        }
      }
      case UPDATE -> {
        if (!call.hasUpdate()) {
          return Optional.of("Expecting 'update' to be present");
        }
        return validateStatus(call, call.getUpdate().getStatus());
      }
      case MESSAGE -> {
        if (!call.hasMessage()) {
          return Optional.of("Expecting 'message' to be present");
        }
      }
      default -> {
        // HEARTBEAT needs nothing; UNKNOWN is answered with 501 later, as Mesos does.
      }
    }
    return Optional.empty();
  }

  private static Optional<String> validateStatus(Call call, TaskStatus status) {
    if (!status.hasUuid()) {
      return Optional.of("Expecting 'uuid' to be present");
    }
    if (status.getUuid().size() != UUID_BYTES) {
      return Optional.of("Expecting 'uuid' to be " + UUID_BYTES + " bytes, got " + status.getUuid().size());
    }
    if (status.hasExecutorId() && !status.getExecutorId().equals(call.getExecutorId())) {
      return Optional.of("ExecutorID in Call: " + call.getExecutorId().getValue()
          + " does not match ExecutorID in TaskStatus: " + status.getExecutorId().getValue());
    }
    if (status.getSource() != TaskStatus.Source.SOURCE_EXECUTOR) {
      return Optional.of("Received Call from executor " + call.getExecutorId().getValue() + " of framework "
          + call.getFrameworkId().getValue() + " with invalid source, expecting 'SOURCE_EXECUTOR'");
    }
    if (status.getState() == TaskState.TASK_STAGING) {
      return Optional.of("Received TASK_STAGING from executor " + call.getExecutorId().getValue() + " of framework "
          + call.getFrameworkId().getValue() + " which is not allowed");
    }
    return Optional.empty();
  }
}
