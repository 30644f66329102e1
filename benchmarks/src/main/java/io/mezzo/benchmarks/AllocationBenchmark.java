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
 * One full allocation round of the DRF allocator: every agent's resources free, every
 * framework wanting more, frameworks spread over 10 roles; role-0 and role-1 have quota
 * guarantees (5% of the cluster's cpus each) and role-2 a quota limit (10% of its cpus); agents have
 * 16 cpus, 64 GiB, 500 GB of disk and ports 31000-32000. Run one
 * size with {@code java -jar benchmarks/target/benchmarks.jar Allocation -p agents=10000 -p frameworks=1000};
 * the sizes of issue 4 are 1,000 × 100, 10,000 × 1,000 and 20,000 × 2,000 (without {@code -p}
 * JMH runs every combination of the listed values).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AllocationBenchmark {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Param({"1000", "10000", "20000"})
  int agents;

  @Param({"100", "1000", "2000"})
  int frameworks;

  private double clusterCpus;

  private DrfAllocator allocator;

  @Setup(Level.Invocation)
  public void freshCluster() {
    Random random = new Random(42);
    allocator = new DrfAllocator(random);
    Resources agent = Resources.of(Map.of("cpus", 16.0, "mem", 65536.0, "disk", 512000.0),
        Map.of("ports", RangeSet.of(31000, 32000)));
    for (int a = 0; a < agents; a++) {
      allocator.addAgent("agent-" + a, agent, Resources.EMPTY);
    }
    for (int f = 0; f < frameworks; f++) {
      allocator.addFramework("framework-" + f, Set.of("role-" + (f % 10)), Set.of());
    }
    clusterCpus = 16.0 * agents;
    Resources guarantee = Resources.scalars(Map.of("cpus", clusterCpus * 0.05));
    allocator.updateQuota("role-0", guarantee, Resources.EMPTY);
    allocator.updateQuota("role-1", guarantee, Resources.EMPTY);
    allocator.updateQuota("role-2", Resources.EMPTY, Resources.scalars(Map.of("cpus", clusterCpus * 0.10)));
    // The previous invocation's cluster is garbage now; collect it here, outside the measured round,
    // so that its collection does not land inside the next measurement.
    System.gc();
  }

  @Benchmark
  public List<Allocation> allocationRound() {
    List<Allocation> offers = allocator.allocate(NOW);
    if (offers.size() < agents) {
      throw new IllegalStateException("expected at least one offer per agent, got " + offers.size());
    }
    return offers;
  }
}
