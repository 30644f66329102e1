package io.mezzo.master.state;

import io.mezzo.master.spi.AgentResources;
import io.mezzo.master.spi.Allocator;
import io.mezzo.master.spi.Resources;
import io.mezzo.v1.Protos.Resource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic reservations for {@link ClusterState}: the map of what is reserved per agent and
 * role (what the registry persists), RESERVE and UNRESERVE inside an ACCEPT, the operator's
 * reserve and unreserve, and re-applying reservations to a registering agent's resources.
 */
final class Reservations {
  // Same logger as ClusterState, so that the master's log reads as before the split.
  private static final Logger log = LoggerFactory.getLogger(ClusterState.class);

  private final Allocator allocator;
  /** Dynamic reservations per agent id and role (what the registry persists). */
  private final Map<String, Map<String, Resources>> dynamicReservations = new LinkedHashMap<>();
  private Consumer<String> reservationsChanged = agentId -> { };

  Reservations(Allocator allocator) {
    this.allocator = allocator;
  }

  /** The dynamic reservations on one agent, role → resources; the live map, read only. */
  Map<String, Resources> onAgent(String agentId) {
    return dynamicReservations.getOrDefault(agentId, Map.of());
  }

  /** Forgets the reservations of a removed agent. */
  void forgetAgent(String agentId) {
    dynamicReservations.remove(agentId);
  }

  /**
   * RESERVE in an ACCEPT: part of the offer's unreserved resources becomes dynamically reserved
   * for the offer's role, and stays in what the framework may use in this ACCEPT. An invalid
   * operation is dropped with a warning, as Mesos does without operation feedback.
   */
  AgentResources reserveFromOffer(FrameworkRecord framework, String agentId, String role,
      List<Resource> resources, AgentResources available) {
    Resources wanted;
    try {
      ProtoResources.Parsed parsed = ProtoResources.toAgentResources(resources);
      if (!parsed.resources().unreserved().isEmpty() || !parsed.resources().reserved().keySet().equals(Set.of(role))
          || !parsed.dynamic().getOrDefault(role, Resources.EMPTY).equals(parsed.resources().reservedFor(role))) {
        throw new ProtoResources.InvalidResources("RESERVE must name only dynamic reservations for the offer's role '"
            + role + "'");
      }
      wanted = parsed.resources().reservedFor(role);
    } catch (ProtoResources.InvalidResources e) {
      log.warn("[framework={}] dropped RESERVE: {}", framework.id, e.getMessage());
      return available;
    }
    if (!available.unreserved().covers(wanted)) {
      log.warn("[framework={}] dropped RESERVE of {}: only {} is unreserved in the offers", framework.id, wanted,
          available.unreserved());
      return available;
    }
    allocator.reserveAllocated(framework.id, role, agentId, role, wanted);
    dynamicReservations.computeIfAbsent(agentId, k -> new TreeMap<>()).merge(role, wanted, Resources::plus);
    log.info("[framework={}] reserved {} for role '{}' on agent {}", framework.id, wanted, role, agentId);
    reservationsChanged.accept(agentId);
    return available.minus(AgentResources.unreserved(wanted)).plus(AgentResources.reserved(role, wanted));
  }

  /** UNRESERVE in an ACCEPT: dynamically reserved resources of the offer go back to the unreserved pool. */
  AgentResources unreserveFromOffer(FrameworkRecord framework, String agentId, String role,
      List<Resource> resources, AgentResources available) {
    AgentResources wanted;
    try {
      ProtoResources.Parsed parsed = ProtoResources.toAgentResources(resources);
      wanted = parsed.resources();
      if (!wanted.unreserved().isEmpty()) {
        throw new ProtoResources.InvalidResources("UNRESERVE names unreserved resources");
      }
      for (Map.Entry<String, Resources> e : wanted.reserved().entrySet()) {
        Resources dynamic = dynamicReservations.getOrDefault(agentId, Map.of()).getOrDefault(e.getKey(), Resources.EMPTY);
        if (!dynamic.covers(e.getValue())) {
          throw new ProtoResources.InvalidResources("only " + dynamic + " is dynamically reserved for role '"
              + e.getKey() + "' on agent " + agentId);
        }
      }
    } catch (ProtoResources.InvalidResources e) {
      log.warn("[framework={}] dropped UNRESERVE: {}", framework.id, e.getMessage());
      return available;
    }
    if (!available.covers(wanted)) {
      log.warn("[framework={}] dropped UNRESERVE of {}: the offers hold only {}", framework.id, wanted, available);
      return available;
    }
    for (Map.Entry<String, Resources> e : wanted.reserved().entrySet()) {
      allocator.unreserveAllocated(framework.id, role, agentId, e.getKey(), e.getValue());
      Map<String, Resources> onAgent = dynamicReservations.get(agentId);
      Resources left = onAgent.get(e.getKey()).minus(e.getValue());
      if (left.isEmpty()) {
        onAgent.remove(e.getKey());
      } else {
        onAgent.put(e.getKey(), left);
      }
      log.info("[framework={}] unreserved {} of role '{}' on agent {}", framework.id, e.getValue(), e.getKey(), agentId);
    }
    reservationsChanged.accept(agentId);
    return available.minus(wanted).plus(AgentResources.unreserved(wanted.total()));
  }

  /**
   * The agent's resources as it reported them (unreserved and static reservations), with the
   * dynamic reservations this master knows for it moved out of the unreserved part.
   */
  AgentResources withDynamicReservations(String agentId, AgentResources reported) {
    Map<String, Resources> dynamic = dynamicReservations.getOrDefault(agentId, Map.of());
    AgentResources total = reported;
    for (Map.Entry<String, Resources> e : dynamic.entrySet()) {
      if (total.unreserved().covers(e.getValue())) {
        total = total.minus(AgentResources.unreserved(e.getValue())).plus(AgentResources.reserved(e.getKey(), e.getValue()));
      } else {
        log.warn("Agent {} no longer has {} unreserved for the dynamic reservation of role '{}'; dropping it", agentId,
            e.getValue(), e.getKey());
        dynamicReservations.get(agentId).remove(e.getKey());
      }
    }
    return total;
  }

  /**
   * The dynamic reservations in force: agent id → role → reserved resources. What the registry
   * persists so that they survive a master failover; a copy.
   */
  Map<String, Map<String, Resources>> copy() {
    Map<String, Map<String, Resources>> copy = new TreeMap<>();
    dynamicReservations.forEach((agent, byRole) -> {
      if (!byRole.isEmpty()) {
        copy.put(agent, Map.copyOf(byRole));
      }
    });
    return copy;
  }

  /**
   * Registers who hears of dynamic reservations that frameworks make or drop through ACCEPT
   * (RESERVE, UNRESERVE), with the agent id, so they can be kept in the registry.
   */
  void onReservationsChanged(Consumer<String> listener) {
    this.reservationsChanged = Objects.requireNonNull(listener, "listener");
  }

  /**
   * An operator's dynamic reservation of free unreserved resources on a registered agent.
   *
   * @throws CallRejected 400 for role {@code *}, 409 when the resources are not free
   */
  void reserve(String agentId, String role, Resources resources) {
    try {
      allocator.reserve(agentId, role, resources);
    } catch (IllegalArgumentException e) {
      throw new CallRejected(400, e.getMessage());
    } catch (IllegalStateException e) {
      throw new CallRejected(409, e.getMessage());
    }
    dynamicReservations.computeIfAbsent(agentId, k -> new TreeMap<>()).merge(role, resources, Resources::plus);
    log.info("Reserved {} for role '{}' on agent {}", resources, role, agentId);
  }

  /**
   * An operator's unreservation of free dynamically reserved resources.
   *
   * @throws CallRejected 400 for an unknown agent or resources not dynamically reserved, 409 when they are not free
   */
  void unreserve(String agentId, String role, Resources resources) {
    Resources dynamic = dynamicReservations.getOrDefault(agentId, Map.of()).getOrDefault(role, Resources.EMPTY);
    if (!dynamic.covers(resources)) {
      throw new CallRejected(400, "Only " + dynamic + " is dynamically reserved for role '" + role + "' on agent " + agentId);
    }
    try {
      allocator.unreserve(agentId, role, resources);
    } catch (IllegalStateException e) {
      throw new CallRejected(409, e.getMessage());
    }
    Resources left = dynamic.minus(resources);
    if (left.isEmpty()) {
      dynamicReservations.get(agentId).remove(role);
    } else {
      dynamicReservations.get(agentId).put(role, left);
    }
    log.info("Unreserved {} of role '{}' on agent {}", resources, role, agentId);
  }
}
