package io.mezzo.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The fan-out bench at a small size: every subscriber hears every task's events; no timing asserted. */
class FanOutBenchTest {
  @Test
  void everySubscriberHearsEveryTaskAddedAndEnded() throws Exception {
    FanOutBench.Result result = FanOutBench.run(new FanOutBench.Config(3, 12, 4, Duration.ofMillis(200), null, null,
        0, Duration.ofSeconds(60)));

    assertThat(result.finished()).isEqualTo(12);
    // TASK_ADDED, then TASK_UPDATED for STARTING, RUNNING and FINISHED, on every stream.
    assertThat(result.minTaskEventsPerSubscriber()).isEqualTo(4 * 12);
    assertThat(result.events()).isGreaterThanOrEqualTo(4L * 4 * 12);
    assertThat(result.allocation().get("count")).isGreaterThan(0);
    assertThat(result.masterCpuSeconds()).isGreaterThan(0);
  }

  @Test
  void cpuOfAProcessIsReadFromProc() throws Exception {
    assertThat(FanOutBench.cpuSeconds(ProcessHandle.current().pid())).isGreaterThan(0);
  }
}
