package io.mezzo.agent.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The converter only adapts {@code MesosDurations} (tested in protocol) to picocli. */
class MesosDurationTest {
  @Test
  void convertsMesosSyntax() {
    assertThat(new MesosDuration().convert("1.5mins")).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void refusesWithAPicocliErrorCarryingTheParsersMessage() {
    assertThatThrownBy(() -> new MesosDuration().convert("soon"))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessage("'soon' is not a duration (examples: 500ms, 1s, 10mins, 2hrs)");
  }
}
