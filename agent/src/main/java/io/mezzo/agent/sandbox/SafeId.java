package io.mezzo.agent.sandbox;

/**
 * The Mesos rules for ids that become directory names (common/validation.cpp): non-empty, at
 * most 255 characters, not {@code .} or {@code ..}, and free of {@code /}, {@code \} and
 * control characters.
 */
public final class SafeId {
  public static final int MAX_LENGTH = 255;

  private SafeId() {}

  /**
   * Returns {@code value} when it may be used as one path component.
   *
   * @param kind what the id is, for the message ("framework id", "task id")
   * @throws InvalidIdException naming the rule broken
   */
  public static String check(String kind, String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidIdException("The " + kind + " is empty");
    }
    if (value.length() > MAX_LENGTH) {
      throw new InvalidIdException("The " + kind + " is longer than " + MAX_LENGTH + " characters");
    }
    if (value.equals(".") || value.equals("..")) {
      throw new InvalidIdException("The " + kind + " '" + value + "' is not allowed");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '/' || c == '\\') {
        throw new InvalidIdException("The " + kind + " '" + value + "' contains '" + c + "'");
      }
      if (Character.isISOControl(c)) {
        throw new InvalidIdException("The " + kind + " contains a control character (code " + (int) c + ")");
      }
    }
    return value;
  }
}
