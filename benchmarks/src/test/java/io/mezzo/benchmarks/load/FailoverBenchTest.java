package io.mezzo.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The failover bench at a small size: correctness only, no timing asserted. */
class FailoverBenchTest {
  @Test
  void afterTheLeaderIsKilledEveryAgentReregistersAndTheFrameworkResubscribesAndReconciles(@TempDir Path logs)
      throws Exception {
    FailoverBench.Result result = FailoverBench.run(new FailoverBench.Config(2, 20, 100, Duration.ofSeconds(10),
        "cpus:1;mem:1024;disk:1000;ports:[31000-31010]", Duration.ofMinutes(3), logs));

    assertThat(result.reregistered()).isEqualTo(20);
    assertThat(result.resubscribed()).isTrue();
    assertThat(result.reconciled()).isEqualTo(100);
    assertThat(result.leaderSeconds()).isPositive();
  }

  @Test
  void oneMasterIsNotAFailover() {
    assertThatThrownBy(() -> FailoverBench.parse(new String[] {"--masters", "1"})).hasMessageContaining("--masters");
  }
}
