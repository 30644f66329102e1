package io.mezzo.master.registry;

import io.mezzo.master.registry.Registry.RecordTooLarge;
import io.mezzo.master.registry.Registry.RegistryException;
import io.mezzo.master.registry.Registry.Versioned;
import io.mezzo.master.spi.Allocator;
import io.mezzo.master.spi.Resources;
import io.mezzo.master.state.CallRejected;
import io.mezzo.master.state.ClusterState;
import io.mezzo.master.state.TextLimits;
import io.mezzo.protocol.Ids;
import io.mezzo.protocol.internal.RegistryRecords;
import io.mezzo.protocol.internal.RegistryRecords.Registry.AgentReservations;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Value;
import io.mezzo.v1.Protos.WeightInfo;
import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.quota.Protos.QuotaConfig;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the operator set while this master leads: quotas, weights and dynamic reservations,
 * kept in the {@link Registry} and applied to the allocator. One instance per leadership
 * term, created after the registry was read; every method runs on the master's context.
 *
 * <p>Each update is validated (400 before anything is written), written to the registry
 * (503 when that fails, nothing changed), and only then applied to the allocator. If the
 * allocator refuses it (501 when it lacks the capability, 409 otherwise), the registry
 * write is undone, so the registry never holds what the allocator did not take. Updates run
 * one after another, so each compare-and-set write starts from the previous one's version.
 */
public final class OperatorState {
  private static final Logger log = LoggerFactory.getLogger(OperatorState.class);

  private final Registry registry;
  private final Allocator allocator;
  private final ClusterState state;
  private Versioned current;
  private Future<Void> tail = Future.succeededFuture();

  /**
   * Takes over a recovered registry record: applies its quotas and weights to the allocator
   * now, and each agent's reservations when that agent registers with this leader.
   */
  public OperatorState(Registry registry, Versioned recovered, Allocator allocator, ClusterState state) {
    this.registry = registry;
    this.allocator = allocator;
    this.state = state;
    this.current = recovered;
    RegistryRecords.Registry record = recovered.record();
    if (record.getWeightsCount() > 0) {
      recoverQuietly("weights", () -> allocator.updateWeights(weightMap(record.getWeightsList())));
    }
    for (QuotaConfig quota : record.getQuotasList()) {
      recoverQuietly("quota of role " + quota.getRole(), () -> allocator.updateQuota(quota.getRole(),
          scalars(quota.getGuaranteesMap()), scalars(quota.getLimitsMap())));
    }
    state.recoverGoneAgents(record.getGoneAgentsList());
    Map<String, Instant> unreachable = new LinkedHashMap<>();
    record.getUnreachableAgentsList().forEach(a -> unreachable.put(a.getAgentId(),
        Instant.ofEpochSecond(0, a.getUnreachableTime().getNanoseconds())));
    state.recoverUnreachableAgents(unreachable, record.getRemovedAgentsList());
    state.onUnreachableAgentsChanged(this::keepUnreachableAgents);
    state.onAgentAdded(this::agentAdded);
    state.onReservationsChanged(this::keepFrameworkReservations);
    log.info("Recovered the registry (version {}): {} quotas, {} weights, reservations on {} agents",
        recovered.version(), record.getQuotasCount(), record.getWeightsCount(), record.getReservationsCount());
  }

  private static void recoverQuietly(String what, Runnable apply) {
    try {
      apply.run();
    } catch (RuntimeException e) {
      log.warn("Could not re-apply the recovered {} to the allocator: {}", what, e.getMessage());
    }
  }

  /** Runs inside the agent's registration, so nothing may escape from here. */
  private void agentAdded(String agentId) {
    for (AgentReservations agent : current.record().getReservationsList()) {
      if (agent.getAgentId().equals(agentId)) {
        Map<String, Resources> byRole;
        try {
          byRole = ReservedResources.byRole(agent.getResourcesList());
        } catch (CallRejected e) {
          log.warn("[agent={}] unreadable reservations in the registry, not re-applied: {}", agentId, e.getMessage());
          return;
        }
        byRole.forEach((role, resources) ->
            recoverQuietly("reservation of " + resources + " for role " + role + " on agent " + agentId,
                () -> state.reserve(agentId, role, resources)));
        log.info("[agent={}] re-applied {} reserved resources from the registry", agentId, agent.getResourcesCount());
      }
    }
  }

  /**
   * A framework reserved or unreserved through ACCEPT: the agent's dynamic reservations, as
   * they now stand, go to the registry so that they survive a failover. The change is already
   * in force (as in an offer operation); a failed write is logged and the next change retries.
   */
  private void keepFrameworkReservations(String agentId) {
    serialized(() -> {
      List<Resource> stored = storedReservations(agentId);
      List<Resource> next = new ArrayList<>();
      state.dynamicReservations().getOrDefault(agentId, Map.of()).forEach((role, resources) -> next.addAll(
          ReservedResources.toProto(role, stored.isEmpty() ? Optional.empty() : ReservedResources.principal(stored, role),
              resources)));
      return registry.write(current, withReservations(agentId, next))
          .onSuccess(written -> current = written)
          .onFailure(e -> log.error("[agent={}] reservations made through ACCEPT are in force but not kept in the"
              + " registry: {}", agentId, e.getMessage()))
          .mapEmpty();
    });
  }

  /**
   * An agent became unreachable, came back, or was removed: the registry gets the state's lists as
   * they now stand, so that a new leader keeps the decision. The change is in force already (as
   * Mesos applies it after its registry write, which cannot fail there); a failed write is logged
   * and the next change writes the whole lists again.
   */
  private void keepUnreachableAgents() {
    serialized(() -> {
      RegistryRecords.Registry.Builder next = current.record().toBuilder().clearUnreachableAgents()
          .clearRemovedAgents().addAllRemovedAgents(state.removedAgents());
      state.unreachableAgents().forEach((agentId, since) -> next.addUnreachableAgents(
          RegistryRecords.Registry.UnreachableAgent.newBuilder().setAgentId(agentId).setUnreachableTime(
              io.mezzo.v1.Protos.TimeInfo.newBuilder().setNanoseconds(since.toEpochMilli() * 1_000_000L))));
      RegistryRecords.Registry record = next.build();
      if (record.equals(current.record())) {
        return Future.succeededFuture();
      }
      return registry.write(current, record)
          .onSuccess(written -> current = written)
          .onFailure(e -> log.error("Unreachable agents are in force but not kept in the registry: {}", e.getMessage()))
          .mapEmpty();
    });
  }

  /** The registry record as last written or recovered. */
  public RegistryRecords.Registry record() {
    return current.record();
  }

  public List<QuotaConfig> quotas() {
    return current.record().getQuotasList();
  }

  public List<WeightInfo> weights() {
    return current.record().getWeightsList();
  }

  /**
   * Why the framework got nothing in recent allocation rounds, from the allocator.
   *
   * @throws CallRejected 404 for a framework this master does not know
   */
  public List<Allocator.WhyNot> explain(String frameworkId) {
    if (!state.hasFramework(frameworkId)) {
      throw new CallRejected(404, "Framework " + frameworkId + " is not known to this master");
    }
    return allocator.explain(frameworkId);
  }

  // ---------------------------------------------------------------- weights

  /** UPDATE_WEIGHTS: positive weights for valid roles, each role named once. */
  public Future<Void> updateWeights(Call.UpdateWeights update) {
    return serialized(() -> {
      if (update.getWeightInfosCount() == 0) {
        throw new CallRejected(400, "Expecting 'update_weights.weight_infos' to be present and not empty");
      }
      rejectIfPresent(TextLimits.checkCount("update_weights.weight_infos", update.getWeightInfosCount(),
          TextLimits.ROLES_PER_CALL));
      Map<String, Double> weights = new LinkedHashMap<>();
      for (WeightInfo info : update.getWeightInfosList()) {
        String role = checkedRole(info.getRole(), "weight");
        double w = info.getWeight();
        if (!(w > 0) || Double.isInfinite(w)) {
          throw new CallRejected(400, "Invalid weight " + w + " for role '" + role + "': must be a positive number");
        }
        if (weights.put(role, w) != null) {
          throw new CallRejected(400, "Role '" + role + "' appears more than once in 'weight_infos'");
        }
      }
      Map<String, Double> before = weightMap(current.record().getWeightsList());
      Map<String, Double> after = new TreeMap<>(before);
      after.putAll(weights);
      RegistryRecords.Registry.Builder next = current.record().toBuilder().clearWeights();
      after.forEach((role, w) -> next.addWeights(WeightInfo.newBuilder().setRole(role).setWeight(w)));
      Map<String, Double> undo = new LinkedHashMap<>();
      weights.keySet().forEach(role -> undo.put(role, before.getOrDefault(role, 1.0)));
      return writeThenApply(next.build(), List.of(new Step(() -> allocator.updateWeights(weights),
          () -> allocator.updateWeights(undo))));
    });
  }

  // ---------------------------------------------------------------- quota

  /**
   * UPDATE_QUOTA: scalar guarantees and limits for valid, top-level roles, guarantee ≤ limit;
   * without {@code force}, an update that raises a guarantee needs all guarantees together to
   * fit in the registered agents' resources (409 otherwise).
   * A config with neither guarantees nor limits removes the role's quota.
   */
  public Future<Void> updateQuota(Call.UpdateQuota update) {
    return serialized(() -> {
      if (update.getQuotaConfigsCount() == 0) {
        throw new CallRejected(400, "Expecting 'update_quota.quota_configs' to be present and not empty");
      }
      rejectIfPresent(TextLimits.checkCount("update_quota.quota_configs", update.getQuotaConfigsCount(),
          TextLimits.ROLES_PER_CALL));
      Map<String, QuotaConfig> byRole = new LinkedHashMap<>();
      for (QuotaConfig config : update.getQuotaConfigsList()) {
        String role = checkedRole(config.getRole(), "quota");
        if (role.contains("/")) {
          throw new CallRejected(400, "Invalid quota for role '" + role + "': quota on nested roles is not supported");
        }
        checkQuantities(role, "guarantees", config.getGuaranteesMap());
        checkQuantities(role, "limits", config.getLimitsMap());
        config.getGuaranteesMap().forEach((name, g) -> {
          Value.Scalar limit = config.getLimitsMap().get(name);
          if (limit != null && g.getValue() > limit.getValue()) {
            throw new CallRejected(400, "Invalid quota for role '" + role + "': guarantee " + name + ":" + g.getValue()
                + " is greater than limit " + name + ":" + limit.getValue());
          }
        });
        if (byRole.put(role, config) != null) {
          throw new CallRejected(400, "Role '" + role + "' appears more than once in 'quota_configs'");
        }
      }
      Map<String, QuotaConfig> before = new TreeMap<>();
      current.record().getQuotasList().forEach(q -> before.put(q.getRole(), q));
      Map<String, QuotaConfig> after = new TreeMap<>(before);
      byRole.forEach((role, config) -> {
        if (config.getGuaranteesCount() == 0 && config.getLimitsCount() == 0) {
          after.remove(role);
        } else {
          after.put(role, config);
        }
      });
      boolean raisesGuarantees = byRole.values().stream().anyMatch(config -> {
        QuotaConfig old = before.get(config.getRole());
        return !(old == null ? Resources.EMPTY : scalars(old.getGuaranteesMap()))
            .covers(scalars(config.getGuaranteesMap()));
      });
      if (!update.getForce() && raisesGuarantees) {
        checkGuaranteesFit(after.values());
      }
      List<Step> steps = new ArrayList<>();
      byRole.forEach((role, config) -> {
        QuotaConfig old = before.get(role);
        steps.add(new Step(
            () -> allocator.updateQuota(role, scalars(config.getGuaranteesMap()), scalars(config.getLimitsMap())),
            () -> allocator.updateQuota(role, old == null ? Resources.EMPTY : scalars(old.getGuaranteesMap()),
                old == null ? Resources.EMPTY : scalars(old.getLimitsMap()))));
      });
      return writeThenApply(current.record().toBuilder().clearQuotas().addAllQuotas(after.values()).build(), steps);
    });
  }

  private static void checkQuantities(String role, String field, Map<String, Value.Scalar> quantities) {
    quantities.forEach((name, scalar) -> {
      double v = scalar.getValue();
      if (name.isEmpty()) {
        throw new CallRejected(400, "Invalid quota for role '" + role + "': a resource name in '" + field + "' is empty");
      }
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new CallRejected(400, "Invalid quota for role '" + role + "': " + field + " " + name + ":" + v
            + " must be a non-negative finite number");
      }
    });
  }

  private void checkGuaranteesFit(Iterable<QuotaConfig> quotas) {
    Resources guaranteed = Resources.EMPTY;
    for (QuotaConfig q : quotas) {
      guaranteed = guaranteed.plus(scalars(q.getGuaranteesMap()));
    }
    Resources total = state.totalResources();
    if (!total.covers(guaranteed)) {
      throw new CallRejected(409, "Total quota guarantees '" + guaranteed + "' exceed the cluster's resources '"
          + total + "'; use force to set them anyway");
    }
  }

  // ---------------------------------------------------------------- agents

  /**
   * MARK_AGENT_GONE: kept in the registry first, so that the agent stays gone after a failover,
   * then applied ({@link ClusterState#markAgentGone}). Marking a gone agent again does nothing.
   *
   * @return fails with {@link CallRejected} 404 for an agent this master does not know
   */
  public Future<Void> markAgentGone(Call.MarkAgentGone markGone) {
    return serialized(() -> {
      String agentId = markGone.getAgentId().getValue();
      if (current.record().getGoneAgentsList().contains(agentId)) {
        state.markAgentGone(agentId);
        return Future.succeededFuture();
      }
      if (!state.knowsAgent(agentId)) {
        throw new CallRejected(404, "Agent '" + agentId + "' not found");
      }
      return writeThenApply(current.record().toBuilder().addGoneAgents(agentId).build(),
          List.of(new Step(() -> state.markAgentGone(agentId), () -> { })));
    });
  }

  // ---------------------------------------------------------------- reservations

  /** RESERVE_RESOURCES: dynamic reservations on a registered agent, within its unreserved total (409 otherwise). */
  public Future<Void> reserve(Call.ReserveResources reserve) {
    return serialized(() -> {
      String agentId = reserve.getAgentId().getValue();
      if (reserve.getSourceCount() > 0) {
        throw new CallRejected(400, "'source' (reservation refinement) is not supported by Mezzo yet");
      }
      Map<String, Resources> requested = ReservedResources.byRole(reserve.getResourcesList());
      Resources total = state.agentTotal(agentId)
          .orElseThrow(() -> new CallRejected(400, "Agent " + agentId + " is not registered"));
      List<Resource> stored = storedReservations(agentId);
      Resources reserved = sum(stored.isEmpty() ? Map.of() : ReservedResources.byRole(stored));
      Resources wanted = sum(requested);
      if (!total.minus(reserved).covers(wanted)) {
        throw new CallRejected(409, "Cannot reserve '" + wanted + "' on agent " + agentId + ": only '"
            + total.minus(reserved) + "' of its '" + total + "' is not reserved yet");
      }
      List<Resource> next = new ArrayList<>(stored);
      next.addAll(reserve.getResourcesList());
      List<Step> steps = new ArrayList<>();
      requested.forEach((role, resources) -> steps.add(new Step(() -> state.reserve(agentId, role, resources),
          () -> state.unreserve(agentId, role, resources))));
      return writeThenApply(withReservations(agentId, normalized(next)), steps);
    });
  }

  /**
   * UNRESERVE_RESOURCES: gives back dynamic reservations the registry holds for the agent (409
   * when they are not reserved). Works for an agent that has not re-registered yet, which then
   * only loses them in the registry.
   */
  public Future<Void> unreserve(Call.UnreserveResources unreserve) {
    return serialized(() -> {
      String agentId = unreserve.getAgentId().getValue();
      Map<String, Resources> requested = ReservedResources.byRole(unreserve.getResourcesList());
      List<Resource> stored = storedReservations(agentId);
      Map<String, Resources> reserved = stored.isEmpty() ? Map.of() : ReservedResources.byRole(stored);
      if (stored.isEmpty() && state.agentTotal(agentId).isEmpty()) {
        throw new CallRejected(400, "Agent " + agentId + " is not registered and has no reservations");
      }
      Map<String, Resources> remaining = new TreeMap<>(reserved);
      requested.forEach((role, resources) -> {
        Resources mine = reserved.getOrDefault(role, Resources.EMPTY);
        if (!mine.covers(resources)) {
          throw new CallRejected(409, "Cannot unreserve '" + resources + "' for role '" + role + "' on agent " + agentId
              + ": " + (mine.isEmpty() ? "nothing" : "only '" + mine + "'") + " is dynamically reserved for it");
        }
        remaining.put(role, mine.minus(resources));
      });
      List<Resource> next = new ArrayList<>();
      remaining.forEach((role, resources) ->
          next.addAll(ReservedResources.toProto(role, ReservedResources.principal(stored, role), resources)));
      List<Step> steps = new ArrayList<>();
      boolean registered = state.agentTotal(agentId).isPresent();
      if (registered) {
        requested.forEach((role, resources) -> steps.add(new Step(() -> state.unreserve(agentId, role, resources),
            () -> state.reserve(agentId, role, resources))));
      }
      return writeThenApply(withReservations(agentId, next), steps);
    });
  }

  private List<Resource> storedReservations(String agentId) {
    return current.record().getReservationsList().stream().filter(a -> a.getAgentId().equals(agentId))
        .findFirst().map(AgentReservations::getResourcesList).orElse(List.of());
  }

  /** One resource per role and name, so the record does not grow with every call. */
  private static List<Resource> normalized(List<Resource> resources) {
    List<Resource> out = new ArrayList<>();
    ReservedResources.byRole(resources).forEach((role, r) ->
        out.addAll(ReservedResources.toProto(role, ReservedResources.principal(resources, role), r)));
    return out;
  }

  private RegistryRecords.Registry withReservations(String agentId, List<Resource> resources) {
    RegistryRecords.Registry.Builder next = current.record().toBuilder().clearReservations();
    boolean placed = false;
    for (AgentReservations agent : current.record().getReservationsList()) {
      if (agent.getAgentId().equals(agentId)) {
        placed = true;
        if (!resources.isEmpty()) {
          next.addReservations(AgentReservations.newBuilder().setAgentId(agentId).addAllResources(resources));
        }
      } else {
        next.addReservations(agent);
      }
    }
    if (!placed && !resources.isEmpty()) {
      next.addReservations(AgentReservations.newBuilder().setAgentId(agentId).addAllResources(resources));
    }
    return next.build();
  }

  private static Resources sum(Map<String, Resources> byRole) {
    Resources total = Resources.EMPTY;
    for (Resources r : byRole.values()) {
      total = total.plus(r);
    }
    return total;
  }

  // ---------------------------------------------------------------- write, then apply

  /** One change to the allocator and how to take it back. */
  private record Step(Runnable apply, Runnable undo) {}

  private Future<Void> serialized(Supplier<Future<Void>> update) {
    Future<Void> result = tail.transform(ignored -> {
      try {
        return update.get();
      } catch (CallRejected e) {
        return Future.failedFuture(e);
      }
    });
    tail = result.transform(ignored -> Future.succeededFuture());
    return result;
  }

  private Future<Void> writeThenApply(RegistryRecords.Registry next, List<Step> steps) {
    Versioned before = current;
    return registry.write(before, next)
        .recover(e -> Future.failedFuture(e instanceof RecordTooLarge
            // 400, not 413: the call is refused for what the registry would become, so a small call
            // on a nearly full registry is refused too, and 413 stays the answer to a body too large.
            ? new CallRejected(400, "Nothing changed: " + e.getMessage())
            : new CallRejected(503, "Nothing changed: " + e.getMessage())))
        .compose(written -> {
          current = written;
          List<Step> applied = new ArrayList<>();
          try {
            for (Step step : steps) {
              step.apply().run();
              applied.add(step);
            }
            return Future.succeededFuture();
          } catch (RuntimeException refused) {
            for (int i = applied.size() - 1; i >= 0; i--) {
              applied.get(i).undo().run();
            }
            int status = refused instanceof UnsupportedOperationException ? 501 : 409;
            return undoWrite(written, before.record(), refused, status);
          }
        });
  }

  private Future<Void> undoWrite(Versioned written, RegistryRecords.Registry previous, RuntimeException refused,
      int status) {
    String message = "The allocator refused the change: " + refused.getMessage();
    return registry.write(written, previous).transform(undone -> {
      if (undone.succeeded()) {
        current = undone.result();
        return Future.failedFuture(new CallRejected(status, message + " (nothing changed)"));
      }
      Throwable cause = undone.cause();
      log.error("The registry holds a change the allocator refused and could not be restored: {}",
          cause instanceof RegistryException ? cause.getMessage() : cause.toString());
      return Future.failedFuture(new CallRejected(500, message
          + "; restoring the registry failed too, so it still holds the change: " + cause.getMessage()));
    });
  }

  // ---------------------------------------------------------------- helpers

  private static void rejectIfPresent(Optional<String> reason) {
    if (reason.isPresent()) {
      throw new CallRejected(400, reason.get());
    }
  }

  private static String checkedRole(String role, String what) {
    Optional<String> bad = Ids.checkRole(role);
    if (bad.isPresent()) {
      throw new CallRejected(400, "Invalid " + what + " role: " + bad.get());
    }
    if (role.equals("*")) {
      throw new CallRejected(400, "Invalid " + what + " role: setting a " + what + " for the default '*' role is not supported");
    }
    return role;
  }

  static Map<String, Double> weightMap(List<WeightInfo> weights) {
    Map<String, Double> map = new TreeMap<>();
    weights.forEach(w -> map.put(w.getRole(), w.getWeight()));
    return map;
  }

  static Resources scalars(Map<String, Value.Scalar> quantities) {
    Map<String, Double> map = new TreeMap<>();
    quantities.forEach((name, scalar) -> map.put(name, scalar.getValue()));
    return Resources.scalars(map);
  }
}
