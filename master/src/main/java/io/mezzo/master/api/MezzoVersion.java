package io.mezzo.master.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** This build's version, from the {@code mezzo-version.properties} Maven writes at build time. */
public final class MezzoVersion {
  private static final String VERSION = load();

  private MezzoVersion() {}

  /** E.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} when the build did not write it. */
  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = MezzoVersion.class.getResourceAsStream("/io/mezzo/master/mezzo-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
