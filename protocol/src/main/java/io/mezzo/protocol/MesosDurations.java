package io.mezzo.protocol;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations in Mesos syntax: parsed from flags ({@code 500ms}, {@code 1s}, {@code 1secs},
 * {@code 10mins}, {@code 2hrs}, {@code 1days}) and printed the way Mesos's stringify prints them,
 * in the largest unit that keeps the value at least 1 ({@code 5secs}, {@code 1mins},
 * {@code 1.5mins}). Executors read {@code MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD} in this form.
 * The master's, the agent's and the CLI's flag converters all delegate here.
 */
public final class MesosDurations {
  /** What {@link #parse} accepts, for messages: a non-negative decimal number and a unit. */
  public static final String SYNTAX_HINT = "examples: 500ms, 1s, 10mins, 2hrs";

  private static final Pattern SYNTAX =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|ms|s|secs|m|mins|h|hrs|d|days|weeks)");
  private static final String[] UNITS = {"weeks", "days", "hrs", "mins", "secs", "ms", "us", "ns"};
  private static final long[] NANOS = {
    7 * 86_400_000_000_000L, 86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L
  };
  private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);

  private MesosDurations() {}

  /**
   * A number (with an optional fraction, no sign) and a unit: {@code ns}, {@code us}, {@code ms},
   * {@code s}/{@code secs}, {@code m}/{@code mins}, {@code h}/{@code hrs}, {@code d}/{@code days},
   * {@code weeks}; surrounding blanks are ignored. Fractions of a nanosecond are dropped.
   *
   * @throws IllegalArgumentException naming the value and the expected syntax, also when the value
   *     is longer than a signed 64-bit count of nanoseconds (about 292 years), as Mesos refuses it
   */
  public static Duration parse(String value) {
    Matcher m = SYNTAX.matcher(value == null ? "" : value.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + value + "' is not a duration (" + SYNTAX_HINT + ")");
    }
    // Exact decimal arithmetic: with doubles, 1.001ms came out as 1000999ns.
    BigInteger nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(nanosPerUnit(m.group(2)))).toBigInteger();
    if (nanos.compareTo(MAX_NANOS) > 0) {
      throw new IllegalArgumentException("'" + value + "' is too long for a duration (at most 15250weeks, about 292 years)");
    }
    return Duration.ofNanos(nanos.longValueExact());
  }

  /**
   * The value in the largest unit that keeps it at least 1, with up to six decimals and no
   * trailing zeros: {@code 5secs}, {@code 1mins}, {@code 1.5mins}, {@code 0ns}.
   *
   * @throws ArithmeticException if the duration does not fit a 64-bit count of nanoseconds
   */
  public static String format(Duration duration) {
    long nanos = duration.toNanos();
    for (int i = 0; i < UNITS.length; i++) {
      if (Math.abs(nanos) >= NANOS[i] || i == UNITS.length - 1) {
        double value = (double) nanos / NANOS[i];
        String text = value == Math.rint(value) ? Long.toString((long) value) : trim(String.format(Locale.ROOT, "%.6f", value));
        return text + UNITS[i];
      }
    }
    throw new AssertionError("unreachable");
  }

  private static long nanosPerUnit(String unit) {
    return switch (unit) {
      case "ns" -> 1L;
      case "us" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s", "secs" -> 1_000_000_000L;
      case "m", "mins" -> 60_000_000_000L;
      case "h", "hrs" -> 3_600_000_000_000L;
      case "d", "days" -> 86_400_000_000_000L;
      case "weeks" -> 7 * 86_400_000_000_000L;
      default -> throw new AssertionError("unit " + unit + " is in SYNTAX but not here");
    };
  }

  private static String trim(String decimal) {
    String trimmed = decimal.replaceAll("0+$", "");
    return trimmed.endsWith(".") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
  }
}
