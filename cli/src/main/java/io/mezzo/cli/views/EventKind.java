package io.mezzo.cli.views;

import io.mezzo.v1.master.Protos.Event;

/**
 * What an operator-stream event is: the Event's own type, or, for Mezzo's offer events (whose
 * Event type is left unset so that Mesos clients skip them), the kind in {@code offer_event.type}.
 */
enum EventKind {
  SUBSCRIBED, TASK_ADDED, TASK_UPDATED, AGENT_ADDED, AGENT_REMOVED, FRAMEWORK_ADDED, FRAMEWORK_UPDATED,
  FRAMEWORK_REMOVED, HEARTBEAT, OFFER_CREATED, OFFER_ACCEPTED, OFFER_DECLINED, OFFER_RESCINDED, OFFER_EXPIRED,
  UNKNOWN;

  static EventKind of(Event event) {
    String name = event.hasOfferEvent() ? event.getOfferEvent().getType().name() : event.getType().name();
    try {
      return valueOf(name);
    } catch (IllegalArgumentException e) {
      return UNKNOWN;
    }
  }
}
