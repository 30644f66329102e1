package io.mezzo.agent.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class MesosBytesTest {
  @ParameterizedTest
  @CsvSource({"10MB, 10485760", "512KB, 524288", "1GB, 1073741824", "4096, 4096", "7B, 7", "2tb, 2199023255552",
      "' 64 kb ', 65536", "0, 0"})
  void parsesSizesInPowersOf1024(String text, long bytes) {
    assertThat(MesosBytes.parse(text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @CsvSource({"big", "-1MB", "1.5MB", "10 PB", "MB", "99999999999999999999", "9000000TB"})
  void refusesWhatIsNotASize(String text) {
    assertThatThrownBy(() -> MesosBytes.parse(text))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessageContaining("'" + text + "' is not a size");
  }
}
