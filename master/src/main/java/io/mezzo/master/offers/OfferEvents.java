package io.mezzo.master.offers;

import io.mezzo.master.offers.OfferBook.OfferRecord;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.TaskGroupInfo;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.master.Protos.Event;
import io.mezzo.v1.master.Protos.Event.OfferEvent;
import io.mezzo.v1.master.Protos.Event.OfferEvent.RescindReason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Builds Mezzo's offer events for the operator stream: one per step in an offer's life, each with
 * the offer's id, framework, agent and role, and when it happened. Every event that ends an offer
 * says how long the framework held it.
 *
 * <p>The events are kept in the {@link OfferHistory}, so they stay small: an OFFER_ACCEPTED keeps of
 * each task only its name, id, agent, resources and executor id, not its command, container, data or
 * labels.
 *
 * <p>Messages are built with {@code buildPartial()}: they come from calls the master already parsed,
 * and building them must never throw on the master's loop.
 */
public final class OfferEvents {
  private OfferEvents() {}

  /** OFFER_CREATED: the offer went out, with what it offered. */
  public static Event created(OfferRecord offer, Instant now) {
    return event(OfferEvent.Type.OFFER_CREATED, base(offer, now).addAllResources(offer.offer().getResourcesList()));
  }

  /**
   * OFFER_ACCEPTED: an ACCEPT spent the offer. {@code launched} are the tasks it sent to the agent
   * (those that failed validation are not among them); {@code message} says why, when the ACCEPT
   * was refused as a whole and the offer was spent without launching anything (null otherwise).
   */
  public static Event accepted(OfferRecord offer, Instant now, List<Offer.Operation> operations, List<TaskID> launched,
      String message) {
    OfferEvent.Builder event = ended(offer, now).addAllTaskIds(launched);
    operations.forEach(op -> event.addOperations(slim(op)));
    if (message != null) {
      event.setMessage(message);
    }
    return event(OfferEvent.Type.OFFER_ACCEPTED, event);
  }

  /** OFFER_DECLINED: with the refusal filter in force ({@code filtersGiven} false: the default one). */
  public static Event declined(OfferRecord offer, Instant now, double refuseSeconds, boolean filtersGiven) {
    return event(OfferEvent.Type.OFFER_DECLINED, ended(offer, now).setRefuseSeconds(refuseSeconds)
        .setFiltersGiven(filtersGiven));
  }

  /** OFFER_RESCINDED: the master took the offer back, or dropped it with its framework's connection. */
  public static Event rescinded(OfferRecord offer, Instant now, RescindReason reason, String message) {
    return event(OfferEvent.Type.OFFER_RESCINDED, ended(offer, now).setReason(reason).setMessage(message));
  }

  /** OFFER_EXPIRED: outstanding for longer than the master's offer timeout, so rescinded. */
  public static Event expired(OfferRecord offer, Instant now, Duration offerTimeout) {
    return event(OfferEvent.Type.OFFER_EXPIRED, ended(offer, now)
        .setMessage("Offer outstanding for longer than the offer timeout of " + offerTimeout.toSeconds() + " s"));
  }

  /** The Event's own type stays unset: an offer event's kind is in offer_event.type (see master.proto). */
  private static Event event(OfferEvent.Type type, OfferEvent.Builder offerEvent) {
    return Event.newBuilder().setOfferEvent(offerEvent.setType(type)).buildPartial();
  }

  private static OfferEvent.Builder base(OfferRecord offer, Instant now) {
    return OfferEvent.newBuilder()
        .setOfferId(OfferID.newBuilder().setValue(offer.id()))
        .setFrameworkId(FrameworkID.newBuilder().setValue(offer.frameworkId()))
        .setAgentId(AgentID.newBuilder().setValue(offer.agentId()))
        .setRole(offer.role())
        .setTimestamp(now.toEpochMilli() / 1000.0);
  }

  private static OfferEvent.Builder ended(OfferRecord offer, Instant now) {
    return base(offer, now).setHeldSeconds(Duration.between(offer.createdAt(), now).toMillis() / 1000.0);
  }

  /** The operation without what a task runs: what the history needs to say what was launched where. */
  static Offer.Operation slim(Offer.Operation op) {
    Offer.Operation.Builder out = op.toBuilder();
    if (op.hasLaunch()) {
      Offer.Operation.Launch.Builder launch = Offer.Operation.Launch.newBuilder();
      op.getLaunch().getTaskInfosList().forEach(task -> launch.addTaskInfos(slim(task)));
      out.setLaunch(launch);
    }
    if (op.hasLaunchGroup()) {
      TaskGroupInfo.Builder group = TaskGroupInfo.newBuilder();
      op.getLaunchGroup().getTaskGroup().getTasksList().forEach(task -> group.addTasks(slim(task)));
      out.setLaunchGroup(Offer.Operation.LaunchGroup.newBuilder()
          .setExecutor(slim(op.getLaunchGroup().getExecutor())).setTaskGroup(group));
    }
    return out.buildPartial();
  }

  private static TaskInfo slim(TaskInfo task) {
    TaskInfo.Builder out = TaskInfo.newBuilder().setName(task.getName()).setTaskId(task.getTaskId())
        .setAgentId(task.getAgentId()).addAllResources(task.getResourcesList());
    if (task.hasExecutor()) {
      out.setExecutor(slim(task.getExecutor()));
    }
    return out.buildPartial();
  }

  private static ExecutorInfo slim(ExecutorInfo executor) {
    ExecutorInfo.Builder out = ExecutorInfo.newBuilder().setExecutorId(executor.getExecutorId())
        .addAllResources(executor.getResourcesList());
    if (executor.hasType()) {
      out.setType(executor.getType());
    }
    return out.buildPartial();
  }
}
