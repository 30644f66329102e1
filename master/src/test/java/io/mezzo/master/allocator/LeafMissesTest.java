package io.mezzo.master.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.spi.Allocation;
import io.mezzo.master.spi.RangeSet;
import io.mezzo.master.spi.Resources;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A round remembers, per agent, a role whose every framework refused the agent, and skips it
 * while nothing changed. Each test first makes a round where the whole role refuses, then
 * changes one thing that must bring the offer back.
 */
class LeafMissesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Resources AGENT = Resources.of(Map.of("cpus", 4.0, "mem", 4096.0),
      Map.of("ports", RangeSet.of(31000, 31009)));

  /** f1 and f2 in role r, both with a filter on a1 until T0 + 60 s; the round at T0 offers nothing. */
  private static DrfAllocator bothFiltered() {
    DrfAllocator allocator = new DrfAllocator(new Random(1));
    allocator.addAgent("a1", AGENT, Resources.EMPTY);
    allocator.addFramework("f1", Set.of("r"), Set.of());
    allocator.addFramework("f2", Set.of("r"), Set.of());
    for (int i = 0; i < 2; i++) {
      Allocation offer = allocator.allocate(T0).get(0);
      allocator.recover(offer.frameworkId(), "r", "a1", offer.offered(), 60, T0);
    }
    assertThat(allocator.allocate(T0)).isEmpty();
    assertThat(allocator.allocate(T0.plusSeconds(1))).as("remembered, still nothing").isEmpty();
    long skipped = allocator.quietSkips();
    assertThat(allocator.allocate(T0.plusSeconds(1))).as("quiet, still nothing").isEmpty();
    assertThat(allocator.quietSkips()).as("the agent passed by without a walk").isEqualTo(skipped + 1);
    return allocator;
  }

  @Test
  void aQuietAgentIsNotWalkedInTheGuaranteeStageEither() {
    DrfAllocator allocator = bothFiltered();
    allocator.updateQuota("r", Resources.cpusMem(2, 0), Resources.EMPTY);
    long skipped = allocator.quietSkips();

    assertThat(allocator.allocate(T0.plusSeconds(2))).isEmpty();

    assertThat(allocator.quietSkips()).as("guarantee stage and fair stage").isEqualTo(skipped + 2);
  }

  @Test
  void anAgentWithANewResourceNameJoinsAfterMissesWereRemembered() {
    DrfAllocator allocator = bothFiltered();
    allocator.addAgent("a2", Resources.of(Map.of("cpus", 1.0, "fpgas", 2.0), Map.of()), Resources.EMPTY);

    assertThat(allocator.allocate(T0.plusSeconds(2))).extracting(Allocation::agentId).containsExactly("a2");
    assertThat(allocator.allocate(T0.plusSeconds(3))).as("a1 still refused by both, a2 offered out").isEmpty();
  }

  @Test
  void anExpiredFilterBringsTheOfferBack() {
    DrfAllocator allocator = bothFiltered();
    assertThat(allocator.allocate(T0.plusSeconds(60))).hasSize(1);
  }

  @Test
  void aFrameworkJoiningTheRoleIsOfferedTheAgent() {
    DrfAllocator allocator = bothFiltered();
    allocator.addFramework("f3", Set.of("r"), Set.of());
    assertThat(allocator.allocate(T0.plusSeconds(2))).extracting(Allocation::frameworkId).containsExactly("f3");
  }

  @Test
  void aRevivedFrameworkIsOfferedTheAgent() {
    DrfAllocator allocator = bothFiltered();
    allocator.suppress("f2", Set.of());
    allocator.revive("f2", Set.of());
    assertThat(allocator.allocate(T0.plusSeconds(2))).extracting(Allocation::frameworkId).containsExactly("f2");
  }

  @Test
  void moreThanWasRefusedIsOfferedAgain() {
    DrfAllocator allocator = new DrfAllocator(new Random(1));
    allocator.addAgent("a1", AGENT, Resources.EMPTY);
    allocator.addFramework("f1", Set.of("r"), Set.of());
    allocator.addFramework("busy", Set.of("s"), Set.of(), Map.of("s", List.of()));
    allocator.addUsed("busy", "s", "a1", Resources.cpusMem(2, 0));
    Allocation half = allocator.allocate(T0).get(0);
    assertThat(half.frameworkId()).isEqualTo("f1");
    allocator.recover("f1", "r", "a1", half.offered(), 60, T0);
    allocator.suppress("busy", Set.of());
    assertThat(allocator.allocate(T0)).isEmpty();
    assertThat(allocator.allocate(T0)).isEmpty();
    long skipped = allocator.quietSkips();
    assertThat(allocator.allocate(T0)).isEmpty();
    assertThat(allocator.quietSkips()).as("quiet before the rest frees").isEqualTo(skipped + 1);

    allocator.recover("busy", "s", "a1", Resources.cpusMem(2, 0), 0, T0);

    assertThat(allocator.allocate(T0.plusSeconds(1))).singleElement()
        .satisfies(a -> assertThat(a.offered().total().scalar("cpus")).isEqualTo(4.0));
  }

  @Test
  void aLowerMinimumTakesWhatTheHigherOneRefused() {
    DrfAllocator allocator = new DrfAllocator(new Random(1));
    allocator.addAgent("a1", AGENT, Resources.EMPTY);
    Map<String, List<Resources>> eightCpus = Map.of("r", List.of(Resources.scalars(Map.of("cpus", 8.0))));
    allocator.addFramework("f1", Set.of("r"), Set.of(), eightCpus);
    assertThat(allocator.allocate(T0)).isEmpty();
    assertThat(allocator.allocate(T0)).isEmpty();
    assertThat(allocator.allocate(T0)).isEmpty();
    assertThat(allocator.quietSkips()).as("quiet under the high minimum").isEqualTo(1);

    allocator.addFramework("f1", Set.of("r"), Set.of(), Map.of("r", List.of(Resources.scalars(Map.of("cpus", 1.0)))));

    assertThat(allocator.allocate(T0)).hasSize(1);
  }

  @Test
  void rangeContainmentWalksBothSets() {
    RangeSet set = RangeSet.of(List.of(new RangeSet.Range(10, 20), new RangeSet.Range(30, 40)));
    assertThat(set.contains(RangeSet.of(12, 18))).isTrue();
    assertThat(set.contains(RangeSet.of(List.of(new RangeSet.Range(10, 10), new RangeSet.Range(40, 40))))).isTrue();
    assertThat(set.contains(RangeSet.EMPTY)).isTrue();
    assertThat(set.contains(set)).isTrue();
    assertThat(set.contains(RangeSet.of(20, 30))).isFalse();
    assertThat(set.contains(RangeSet.of(9, 10))).isFalse();
    assertThat(set.contains(RangeSet.of(41, 41))).isFalse();
    assertThat(set.contains(RangeSet.of(25, 25))).isFalse();
    assertThat(RangeSet.EMPTY.contains(RangeSet.of(1, 1))).isFalse();
  }
}
