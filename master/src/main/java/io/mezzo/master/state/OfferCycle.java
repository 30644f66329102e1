package io.mezzo.master.state;

import io.mezzo.master.offers.OfferBook.OfferRecord;
import io.mezzo.master.offers.OfferBook.Outcome;
import io.mezzo.master.offers.OfferEvents;
import io.mezzo.master.spi.Allocation;
import io.mezzo.master.spi.Allocator;
import io.mezzo.v1.Protos.Address;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.URL;
import io.mezzo.v1.master.Protos.Event.OfferEvent.RescindReason;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offer side of {@link ClusterState}: allocation rounds turned into OFFERS events, offer
 * expiry, retiring an offer back to the allocator (declined, rescinded, discarded), and the
 * checks on the offer ids a DECLINE or ACCEPT names. The outstanding offers themselves live in
 * the shared {@link ClusterRecords#offers} book.
 *
 * <p>Each step is told to the {@link ClusterObserver} as an offer event ({@link OfferEvents}):
 * every offer that enters the book is OFFER_CREATED, and every one that leaves it ends with
 * exactly one of OFFER_ACCEPTED (told by {@link TaskLauncher}), OFFER_DECLINED, OFFER_RESCINDED or
 * OFFER_EXPIRED.
 */
final class OfferCycle {
  // Same logger as ClusterState, so that the master's log reads as before the split.
  private static final Logger log = LoggerFactory.getLogger(ClusterState.class);
  static final double DEFAULT_REFUSE_SECONDS = 5.0;
  private static final double MAX_REFUSE_SECONDS = 365.0 * 24 * 3600;
  private static final double GPU_FILTER_SECONDS = 3600;
  /**
   * How long resources are kept from a framework whose stream is backlogged: long enough that the
   * next rounds offer them to others, short enough that the framework gets them again soon after it
   * has caught up.
   */
  static final double BACKLOGGED_FILTER_SECONDS = 1;

  private final MasterInfo masterInfo;
  private final Allocator allocator;
  private final Clock clock;
  /** Outstanding offers older than this are rescinded; null = never (the Mesos default). */
  private final Duration offerTimeout;
  private final ClusterRecords records;
  private final Reservations reservations;
  private long nextOfferId;

  OfferCycle(MasterInfo masterInfo, Allocator allocator, Clock clock, Duration offerTimeout, ClusterRecords records,
      Reservations reservations) {
    this.masterInfo = masterInfo;
    this.allocator = allocator;
    this.clock = clock;
    this.offerTimeout = offerTimeout;
    this.records = records;
    this.reservations = reservations;
  }

  /**
   * Runs one allocation round and sends the resulting offers: over every agent when
   * {@code agentIds} is null (the periodic round, which also expires offers), else over those agents
   * only (resources that just freed).
   */
  void allocate(java.util.Collection<String> agentIds) {
    if (!records.leading.getAsBoolean()) {
      return;
    }
    Instant now = clock.instant();
    List<Allocation> allocations;
    if (agentIds == null) {
      expireOffers(now);
      allocations = allocator.allocate(now);
    } else {
      allocations = allocator.allocate(now, agentIds);
    }
    Map<String, List<Offer>> byFramework = new LinkedHashMap<>();
    Map<String, Integer> withheld = new LinkedHashMap<>();
    List<OfferRecord> created = new ArrayList<>();
    for (Allocation allocation : allocations) {
      FrameworkRecord framework = records.frameworks.get(allocation.frameworkId());
      AgentRecord agent = records.agents.get(allocation.agentId());
      if (framework == null || !framework.connected() || agent == null || !agent.connected()) {
        allocator.recover(allocation.frameworkId(), allocation.role(), allocation.agentId(), allocation.offered(), 0, now);
        continue;
      }
      if (!framework.stream.ready()) {
        // Its reader is far behind (a flood of updates, a slow scheduler): more offers would only
        // grow its queue towards the cap that closes the stream, and would wait there unseen.
        allocator.recover(allocation.frameworkId(), allocation.role(), allocation.agentId(), allocation.offered(),
            BACKLOGGED_FILTER_SECONDS, now);
        withheld.merge(framework.id, 1, Integer::sum);
        continue;
      }
      if (agent.total.scalar("gpus") > 0 && !framework.hasCapability(FrameworkInfo.Capability.Type.GPU_RESOURCES)) {
        // As Mesos (--filter_gpu_resources): no offers at all from GPU agents to frameworks
        // that cannot use GPUs, so they stay free for those that can.
        allocator.recover(allocation.frameworkId(), allocation.role(), allocation.agentId(), allocation.offered(),
            GPU_FILTER_SECONDS, now);
        continue;
      }
      Offer offer = buildOffer(framework, agent, allocation);
      OfferRecord record = new OfferRecord(offer.getId().getValue(), framework.id, agent.id, allocation.role(),
          allocation.resources(), offer, now, allocation.offered());
      records.offers.add(record);
      created.add(record);
      records.observer.applied(OfferEvents.created(record, now));
      framework.offers.add(offer.getId().getValue());
      byFramework.computeIfAbsent(framework.id, k -> new ArrayList<>()).add(offer);
    }
    withheld.forEach((frameworkId, count) -> log.info("[framework={}] its event stream is backlogged; {} offers"
        + " withheld for {} s", frameworkId, count, BACKLOGGED_FILTER_SECONDS));
    if (!records.leading.getAsBoolean()) {
      // The fence broke or the term was suspended during the round: no offer may leave. A suspended
      // term keeps this state and may resume, so the unsent offers go back to the allocator.
      log.warn("Not sending offers to {} frameworks: this master does not act as leader now", byFramework.size());
      for (OfferRecord unsent : created) {
        discard(unsent, RescindReason.LEADERSHIP_LOST, "This master stopped acting as leader before the offer left");
      }
      return;
    }
    byFramework.forEach((frameworkId, list) -> records.frameworks.get(frameworkId).send(Event.newBuilder()
        .setType(Event.Type.OFFERS).setOffers(Event.Offers.newBuilder().addAllOffers(list)).build()));
  }

  /** Offers outstanding for longer than the offer timeout are rescinded (Mesos's --offer_timeout). */
  private void expireOffers(Instant now) {
    if (offerTimeout == null) {
      return;
    }
    Instant cutoff = now.minus(offerTimeout);
    for (OfferRecord offer : new ArrayList<>(records.offers.outstanding())) {
      if (!offer.createdAt().isAfter(cutoff)) {
        log.info("[framework={}] offer {} expired after {}; rescinding", offer.frameworkId(), offer.id(), offerTimeout);
        retire(offer, Outcome.EXPIRED, 0);
        sendRescind(offer);
        records.observer.applied(OfferEvents.expired(offer, now, offerTimeout));
      }
    }
  }

  private Offer buildOffer(FrameworkRecord framework, AgentRecord agent, Allocation allocation) {
    boolean multiRole = framework.hasCapability(FrameworkInfo.Capability.Type.MULTI_ROLE);
    boolean refinement = framework.hasCapability(FrameworkInfo.Capability.Type.RESERVATION_REFINEMENT);
    Offer.Builder offer = Offer.newBuilder()
        .setId(OfferID.newBuilder().setValue(masterInfo.getId() + "-O" + nextOfferId++))
        .setFrameworkId(FrameworkID.newBuilder().setValue(framework.id))
        .setAgentId(AgentID.newBuilder().setValue(agent.id))
        .setHostname(agent.info.getHostname())
        .setUrl(URL.newBuilder().setScheme(agent.scheme)
            .setAddress(Address.newBuilder().setHostname(agent.info.getHostname())
                .setIp(agent.info.getHostname()).setPort(agent.info.getPort()))
            .setPath("/slave(1)"))
        .addAllResources(ProtoResources.toProto(allocation.offered(), multiRole ? allocation.role() : null, refinement,
            reservations.onAgent(agent.id)))
        .addAllAttributes(agent.info.getAttributesList());
    for (ExecutorRecord executor : agent.executors.values()) {
      if (executor.frameworkId.equals(framework.id)) {
        offer.addExecutorIds(executor.info.getExecutorId());
      }
    }
    if (multiRole) {
      offer.setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(allocation.role()));
    }
    return offer.build();
  }

  /** Takes an offer out of the book and gives its resources back to the allocator, without telling anyone. */
  private void retire(OfferRecord offer, Outcome outcome, double refuseSeconds) {
    records.offers.remove(offer.id(), outcome);
    FrameworkRecord framework = records.frameworks.get(offer.frameworkId());
    if (framework != null) {
      framework.offers.remove(offer.id());
    }
    allocator.recover(offer.frameworkId(), offer.role(), offer.agentId(), offer.offered(), refuseSeconds,
        clock.instant());
  }

  /** Takes the offer back: the framework gets RESCIND, the observer OFFER_RESCINDED with {@code reason}. */
  void rescind(OfferRecord offer, RescindReason reason, String message) {
    retire(offer, Outcome.RESCINDED, 0);
    sendRescind(offer);
    records.observer.applied(OfferEvents.rescinded(offer, clock.instant(), reason, message));
  }

  /**
   * Drops the offer without telling its framework, whose connection is gone or replaced (Mesos sends
   * no RESCIND then either); the observer still hears OFFER_RESCINDED with {@code reason}.
   */
  void discard(OfferRecord offer, RescindReason reason, String message) {
    retire(offer, Outcome.DISCARDED, 0);
    records.observer.applied(OfferEvents.rescinded(offer, clock.instant(), reason, message));
  }

  /** The ACCEPT that named the offer is spent; its resources go back without a filter (see {@link TaskLauncher}). */
  void spend(OfferRecord offer) {
    records.offers.remove(offer.id(), Outcome.ACCEPTED);
    FrameworkRecord framework = records.frameworks.get(offer.frameworkId());
    if (framework != null) {
      framework.offers.remove(offer.id());
    }
  }

  private void sendRescind(OfferRecord offer) {
    FrameworkRecord framework = records.frameworks.get(offer.frameworkId());
    if (framework != null) {
      framework.send(Event.newBuilder().setType(Event.Type.RESCIND)
          .setRescind(Event.Rescind.newBuilder().setOfferId(OfferID.newBuilder().setValue(offer.id()))).build());
    }
  }

  /** As Mesos: offers that are not this framework's outstanding ones are ignored (logged), the call still succeeds. */
  void decline(String frameworkId, Call.Decline decline) {
    boolean filtersGiven = decline.hasFilters();
    double refuse = refuseSeconds(filtersGiven ? decline.getFilters().getRefuseSeconds() : DEFAULT_REFUSE_SECONDS);
    for (OfferID id : decline.getOfferIdsList()) {
      Optional<OfferRecord> offer = records.offers.get(id.getValue()).filter(o -> o.frameworkId().equals(frameworkId));
      if (offer.isEmpty()) {
        log.warn("[framework={}] ignoring DECLINE of offer {}: {}", frameworkId, LogText.of(id.getValue()),
            whyNotOutstanding(frameworkId, id.getValue()));
        continue;
      }
      retire(offer.get(), Outcome.DECLINED, refuse);
      records.observer.applied(OfferEvents.declined(offer.get(), clock.instant(), refuse, filtersGiven));
    }
  }

  /** For the log: why an offer id a call names is not one of the framework's outstanding offers. */
  String whyNotOutstanding(String frameworkId, String offerId) {
    Optional<OfferRecord> offer = records.offers.get(offerId);
    if (offer.isPresent()) {
      return "it was made to another framework";
    }
    Optional<Outcome> spent = records.offers.spentOutcome(offerId);
    if (spent.isPresent()) {
      return "it is spent (" + spent.get().name().toLowerCase(java.util.Locale.ROOT) + ")";
    }
    return offerId.startsWith(masterInfo.getId() + "-O") ? "it is spent and no longer remembered"
        : "this master never made it (an earlier leader's offer, or not an offer id)";
  }

  static double refuseSeconds(double requested) {
    if (!(requested >= 0) || Double.isInfinite(requested)) {
      return DEFAULT_REFUSE_SECONDS;
    }
    return Math.min(requested, MAX_REFUSE_SECONDS);
  }

  Optional<String> validateOffers(FrameworkRecord framework, List<OfferID> ids) {
    if (ids.isEmpty()) {
      return Optional.of("No offers specified");
    }
    Set<String> seen = new HashSet<>();
    String agentId = null;
    String role = null;
    for (OfferID id : ids) {
      if (!seen.add(id.getValue())) {
        return Optional.of("Duplicate offer " + TextLimits.truncate(id.getValue(), TextLimits.ID_BYTES)
            + " in offer list");
      }
      Optional<OfferRecord> offer = records.offers.get(id.getValue());
      if (offer.isEmpty()) {
        return Optional.of("Offer " + TextLimits.truncate(id.getValue(), TextLimits.ID_BYTES) + " is no longer valid");
      }
      if (!offer.get().frameworkId().equals(framework.id)) {
        return Optional.of("Offer " + id.getValue() + " has invalid framework");
      }
      if (agentId != null && !agentId.equals(offer.get().agentId())) {
        return Optional.of("Aggregated offers must belong to one single agent");
      }
      if (role != null && !role.equals(offer.get().role())) {
        return Optional.of("Aggregated offers must be allocated to the same role");
      }
      agentId = offer.get().agentId();
      role = offer.get().role();
    }
    return Optional.empty();
  }
}
