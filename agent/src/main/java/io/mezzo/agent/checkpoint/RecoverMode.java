package io.mezzo.agent.checkpoint;

import java.util.Locale;

/**
 * What a restarted agent does with the tasks an earlier run of it left running, as Mesos's
 * {@code --recover}: {@code reconnect} re-adopts them, {@code cleanup} kills them (their
 * tasks fail with {@code REASON_AGENT_RESTARTED}). Either way updates not yet acknowledged are
 * delivered.
 */
public enum RecoverMode {
  RECONNECT,
  CLEANUP;

  /** {@code reconnect} or {@code cleanup}, any case. */
  public static RecoverMode parse(String value) {
    String text = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    return switch (text) {
      case "reconnect" -> RECONNECT;
      case "cleanup" -> CLEANUP;
      default -> throw new IllegalArgumentException(
          "Invalid value for option '--recover': '" + value + "' (expected reconnect or cleanup)");
    };
  }
}
