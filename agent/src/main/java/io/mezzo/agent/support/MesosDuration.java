package io.mezzo.agent.support;

import io.mezzo.protocol.MesosDurations;
import java.time.Duration;
import picocli.CommandLine;

/** The agent's picocli converter for duration flags in Mesos syntax; {@link MesosDurations} does the parsing. */
public final class MesosDuration implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      return MesosDurations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
