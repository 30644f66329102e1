package io.mezzo.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MesosDurationsTest {
  @ParameterizedTest
  @CsvSource({"PT5S, 5secs", "PT1M, 1mins", "PT1M30S, 1.5mins", "PT0.5S, 500ms", "PT2H, 2hrs", "PT0S, 0ns", "PT168H, 1weeks",
      "PT24H, 1days", "PT0.000001S, 1us", "PT0.000000001S, 1ns", "PT0.001001S, 1.001ms"})
  void printsInTheLargestUnitAsMesosDoes(Duration duration, String text) {
    assertThat(MesosDurations.format(duration)).isEqualTo(text);
    assertThat(MesosDurations.parse(text)).isEqualTo(duration);
  }

  @ParameterizedTest
  @CsvSource({
      "1s, PT1S", "1secs, PT1S", "10mins, PT10M", "10m, PT10M", "250ms, PT0.25S", "1.5h, PT1H30M", "2hrs, PT2H",
      "1d, PT24H", "1days, PT24H", "2weeks, PT336H", "3us, PT0.000003S", "7ns, PT0.000000007S",
      "'  90s  ', PT1M30S", "'1 secs', PT1S", "1.5ns, PT0.000000001S"})
  void parsesFlagSyntax(String text, Duration duration) {
    assertThat(MesosDurations.parse(text)).isEqualTo(duration);
  }

  @ParameterizedTest
  @CsvSource({"1.001ms, 1001000", "4.35secs, 4350000000", "0.3s, 300000000", "15250weeks, 9223200000000000000"})
  void parsesDecimalsExactly(String text, long nanos) {
    assertThat(MesosDurations.parse(text).toNanos()).isEqualTo(nanos);
  }

  @ParameterizedTest
  @CsvSource({"soon", "5", "-1secs", "1 fortnight", "1.secs", "1SECS", "''"})
  void refusesWhatIsNotADurationNamingTheValueAndTheSyntax(String text) {
    assertThatThrownBy(() -> MesosDurations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'" + text + "' is not a duration (examples: 500ms, 1s, 10mins, 2hrs)");
  }

  @Test
  void refusesNullAsNotADuration() {
    assertThatThrownBy(() -> MesosDurations.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'null' is not a duration (examples: 500ms, 1s, 10mins, 2hrs)");
  }

  @ParameterizedTest
  @CsvSource({"15251weeks", "300000000000000000000ns"})
  void refusesWhatDoesNotFitSixtyFourBitsOfNanosecondsAsMesosDoes(String text) {
    assertThatThrownBy(() -> MesosDurations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'" + text + "' is too long for a duration (at most 15250weeks, about 292 years)");
  }
}
