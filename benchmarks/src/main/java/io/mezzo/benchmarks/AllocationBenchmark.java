package io.mezzo.benchmarks;

import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.spi.Allocation;
import io.mezzo.master.spi.RangeSet;
import io.mezzo.master.spi.Resources;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full allocation round of the DRF allocator: frameworks spread over 10 roles; role-0 and
 * role-1 have quota guarantees (5% of the cluster's cpus each) and role-2 a quota limit (10% of its
 * cpus); agents have 16 cpus, 64 GiB, 500 GB of disk and ports 31000-32000. Run one size with
 * {@code java -jar benchmarks/target/benchmarks.jar Allocation -p agents=10000 -p frameworks=1000};
 * the sizes of issue 4 are 1,000 × 100, 10,000 × 1,000 and 20,000 × 2,000 (without {@code -p}
 * JMH runs every combination of the listed values).
 *
 * <p>Three shapes ({@code -p shape=...}), after Mesos's allocator benchmarks:
 * <ul>
 *   <li>{@code plain}: every agent's resources free, every framework wanting more; the cluster is
 *       rebuilt before every round.
 *   <li>{@code declined} (Mesos {@code DeclineOffers}): every offer of every round is declined with
 *       a filter that never expires, round after round, until a round offers nothing: every
 *       framework has then refused every agent. The measured round is that last one, which visits
 *       every agent and finds every framework filtered (the round changes nothing, so it is measured
 *       again without a rebuild).
 *   <li>{@code suppressed} (Mesos {@code SuppressOffers}): the same, with half the frameworks
 *       suppressed from the start.
 * </ul>
 * {@link #saturate} is also what the smoke test runs at a tiny size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AllocationBenchmark {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Param({"1000", "10000", "20000"})
  int agents;

  @Param({"100", "1000", "2000"})
  int frameworks;

  @Param({"plain", "declined", "suppressed"})
  String shape;

  /** The filters of the declined shapes never expire (Mesos's benchmark uses INT_MAX seconds). */
  static final double REFUSE_SECONDS = Integer.MAX_VALUE;

  private DrfAllocator allocator;

  @Setup(Level.Invocation)
  public void freshCluster() {
    if (allocator != null && !shape.equals("plain")) {
      return; // a saturated cluster: the measured round changed nothing
    }
    allocator = cluster(agents, frameworks);
    if (!shape.equals("plain")) {
      Saturation s = saturate(allocator, frameworks, shape.equals("suppressed"));
      System.out.printf("%n%s: %d rounds to saturate, %d offers declined, slowest round %.1f ms, all rounds %.1f s%n",
          shape, s.rounds(), s.declined(), s.slowestRoundMillis(), s.totalMillis() / 1000);
    }
    // The previous invocation's cluster is garbage now; collect it here, outside the measured round,
    // so that its collection does not land inside the next measurement.
    System.gc();
  }

  /** Agents, frameworks in 10 roles, and the quota of the class comment. */
  static DrfAllocator cluster(int agents, int frameworks) {
    Random random = new Random(42);
    DrfAllocator allocator = new DrfAllocator(random);
    Resources agent = Resources.of(Map.of("cpus", 16.0, "mem", 65536.0, "disk", 512000.0),
        Map.of("ports", RangeSet.of(31000, 32000)));
    for (int a = 0; a < agents; a++) {
      allocator.addAgent("agent-" + a, agent, Resources.EMPTY);
    }
    for (int f = 0; f < frameworks; f++) {
      allocator.addFramework("framework-" + f, Set.of("role-" + (f % 10)), Set.of());
    }
    double clusterCpus = 16.0 * agents;
    Resources guarantee = Resources.scalars(Map.of("cpus", clusterCpus * 0.05));
    allocator.updateQuota("role-0", guarantee, Resources.EMPTY);
    allocator.updateQuota("role-1", guarantee, Resources.EMPTY);
    allocator.updateQuota("role-2", Resources.EMPTY, Resources.scalars(Map.of("cpus", clusterCpus * 0.10)));
    return allocator;
  }

  /**
   * How a declined shape got to its measured state.
   *
   * @param offered offers per framework, then per agent, over all the rounds
   */
  record Saturation(int rounds, long declined, double slowestRoundMillis, double totalMillis,
      Map<String, Map<String, Integer>> offered) {}

  /**
   * Mesos's {@code DeclineOffers} loop: round after round, every offer is declined with a filter
   * that never expires, until a round offers nothing (at most {@code 2 × frameworks + 2} rounds).
   * With {@code suppressHalf}, every odd-numbered framework is suppressed first.
   */
  static Saturation saturate(DrfAllocator allocator, int frameworks, boolean suppressHalf) {
    if (suppressHalf) {
      for (int f = 1; f < frameworks; f += 2) {
        allocator.suppress("framework-" + f, Set.of());
      }
    }
    Map<String, Map<String, Integer>> offered = new java.util.HashMap<>();
    long declined = 0;
    double slowest = 0;
    double total = 0;
    for (int round = 1; round <= 2 * frameworks + 2; round++) {
      long start = System.nanoTime();
      List<Allocation> offers = allocator.allocate(NOW);
      double millis = (System.nanoTime() - start) / 1e6;
      slowest = Math.max(slowest, millis);
      total += millis;
      if (offers.isEmpty()) {
        return new Saturation(round, declined, slowest, total, offered);
      }
      for (Allocation a : offers) {
        offered.computeIfAbsent(a.frameworkId(), k -> new java.util.HashMap<>()).merge(a.agentId(), 1, Integer::sum);
        allocator.recover(a.frameworkId(), a.role(), a.agentId(), a.offered(), REFUSE_SECONDS, NOW);
        declined++;
      }
    }
    throw new IllegalStateException("still offering after " + (2 * frameworks + 2) + " rounds of declines");
  }

  @Benchmark
  public List<Allocation> allocationRound() {
    List<Allocation> offers = allocator.allocate(NOW);
    if (shape.equals("plain") ? offers.size() < agents : !offers.isEmpty()) {
      throw new IllegalStateException(shape + ": unexpected number of offers " + offers.size());
    }
    return offers;
  }
}
