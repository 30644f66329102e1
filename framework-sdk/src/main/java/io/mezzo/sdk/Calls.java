package io.mezzo.sdk;

import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.Filters;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.scheduler.Protos.Call;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Static factories for the Mesos v1 scheduler {@link Call}s a framework sends. The client
 * builds every call with these, and tests use them to build the calls they expect.
 */
public final class Calls {
  private Calls() {}

  /**
   * SUBSCRIBE. When {@code frameworkInfo} carries an id (re-subscription), the call's
   * {@code framework_id} is set to the same value, as the master requires.
   */
  public static Call subscribe(FrameworkInfo frameworkInfo) {
    return subscribe(frameworkInfo, List.of());
  }

  /** SUBSCRIBE with roles that start out suppressed. */
  public static Call subscribe(FrameworkInfo frameworkInfo, Collection<String> suppressedRoles) {
    Objects.requireNonNull(frameworkInfo, "frameworkInfo");
    Call.Builder call = Call.newBuilder()
        .setType(Call.Type.SUBSCRIBE)
        .setSubscribe(Call.Subscribe.newBuilder()
            .setFrameworkInfo(frameworkInfo)
            .addAllSuppressedRoles(suppressedRoles));
    if (frameworkInfo.hasId()) {
      call.setFrameworkId(frameworkInfo.getId());
    }
    return call.build();
  }

  /** SUBSCRIBE as framework {@code frameworkId}: the id goes into the call and into {@code framework_info.id}. */
  public static Call resubscribe(FrameworkInfo frameworkInfo, FrameworkID frameworkId, Collection<String> suppressedRoles) {
    Objects.requireNonNull(frameworkId, "frameworkId");
    return subscribe(frameworkInfo.toBuilder().setId(frameworkId).build(), suppressedRoles);
  }

  /** ACCEPT offers with operations; {@code filters} may be null (the master's default). */
  public static Call accept(
      FrameworkID frameworkId, List<OfferID> offerIds, List<Offer.Operation> operations, Filters filters) {
    Call.Accept.Builder accept = Call.Accept.newBuilder().addAllOfferIds(offerIds).addAllOperations(operations);
    if (filters != null) {
      accept.setFilters(filters);
    }
    return call(frameworkId, Call.Type.ACCEPT).setAccept(accept).build();
  }

  /** ACCEPT one offer with one LAUNCH operation. */
  public static Call launch(FrameworkID frameworkId, OfferID offerId, List<TaskInfo> tasks, Filters filters) {
    return accept(frameworkId, List.of(offerId), List.of(launchOperation(tasks)), filters);
  }

  /** A LAUNCH operation for an ACCEPT call. */
  public static Offer.Operation launchOperation(List<TaskInfo> tasks) {
    return Offer.Operation.newBuilder()
        .setType(Offer.Operation.Type.LAUNCH)
        .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(tasks))
        .build();
  }

  /** DECLINE offers; {@code filters} may be null (the master's default). */
  public static Call decline(FrameworkID frameworkId, List<OfferID> offerIds, Filters filters) {
    Call.Decline.Builder decline = Call.Decline.newBuilder().addAllOfferIds(offerIds);
    if (filters != null) {
      decline.setFilters(filters);
    }
    return call(frameworkId, Call.Type.DECLINE).setDecline(decline).build();
  }

  /** A filter that keeps declined resources away for {@code refuseSeconds}. */
  public static Filters refuseSeconds(double refuseSeconds) {
    if (!(refuseSeconds >= 0) || Double.isInfinite(refuseSeconds)) {
      throw new IllegalArgumentException("refuse_seconds must be a finite number >= 0, got " + refuseSeconds);
    }
    return Filters.newBuilder().setRefuseSeconds(refuseSeconds).build();
  }

  /** KILL a task; {@code agentId} may be null. */
  public static Call kill(FrameworkID frameworkId, TaskID taskId, AgentID agentId) {
    Call.Kill.Builder kill = Call.Kill.newBuilder().setTaskId(taskId);
    if (agentId != null) {
      kill.setAgentId(agentId);
    }
    return call(frameworkId, Call.Type.KILL).setKill(kill).build();
  }

  /**
   * ACKNOWLEDGE a status update.
   *
   * @throws IllegalArgumentException if the status has no uuid (it must not be acknowledged)
   *     or no agent id
   */
  public static Call acknowledge(FrameworkID frameworkId, TaskStatus status) {
    if (!status.hasUuid()) {
      throw new IllegalArgumentException(
          "Status update for task " + status.getTaskId().getValue() + " has no uuid and must not be acknowledged");
    }
    if (!status.hasAgentId()) {
      throw new IllegalArgumentException(
          "Status update for task " + status.getTaskId().getValue() + " has a uuid but no agent_id");
    }
    return call(frameworkId, Call.Type.ACKNOWLEDGE)
        .setAcknowledge(Call.Acknowledge.newBuilder()
            .setAgentId(status.getAgentId())
            .setTaskId(status.getTaskId())
            .setUuid(status.getUuid()))
        .build();
  }

  /** RECONCILE the given tasks, or all the framework's tasks when the list is empty. */
  public static Call reconcile(FrameworkID frameworkId, List<Call.Reconcile.Task> tasks) {
    return call(frameworkId, Call.Type.RECONCILE)
        .setReconcile(Call.Reconcile.newBuilder().addAllTasks(tasks))
        .build();
  }

  /** One entry of an explicit RECONCILE; {@code agentId} may be null. */
  public static Call.Reconcile.Task reconcileTask(TaskID taskId, AgentID agentId) {
    Call.Reconcile.Task.Builder task = Call.Reconcile.Task.newBuilder().setTaskId(taskId);
    if (agentId != null) {
      task.setAgentId(agentId);
    }
    return task.build();
  }

  /** REVIVE the given roles; no roles means all of the framework's roles. */
  public static Call revive(FrameworkID frameworkId, Collection<String> roles) {
    Call.Builder call = call(frameworkId, Call.Type.REVIVE);
    if (!roles.isEmpty()) {
      call.setRevive(Call.Revive.newBuilder().addAllRoles(roles));
    }
    return call.build();
  }

  /** SUPPRESS the given roles; no roles means all of the framework's roles. */
  public static Call suppress(FrameworkID frameworkId, Collection<String> roles) {
    Call.Builder call = call(frameworkId, Call.Type.SUPPRESS);
    if (!roles.isEmpty()) {
      call.setSuppress(Call.Suppress.newBuilder().addAllRoles(roles));
    }
    return call.build();
  }

  /** TEARDOWN the framework. */
  public static Call teardown(FrameworkID frameworkId) {
    return call(frameworkId, Call.Type.TEARDOWN).build();
  }

  private static Call.Builder call(FrameworkID frameworkId, Call.Type type) {
    Objects.requireNonNull(frameworkId, "frameworkId");
    return Call.newBuilder().setFrameworkId(frameworkId).setType(type);
  }
}
