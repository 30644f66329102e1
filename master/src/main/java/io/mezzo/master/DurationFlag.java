package io.mezzo.master;

import io.mezzo.protocol.MesosDurations;
import java.time.Duration;
import picocli.CommandLine;

/**
 * The master's and the CLI's picocli converter for duration flags in Mesos syntax
 * ({@code 500ms}, {@code 1s}, {@code 10mins}); {@link MesosDurations} does the parsing.
 */
public final class DurationFlag implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      return MesosDurations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
