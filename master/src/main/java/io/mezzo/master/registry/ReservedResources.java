package io.mezzo.master.registry;

import io.mezzo.master.spi.RangeSet;
import io.mezzo.master.spi.Resources;
import io.mezzo.master.state.CallRejected;
import io.mezzo.protocol.Ids;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Dynamically reserved resources as the operator API names them ({@code Resource} with
 * {@code reservations: [{type: DYNAMIC, role, principal?}]}), grouped by role into the
 * allocator's {@link Resources}, and back.
 */
final class ReservedResources {
  private ReservedResources() {}

  /**
   * Groups resources by the role they are dynamically reserved for.
   *
   * @throws CallRejected 400 naming the first resource that is not a single-level dynamic
   *     reservation of a scalar or ranges resource for a valid role
   */
  static Map<String, Resources> byRole(List<Resource> resources) {
    if (resources.isEmpty()) {
      throw new CallRejected(400, "Expecting 'resources' to be present and not empty");
    }
    Map<String, Resources> byRole = new TreeMap<>();
    for (Resource r : resources) {
      String name = r.getName();
      if (name.isEmpty()) {
        throw new CallRejected(400, "Invalid resource: 'name' must not be empty");
      }
      if (r.hasReservation() || (r.hasRole() && !r.getRole().equals("*"))) {
        throw new CallRejected(400, "Invalid resource " + name
            + ": use 'reservations' (the post-refinement format), not 'role' or 'reservation'");
      }
      if (r.getReservationsCount() != 1) {
        throw new CallRejected(400, "Invalid resource " + name + ": expecting exactly one entry in 'reservations'"
            + (r.getReservationsCount() > 1 ? " (refined reservations are not supported)" : ""));
      }
      Resource.ReservationInfo reservation = r.getReservations(0);
      if (reservation.getType() != Resource.ReservationInfo.Type.DYNAMIC) {
        throw new CallRejected(400, "Invalid resource " + name + ": reservation type must be DYNAMIC, got "
            + reservation.getType());
      }
      String role = reservation.getRole();
      Optional<String> badRole = Ids.checkRole(role);
      if (badRole.isPresent()) {
        throw new CallRejected(400, "Invalid reservation role: " + badRole.get());
      }
      if (role.equals("*")) {
        throw new CallRejected(400, "Invalid reservation role: resources cannot be reserved for '*'");
      }
      if (r.getUnknownFields().hasField(7) || r.hasRevocable() || r.hasShared() || r.hasProviderId()) {
        throw new CallRejected(400, "Invalid resource " + name
            + ": disk, revocable, shared and provider resources cannot be reserved in Mezzo yet");
      }
      byRole.merge(role, quantity(r), Resources::plus);
    }
    return byRole;
  }

  private static Resources quantity(Resource r) {
    switch (r.getType()) {
      case SCALAR -> {
        double v = r.getScalar().getValue();
        if (!r.hasScalar() || !(v > 0) || Double.isInfinite(v)) {
          throw new CallRejected(400, "Invalid scalar resource " + r.getName() + ": " + v + " (must be positive)");
        }
        return Resources.scalars(Map.of(r.getName(), v));
      }
      case RANGES -> {
        List<RangeSet.Range> list = new ArrayList<>();
        for (Value.Range range : r.getRanges().getRangeList()) {
          if (range.getBegin() > range.getEnd() || range.getBegin() < 0) {
            throw new CallRejected(400, "Invalid range in " + r.getName() + ": [" + range.getBegin() + "-"
                + range.getEnd() + "]");
          }
          list.add(new RangeSet.Range(range.getBegin(), range.getEnd()));
        }
        if (list.isEmpty()) {
          throw new CallRejected(400, "Invalid resource " + r.getName() + ": no ranges");
        }
        return Resources.of(Map.of(), Map.of(r.getName(), RangeSet.of(list)));
      }
      default -> throw new CallRejected(400, "Resource type " + r.getType() + " cannot be reserved in Mezzo yet: "
          + r.getName());
    }
  }

  /** The principal the first resource of {@code role} names, if any. */
  static Optional<String> principal(List<Resource> resources, String role) {
    return resources.stream().filter(r -> r.getReservationsCount() == 1 && r.getReservations(0).getRole().equals(role)
        && r.getReservations(0).hasPrincipal()).map(r -> r.getReservations(0).getPrincipal()).findFirst();
  }

  /** Resources reserved for {@code role}, in the post-refinement format. */
  static List<Resource> toProto(String role, Optional<String> principal, Resources resources) {
    Resource.ReservationInfo.Builder reservation = Resource.ReservationInfo.newBuilder()
        .setType(Resource.ReservationInfo.Type.DYNAMIC).setRole(role);
    principal.ifPresent(reservation::setPrincipal);
    List<Resource> out = new ArrayList<>();
    resources.scalars().forEach((name, value) -> out.add(Resource.newBuilder().setName(name)
        .setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(value))
        .addReservations(reservation).build()));
    resources.ranges().forEach((name, set) -> {
      Value.Ranges.Builder ranges = Value.Ranges.newBuilder();
      set.ranges().forEach(range -> ranges.addRange(Value.Range.newBuilder().setBegin(range.begin()).setEnd(range.end())));
      out.add(Resource.newBuilder().setName(name).setType(Value.Type.RANGES).setRanges(ranges)
          .addReservations(reservation).build());
    });
    return out;
  }
}
