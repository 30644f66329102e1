package io.mezzo.master.api;

import io.mezzo.v1.scheduler.Protos.Call;
import java.util.Optional;

/** The per-call checks Mesos makes before looking at state (validation.cpp, scheduler::call::validate). */
final class CallValidation {
  private CallValidation() {}

  static Optional<String> validate(Call call) {
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
