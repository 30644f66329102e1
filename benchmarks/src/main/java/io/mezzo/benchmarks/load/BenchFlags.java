package io.mezzo.benchmarks.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A load driver's command line: {@code --flag value} pairs, each flag one the driver knows.
 * Errors are {@link IllegalArgumentException}s naming the flag, which the drivers print with
 * their usage.
 */
final class BenchFlags {
  private final Map<String, String> values;

  private BenchFlags(Map<String, String> values) {
    this.values = values;
  }

  static BenchFlags parse(String[] args, String... known) {
    List<String> flags = List.of(known);
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!flags.contains(args[i])) {
        throw new IllegalArgumentException("Unknown flag " + args[i]);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("Flag " + args[i] + " needs a value");
      }
      values.put(args[i], args[i + 1]);
    }
    return new BenchFlags(values);
  }

  /** A driver's configuration from its command line; on a bad one, the error and the usage, then exit 2. */
  static <C> C parseOrExit(String[] args, java.util.function.Function<String[], C> parse,
      java.util.function.Supplier<String> usage) {
    try {
      return parse.apply(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(usage.get());
      System.exit(2);
      throw e;
    }
  }

  String string(String flag, String fallback) {
    return values.getOrDefault(flag, fallback);
  }

  int integer(String flag, int fallback) {
    long value = longInteger(flag, fallback);
    if (value != (int) value) {
      throw new IllegalArgumentException("Bad " + flag + " " + value + ": too large");
    }
    return (int) value;
  }

  /** {@code true} or {@code false}. */
  boolean bool(String flag, boolean fallback) {
    String value = values.get(flag);
    if (value == null) {
      return fallback;
    }
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(flag + " is true or false, got " + value);
    };
  }

  long longInteger(String flag, long fallback) {
    String value = values.get(flag);
    try {
      return value == null ? fallback : Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Bad " + flag + " " + value + ": not a number");
    }
  }

  Duration duration(String flag, Duration fallback) {
    String value = values.get(flag);
    return value == null ? fallback : duration(flag, value);
  }

  /** The path given, or null. */
  Path path(String flag) {
    String value = values.get(flag);
    return value == null ? null : Path.of(value);
  }

  /** {@code 250ms}, {@code 5s} or {@code 2m}. */
  static Duration duration(String flag, String value) {
    try {
      if (value.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
      }
      long amount = Long.parseLong(value.substring(0, value.length() - 1));
      return switch (value.charAt(value.length() - 1)) {
        case 's' -> Duration.ofSeconds(amount);
        case 'm' -> Duration.ofMinutes(amount);
        default -> throw new IllegalArgumentException("Bad " + flag + " " + value + ": use 250ms, 5s or 2m");
      };
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("Bad " + flag + " " + value + ": use 250ms, 5s or 2m");
    }
  }
}
