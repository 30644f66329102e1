package io.mezzo.sdk;

import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Builders for the {@link Resource} protobufs a framework puts into tasks:
 * {@code scalar("cpus", 0.5)}, {@code ranges("ports", 31000, 31009)}. For arithmetic on the
 * quantities of an offer see {@link ScalarResources}.
 */
public final class Resources {
  private Resources() {}

  /** An unreserved scalar resource, e.g. {@code scalar("cpus", 0.5)}. */
  public static Resource scalar(String name, double value) {
    requireName(name);
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("Scalar resource '" + name + "' must be a finite number >= 0, got " + value);
    }
    return Resource.newBuilder()
        .setName(name)
        .setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value))
        .build();
  }

  public static Resource cpus(double cpus) {
    return scalar("cpus", cpus);
  }

  /** Memory in MB. */
  public static Resource mem(double megabytes) {
    return scalar("mem", megabytes);
  }

  /** Disk in MB. */
  public static Resource disk(double megabytes) {
    return scalar("disk", megabytes);
  }

  /** An unreserved ranges resource of one range {@code [begin, end]}, both ends included. */
  public static Resource ranges(String name, long begin, long end) {
    requireName(name);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(
          "Range resource '" + name + "' needs 0 <= begin <= end, got [" + begin + "-" + end + "]");
    }
    return Resource.newBuilder()
        .setName(name)
        .setType(Value.Type.RANGES)
        .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(begin).setEnd(end)))
        .build();
  }

  /** Ports {@code [begin, end]}. */
  public static Resource ports(long begin, long end) {
    return ranges("ports", begin, end);
  }

  /**
   * The resources with the offer's allocation info (the role it was offered to) copied in, as
   * the master requires of MULTI_ROLE frameworks. Unchanged when the offer carries none.
   */
  public static List<Resource> allocatedAs(Offer offer, List<Resource> resources) {
    if (!offer.hasAllocationInfo()) {
      return List.copyOf(resources);
    }
    List<Resource> allocated = new ArrayList<>(resources.size());
    for (Resource resource : resources) {
      allocated.add(resource.toBuilder().setAllocationInfo(offer.getAllocationInfo()).build());
    }
    return List.copyOf(allocated);
  }

  private static void requireName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("A resource needs a name");
    }
  }
}
