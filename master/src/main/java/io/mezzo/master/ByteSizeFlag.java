package io.mezzo.master;

import java.util.Locale;
import picocli.CommandLine;

/**
 * Picocli converter for byte sizes in Mesos syntax: a whole number with an optional unit
 * {@code B}, {@code KB}, {@code MB}, {@code GB} (powers of 1024), e.g. {@code 4MB} or {@code 1048576}.
 */
public final class ByteSizeFlag implements CommandLine.ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    String v = value.trim().toUpperCase(Locale.ROOT);
    long unit = 1;
    for (String[] u : new String[][] {{"GB", "1073741824"}, {"MB", "1048576"}, {"KB", "1024"}, {"B", "1"}}) {
      if (v.endsWith(u[0])) {
        unit = Long.parseLong(u[1]);
        v = v.substring(0, v.length() - u[0].length()).trim();
        break;
      }
    }
    try {
      long n = Long.parseLong(v);
      if (n <= 0) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a positive size");
      }
      return Math.multiplyExact(n, unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not a size (like 4MB or 1048576)");
    }
  }
}
