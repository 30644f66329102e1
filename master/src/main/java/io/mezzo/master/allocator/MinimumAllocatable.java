package io.mezzo.master.allocator;

import io.mezzo.master.spi.Resources;
import java.util.List;

/** Mesos's --min_allocatable_resources: free resources are offered only if they meet one of the sets. */
record MinimumAllocatable(List<Resources> anyOf) {
  /** Mesos's default, {@code cpus:0.01|mem:32}. */
  static final MinimumAllocatable DEFAULT = new MinimumAllocatable(
      List.of(Resources.scalars(java.util.Map.of("cpus", 0.01)), Resources.scalars(java.util.Map.of("mem", 32.0))));

  boolean isMet(Resources free) {
    return anyOf.stream().anyMatch(free::covers);
  }
}
