package io.mezzo.master.state;

import io.mezzo.master.offers.OfferBook.OfferRecord;
import io.mezzo.master.offers.OfferBook.Outcome;
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
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offer side of {@link ClusterState}: allocation rounds turned into OFFERS events, offer
 * expiry, retiring an offer back to the allocator (declined, rescinded, discarded), and the
 * checks on the offer ids a DECLINE or ACCEPT names. The outstanding offers themselves live in
 * the shared {@link ClusterRecords#offers} book.
 */
final class OfferCycle {
  // Same logger as ClusterState, so that the master's log reads as before the split.
  private static final Logger log = LoggerFactory.getLogger(ClusterState.class);
  static final double DEFAULT_REFUSE_SECONDS = 5.0;
  private static final double MAX_REFUSE_SECONDS = 365.0 * 24 * 3600;
  private static final double GPU_FILTER_SECONDS = 3600;
  private static final Pattern OFFER_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-O\\d+");

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

  /** Runs one allocation round and sends the resulting offers. */
  void allocate() {
    Instant now = clock.instant();
    expireOffers(now);
    Map<String, List<Offer>> byFramework = new LinkedHashMap<>();
    for (Allocation allocation : allocator.allocate(now)) {
      FrameworkRecord framework = records.frameworks.get(allocation.frameworkId());
      AgentRecord agent = records.agents.get(allocation.agentId());
      if (framework == null || !framework.connected() || agent == null || !agent.connected()) {
        allocator.recover(allocation.frameworkId(), allocation.role(), allocation.agentId(), allocation.offered(), 0, now);
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
      records.offers.add(new OfferRecord(offer.getId().getValue(), framework.id, agent.id, allocation.role(),
          allocation.resources(), offer, now, allocation.offered()));
      framework.offers.add(offer.getId().getValue());
      byFramework.computeIfAbsent(framework.id, k -> new ArrayList<>()).add(offer);
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
        rescind(offer, Outcome.EXPIRED);
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
        .setUrl(URL.newBuilder().setScheme("http")
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

  /** Takes an offer out of the book and gives its resources back to the allocator, without telling the framework. */
  void retire(OfferRecord offer, Outcome outcome, double refuseSeconds) {
    records.offers.remove(offer.id(), outcome);
    FrameworkRecord framework = records.frameworks.get(offer.frameworkId());
    if (framework != null) {
      framework.offers.remove(offer.id());
    }
    allocator.recover(offer.frameworkId(), offer.role(), offer.agentId(), offer.offered(), refuseSeconds,
        clock.instant());
  }

  void rescind(OfferRecord offer) {
    rescind(offer, Outcome.RESCINDED);
  }

  private void rescind(OfferRecord offer, Outcome outcome) {
    retire(offer, outcome, 0);
    FrameworkRecord framework = records.frameworks.get(offer.frameworkId());
    if (framework != null) {
      framework.send(Event.newBuilder().setType(Event.Type.RESCIND)
          .setRescind(Event.Rescind.newBuilder().setOfferId(OfferID.newBuilder().setValue(offer.id()))).build());
    }
  }

  void decline(String frameworkId, Call.Decline decline) {
    checkOfferIdsKnown(decline.getOfferIdsList());
    double refuse = refuseSeconds(decline.hasFilters() ? decline.getFilters().getRefuseSeconds() : DEFAULT_REFUSE_SECONDS);
    for (OfferID id : decline.getOfferIdsList()) {
      records.offers.get(id.getValue()).filter(o -> o.frameworkId().equals(frameworkId))
          .ifPresent(o -> retire(o, Outcome.DECLINED, refuse));
    }
  }

  /**
   * An offer id this master never issued (and does not remember spending) is refused with
   * 400 before anything changes; spent offers are answered as Mesos does, with updates.
   */
  void checkOfferIdsKnown(List<OfferID> ids) {
    for (OfferID id : ids) {
      String value = id.getValue();
      if (records.offers.get(value).isEmpty() && records.offers.spentOutcome(value).isEmpty()
          && !fromAnotherMaster(value)) {
        throw new CallRejected(400, "Unknown offer id '" + value + "': this master never made that offer");
      }
    }
  }

  /**
   * An offer of an earlier leader (its id has another master's id before "-O"): frameworks
   * accept those across a failover, and Mesos answers with TASK_LOST/TASK_DROPPED, so we do too.
   */
  private boolean fromAnotherMaster(String offerId) {
    return OFFER_ID.matcher(offerId).matches() && !offerId.startsWith(masterInfo.getId() + "-O");
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
        return Optional.of("Duplicate offer " + id.getValue());
      }
      Optional<OfferRecord> offer = records.offers.get(id.getValue());
      if (offer.isEmpty()) {
        return Optional.of("Offer " + id.getValue() + " is no longer valid");
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
