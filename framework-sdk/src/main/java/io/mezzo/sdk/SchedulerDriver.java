package io.mezzo.sdk;

import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.Filters;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.scheduler.Protos.Call;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * How a scheduler acts on the cluster: each method sends one call of the Mesos v1 scheduler
 * API to the master the client is subscribed to.
 *
 * <p>Every method may be called from any thread, including inside {@link Scheduler}
 * callbacks, and returns at once. The future completes when the master has answered:
 * normally when it accepted the call (HTTP 202; the effects arrive later as events), or
 * exceptionally with a {@link SchedulerCallException} (carrying the HTTP status and the
 * master's message) on any other status, an {@link IllegalStateException} when the client is
 * not subscribed (before the first {@code subscribed}, between {@code disconnected} and the
 * next {@code subscribed}, or after close), or an I/O exception. Futures complete on an
 * HTTP client thread; do not block on them inside callbacks.
 */
public interface SchedulerDriver {

  /**
   * Accepts offers (all from the same agent) with operations such as LAUNCH; what the
   * operations do not use is declined with {@code filters} (null: the master's default,
   * 5 seconds).
   */
  CompletableFuture<Void> accept(List<OfferID> offerIds, List<Offer.Operation> operations, Filters filters);

  /** Launches tasks on one offer: {@link #accept} with one LAUNCH operation and the client's default filter. */
  CompletableFuture<Void> launch(OfferID offerId, List<TaskInfo> tasks);

  /**
   * Declines offers; the master will not offer those resources to this framework again for
   * {@code filters.refuse_seconds} (null: the master's default, 5 seconds).
   */
  CompletableFuture<Void> decline(List<OfferID> offerIds, Filters filters);

  /** Asks the master to kill a task. {@code agentId} may be null if unknown. */
  CompletableFuture<Void> kill(TaskID taskId, AgentID agentId);

  /**
   * Acknowledges a status update so the agent stops resending it. Updates without a uuid
   * (reconciliation answers, updates the master made itself) need no acknowledgement: for
   * them this does nothing and returns a completed future. Only needed when the client was
   * built with {@code implicitAcknowledgements(false)}.
   */
  CompletableFuture<Void> acknowledge(TaskStatus status);

  /**
   * Asks for the latest state of the given tasks (explicit reconciliation), or of all the
   * framework's tasks known to the master when the list is empty (implicit). Answers arrive
   * as {@link Scheduler#update} calls without uuid.
   */
  CompletableFuture<Void> reconcile(List<Call.Reconcile.Task> tasks);

  /** Asks for offers again for the given roles (none: all roles) and clears their decline filters. */
  CompletableFuture<Void> revive(String... roles);

  /**
   * Stops offers for the given roles (none: all roles) until {@link #revive}. Status updates
   * keep flowing. The client remembers suppressed roles and re-sends them on re-subscribe.
   */
  CompletableFuture<Void> suppress(String... roles);

  /**
   * Removes the framework from the cluster: the master kills its tasks and forgets it, and
   * the framework id cannot subscribe again. When the master accepted the call, the client
   * closes itself (no {@code disconnected} callback, no reconnect).
   */
  CompletableFuture<Void> teardown();

  /**
   * Closes the subscription without tearing the framework down: the master keeps its tasks
   * for {@code FrameworkInfo.failover_timeout}, so another instance may re-subscribe with the
   * same framework id. Same as {@link SchedulerClient#close()}; the future completes when the
   * client's threads have stopped.
   */
  CompletableFuture<Void> stop();
}
