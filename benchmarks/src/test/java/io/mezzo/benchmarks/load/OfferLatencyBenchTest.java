package io.mezzo.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offer round-trip bench at a small size: correctness only, no timing asserted. */
class OfferLatencyBenchTest {
  @Test
  void everySampleIsATaskEndFollowedByItsAgentsOffer(@TempDir Path dir) throws Exception {
    Path plot = dir.resolve("offers.png");
    OfferLatencyBench.Result result = OfferLatencyBench.run(new OfferLatencyBench.Config(20, 5, 30,
        Duration.ofMillis(200), Duration.ofMillis(100), "cpus:1;mem:1024;disk:1000;ports:[31000-31010]",
        Duration.ofMinutes(2), dir.resolve("logs"), plot));

    assertThat(result.failed()).isZero();
    assertThat(result.millis()).hasSize(30);
    assertThat(result.millis()[0]).isPositive();
    // Only the 5 busy agents churn: every sample needs a task that ended, so 30 samples took 30 tasks at least.
    assertThat(result.launched()).isGreaterThanOrEqualTo(30);
    assertThat(Files.size(plot)).isGreaterThan(1000);
  }

  @Test
  void inFlightIsBoundedByTheAgents() {
    assertThatThrownBy(() -> OfferLatencyBench.parse(new String[] {"--agents", "10", "--in-flight", "11"}))
        .hasMessageContaining("--in-flight");
  }
}
