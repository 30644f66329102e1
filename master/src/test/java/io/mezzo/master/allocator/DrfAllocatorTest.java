package io.mezzo.master.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.master.spi.AgentResources;
import io.mezzo.master.spi.Allocation;
import io.mezzo.master.spi.Allocator.WhyNot;
import io.mezzo.master.spi.Resources;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
  void aRoundOverSomeAgentsOffersOnlyThoseAndLeavesTheOthersForTheNextWholeRound() {
    DrfAllocator allocator = new DrfAllocator(new Random(5));
    for (int i = 0; i < 4; i++) {
      allocator.addAgent("a" + i, Resources.cpusMem(2, 1024), Resources.EMPTY);
    }
    allocator.addFramework("f1", Set.of("*"), Set.of());
    allocator.addFramework("f2", Set.of("*"), Set.of());

    List<Allocation> some = allocator.allocate(T0, List.of("a1", "a3", "unknown"));

    assertThat(some).extracting(Allocation::agentId).containsExactlyInAnyOrder("a1", "a3");
    // Shares still decide within the round: one agent each.
    assertThat(some).extracting(Allocation::frameworkId).containsExactlyInAnyOrder("f1", "f2");
    assertThat(allocator.allocate(T0)).extracting(Allocation::agentId).containsExactlyInAnyOrder("a0", "a2");
    assertThat(allocator.allocate(T0, List.of("a0", "a1"))).isEmpty();
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

  private static long count(List<Allocation> round, String frameworkId, String role) {
    return round.stream().filter(a -> a.frameworkId().equals(frameworkId) && a.role().equals(role)).count();
  }

  @Test
  void frameworksOfARoleWithChildRolesShareAsAVirtualLeafBesideTheChildren() {
    DrfAllocator allocator = new DrfAllocator(new Random(5));
    for (int i = 0; i < 4; i++) {
      allocator.addAgent("a" + i, Resources.cpusMem(1, 1024), Resources.EMPTY);
    }
    allocator.addFramework("eng-direct", Set.of("eng"), Set.of());
    allocator.addFramework("eng-web", Set.of("eng/web"), Set.of());
    allocator.addFramework("ops", Set.of("ops"), Set.of());

    List<Allocation> round = allocator.allocate(T0);

    assertThat(count(round, "ops", "ops")).isEqualTo(2);
    assertThat(count(round, "eng-direct", "eng")).isEqualTo(1);
    assertThat(count(round, "eng-web", "eng/web")).isEqualTo(1);
    assertThat(allocator.roleShare("eng")).isEqualTo(0.5);
  }

  @Test
  void aMultiRoleFrameworkCompetesInEachOfItsRoles() {
    DrfAllocator allocator = new DrfAllocator(new Random(5));
    for (int i = 0; i < 4; i++) {
      allocator.addAgent("a" + i, Resources.cpusMem(1, 1024), Resources.EMPTY);
    }
    allocator.addFramework("multi", Set.of("a", "b"), Set.of());
    allocator.addFramework("other", Set.of("b"), Set.of());

    List<Allocation> round = allocator.allocate(T0);

    assertThat(count(round, "multi", "a")).isEqualTo(2);
    assertThat(count(round, "multi", "b")).isEqualTo(1);
    assertThat(count(round, "other", "b")).isEqualTo(1);
  }

  @Test
  void aPerRoleMinimumOverridesTheMastersMinimum() {
    DrfAllocator allocator = new DrfAllocator(new Random(1), MinimumAllocatable.parse("cpus:1|mem:32"));
    allocator.addAgent("small", Resources.cpusMem(0.5, 16), Resources.EMPTY);
    allocator.addAgent("two-cpus", Resources.cpusMem(2, 2048), Resources.EMPTY);
    allocator.addFramework("picky", Set.of("r"), Set.of(), Map.of("r", List.of(Resources.scalars(Map.of("cpus", 3.0)))));
    allocator.addFramework("anything", Set.of("s"), Set.of(), Map.of("s", List.of()));

    List<Allocation> round = allocator.allocate(T0);

    assertThat(round).extracting(Allocation::frameworkId).doesNotContain("picky");
    assertThat(round).extracting(Allocation::agentId).contains("small");
    assertThat(allocator.explain("picky")).singleElement()
        .satisfies(w -> assertThat(w.reason()).isEqualTo("below-minimum"));
  }

  @Test
  void minimumAllocatableParsesMesosSyntaxAndRefusesNonsense() {
    assertThat(MinimumAllocatable.parse("cpus:0.01|mem:32;disk:10").anyOf()).containsExactly(
        Resources.scalars(Map.of("cpus", 0.01)), Resources.scalars(Map.of("mem", 32.0, "disk", 10.0)));
    assertThatThrownBy(() -> MinimumAllocatable.parse("cpus")).hasMessageContaining("not name:quantity");
    assertThatThrownBy(() -> MinimumAllocatable.parse("cpus:x")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> MinimumAllocatable.parse("cpus:-1")).hasMessageContaining("non-negative");
  }

  @Test
  void dynamicReservationsGoOnlyToTheirRoleUntilUnreserved() {
    DrfAllocator allocator = new DrfAllocator(new Random(1));
    allocator.addAgent("a1", Resources.cpusMem(4, 4096), Resources.EMPTY);
    allocator.addFramework("ops", Set.of("ops"), Set.of());
    allocator.reserve("a1", "eng", Resources.cpusMem(1, 1024));

    assertThat(allocator.allocate(T0)).singleElement().satisfies(a -> {
      assertThat(a.frameworkId()).isEqualTo("ops");
      assertThat(a.offered()).isEqualTo(AgentResources.unreserved(Resources.cpusMem(3, 3072)));
    });
    assertThatThrownBy(() -> allocator.reserve("a1", "eng", Resources.cpusMem(1, 0)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("free and unreserved");

    allocator.addFramework("web", Set.of("eng/web"), Set.of());
    assertThat(allocator.allocate(T0)).singleElement().satisfies(a -> {
      assertThat(a.frameworkId()).isEqualTo("web");
      assertThat(a.offered()).isEqualTo(AgentResources.reserved("eng", Resources.cpusMem(1, 1024)));
    });
    allocator.recover("web", "eng/web", "a1", AgentResources.reserved("eng", Resources.cpusMem(1, 1024)), 0, T0);
    allocator.removeFramework("web");
    allocator.unreserve("a1", "eng", Resources.cpusMem(1, 1024));
    assertThat(allocator.allocate(T0)).singleElement().satisfies(a -> {
      assertThat(a.frameworkId()).isEqualTo("ops");
      assertThat(a.offered()).isEqualTo(AgentResources.unreserved(Resources.cpusMem(1, 1024)));
    });
  }

  @Test
  void weightsMustBePositive() {
    DrfAllocator allocator = new DrfAllocator(new Random(1));
    assertThatThrownBy(() -> allocator.updateWeights(Map.of("eng", 0.0))).hasMessageContaining("positive");
  }

  @Test
  void whyNotSaysSuppressedFilteredQuotaLimitAndLowerShare() {
    DrfAllocator allocator = new DrfAllocator(new Random(1));
    allocator.addAgent("a1", Resources.cpusMem(2, 2048), Resources.EMPTY);
    allocator.addAgent("a2", Resources.cpusMem(2, 2048), Resources.EMPTY);
    allocator.addFramework("sleepy", Set.of("s"), Set.of("s"));
    allocator.addFramework("capped", Set.of("c"), Set.of());
    allocator.updateQuota("c", Resources.EMPTY, Resources.cpusMem(2, 2048));
    allocator.addFramework("choosy", Set.of("f"), Set.of());

    List<Allocation> first = allocator.allocate(T0);
    // choosy declines whatever it got, for a minute.
    for (Allocation a : first) {
      if (a.frameworkId().equals("choosy")) {
        allocator.recover("choosy", "f", a.agentId(), a.offered(), 60, T0);
      }
    }
    allocator.allocate(T0.plusSeconds(1));

    assertThat(allocator.explain("sleepy")).singleElement()
        .satisfies(w -> assertThat(w.reason()).isEqualTo("suppressed"));
    List<WhyNot> capped = allocator.explain("capped");
    assertThat(capped).hasSize(2).anySatisfy(w -> {
      assertThat(w.reason()).isEqualTo("quota-limit");
      assertThat(w.details()).containsEntry("resource", "cpus").containsEntry("limit", 2.0).containsEntry("consumed", 2.0);
    });
    List<WhyNot> choosy = allocator.explain("choosy");
    assertThat(choosy).extracting(WhyNot::reason).contains("filtered");
    assertThat(choosy.get(0).details()).containsEntry("agents", 1);
  }

  @Test
  void whyNotSaysLowerShareWithTheWinnersShares() {
    DrfAllocator allocator = new DrfAllocator(new Random(1));
    allocator.addAgent("a1", Resources.cpusMem(2, 2048), Resources.EMPTY);
    allocator.addFramework("f1", Set.of("r"), Set.of());
    allocator.addFramework("f2", Set.of("r"), Set.of());

    Allocation won = allocator.allocate(T0).get(0);
    String loser = won.frameworkId().equals("f1") ? "f2" : "f1";

    assertThat(allocator.explain(won.frameworkId())).isEmpty();
    assertThat(allocator.explain(loser)).singleElement().satisfies(w -> {
      assertThat(w.reason()).isEqualTo("lower-share");
      assertThat(w.details()).containsEntry("share", 0.0);
      assertThat(w.details().get("winners")).asList().singleElement()
          .satisfies(m -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> winner = (Map<String, Object>) m;
            assertThat(winner).containsEntry("framework", won.frameworkId()).containsEntry("share", 1.0);
          });
    });
  }
}
