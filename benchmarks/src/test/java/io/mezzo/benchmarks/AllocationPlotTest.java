package io.mezzo.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plot of the allocation rounds reads JMH's JSON results, as JMH writes them. */
class AllocationPlotTest {
  /** Two results as JMH 1.37 writes them with {@code -rf json}, one of another benchmark. */
  private static final String RESULTS = """
      [
        {"jmhVersion": "1.37", "benchmark": "io.mezzo.benchmarks.AllocationBenchmark.round", "mode": "avgt",
         "params": {"agents": "2000", "frameworks": "200", "shape": "plain"},
         "primaryMetric": {"score": 2.14, "scoreError": 0.98, "scoreUnit": "ms/op"}},
        {"jmhVersion": "1.37", "benchmark": "io.mezzo.benchmarks.AllocationBenchmark.round", "mode": "avgt",
         "params": {"agents": "2000", "frameworks": "200", "shape": "declined"},
         "primaryMetric": {"score": 25.0, "scoreError": "NaN", "scoreUnit": "ms/op"}},
        {"jmhVersion": "1.37", "benchmark": "org.example.Other.run", "mode": "avgt",
         "primaryMetric": {"score": 1.0, "scoreError": 0.1, "scoreUnit": "ms/op"}}
      ]
      """;

  @Test
  void eachRoundOfTheAllocationBenchmarkIsABarOfItsSizeAndShape(@TempDir Path dir) throws Exception {
    Path json = Files.writeString(dir.resolve("results.json"), RESULTS);
    Path png = dir.resolve("rounds.png");

    List<AllocationPlot.Round> rounds = AllocationPlot.read(json);
    AllocationPlot.write(png, rounds);

    assertThat(rounds).containsExactly(
        new AllocationPlot.Round(2000, 200, "plain", 2.14, 0.98, "ms/op"),
        new AllocationPlot.Round(2000, 200, "declined", 25.0, Double.NaN, "ms/op"));
    assertThat(rounds.get(0).size()).isEqualTo("2,000 agents × 200 frameworks");
    assertThat(Files.size(png)).isGreaterThan(1000);
  }

  @Test
  void aFileThatIsNotJmhOutputIsRefusedByName(@TempDir Path dir) throws Exception {
    Path text = Files.writeString(dir.resolve("results.txt"), "Benchmark  Mode  Cnt  Score");
    Path other = Files.writeString(dir.resolve("other.json"), "[]");

    assertThatThrownBy(() -> AllocationPlot.read(text)).hasMessageContaining("results.txt")
        .hasMessageContaining("-rf json");
    assertThatThrownBy(() -> AllocationPlot.read(other)).hasMessageContaining("other.json")
        .hasMessageContaining("AllocationBenchmark");
  }
}
