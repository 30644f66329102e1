package io.mezzo.node.auth;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Principals and their secrets, the master's and the agent's {@code --credentials}, read from a
 * file in Mesos's format
 * ({@code {"credentials":[{"principal":"p","secret":"s"}, …]}}; the path may start with
 * {@code file://}). As in Mesos, a file without any credential is an error, and a file that
 * others may read is used with a warning. Immutable.
 */
public final class Credentials {
  private static final Logger log = LoggerFactory.getLogger(Credentials.class);
  private final Map<String, String> secrets;

  private Credentials(Map<String, String> secrets) {
    this.secrets = Map.copyOf(secrets);
  }

  /** Credentials given in code (tests, embedded masters). */
  public static Credentials of(Map<String, String> principalToSecret) {
    if (principalToSecret.isEmpty()) {
      throw new IllegalArgumentException("No credentials given");
    }
    return new Credentials(principalToSecret);
  }

  /**
   * Reads a credentials file.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static Credentials read(String location) {
    Path path = Path.of(location.startsWith("file://") ? location.substring("file://".length()) : location);
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read the credentials file " + path + ": " + e.getMessage());
    }
    warnIfOthersCanRead(path);
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid credentials file " + path + ": " + e.getMessage());
    }
  }

  public static Credentials parse(String text) {
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("not a JSON object with a \"credentials\" array");
    }
    if (!(json.getValue("credentials") instanceof JsonArray list) || list.isEmpty()) {
      throw new IllegalArgumentException("it has no credentials (expected {\"credentials\":[{\"principal\":…,"
          + "\"secret\":…}]})");
    }
    Map<String, String> secrets = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.getValue(i) instanceof JsonObject entry)) {
        throw new IllegalArgumentException("credentials[" + i + "] is not an object");
      }
      if (!(entry.getValue("principal") instanceof String principal) || principal.isEmpty()) {
        throw new IllegalArgumentException("credentials[" + i + "] has no principal");
      }
      Object secret = entry.getValue("secret", "");
      if (!(secret instanceof String)) {
        throw new IllegalArgumentException("credentials[" + i + "].secret is not a string");
      }
      if (secrets.put(principal, (String) secret) != null) {
        throw new IllegalArgumentException("principal '" + principal + "' appears twice");
      }
    }
    return new Credentials(secrets);
  }

  /** The secret of {@code principal}, if it has a credential. */
  public Optional<String> secret(String principal) {
    return Optional.ofNullable(secrets.get(principal));
  }

  public int size() {
    return secrets.size();
  }

  private static void warnIfOthersCanRead(Path path) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
      if (permissions.contains(PosixFilePermission.OTHERS_READ) || permissions.contains(PosixFilePermission.GROUP_READ)) {
        log.warn("The credentials file {} can be read by others than its owner (chmod 600 it)", path);
      }
    } catch (IOException | UnsupportedOperationException e) {
      log.debug("Could not read the permissions of {}", path, e);
    }
  }
}
