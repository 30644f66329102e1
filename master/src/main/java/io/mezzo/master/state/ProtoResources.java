package io.mezzo.master.state;

import io.mezzo.master.spi.AgentResources;
import io.mezzo.master.spi.RangeSet;
import io.mezzo.master.spi.Resources;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Converts between Mesos {@code Resource} protobufs and the allocator's {@link Resources}. */
final class ProtoResources {
  private ProtoResources() {}

  /**
   * Converts resources a task or agent names, refusing what Mezzo does not support yet.
   *
   * @throws InvalidResources with a message naming the resource that was refused
   */
  static Resources toResources(List<Resource> resources) {
    Map<String, Double> scalars = new TreeMap<>();
    Map<String, RangeSet> ranges = new TreeMap<>();
    for (Resource r : resources) {
      if (r.getName().isEmpty()) {
        throw new InvalidResources("Resource without a name");
      }
      if (r.getReservationsCount() > 0 || r.hasReservation() || (r.hasRole() && !r.getRole().equals("*"))) {
        throw new InvalidResources("Reserved resources are not supported yet: " + r.getName());
      }
      if (r.getUnknownFields().hasField(7) || r.hasRevocable() || r.hasShared() || r.hasProviderId()) {
        throw new InvalidResources("Disk, revocable, shared and provider resources are not supported yet: " + r.getName());
      }
      switch (r.getType()) {
        case SCALAR -> {
          double v = r.getScalar().getValue();
          if (!r.hasScalar() || !(v >= 0) || Double.isInfinite(v)) {
            throw new InvalidResources("Invalid scalar resource " + r.getName() + ": " + v);
          }
          scalars.merge(r.getName(), v, Double::sum);
        }
        case RANGES -> {
          List<RangeSet.Range> list = new ArrayList<>();
          for (Value.Range range : r.getRanges().getRangeList()) {
            if (range.getBegin() > range.getEnd() || range.getBegin() < 0) {
              throw new InvalidResources("Invalid range in " + r.getName() + ": [" + range.getBegin() + "-" + range.getEnd() + "]");
            }
            list.add(new RangeSet.Range(range.getBegin(), range.getEnd()));
          }
          ranges.merge(r.getName(), RangeSet.of(list), RangeSet::union);
        }
        default -> throw new InvalidResources("Resource type " + r.getType() + " is not supported yet: " + r.getName());
      }
    }
    return Resources.of(scalars, ranges);
  }

  /** Resources split by reservation, and which reservations are dynamic. */
  record Parsed(AgentResources resources, Map<String, Resources> dynamic) {}

  /**
   * Converts resources that may be reserved, in either format: post-refinement
   * ({@code reservations: [{type, role}]}, one level; refinements are refused) or pre-refinement
   * ({@code role: "eng"}, with {@code reservation {}} when dynamic).
   *
   * @throws InvalidResources with a message naming the resource that was refused
   */
  static Parsed toAgentResources(List<Resource> resources) {
    Map<String, List<Resource>> byRole = new LinkedHashMap<>();
    Map<String, List<Resource>> dynamicByRole = new LinkedHashMap<>();
    for (Resource r : resources) {
      String role = null;
      boolean dynamic = false;
      if (r.getReservationsCount() > 1) {
        throw new InvalidResources("Refined reservations are not supported yet: " + r.getName());
      } else if (r.getReservationsCount() == 1) {
        Resource.ReservationInfo info = r.getReservations(0);
        role = info.getRole();
        dynamic = info.getType() == Resource.ReservationInfo.Type.DYNAMIC;
        if (r.hasRole() && !r.getRole().equals(role) && !r.getRole().equals("*")) {
          throw new InvalidResources("Resource " + r.getName() + " mixes reservation formats with different roles");
        }
      } else if (r.hasRole() && !r.getRole().equals("*")) {
        role = r.getRole();
        dynamic = r.hasReservation();
      } else if (r.hasReservation()) {
        throw new InvalidResources("Resource " + r.getName() + " has a 'reservation' but no role");
      }
      if (role != null && (role.isEmpty() || role.equals("*"))) {
        throw new InvalidResources("Resource " + r.getName() + " cannot be reserved for role '" + role + "'");
      }
      Resource plain = r.toBuilder().clearRole().clearReservation().clearReservations().clearAllocationInfo().build();
      byRole.computeIfAbsent(role == null ? "*" : role, k -> new ArrayList<>()).add(plain);
      if (dynamic) {
        dynamicByRole.computeIfAbsent(role, k -> new ArrayList<>()).add(plain);
      }
    }
    Map<String, Resources> reserved = new TreeMap<>();
    Resources unreserved = Resources.EMPTY;
    for (Map.Entry<String, List<Resource>> e : byRole.entrySet()) {
      Resources converted = toResources(e.getValue());
      if (e.getKey().equals("*")) {
        unreserved = converted;
      } else {
        reserved.put(e.getKey(), converted);
      }
    }
    Map<String, Resources> dynamic = new TreeMap<>();
    dynamicByRole.forEach((role, list) -> dynamic.put(role, toResources(list)));
    return new Parsed(AgentResources.of(unreserved, reserved), dynamic);
  }

  /**
   * Offered resources in the format the framework reads: post-refinement
   * ({@code reservations: [{type, role}]}, unreserved without a role) with
   * RESERVATION_REFINEMENT, else pre-refinement ({@code role}, plus {@code reservation {}} for
   * dynamic reservations). {@code dynamicOnAgent}: the agent's dynamic reservations by role;
   * the rest of a role's reserved resources are static.
   */
  static List<Resource> toProto(AgentResources offered, String allocationRole, boolean refinement,
      Map<String, Resources> dynamicOnAgent) {
    List<Resource> out = new ArrayList<>();
    for (Resource r : toProto(offered.unreserved(), allocationRole)) {
      out.add(refinement ? r.toBuilder().clearRole().build() : r);
    }
    offered.reserved().forEach((role, reserved) -> {
      Resources dynamicTotal = dynamicOnAgent.getOrDefault(role, Resources.EMPTY);
      Resources dynamic = intersection(reserved, dynamicTotal);
      Resources stat = reserved.minus(dynamic);
      addReserved(out, stat, role, false, allocationRole, refinement);
      addReserved(out, dynamic, role, true, allocationRole, refinement);
    });
    return out;
  }

  private static void addReserved(List<Resource> out, Resources resources, String role, boolean dynamic,
      String allocationRole, boolean refinement) {
    for (Resource r : toProto(resources, allocationRole)) {
      Resource.Builder b = r.toBuilder();
      if (refinement) {
        b.clearRole().addReservations(Resource.ReservationInfo.newBuilder().setRole(role)
            .setType(dynamic ? Resource.ReservationInfo.Type.DYNAMIC : Resource.ReservationInfo.Type.STATIC));
      } else {
        b.setRole(role);
        if (dynamic) {
          b.setReservation(Resource.ReservationInfo.getDefaultInstance());
        }
      }
      out.add(b.build());
    }
  }

  /** Per scalar the smaller quantity, per range name the common ranges. */
  static Resources intersection(Resources a, Resources b) {
    Map<String, Double> scalars = new TreeMap<>();
    a.scalars().forEach((k, v) -> scalars.put(k, Math.min(v, b.scalar(k))));
    Map<String, RangeSet> ranges = new TreeMap<>();
    a.ranges().forEach((k, v) -> ranges.put(k, v.minus(v.minus(b.ranges(k)))));
    return Resources.of(scalars, ranges);
  }

  /** Unreserved resources in the pre-refinement format ({@code role: "*"}), optionally allocated to a role. */
  static List<Resource> toProto(Resources resources, String allocationRole) {
    List<Resource> out = new ArrayList<>();
    resources.scalars().forEach((name, value) -> out.add(base(name, Value.Type.SCALAR, allocationRole)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build()));
    resources.ranges().forEach((name, set) -> {
      Value.Ranges.Builder ranges = Value.Ranges.newBuilder();
      set.ranges().forEach(r -> ranges.addRange(Value.Range.newBuilder().setBegin(r.begin()).setEnd(r.end())));
      out.add(base(name, Value.Type.RANGES, allocationRole).setRanges(ranges).build());
    });
    return out;
  }

  private static Resource.Builder base(String name, Value.Type type, String allocationRole) {
    Resource.Builder b = Resource.newBuilder().setName(name).setType(type).setRole("*");
    if (allocationRole != null) {
      b.setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(allocationRole));
    }
    return b;
  }

  /** Resources a task or agent named that Mezzo cannot take. */
  static final class InvalidResources extends RuntimeException {
    InvalidResources(String message) {
      super(message);
    }
  }
}
