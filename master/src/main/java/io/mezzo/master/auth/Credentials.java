package io.mezzo.master.auth;

import java.util.Map;
import java.util.Optional;

/**
 * The master's {@code --credentials}: the shared {@link io.mezzo.node.auth.Credentials} (Mesos's
 * format, read and checked there, as the agent reads its own), under the name the master's callers
 * and tests use. Immutable.
 */
public final class Credentials {
  private final io.mezzo.node.auth.Credentials shared;

  private Credentials(io.mezzo.node.auth.Credentials shared) {
    this.shared = shared;
  }

  /** Credentials given in code (tests, embedded masters). */
  public static Credentials of(Map<String, String> principalToSecret) {
    return new Credentials(io.mezzo.node.auth.Credentials.of(principalToSecret));
  }

  /**
   * Reads a credentials file.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static Credentials read(String location) {
    return new Credentials(io.mezzo.node.auth.Credentials.read(location));
  }

  /** The secret of {@code principal}, if it has a credential. */
  public Optional<String> secret(String principal) {
    return shared.secret(principal);
  }

  public int size() {
    return shared.size();
  }

  /** The credentials as node-support holds them. */
  public io.mezzo.node.auth.Credentials shared() {
    return shared;
  }
}
