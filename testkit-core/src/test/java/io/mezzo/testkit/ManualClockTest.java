package io.mezzo.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ManualClockTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void standsStillUntilMoved() {
    ManualClock clock = new ManualClock(T0);

    assertThat(clock.instant()).isEqualTo(T0);
    assertThat(clock.millis()).isEqualTo(T0.toEpochMilli());
    clock.advance(Duration.ofMillis(1500));
    assertThat(clock.instant()).isEqualTo(T0.plusMillis(1500));
    assertThat(clock.millis()).isEqualTo(T0.toEpochMilli() + 1500);
    clock.set(T0.minusSeconds(5));
    assertThat(clock.instant()).isEqualTo(T0.minusSeconds(5));
  }

  @Test
  void startsAtTheDefaultInUtc() {
    ManualClock clock = new ManualClock();

    assertThat(clock.instant()).isEqualTo(ManualClock.DEFAULT_START);
    assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
  }

  @Test
  void doesNotAdvanceBackwards() {
    ManualClock clock = new ManualClock(T0);

    assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThat(clock.instant()).isEqualTo(T0);
  }

  @Test
  void aClockInAnotherZoneSharesTheTime() {
    ManualClock clock = new ManualClock(T0);
    ManualClock paris = clock.withZone(ZoneId.of("Europe/Paris"));

    clock.advance(Duration.ofMinutes(1));

    assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(paris.instant()).isEqualTo(T0.plusSeconds(60));
    assertThat(clock.withZone(ZoneOffset.UTC)).isSameAs(clock);
  }
}
