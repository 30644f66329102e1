package io.mezzo.agent.support;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Sizes in Mesos's {@code Bytes} syntax, as flags take them: a whole number of bytes with an
 * optional unit {@code B}, {@code KB}, {@code MB}, {@code GB} or {@code TB} (powers of 1024, any
 * case): {@code 10MB}, {@code 512KB}, {@code 1GB}, {@code 4096}.
 */
public final class MesosBytes implements CommandLine.ITypeConverter<Long> {
  private static final Pattern SYNTAX = Pattern.compile("(\\d+)\\s*(B|KB|MB|GB|TB)?", Pattern.CASE_INSENSITIVE);

  @Override
  public Long convert(String value) {
    return parse(value);
  }

  /**
   * @throws CommandLine.TypeConversionException naming the value and the expected syntax
   */
  public static long parse(String value) {
    Matcher m = SYNTAX.matcher(value == null ? "" : value.trim());
    if (!m.matches()) {
      throw notASize(value);
    }
    String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
    int shift = switch (unit) {
      case "B" -> 0;
      case "KB" -> 10;
      case "MB" -> 20;
      case "GB" -> 30;
      default -> 40;
    };
    try {
      long amount = Long.parseLong(m.group(1));
      if (amount > (Long.MAX_VALUE >> shift)) {
        throw notASize(value);
      }
      return amount << shift;
    } catch (NumberFormatException e) {
      throw notASize(value);
    }
  }

  private static CommandLine.TypeConversionException notASize(String value) {
    return new CommandLine.TypeConversionException(
        "'" + value + "' is not a size (examples: 10MB, 512KB, 1GB, 4096 for bytes)");
  }
}
