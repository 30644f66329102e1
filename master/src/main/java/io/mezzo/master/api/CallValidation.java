package io.mezzo.master.api;

import io.mezzo.master.state.TextLimits;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.Value;
import io.mezzo.v1.scheduler.Protos.Call;
import java.util.List;
import java.util.Optional;

/**
 * The per-call checks Mesos makes before looking at state (validation.cpp, scheduler::call::validate),
 * then Mezzo's caps on the free text a call brings ({@link TextLimits}).
 */
final class CallValidation {
  private CallValidation() {}

  static Optional<String> validate(Call call) {
    Optional<String> invalid = validateShape(call);
    return invalid.isPresent() ? invalid : validateText(call);
  }

  /** The free text the master would store from this call, within {@link TextLimits}. */
  private static Optional<String> validateText(Call call) {
    switch (call.getType()) {
      case SUBSCRIBE -> {
        return TextLimits.frameworkInfo("subscribe.framework_info", call.getSubscribe().getFrameworkInfo());
      }
      case UPDATE_FRAMEWORK -> {
        return TextLimits.frameworkInfo("update_framework.framework_info",
            call.getUpdateFramework().getFrameworkInfo());
      }
      case ACCEPT -> {
        List<Offer.Operation> operations = call.getAccept().getOperationsList();
        for (int i = 0; i < operations.size(); i++) {
          Optional<String> bad = operation("accept.operations[" + i + "]", operations.get(i));
          if (bad.isPresent()) {
            return bad;
          }
        }
        return Optional.empty();
      }
      default -> {
        return Optional.empty();
      }
    }
  }

  private static Optional<String> operation(String field, Offer.Operation operation) {
    List<TaskInfo> tasks = operation.getLaunch().getTaskInfosList();
    String tasksField = field + ".launch.task_infos";
    if (operation.hasLaunchGroup()) {
      Optional<String> bad = TextLimits.executorInfo(field + ".launch_group.executor",
          operation.getLaunchGroup().getExecutor());
      if (bad.isEmpty()) {
        bad = quantities(field + ".launch_group.executor.resources",
            operation.getLaunchGroup().getExecutor().getResourcesList());
      }
      if (bad.isPresent()) {
        return bad;
      }
      tasks = operation.getLaunchGroup().getTaskGroup().getTasksList();
      tasksField = field + ".launch_group.task_group.tasks";
    }
    for (int i = 0; i < tasks.size(); i++) {
      TaskInfo task = tasks.get(i);
      Optional<String> bad = TextLimits.taskInfo(tasksField + "[" + i + "]", task);
      if (bad.isEmpty()) {
        bad = quantities(tasksField + "[" + i + "].resources", task.getResourcesList());
      }
      if (bad.isEmpty()) {
        bad = quantities(tasksField + "[" + i + "].executor.resources", task.getExecutor().getResourcesList());
      }
      if (bad.isPresent()) {
        return bad;
      }
    }
    for (String kind : List.of("reserve", "unreserve", "create", "destroy")) {
      Optional<String> bad = quantities(field + "." + kind + ".resources", switch (kind) {
        case "reserve" -> operation.getReserve().getResourcesList();
        case "unreserve" -> operation.getUnreserve().getResourcesList();
        case "create" -> operation.getCreate().getVolumesList();
        default -> operation.getDestroy().getVolumesList();
      });
      if (bad.isPresent()) {
        return bad;
      }
    }
    return Optional.empty();
  }

  /**
   * Resource values that are no quantity at all: a scalar that is NaN, infinite or negative, a
   * range that is negative or runs backwards. Finite values too large for any agent are a matter of
   * state, refused later as Mesos does (TASK_ERROR for a launch).
   */
  static Optional<String> quantities(String field, List<Resource> resources) {
    for (int i = 0; i < resources.size(); i++) {
      Resource resource = resources.get(i);
      String where = field + "[" + i + "] ('" + TextLimits.truncate(resource.getName(), 64) + "')";
      if (resource.hasScalar()) {
        double value = resource.getScalar().getValue();
        if (!Double.isFinite(value) || value < 0) {
          return Optional.of(where + ": a scalar must be a finite number of at least 0, got " + value);
        }
      }
      for (Value.Range range : resource.getRanges().getRangeList()) {
        if (range.getBegin() < 0 || range.getEnd() < range.getBegin()) {
          return Optional.of(where + ": a range must run from 0 or more up to its end, got [" + range.getBegin()
              + "-" + range.getEnd() + "]");
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> validateShape(Call call) {
    if (!call.hasType()) {
      return Optional.of("Expecting 'type' to be present");
    }
    if (call.getType() == Call.Type.SUBSCRIBE) {
      if (!call.hasSubscribe()) {
        return missing("subscribe");
      }
      boolean callHasId = call.hasFrameworkId();
      boolean infoHasId = call.getSubscribe().getFrameworkInfo().hasId();
      if (callHasId != infoHasId
          || (callHasId && !call.getFrameworkId().equals(call.getSubscribe().getFrameworkInfo().getId()))) {
        return Optional.of("'framework_id' differs from 'subscribe.framework_info.id'");
      }
      return Optional.empty();
    }
    if (call.getType() == Call.Type.UNKNOWN) {
      return Optional.empty();
    }
    if (!call.hasFrameworkId()) {
      return missing("framework_id");
    }
    return switch (call.getType()) {
      case ACCEPT -> call.hasAccept() ? Optional.empty() : missing("accept");
      case DECLINE -> call.hasDecline() ? Optional.empty() : missing("decline");
      case KILL -> call.hasKill() ? Optional.empty() : missing("kill");
      case SHUTDOWN -> call.hasShutdown() ? Optional.empty() : missing("shutdown");
      case ACKNOWLEDGE -> validateAcknowledge(call);
      case RECONCILE -> call.hasReconcile() ? Optional.empty() : missing("reconcile");
      case MESSAGE -> call.hasMessage() ? Optional.empty() : missing("message");
      case REQUEST -> call.hasRequest() ? Optional.empty() : missing("request");
      case UPDATE_FRAMEWORK -> validateUpdateFramework(call);
      default -> Optional.empty();
    };
  }

  private static Optional<String> validateUpdateFramework(Call call) {
    if (!call.hasUpdateFramework()) {
      return missing("update_framework");
    }
    if (!call.getUpdateFramework().getFrameworkInfo().getId().equals(call.getFrameworkId())) {
      return Optional.of("'framework_id' differs from 'update_framework.framework_info.id'");
    }
    return Optional.empty();
  }

  private static Optional<String> validateAcknowledge(Call call) {
    if (!call.hasAcknowledge()) {
      return missing("acknowledge");
    }
    if (call.getAcknowledge().getUuid().size() != 16) {
      return Optional.of("'acknowledge.uuid' is not a valid UUID (expecting 16 bytes, got "
          + call.getAcknowledge().getUuid().size() + ")");
    }
    return Optional.empty();
  }

  private static Optional<String> missing(String field) {
    return Optional.of("Expecting '" + field + "' to be present");
  }
}
