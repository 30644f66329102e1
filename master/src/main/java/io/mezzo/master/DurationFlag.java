package io.mezzo.master;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Durations in Mesos flag syntax: {@code 500ms}, {@code 1s}, {@code 1secs}, {@code 10mins}, {@code 2hrs}, {@code 1days}. */
public final class DurationFlag implements CommandLine.ITypeConverter<Duration> {
  private static final Pattern SYNTAX = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|ms|s|secs|m|mins|h|hrs|d|days|weeks)");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  public static Duration parse(String value) {
    Matcher m = SYNTAX.matcher(value.trim());
    if (!m.matches()) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a duration (examples: 500ms, 1s, 10mins, 2hrs)");
    }
    double amount = Double.parseDouble(m.group(1));
    double nanosPerUnit = switch (m.group(2)) {
      case "ns" -> 1;
      case "us" -> 1e3;
      case "ms" -> 1e6;
      case "s", "secs" -> 1e9;
      case "m", "mins" -> 60e9;
      case "h", "hrs" -> 3600e9;
      case "d", "days" -> 86400e9;
      default -> 7 * 86400e9;
    };
    return Duration.ofNanos((long) (amount * nanosPerUnit));
  }
}
