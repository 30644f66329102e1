package io.mezzo.master.offers;

import io.mezzo.master.spi.AgentResources;
import io.mezzo.master.spi.Resources;
import io.mezzo.v1.Protos.Offer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
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
  // The same offers by agent and by framework: GET_STATE asks for every agent's and framework's
  // offers, and a scan of all outstanding offers per agent made it quadratic.
  private final Map<String, Map<String, OfferRecord>> byAgent = new HashMap<>();
  private final Map<String, Map<String, OfferRecord>> byFramework = new HashMap<>();
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
    OfferRecord replaced = outstanding.put(offer.id(), offer);
    if (replaced != null) {
      unindex(replaced);
    }
    byAgent.computeIfAbsent(offer.agentId(), a -> new LinkedHashMap<>()).put(offer.id(), offer);
    byFramework.computeIfAbsent(offer.frameworkId(), f -> new LinkedHashMap<>()).put(offer.id(), offer);
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
      unindex(offer);
      spent.put(offerId, outcome);
    }
    return offer;
  }

  private void unindex(OfferRecord offer) {
    unindex(byAgent, offer.agentId(), offer.id());
    unindex(byFramework, offer.frameworkId(), offer.id());
  }

  private static void unindex(Map<String, Map<String, OfferRecord>> index, String key, String offerId) {
    Map<String, OfferRecord> offers = index.get(key);
    if (offers != null && offers.remove(offerId) != null && offers.isEmpty()) {
      index.remove(key);
    }
  }

  /** The agent's outstanding offers, oldest first; a copy. */
  public List<OfferRecord> forAgent(String agentId) {
    return new ArrayList<>(byAgent.getOrDefault(agentId, Map.of()).values());
  }

  /** The framework's outstanding offers, oldest first; a copy. */
  public List<OfferRecord> forFramework(String frameworkId) {
    return new ArrayList<>(byFramework.getOrDefault(frameworkId, Map.of()).values());
  }

  public Collection<OfferRecord> outstanding() {
    return Collections.unmodifiableCollection(outstanding.values());
  }
}
