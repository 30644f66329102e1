package io.mezzo.master.offers;

import io.mezzo.v1.master.Protos.Event;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The most recent offer events (OFFER_CREATED ... OFFER_EXPIRED) the leading master applied, oldest
 * first, at most {@link #capacity()} of them: when full, the oldest is dropped to make room. The
 * operator stream sends them right after SUBSCRIBED, so that a watcher who connects late still sees
 * the recent market. Owned by the master's state context, like the rest of the state; events of
 * other types are ignored.
 */
public final class OfferHistory {
  /** {@code --offer-history}'s default. */
  public static final int DEFAULT_CAPACITY = 10_000;
  /** The largest {@code --offer-history}: 0.7 to 2.5 GB of heap at the sizes measured (docs/operations.md). */
  public static final int MAX_CAPACITY = 1_000_000;

  private final int capacity;
  private final ArrayDeque<Event> events = new ArrayDeque<>();

  /**
   * @param capacity how many events to keep, 0..{@link #MAX_CAPACITY}; 0 keeps none
   * @throws IllegalArgumentException naming the bad value
   */
  public OfferHistory(int capacity) {
    if (capacity < 0 || capacity > MAX_CAPACITY) {
      throw new IllegalArgumentException("offer history must be 0.." + MAX_CAPACITY + " events, got " + capacity);
    }
    this.capacity = capacity;
  }

  /** Keeps {@code event} if it is an offer event, dropping the oldest one when the history is full. */
  public void record(Event event) {
    if (capacity == 0 || !isOfferEvent(event)) {
      return;
    }
    if (events.size() == capacity) {
      events.pollFirst();
    }
    events.addLast(event);
  }

  /** The kept events, oldest first; a copy. */
  public List<Event> recent() {
    return List.copyOf(events);
  }

  public int capacity() {
    return capacity;
  }

  /** True for OFFER_CREATED, OFFER_ACCEPTED, OFFER_DECLINED, OFFER_RESCINDED and OFFER_EXPIRED. */
  public static boolean isOfferEvent(Event event) {
    return switch (event.getOfferEvent().getType()) {
      case OFFER_CREATED, OFFER_ACCEPTED, OFFER_DECLINED, OFFER_RESCINDED, OFFER_EXPIRED -> event.hasOfferEvent();
      default -> false;
    };
  }
}
