package io.mezzo.master.spi;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Resources of one agent split by reservation: an unreserved part, which any role may be
 * offered, and parts reserved for a role, which only that role and its descendants may be
 * offered ({@code eng} reservations reach {@code eng/web}). Immutable; the reservation kind
 * (static or dynamic) is the master's business, not the allocator's.
 */
public final class AgentResources {
  public static final AgentResources EMPTY = new AgentResources(Resources.EMPTY, Map.of());

  private final Resources unreserved;
  private final Map<String, Resources> reserved;

  private AgentResources(Resources unreserved, Map<String, Resources> reserved) {
    this.unreserved = unreserved;
    this.reserved = reserved;
  }

  /** {@code reserved} maps a role to what is reserved for it; {@code *} cannot be reserved for. */
  public static AgentResources of(Resources unreserved, Map<String, Resources> reserved) {
    TreeMap<String, Resources> r = new TreeMap<>();
    reserved.forEach((role, res) -> {
      if ("*".equals(role) || role.isEmpty()) {
        throw new IllegalArgumentException("nothing can be reserved for role '" + role + "'");
      }
      if (!res.isEmpty()) {
        r.merge(role, res, Resources::plus);
      }
    });
    // The master keeps one of these per task, almost always with nothing reserved: no map of its own then.
    return new AgentResources(unreserved, r.isEmpty() ? Map.of() : Collections.unmodifiableMap(r));
  }

  public static AgentResources unreserved(Resources unreserved) {
    return new AgentResources(unreserved, Map.of());
  }

  public static AgentResources reserved(String role, Resources resources) {
    return of(Resources.EMPTY, Map.of(role, resources));
  }

  public Resources unreserved() {
    return unreserved;
  }

  /** Reserved parts by role; empty parts are left out. */
  public Map<String, Resources> reserved() {
    return reserved;
  }

  public Resources reservedFor(String role) {
    return reserved.getOrDefault(role, Resources.EMPTY);
  }

  /** Everything, unreserved and reserved, as one bag. */
  public Resources total() {
    Resources total = unreserved;
    for (Resources r : reserved.values()) {
      total = total.plus(r);
    }
    return total;
  }

  public boolean isEmpty() {
    return unreserved.isEmpty() && reserved.isEmpty();
  }

  public AgentResources plus(AgentResources other) {
    TreeMap<String, Resources> r = new TreeMap<>(reserved);
    other.reserved.forEach((role, res) -> r.merge(role, res, Resources::plus));
    return of(unreserved.plus(other.unreserved), r);
  }

  /** Pool by pool; quantities that would go negative stop at zero. */
  public AgentResources minus(AgentResources other) {
    TreeMap<String, Resources> r = new TreeMap<>(reserved);
    other.reserved.forEach((role, res) -> r.computeIfPresent(role, (k, mine) -> mine.minus(res)));
    return of(unreserved.minus(other.unreserved), r);
  }

  /** True when each pool of {@code other} is contained in the same pool of this. */
  public boolean covers(AgentResources other) {
    if (!unreserved.covers(other.unreserved)) {
      return false;
    }
    for (Map.Entry<String, Resources> e : other.reserved.entrySet()) {
      if (!reservedFor(e.getKey()).covers(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AgentResources a && unreserved.equals(a.unreserved) && reserved.equals(a.reserved);
  }

  @Override
  public int hashCode() {
    return Objects.hash(unreserved, reserved);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(unreserved.toString());
    reserved.forEach((role, r) -> sb.append(sb.length() == 0 ? "" : " ").append(role).append('(').append(r).append(')'));
    return sb.toString();
  }
}
