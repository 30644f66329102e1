package io.mezzo.master.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.spi.Allocation;
import io.mezzo.master.spi.Resources;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DrfAllocatorTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void offersTheNextAgentToTheFrameworkWithTheLowestDominantShare() {
    DrfAllocator allocator = new DrfAllocator(new Random(1));
    allocator.addAgent("a1", Resources.cpusMem(4, 4096), Resources.cpusMem(0, 4096));
    allocator.addAgent("a2", Resources.cpusMem(4, 4096), Resources.EMPTY);
    allocator.addFramework("f1", Set.of("*"), Set.of());
    allocator.addFramework("f2", Set.of("*"), Set.of());
    // f1 already holds half of the cluster's memory: its dominant share (mem 0.5) beats f2's 0.
    allocator.addUsed("f1", "*", "a1", Resources.cpusMem(0, 4096));

    List<Allocation> round = allocator.allocate(T0);

    assertThat(round).extracting(Allocation::frameworkId).first().isEqualTo("f2");
  }

  @Test
  void twoEqualFrameworksEachGetOneOfTwoEqualAgents() {
    DrfAllocator allocator = new DrfAllocator(new Random(7));
    allocator.addAgent("a1", Resources.cpusMem(2, 1024), Resources.EMPTY);
    allocator.addAgent("a2", Resources.cpusMem(2, 1024), Resources.EMPTY);
    allocator.addFramework("f1", Set.of("*"), Set.of());
    allocator.addFramework("f2", Set.of("*"), Set.of());

    List<Allocation> round = allocator.allocate(T0);

    assertThat(round).hasSize(2);
    assertThat(round).extracting(Allocation::frameworkId).containsExactlyInAnyOrder("f1", "f2");
    assertThat(allocator.roleShare("*")).isEqualTo(1.0);
  }

  @Test
  void rolesAreSharedBeforeFrameworks() {
    DrfAllocator allocator = new DrfAllocator(new Random(3));
    for (int i = 0; i < 4; i++) {
      allocator.addAgent("a" + i, Resources.cpusMem(1, 1024), Resources.EMPTY);
    }
    allocator.addFramework("web-1", Set.of("web"), Set.of());
    allocator.addFramework("web-2", Set.of("web"), Set.of());
    allocator.addFramework("batch", Set.of("batch"), Set.of());

    List<Allocation> round = allocator.allocate(T0);

    assertThat(round.stream().filter(a -> a.role().equals("batch")).count()).isEqualTo(2);
    assertThat(round.stream().filter(a -> a.frameworkId().equals("web-1")).count()).isEqualTo(1);
    assertThat(round.stream().filter(a -> a.frameworkId().equals("web-2")).count()).isEqualTo(1);
  }

  @Test
  void allocatedResourcesAreNotOfferedAgainUntilRecovered() {
    DrfAllocator allocator = new DrfAllocator(new Random(1));
    allocator.addAgent("a1", Resources.cpusMem(2, 1024), Resources.EMPTY);
    allocator.addFramework("f1", Set.of("*"), Set.of());

    assertThat(allocator.allocate(T0)).hasSize(1);
    assertThat(allocator.allocate(T0)).isEmpty();

    allocator.recover("f1", "*", "a1", Resources.cpusMem(1, 512), 0, T0);
    assertThat(allocator.allocate(T0)).singleElement()
        .satisfies(a -> assertThat(a.resources()).isEqualTo(Resources.cpusMem(1, 512)));
  }

  @Test
  void aDeclinedAgentIsNotReofferedToThatFrameworkBeforeTheFilterExpires() {
    DrfAllocator allocator = new DrfAllocator(new Random(1));
    allocator.addAgent("a1", Resources.cpusMem(2, 1024), Resources.EMPTY);
    allocator.addFramework("f1", Set.of("*"), Set.of());
    Allocation offer = allocator.allocate(T0).get(0);

    allocator.recover("f1", "*", "a1", offer.resources(), 5.0, T0);

    assertThat(allocator.allocate(T0.plusSeconds(4))).isEmpty();
    assertThat(allocator.allocate(T0.plusSeconds(5))).singleElement()
        .satisfies(a -> assertThat(a.frameworkId()).isEqualTo("f1"));
  }

  @Test
  void aDeclineFilterDoesNotHoldBackOtherFrameworks() {
    DrfAllocator allocator = new DrfAllocator(new Random(1));
    allocator.addAgent("a1", Resources.cpusMem(2, 1024), Resources.EMPTY);
    allocator.addFramework("f1", Set.of("*"), Set.of());
    allocator.addFramework("f2", Set.of("*"), Set.of());
    Allocation first = allocator.allocate(T0).get(0);
    String other = first.frameworkId().equals("f1") ? "f2" : "f1";

    allocator.recover(first.frameworkId(), "*", "a1", first.resources(), 60, T0);

    assertThat(allocator.allocate(T0.plusSeconds(1))).singleElement()
        .satisfies(a -> assertThat(a.frameworkId()).isEqualTo(other));
  }

  @Test
  void suppressedAndInactiveFrameworksGetNothingUntilRevived() {
    DrfAllocator allocator = new DrfAllocator(new Random(1));
    allocator.addAgent("a1", Resources.cpusMem(2, 1024), Resources.EMPTY);
    allocator.addFramework("f1", Set.of("*"), Set.of("*"));
    assertThat(allocator.allocate(T0)).isEmpty();

    allocator.revive("f1", Set.of());
    allocator.setFrameworkActive("f1", false);
    assertThat(allocator.allocate(T0)).isEmpty();

    allocator.setFrameworkActive("f1", true);
    assertThat(allocator.allocate(T0)).hasSize(1);
  }

  @Test
  void lessThanTheMinimumAllocatableIsNotOffered() {
    DrfAllocator allocator = new DrfAllocator(new Random(1));
    allocator.addAgent("a1", Resources.cpusMem(0.005, 16), Resources.EMPTY);
    allocator.addFramework("f1", Set.of("*"), Set.of());
    assertThat(allocator.allocate(T0)).isEmpty();
  }
}
