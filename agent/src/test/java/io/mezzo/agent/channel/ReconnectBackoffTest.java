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

  @Test
  void aNewLeaderForgetsTheGrownBackoffSpreadsTheFirstAttemptOverTheWindowAndKeepsRetriesWithinIt() {
    long seed = new Random().nextLong();
    Duration window = Duration.ofSeconds(1);
    ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), window,
        new Random(seed));
    for (int i = 0; i < 6; i++) {
      backoff.next();
    }
    assertThat(backoff.next().toMillis()).as("seed %d", seed).isBetween(15_000L, 30_000L);

    assertThat(backoff.newLeader().toMillis()).as("seed %d", seed).isBetween(0L, 1000L);
    for (int i = 0; i < ReconnectBackoff.LEADER_ATTEMPTS; i++) {
      assertThat(backoff.next().toMillis()).as("seed %d, retry %d", seed, i).isBetween(500L, 1000L);
    }
    // A new leader that stays unable to serve is backed off from again, from the minimum.
    assertThat(backoff.next().toMillis()).as("seed %d", seed).isBetween(500L, 1000L);
    assertThat(backoff.next().toMillis()).as("seed %d", seed).isBetween(1000L, 2000L);

    backoff.newLeader();
    backoff.reset();
    assertThat(backoff.next().toMillis()).as("seed %d", seed).isBetween(500L, 1000L);
    assertThat(backoff.next().toMillis()).as("seed %d", seed).isBetween(1000L, 2000L);
  }

  @Test
  void firstAttemptsAtANewLeaderAreSpreadOverTheWholeWindow() {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    long[] buckets = new long[4];
    for (int agent = 0; agent < 4000; agent++) {
      long ms = new ReconnectBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(1), random)
          .newLeader().toMillis();
      buckets[(int) Math.min(3, ms / 250)]++;
    }
    // Uniform over [0, 1 s]: each quarter gets about 1000 of 4000, never a crowd in one.
    for (long bucket : buckets) {
      assertThat(bucket).as("seed %d", seed).isBetween(800L, 1200L);
    }
  }
}
