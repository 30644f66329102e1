package io.mezzo.agent.runtime.cgroups;

import java.util.Locale;

/** The agent's {@code --cgroups} flag: {@code auto} limits tasks where the machine allows it, {@code off} never does. */
public enum CgroupsMode {
  AUTO,
  OFF;

  /** Parses {@code auto} or {@code off} (any case); anything else is an error naming the choices. */
  public static CgroupsMode parse(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "auto" -> AUTO;
      case "off" -> OFF;
      default -> throw new IllegalArgumentException("Invalid value for option '--cgroups': '" + value + "' (expected auto or off)");
    };
  }
}
