package io.mezzo.master.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
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

  @Test
  void scalarsReadAsASortedUnmodifiableMapEqualToATreeMap() {
    Resources r = Resources.scalars(Map.of("mem", 64.0, "cpus", 0.5, "gpus", 1.0));
    TreeMap<String, Double> expected = new TreeMap<>(Map.of("mem", 64.0, "cpus", 0.5, "gpus", 1.0));
    assertThat(r.scalars()).isEqualTo(expected).hasSameHashCodeAs(expected);
    assertThat(r.scalars().keySet()).containsExactly("cpus", "gpus", "mem");
    assertThat(r.scalars().entrySet()).containsExactlyElementsOf(expected.entrySet());
    assertThat(r.scalars().get("gpus")).isEqualTo(1.0);
    assertThat(r.scalars().get("disk")).isNull();
    assertThat(r.scalars().containsKey("mem")).isTrue();
    assertThat(r.scalars().getOrDefault("disk", 7.0)).isEqualTo(7.0);
    List<String> seen = new ArrayList<>();
    r.scalars().forEach((name, value) -> seen.add(name + "=" + value));
    assertThat(seen).containsExactly("cpus=0.5", "gpus=1.0", "mem=64.0");
    assertThatThrownBy(() -> r.scalars().put("disk", 1.0)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(r.toString()).isEqualTo("cpus:0.5;gpus:1.0;mem:64.0");
  }

  @Test
  void valuesWithTheSameScalarNamesShareOneArrayOfThem() {
    Resources a = Resources.cpusMem(0.5, 64);
    Resources b = Resources.scalars(Map.of("mem", 32.0, "cpus", 1.0));
    Resources c = Resources.scalars(Map.of("cpus", 1.0));
    assertThat(a.sharesNamesWith(b)).isTrue();
    assertThat(a.sharesNamesWith(c)).isFalse();
    assertThat(a.plus(b).sharesNamesWith(a)).isTrue();
    assertThat(Resources.of(Map.of("cpus", 0.0), Map.of("ports", RangeSet.EMPTY))).isSameAs(Resources.EMPTY);
    assertThat(Resources.cpusMem(1, 2).ranges()).isSameAs(Resources.EMPTY.ranges());
  }

  @Test
  void agentResourcesWithNothingReservedShareOneEmptyMap() {
    AgentResources a = AgentResources.of(Resources.cpusMem(1, 2), Map.of("eng", Resources.EMPTY));
    AgentResources b = AgentResources.unreserved(Resources.cpusMem(3, 4)).plus(a).minus(a);
    assertThat(a.reserved()).isEmpty();
    assertThat(a.reserved()).isSameAs(b.reserved());
    assertThat(a.total()).isSameAs(a.unreserved());
    assertThat(AgentResources.reserved("eng", Resources.cpusMem(1, 2)).reserved()).containsOnlyKeys("eng");
  }

  @Test
  void arithmeticAgreesWithPlainMapsOfScalars() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    String[] names = {"cpus", "disk", "gpus", "mem"};
    for (int round = 0; round < 500; round++) {
      TreeMap<String, Double> a = randomScalars(random, names);
      TreeMap<String, Double> b = randomScalars(random, names);
      Resources ra = Resources.scalars(a);
      Resources rb = Resources.scalars(b);
      TreeMap<String, Double> sum = new TreeMap<>(a);
      b.forEach((k, v) -> sum.merge(k, v, Double::sum));
      TreeMap<String, Double> diff = new TreeMap<>();
      a.forEach((k, v) -> {
        double left = Math.round(Math.max(0, v - b.getOrDefault(k, 0.0)) * 1000.0) / 1000.0;
        if (left > 0) {
          diff.put(k, left);
        }
      });
      sum.replaceAll((k, v) -> Math.round(v * 1000.0) / 1000.0);
      assertThat(ra.plus(rb).scalars()).as("seed %d: %s + %s", seed, a, b).isEqualTo(sum);
      assertThat(ra.minus(rb).scalars()).as("seed %d: %s - %s", seed, a, b).isEqualTo(diff);
      assertThat(ra.plus(rb).covers(rb)).as("seed %d", seed).isTrue();
      assertThat(ra.covers(rb)).as("seed %d: %s covers %s", seed, a, b)
          .isEqualTo(b.entrySet().stream().allMatch(e -> a.getOrDefault(e.getKey(), 0.0) >= e.getValue()));
      assertThat(ra.plus(rb)).as("seed %d", seed).isEqualTo(rb.plus(ra)).hasSameHashCodeAs(rb.plus(ra));
      assertThat(ra.isEmpty()).isEqualTo(a.isEmpty());
    }
  }

  private static TreeMap<String, Double> randomScalars(Random random, String[] names) {
    TreeMap<String, Double> out = new TreeMap<>();
    for (String name : names) {
      if (random.nextBoolean()) {
        out.put(name, (1 + random.nextInt(4000)) / 1000.0);
      }
    }
    return out;
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
