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
    OfferLatencyBench.Result result = OfferLatencyBench.run(small(dir, plot, 1));

    assertThat(result.failed()).isZero();
    assertThat(result.millis()).hasSize(30);
    assertThat(result.millis()[0]).isPositive();
    assertThat(result.afterWarmup()).as("the samples after the warm-up are some of all").hasSizeLessThanOrEqualTo(30);
    for (double m : result.afterWarmup()) {
      assertThat(result.millis()).contains(m);
    }
    // Only the 5 busy agents churn: every sample needs a task that ended, so 30 samples took 30 tasks at least.
    assertThat(result.launched()).isGreaterThanOrEqualTo(30);
    assertThat(Files.size(plot)).isGreaterThan(1000);
  }

  @Test
  void agentsInChildProcessesReportEveryTaskEndToTheFramework(@TempDir Path dir) throws Exception {
    OfferLatencyBench.Result result = OfferLatencyBench.run(small(dir, null, 2));

    assertThat(result.failed()).isZero();
    assertThat(result.millis()).hasSize(30);
    // A sample is the end's time in a child, moved onto this JVM's clock: never before the end itself.
    assertThat(result.millis()[0]).isPositive();
    assertThat(result.launched()).isGreaterThanOrEqualTo(30);
    assertThat(dir.resolve("logs").resolve("agents-0.log")).exists();
    assertThat(dir.resolve("logs").resolve("agents-1.log")).exists();
  }

  /** 20 agents, 5 of them busy, 30 samples, tasks of 200 ms, rounds every 100 ms. */
  private static OfferLatencyBench.Config small(Path dir, Path plot, int agentProcesses) {
    return new OfferLatencyBench.Config(20, 5, 30, Duration.ofMillis(200), Duration.ofMillis(100),
        "cpus:1;mem:1024;disk:1000;ports:[31000-31010]", Duration.ofMinutes(2), dir.resolve("logs"), plot,
        Duration.ofMillis(500), agentProcesses);
  }

  @Test
  void samplesAfterTheWarmupAreThoseTakenFromItsEnd() {
    Samples samples = new Samples();
    samples.add(1_000, 5_000_000);
    samples.add(2_000, 3_000_000);
    samples.add(3_000, 9_000_000);
    assertThat(samples.sortedMillisFrom(2_000)).containsExactly(3.0, 9.0);
    assertThat(samples.sortedMillis()).containsExactly(3.0, 5.0, 9.0);
    assertThat(OfferLatencyBench.parse(new String[] {"--warmup", "20s"}).warmup()).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void inFlightIsBoundedByTheAgents() {
    assertThatThrownBy(() -> OfferLatencyBench.parse(new String[] {"--agents", "10", "--in-flight", "11"}))
        .hasMessageContaining("--in-flight");
    assertThatThrownBy(() -> OfferLatencyBench.parse(new String[] {"--agents", "10", "--in-flight", "5", "--agent-processes", "11"}))
        .hasMessageContaining("--agent-processes");
    assertThatThrownBy(() -> AgentDriver.parse(new String[] {"--master", "zk://x/y", "--running-only", "yes"}))
        .hasMessageContaining("--running-only is true or false");
    assertThat(AgentDriver.parse(new String[] {"--master", "zk://x/y", "--task-duration", "2s", "--running-only",
        "false"})).extracting(AgentDriver.Config::taskDuration, AgentDriver.Config::runningOnly)
        .containsExactly(Duration.ofSeconds(2), false);
  }
}
