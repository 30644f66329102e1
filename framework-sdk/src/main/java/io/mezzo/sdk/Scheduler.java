package io.mezzo.sdk;

import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.ExecutorID;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.TaskStatus;
import java.util.List;

/**
 * What a framework author implements: callbacks for the events of the Mesos v1 scheduler
 * stream.
 *
 * <p><b>Threading.</b> Every callback is invoked on one SDK event thread (named
 * {@code mezzo-scheduler-events}), one at a time, in the order the master sent the events.
 * A callback therefore never races another callback, and an implementation needs no locks
 * for state that only callbacks touch. A callback should return quickly: while it runs, no
 * other event is delivered (heartbeats are still read, so a slow callback does not cause a
 * reconnect). Hand long work to your own executor.
 *
 * <p><b>Acting.</b> Use the {@link SchedulerDriver} passed to each callback. Its methods
 * are asynchronous and may be called from any thread; never block on their futures inside
 * a callback ({@code join()} on the event thread stalls the event stream).
 *
 * <p><b>Failures.</b> A runtime exception thrown by a callback is logged and otherwise
 * ignored; the next event is still delivered. (For {@link #update} it also means the update
 * is not acknowledged implicitly, so the agent will send it again.)
 *
 * <p>No callback is invoked after {@link SchedulerClient#close()} has been called.
 */
public interface Scheduler {

  /**
   * The master accepted the SUBSCRIBE call: called once per successful (re-)subscription,
   * first after {@code start()} and again after each reconnect, always with the same
   * framework id once one has been assigned.
   *
   * <p>Save the framework id if the framework must survive a restart of its own process
   * (pass it back through {@code FrameworkInfo.id}). After a re-subscription, offers held
   * before are gone; reconcile the tasks you think are running.
   *
   * @param master the leading master, or null if the master did not say
   */
  default void subscribed(SchedulerDriver driver, FrameworkID frameworkId, MasterInfo master) {}

  /**
   * New resource offers. Accept ({@link SchedulerDriver#accept}/{@link SchedulerDriver#launch})
   * or {@link SchedulerDriver#decline decline} them <b>before returning</b>: every offer of
   * this call that was neither accepted nor declined when the callback returns is declined
   * by the SDK with the client's default filter, so resources never sit idle in a forgotten
   * offer.
   */
  void offers(SchedulerDriver driver, List<Offer> offers);

  /**
   * An offer is no longer valid (its agent went away, it timed out, or another framework got
   * it after a rescind). Forget it; accepting it now would fail the launched tasks with
   * TASK_LOST or TASK_DROPPED.
   */
  default void rescinded(SchedulerDriver driver, OfferID offerId) {}

  /**
   * A task changed state, or a reconciliation answer. Update your task bookkeeping.
   *
   * <p>States are not always final in order: with the PARTITION_AWARE capability, a task on an
   * agent the master cannot reach is TASK_UNREACHABLE, and when the agent comes back the master
   * sends the task's state again (TASK_RUNNING, reason REASON_AGENT_REREGISTERED, no uuid).
   * Without the capability the task is TASK_LOST and is killed on the agent if it comes back.
   *
   * <p>By default the SDK acknowledges the update after this method returns normally, when
   * the update carries a uuid (updates without one are never acknowledged). With
   * {@code implicitAcknowledgements(false)} call {@link SchedulerDriver#acknowledge} yourself,
   * once the update is durably handled; until then the agent keeps resending it and holds
   * back later updates of the same task.
   */
  void update(SchedulerDriver driver, TaskStatus status);

  /** An executor sent the framework a message (no delivery guarantee). */
  default void message(SchedulerDriver driver, AgentID agentId, ExecutorID executorId, byte[] data) {}

  /**
   * An agent was removed ({@code executorId} and {@code status} null), or an executor
   * terminated (both set, {@code status} being its exit status). Updates for the affected
   * tasks arrive separately, in no guaranteed order relative to this event.
   *
   * @param agentId the agent, or null if the master did not name one
   * @param executorId the executor that terminated, or null when the whole agent is gone
   * @param status the executor's exit status, or null
   */
  default void failure(SchedulerDriver driver, AgentID agentId, ExecutorID executorId, Integer status) {}

  /**
   * The master sent an ERROR event: the subscription was refused or ended (for example
   * "Framework has been removed", or "Framework failed over" when another instance of this
   * framework subscribed with the same id). Unless the client was built with
   * {@code continueAfterError(true)}, the client stops after this callback returns, as Mesos
   * schedulers abort; {@link SchedulerClient#terminated()} then completes.
   */
  default void error(SchedulerDriver driver, String message) {}

  /**
   * The subscription stream ended or went silent (no event, heartbeats included, for five
   * heartbeat intervals). Calls fail until the next {@link #subscribed}; the SDK is already
   * re-detecting the leader and re-subscribing with backoff. Offers received before are void.
   * Not called when the client is closed or torn down on purpose.
   */
  default void disconnected(SchedulerDriver driver) {}
}
