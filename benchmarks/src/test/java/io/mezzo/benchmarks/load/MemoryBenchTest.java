package io.mezzo.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The memory bench at a small size: correctness only, no sizes asserted beyond "measured". */
class MemoryBenchTest {
  @Test
  void theMasterProcessIsMeasuredEmptyWithAgentsAndWithEveryTaskRunning(@TempDir Path dir) throws Exception {
    Path plot = dir.resolve("memory.png");
    MemoryBench.Result result = MemoryBench.run(new MemoryBench.Config(20, 200,
        "cpus:1;mem:1024;disk:1000;ports:[31000-31010]", Duration.ofMinutes(2), dir.resolve("logs"), plot));

    assertThat(result.tasksRunning()).isEqualTo(200);
    assertThat(result.emptyBytes()).isPositive();
    assertThat(result.agentsBytes()).isPositive();
    assertThat(result.tasksBytes()).isPositive();
    for (String phase : List.of("empty", "agents", "tasks")) {
      assertThat(dir.resolve("logs/histogram-" + phase + ".txt")).isNotEmptyFile();
    }
    assertThat(Files.size(plot)).isGreaterThan(1000);
  }

  @Test
  void theHistogramTotalIsItsLastLine() throws Exception {
    assertThat(MemoryBench.totalBytes(List.of("123:", " num #instances #bytes class name", "   1: 10 160 [B",
        "Total            10            160"))).isEqualTo(160);
    assertThatThrownBy(() -> MemoryBench.totalBytes(List.of("123:", "Exception"))).hasMessageContaining("Total");
  }

  @Test
  void badFlagsAreNamed() {
    assertThatThrownBy(() -> MemoryBench.parse(new String[] {"--agents", "x"})).hasMessageContaining("--agents");
  }
}
