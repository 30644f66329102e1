package io.mezzo.master.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResourcesTest {
  private static final Resources PORTS = Resources.of(Map.of("cpus", 4.0), Map.of("ports", RangeSet.of(31000, 31099)));

  @Test
  void addsAndSubtractsScalarsAndRanges() {
    Resources task = Resources.of(Map.of("cpus", 1.5), Map.of("ports", RangeSet.of(31010, 31019)));
    Resources left = PORTS.minus(task);
    assertThat(left.scalar("cpus")).isEqualTo(2.5);
    assertThat(left.ranges("ports").ranges())
        .containsExactly(new RangeSet.Range(31000, 31009), new RangeSet.Range(31020, 31099));
    assertThat(left.plus(task)).isEqualTo(PORTS);
  }

  @Test
  void coversOnlyWhatFitsWithThreeDecimalPrecision() {
    Resources agent = Resources.cpusMem(1, 1024);
    assertThat(agent.covers(Resources.cpusMem(0.1 + 0.2 + 0.7, 1024))).isTrue();
    assertThat(agent.covers(Resources.cpusMem(1.001, 1))).isFalse();
    assertThat(agent.covers(Resources.scalars(Map.of("gpus", 1.0)))).isFalse();
    assertThat(PORTS.covers(Resources.of(Map.of(), Map.of("ports", RangeSet.of(31099, 31100))))).isFalse();
    assertThat(PORTS.covers(Resources.EMPTY)).isTrue();
  }

  @Test
  void minusStopsAtZeroAndDropsEmptyEntries() {
    Resources r = Resources.cpusMem(1, 100).minus(Resources.cpusMem(2, 100));
    assertThat(r.isEmpty()).isTrue();
    assertThat(r.scalars()).isEmpty();
  }

  @Test
  void refusesNegativeQuantitiesAndBadRanges() {
    assertThatThrownBy(() -> Resources.scalars(Map.of("cpus", -1.0))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RangeSet.Range(5, 4)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rangeSetsMergeAndSubtractLikeSets() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int round = 0; round < 200; round++) {
      boolean[] a = new boolean[64];
      boolean[] b = new boolean[64];
      RangeSet ra = randomSet(random, a);
      RangeSet rb = randomSet(random, b);
      RangeSet diff = ra.minus(rb);
      RangeSet union = ra.union(rb);
      for (int i = 0; i < 64; i++) {
        assertThat(contains(diff, i)).as("seed %d: %d in %s - %s", seed, i, ra, rb).isEqualTo(a[i] && !b[i]);
        assertThat(contains(union, i)).as("seed %d: %d in %s + %s", seed, i, ra, rb).isEqualTo(a[i] || b[i]);
      }
      assertThat(union.contains(ra)).isTrue();
      assertThat(diff.size()).isLessThanOrEqualTo(ra.size());
    }
  }

  private static RangeSet randomSet(Random random, boolean[] members) {
    List<RangeSet.Range> ranges = new java.util.ArrayList<>();
    for (int n = random.nextInt(4); n > 0; n--) {
      int begin = random.nextInt(64);
      int end = Math.min(63, begin + random.nextInt(10));
      ranges.add(new RangeSet.Range(begin, end));
      for (int i = begin; i <= end; i++) {
        members[i] = true;
      }
    }
    return RangeSet.of(ranges);
  }

  private static boolean contains(RangeSet set, long value) {
    return set.ranges().stream().anyMatch(r -> r.begin() <= value && value <= r.end());
  }
}
