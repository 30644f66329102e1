package io.mezzo.master.state;

import io.mezzo.master.spi.RangeSet;
import io.mezzo.master.spi.Resources;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Value;
import java.util.ArrayList;
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
