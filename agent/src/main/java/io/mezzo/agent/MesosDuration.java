package io.mezzo.agent;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Durations in Mesos syntax: parsed from flags ({@code 500ms}, {@code 1secs}, {@code 10mins},
 * {@code 2hrs}) and printed the way Mesos's stringify prints them, in the largest unit that
 * keeps the value at least 1 ({@code 5secs}, {@code 1mins}, {@code 1.5mins}). Executors read
 * {@code MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD} in this form.
 */
public final class MesosDuration implements CommandLine.ITypeConverter<Duration> {
  private static final Pattern SYNTAX = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|ms|s|secs|m|mins|h|hrs|d|days|weeks)");
  private static final String[] UNITS = {"weeks", "days", "hrs", "mins", "secs", "ms", "us", "ns"};
  private static final long[] NANOS = {
    7 * 86_400_000_000_000L, 86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L
  };

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /**
   * @throws CommandLine.TypeConversionException naming the value and the expected syntax
   */
  public static Duration parse(String value) {
    Matcher m = SYNTAX.matcher(value == null ? "" : value.trim());
    if (!m.matches()) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a duration (examples: 500ms, 1secs, 10mins, 2hrs)");
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

  /** {@code 5secs}, {@code 1mins}, {@code 1.5mins}, {@code 0ns}. */
  public static String format(Duration duration) {
    long nanos = duration.toNanos();
    for (int i = 0; i < UNITS.length; i++) {
      if (Math.abs(nanos) >= NANOS[i] || i == UNITS.length - 1) {
        double value = (double) nanos / NANOS[i];
        String text = value == Math.rint(value) ? Long.toString((long) value) : trim(String.format(java.util.Locale.ROOT, "%.6f", value));
        return text + UNITS[i];
      }
    }
    throw new AssertionError("unreachable");
  }

  private static String trim(String decimal) {
    String trimmed = decimal.replaceAll("0+$", "");
    return trimmed.endsWith(".") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
  }
}
