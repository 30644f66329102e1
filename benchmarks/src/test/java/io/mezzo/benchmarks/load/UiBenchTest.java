package io.mezzo.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UI bench at a small size, so that it does not rot: a real master, simulated agents and
 * running tasks, and the agents and tasks pages render every row and answer their filter. The
 * figures are the bench's business (docs/benchmarks.md), not asserted here.
 */
class UiBenchTest {
  @TempDir
  Path dir;

  @Test
  void theAgentsAndTasksPagesRenderEveryRowAndAnswerTheirFilter() throws Exception {
    UiBench.Result result = UiBench.run(new UiBench.Config(5, 30, 2, dir, Duration.ofMinutes(3)));

    assertThat(result.agentsPage().rows()).isEqualTo(5);
    assertThat(result.tasksPage().rows()).isEqualTo(30);
    // Agents are sim-00000 .. sim-00004 (hostnames); "load-1" is in load-1 and load-10 .. load-19.
    assertThat(result.agentsPage().filtered()).isEqualTo("\"sim-0000\" shows 5 of 5 rows");
    assertThat(result.tasksPage().filtered()).isEqualTo("\"load-1\" shows 11 of 30 rows");
    assertThat(result.agentsPage().filter()).hasSize(2);
    assertThat(UiBench.max(result.agentsPage().filter())).isPositive();
    assertThat(result.tasksPage().rendered()).isPositive();
    assertThat(Files.size(dir.resolve("tasks-30.png"))).isGreaterThan(1000);
  }

  @Test
  void badFlagsAreNamed() {
    assertThatThrownBy(() -> UiBench.parse(new String[] {"--agents"})).hasMessageContaining("--agents");
    assertThatThrownBy(() -> UiBench.parse(new String[] {"--rows", "3"})).hasMessageContaining("--rows");
  }
}
