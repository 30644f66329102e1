package io.mezzo.master.offers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.master.Protos.Event;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bounded ring of recent offer events. */
class OfferHistoryTest {

  private static Event created(String offerId) {
    return Event.newBuilder().setOfferEvent(Event.OfferEvent.newBuilder().setType(Event.OfferEvent.Type.OFFER_CREATED)
        .setOfferId(OfferID.newBuilder().setValue(offerId))).build();
  }

  private static List<String> ids(List<Event> events) {
    return events.stream().map(e -> e.getOfferEvent().getOfferId().getValue()).toList();
  }

  @Test
  void whenFullTheOldestEventIsDroppedFirst() {
    OfferHistory history = new OfferHistory(3);
    for (int i = 0; i < 5; i++) {
      history.record(created("O" + i));
    }

    assertThat(ids(history.recent())).containsExactly("O2", "O3", "O4");
    history.record(created("O5"));
    assertThat(ids(history.recent())).containsExactly("O3", "O4", "O5");
  }

  @Test
  void onlyOfferEventsAreKept() {
    OfferHistory history = new OfferHistory(10);
    history.record(Event.newBuilder().setType(Event.Type.HEARTBEAT).build());
    history.record(Event.newBuilder().setType(Event.Type.AGENT_REMOVED).build());
    history.record(created("O1"));

    assertThat(ids(history.recent())).containsExactly("O1");
  }

  @Test
  void recentIsACopy() {
    OfferHistory history = new OfferHistory(10);
    history.record(created("O1"));
    List<Event> before = history.recent();
    history.record(created("O2"));

    assertThat(ids(before)).containsExactly("O1");
    assertThat(ids(history.recent())).containsExactly("O1", "O2");
  }

  @Test
  void zeroKeepsNothingAndTheBoundsAreChecked() {
    OfferHistory none = new OfferHistory(0);
    none.record(created("O1"));
    assertThat(none.recent()).isEmpty();

    assertThat(new OfferHistory(OfferHistory.MAX_CAPACITY).capacity()).isEqualTo(1_000_000);
    assertThatThrownBy(() -> new OfferHistory(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offer history must be 0..1000000 events, got -1");
    assertThatThrownBy(() -> new OfferHistory(1_000_001)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 1000001");
  }
}
