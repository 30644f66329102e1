package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class MesosDurationTest {
  @ParameterizedTest
  @CsvSource({"PT5S, 5secs", "PT1M, 1mins", "PT1M30S, 1.5mins", "PT0.5S, 500ms", "PT2H, 2hrs", "PT0S, 0ns", "PT168H, 1weeks"})
  void printsInTheLargestUnitAsMesosDoes(Duration duration, String text) {
    assertThat(MesosDuration.format(duration)).isEqualTo(text);
    assertThat(MesosDuration.parse(text)).isEqualTo(duration);
  }

  @ParameterizedTest
  @CsvSource({"1s, PT1S", "10mins, PT10M", "250ms, PT0.25S", "1.5h, PT1H30M"})
  void parsesFlagSyntax(String text, Duration duration) {
    assertThat(MesosDuration.parse(text)).isEqualTo(duration);
  }

  @ParameterizedTest
  @CsvSource({"soon", "5", "-1secs", "1 fortnight"})
  void refusesWhatIsNotADuration(String text) {
    assertThatThrownBy(() -> MesosDuration.parse(text))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessageContaining("'" + text + "' is not a duration");
  }
}
