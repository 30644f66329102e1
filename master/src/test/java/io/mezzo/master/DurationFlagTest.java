package io.mezzo.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The master's and the CLI's converter only adapts {@code MesosDurations} (tested in protocol) to picocli. */
class DurationFlagTest {
  @Test
  void convertsMesosSyntax() {
    assertThat(new DurationFlag().convert("1.5mins")).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void refusesWithAPicocliErrorCarryingTheParsersMessage() {
    assertThatThrownBy(() -> new DurationFlag().convert("soon"))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessage("'soon' is not a duration (examples: 500ms, 1s, 10mins, 2hrs)");
  }
}
