package io.mezzo.master.state;

import io.mezzo.v1.master.Protos.Event;

/**
 * Told every change the leading master applied, as an operator-stream event (Mesos's
 * {@code master.Event}: TASK_ADDED, AGENT_REMOVED, ... and Mezzo's OFFER_* events), in the
 * order the state applied them. The operator API's SUBSCRIBE fans these out, and the offer
 * history keeps the recent offer events.
 *
 * <p>Called on the master's state context, synchronously, right after the change; an
 * implementation must not block and must not call back into {@link ClusterState}.
 */
public interface ClusterObserver {
  /** Observes nothing: the state's default until the master sets one. */
  ClusterObserver NONE = event -> { };

  void applied(Event event);
}
