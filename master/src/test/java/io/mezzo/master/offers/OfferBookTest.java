package io.mezzo.master.offers;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.offers.OfferBook.OfferRecord;
import io.mezzo.master.offers.OfferBook.Outcome;
import io.mezzo.master.spi.Resources;
import io.mezzo.v1.Protos.Offer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OfferBookTest {
  private static final Instant AT = Instant.parse("2026-12-05T00:00:00Z");

  private static OfferRecord offer(String id, String framework, String agent) {
    return new OfferRecord(id, framework, agent, "*", Resources.cpusMem(1, 128), Offer.getDefaultInstance(), AT);
  }

  private static List<String> ids(List<OfferRecord> offers) {
    return offers.stream().map(OfferRecord::id).toList();
  }

  @Test
  void findsAnAgentsAndAFrameworksOffersOldestFirst() {
    OfferBook book = new OfferBook(10);
    book.add(offer("o1", "f1", "a1"));
    book.add(offer("o2", "f2", "a1"));
    book.add(offer("o3", "f1", "a2"));

    assertThat(ids(book.forAgent("a1"))).containsExactly("o1", "o2");
    assertThat(ids(book.forFramework("f1"))).containsExactly("o1", "o3");
    assertThat(book.forAgent("a3")).isEmpty();

    book.remove("o1", Outcome.ACCEPTED);
    assertThat(ids(book.forAgent("a1"))).containsExactly("o2");
    assertThat(ids(book.forFramework("f1"))).containsExactly("o3");
    assertThat(book.spentOutcome("o1")).contains(Outcome.ACCEPTED);
    assertThat(book.remove("o1", Outcome.DECLINED)).isNull();
    assertThat(book.spentOutcome("o1")).contains(Outcome.ACCEPTED);
  }

  @Test
  void anOfferAddedAgainUnderItsIdMovesToItsNewAgent() {
    OfferBook book = new OfferBook(10);
    book.add(offer("o1", "f1", "a1"));
    book.add(offer("o1", "f2", "a2"));

    assertThat(book.forAgent("a1")).isEmpty();
    assertThat(book.forFramework("f1")).isEmpty();
    assertThat(ids(book.forAgent("a2"))).containsExactly("o1");
    assertThat(ids(book.forFramework("f2"))).containsExactly("o1");
  }

  /** The indexes agree with a scan of the outstanding offers after any sequence of adds and removes. */
  @Test
  void theIndexesAgreeWithTheOutstandingOffers() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    OfferBook book = new OfferBook(100);
    List<String> live = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      if (live.isEmpty() || random.nextInt(3) > 0) {
        String id = "o" + i;
        book.add(offer(id, "f" + random.nextInt(5), "a" + random.nextInt(20)));
        live.add(id);
      } else {
        book.remove(live.remove(random.nextInt(live.size())), Outcome.DECLINED);
      }
    }
    for (int n = 0; n < 20; n++) {
      String agent = "a" + n;
      assertThat(ids(book.forAgent(agent))).as("agent %s, seed %d", agent, seed)
          .containsExactlyElementsOf(book.outstanding().stream().filter(o -> o.agentId().equals(agent))
              .map(OfferRecord::id).toList());
    }
    for (int n = 0; n < 5; n++) {
      String framework = "f" + n;
      assertThat(ids(book.forFramework(framework))).as("framework %s, seed %d", framework, seed)
          .containsExactlyElementsOf(book.outstanding().stream().filter(o -> o.frameworkId().equals(framework))
              .map(OfferRecord::id).toList());
    }
  }
}
