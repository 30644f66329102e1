package io.mezzo.agent.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {
  @Test
  void delaysDoubleWithJitterUpToTheCapAndResetAfterSuccess() {
    long seed = new Random().nextLong();
    ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new Random(seed));
    long[] ceilings = {1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};

    for (long ceiling : ceilings) {
      assertThat(backoff.next().toMillis()).as("seed %d", seed).isBetween(ceiling / 2, ceiling);
    }
    backoff.reset();
    assertThat(backoff.next().toMillis()).as("seed %d", seed).isBetween(500L, 1000L);
  }
}
