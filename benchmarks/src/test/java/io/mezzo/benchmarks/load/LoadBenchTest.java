package io.mezzo.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadBenchTest {
  @TempDir
  Path dir;

  @Test
  void everyTaskOfTheLoadRunsAndFinishesAcknowledgedOnSimulatedAgents() throws Exception {
    Path plot = dir.resolve("load.png");
    LoadBench.Result result = LoadBench.run(new LoadBench.Config(5, 20, Duration.ofMillis(5),
        Duration.ofMillis(200), null, Duration.ofMillis(100), plot, Duration.ofSeconds(60),
        "cpus:0.2;mem:1024;disk:1000;ports:[31000-31010]"));

    assertThat(result.launched()).isEqualTo(20);
    assertThat(result.runningAcknowledged()).isEqualTo(20);
    assertThat(result.finishedAcknowledged()).isEqualTo(20);
    assertThat(result.failed()).isZero();
    // 2 tasks fit an agent at a time: 20 tasks on 5 agents need a second wave, offered after resources freed.
    assertThat(result.offerMillis()).isNotEmpty();
    assertThat(Files.size(plot)).isGreaterThan(1000);
  }

  @Test
  void badFlagsAreNamed() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> LoadBench.parse(new String[] {"--agents"}))
        .hasMessageContaining("--agents");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> LoadBench.parse(new String[] {"--task-duration", "5x"}))
        .hasMessageContaining("--task-duration");
  }
}
