package io.mezzo.master.state;

import io.mezzo.v1.master.Protos.Event;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

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
  ClusterObserver NONE = of(event -> { }, () -> false);

  void applied(Event event);

  /**
   * Whether this observer does anything, now, with the state events (TASK_ADDED, TASK_UPDATED,
   * AGENT_ADDED, FRAMEWORK_UPDATED, ...: every event but the offer events). While it does not, the
   * state does not build them: a framework's FRAMEWORK_UPDATED holds all its tasks, and a
   * re-registering agent's tasks are each a TASK_ADDED. Offer events are always told.
   */
  default boolean hearsStateEvents() {
    return true;
  }

  /** Told each event by {@code applied}; hears state events while {@code hearsStateEvents} says so. */
  static ClusterObserver of(Consumer<Event> applied, BooleanSupplier hearsStateEvents) {
    return new ClusterObserver() {
      @Override
      public void applied(Event event) {
        applied.accept(event);
      }

      @Override
      public boolean hearsStateEvents() {
        return hearsStateEvents.getAsBoolean();
      }
    };
  }

  /** {@code first}, then {@code second}, told each event; state events are built if either hears them. */
  static ClusterObserver both(ClusterObserver first, ClusterObserver second) {
    return new ClusterObserver() {
      @Override
      public void applied(Event event) {
        first.applied(event);
        second.applied(event);
      }

      @Override
      public boolean hearsStateEvents() {
        return first.hearsStateEvents() || second.hearsStateEvents();
      }
    };
  }
}
