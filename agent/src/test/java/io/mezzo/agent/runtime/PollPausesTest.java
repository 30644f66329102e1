package io.mezzo.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PollPausesTest {
  @Test
  void pausesDoubleFromTheFirstUpToTheCap() {
    PollPauses pauses = new PollPauses(Duration.ofMillis(1), Duration.ofMillis(10));
    List<Duration> seen = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      seen.add(pauses.next());
    }
    assertThat(seen).containsExactly(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(4),
        Duration.ofMillis(8), Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofMillis(10));
  }

  @Test
  void theDefaultsStartAtOneMillisecondAndStopAtTheCap() {
    PollPauses pauses = new PollPauses();
    assertThat(pauses.next()).isEqualTo(PollPauses.FIRST);
    Duration last = Duration.ZERO;
    for (int i = 0; i < 20; i++) {
      last = pauses.next();
    }
    assertThat(last).isEqualTo(PollPauses.CAP);
  }

  @Test
  void aCapBelowTheFirstPauseOrNoPauseIsRefused() {
    assertThatThrownBy(() -> new PollPauses(Duration.ofMillis(5), Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first PT0.005S");
    assertThatThrownBy(() -> new PollPauses(Duration.ZERO, Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
