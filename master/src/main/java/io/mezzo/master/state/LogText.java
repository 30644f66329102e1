package io.mezzo.master.state;

/**
 * Caller-supplied text made safe for one log line: CR, LF, tabs and other control characters
 * become visible escapes ({@code \n}, {@code \u001b}), so a framework name cannot forge a line of
 * the master's log, and long values are cut, so a log line stays readable. Use it for names, ids,
 * roles and messages that came from a framework, an operator or an agent.
 */
public final class LogText {
  /** Characters of caller text kept in one log argument. */
  public static final int MAX_CHARS = 256;

  private LogText() {}

  public static String of(String value) {
    if (value == null) {
      return "null";
    }
    int keep = Math.min(value.length(), MAX_CHARS);
    StringBuilder out = null;
    for (int i = 0; i < keep; i++) {
      char c = value.charAt(i);
      boolean plain = !Character.isISOControl(c) && c != '\u2028' && c != '\u2029';
      if (out == null) {
        if (plain) {
          continue;
        }
        out = new StringBuilder(keep + 16).append(value, 0, i);
      }
      if (plain) {
        out.append(c);
      } else {
        out.append(escape(c));
      }
    }
    String safe = out == null ? value.substring(0, keep) : out.toString();
    return keep < value.length() ? safe + "...(" + (value.length() - keep) + " more chars)" : safe;
  }

  /** Each element made safe, for a collection of roles or ids. */
  public static String of(Iterable<String> values) {
    StringBuilder out = new StringBuilder("[");
    int n = 0;
    for (String v : values) {
      if (n > 0) {
        out.append(", ");
      }
      if (n == 16) {
        out.append("...");
        break;
      }
      out.append(of(v));
      n++;
    }
    return out.append(']').toString();
  }

  private static String escape(char c) {
    return switch (c) {
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      case '\t' -> "\\t";
      default -> String.format("\\u%04x", (int) c);
    };
  }
}
