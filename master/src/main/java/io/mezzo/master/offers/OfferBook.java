package io.mezzo.master.offers;

import io.mezzo.master.spi.AgentResources;
import io.mezzo.master.spi.Resources;
import io.mezzo.v1.Protos.Offer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Outstanding offers, and a bounded memory of offers that were used, declined, rescinded
 * or expired, so that a late ACCEPT of a spent offer can be told from an offer id this
 * master never issued. Owned by the master's state context.
 */
public final class OfferBook {
  /**
   * One outstanding offer. {@code resources} is everything offered; {@code offered} the same split
   * into unreserved and reserved-per-role parts.
   */
  public record OfferRecord(String id, String frameworkId, String agentId, String role, Resources resources,
      Offer offer, Instant createdAt, AgentResources offered) {

    /** An offer of unreserved resources only. */
    public OfferRecord(String id, String frameworkId, String agentId, String role, Resources resources, Offer offer,
        Instant createdAt) {
      this(id, frameworkId, agentId, role, resources, offer, createdAt, AgentResources.unreserved(resources));
    }
  }

  /** How an offer left the book ({@code EXPIRED}: rescinded because of the master's offer timeout). */
  public enum Outcome { ACCEPTED, DECLINED, RESCINDED, DISCARDED, EXPIRED }

  private final Map<String, OfferRecord> outstanding = new LinkedHashMap<>();
  private final Map<String, Outcome> spent;

  public OfferBook(int spentMemory) {
    this.spent = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Outcome> eldest) {
        return size() > spentMemory;
      }
    };
  }

  public void add(OfferRecord offer) {
    outstanding.put(offer.id(), offer);
  }

  public Optional<OfferRecord> get(String offerId) {
    return Optional.ofNullable(outstanding.get(offerId));
  }

  /** The outcome of an offer that is no longer outstanding, if it is still remembered. */
  public Optional<Outcome> spentOutcome(String offerId) {
    return Optional.ofNullable(spent.get(offerId));
  }

  public OfferRecord remove(String offerId, Outcome outcome) {
    OfferRecord offer = outstanding.remove(offerId);
    if (offer != null) {
      spent.put(offerId, outcome);
    }
    return offer;
  }

  public List<OfferRecord> forAgent(String agentId) {
    List<OfferRecord> out = new ArrayList<>();
    for (OfferRecord o : outstanding.values()) {
      if (o.agentId().equals(agentId)) {
        out.add(o);
      }
    }
    return out;
  }

  public List<OfferRecord> forFramework(String frameworkId) {
    List<OfferRecord> out = new ArrayList<>();
    for (OfferRecord o : outstanding.values()) {
      if (o.frameworkId().equals(frameworkId)) {
        out.add(o);
      }
    }
    return out;
  }

  public Collection<OfferRecord> outstanding() {
    return Collections.unmodifiableCollection(outstanding.values());
  }
}
