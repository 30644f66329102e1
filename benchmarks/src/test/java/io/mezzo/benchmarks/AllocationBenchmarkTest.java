package io.mezzo.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.spi.Allocation;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The allocation benchmark's shapes at a tiny size: what each round offers, never how fast. */
class AllocationBenchmarkTest {
  private static final int AGENTS = 30;
  private static final int FRAMEWORKS = 12;

  @Test
  void declinedShapeOffersEveryFrameworkEveryAgentThenNothingUntilRevived() {
    DrfAllocator allocator = AllocationBenchmark.cluster(AGENTS, FRAMEWORKS);
    AllocationBenchmark.Saturation s = AllocationBenchmark.saturate(allocator, FRAMEWORKS, false);

    assertThat(s.offered()).hasSize(FRAMEWORKS);
    s.offered().forEach((framework, byAgent) -> assertThat(byAgent).as(framework).hasSize(AGENTS));
    assertThat(allocator.allocate(AllocationBenchmark.NOW)).isEmpty();
    assertThat(allocator.allocate(AllocationBenchmark.NOW)).as("the measured round changes nothing").isEmpty();

    allocator.revive("framework-3", Set.of());
    List<Allocation> after = allocator.allocate(AllocationBenchmark.NOW);
    assertThat(after).extracting(Allocation::frameworkId).containsOnly("framework-3");
    assertThat(after).extracting(Allocation::agentId).hasSize(AGENTS).doesNotHaveDuplicates();
  }

  @Test
  void suppressedShapeNeverOffersTheSuppressedHalf() {
    DrfAllocator allocator = AllocationBenchmark.cluster(AGENTS, FRAMEWORKS);
    AllocationBenchmark.Saturation s = AllocationBenchmark.saturate(allocator, FRAMEWORKS, true);

    Set<String> evens = java.util.stream.IntStream.range(0, FRAMEWORKS).filter(f -> f % 2 == 0)
        .mapToObj(f -> "framework-" + f).collect(Collectors.toSet());
    assertThat(s.offered().keySet()).isEqualTo(evens);
    s.offered().forEach((framework, byAgent) -> assertThat(byAgent).as(framework).hasSize(AGENTS));
    assertThat(allocator.allocate(AllocationBenchmark.NOW)).isEmpty();

    allocator.revive("framework-1", Set.of());
    assertThat(allocator.allocate(AllocationBenchmark.NOW)).extracting(Allocation::frameworkId)
        .containsOnly("framework-1").hasSize(AGENTS);
  }

  @Test
  void eachShapeOfTheBenchmarkRunsItsRound() {
    for (String shape : List.of("plain", "declined", "suppressed")) {
      AllocationBenchmark bench = new AllocationBenchmark();
      bench.agents = AGENTS;
      bench.frameworks = FRAMEWORKS;
      bench.shape = shape;
      bench.freshCluster();
      List<Allocation> first = bench.allocationRound();
      bench.freshCluster();
      List<Allocation> second = bench.allocationRound();
      if (shape.equals("plain")) {
        assertThat(first.size()).as(shape).isGreaterThanOrEqualTo(AGENTS);
        assertThat(second).as(shape + ": rebuilt before each round").hasSameSizeAs(first);
      } else {
        assertThat(first).as(shape).isEmpty();
        assertThat(second).as(shape).isEmpty();
      }
    }
  }
}
