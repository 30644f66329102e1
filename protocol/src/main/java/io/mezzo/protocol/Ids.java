package io.mezzo.protocol;

import java.util.Optional;

/**
 * Mesos's rules for IDs ({@code common/validation.cpp}, validateID) and role names
 * ({@code common/roles.cpp}), for the master's validation and for clients that check their
 * input before sending it. Each check returns why the value is refused, or empty when it is fine.
 */
public final class Ids {
  /** Mesos's limit on an id. */
  public static final int MAX_ID_BYTES = 255;
  /** Mezzo's limit on a role name (Mesos has none). */
  public static final int MAX_ROLE_BYTES = 512;

  private Ids() {}

  private static int utf8Bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  /**
   * Checks a framework, task, executor or other ID.
   *
   * @param kind what the ID names, for the message, e.g. {@code "Task ID"}
   */
  public static Optional<String> checkId(String kind, String id) {
    if (id.isEmpty()) {
      return Optional.of(kind + " must not be empty");
    }
    if (id.length() > MAX_ID_BYTES / 3 && utf8Bytes(id) > MAX_ID_BYTES) {
      return Optional.of(kind + " '" + id.substring(0, 32) + "...' is longer than " + MAX_ID_BYTES + " bytes");
    }
    if (id.equals(".") || id.equals("..")) {
      return Optional.of(kind + " '" + id + "' is disallowed");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == '/' || c == '\\' || Character.isISOControl(c)) {
        return Optional.of(kind + " '" + id + "' contains invalid characters");
      }
    }
    return Optional.empty();
  }

  /** Checks a role name: {@code *}, or {@code /}-separated components such as {@code eng/web}. */
  public static Optional<String> checkRole(String role) {
    if (role.equals("*")) {
      return Optional.empty();
    }
    if (role.isEmpty()) {
      return Optional.of("Role name must not be empty");
    }
    if (role.length() > MAX_ROLE_BYTES / 3 && utf8Bytes(role) > MAX_ROLE_BYTES) {
      return Optional.of("Role '" + role.substring(0, 32) + "...' is longer than " + MAX_ROLE_BYTES + " bytes");
    }
    if (role.startsWith("/") || role.endsWith("/") || role.contains("//")) {
      return Optional.of("Role '" + role + "' must not start or end with '/' or contain '//'");
    }
    for (String part : role.split("/")) {
      if (part.equals(".") || part.equals("..") || part.equals("*") || part.startsWith("-")) {
        return Optional.of("Role '" + role + "' has an invalid component '" + part + "'");
      }
    }
    for (int i = 0; i < role.length(); i++) {
      char c = role.charAt(i);
      if (Character.isWhitespace(c) || c == '\b' || Character.isISOControl(c) || c == '\\') {
        return Optional.of("Role '" + role + "' must not contain whitespace, control characters or '\\'");
      }
    }
    return Optional.empty();
  }
}
