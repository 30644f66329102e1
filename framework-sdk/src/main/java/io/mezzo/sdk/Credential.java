package io.mezzo.sdk;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * A framework's principal and secret, sent with every call as HTTP Basic, as Mesos's HTTP
 * frameworks authenticate ({@code --authenticate-http-frameworks} on the master). The principal
 * is also the framework's {@code FrameworkInfo.principal}.
 */
public final class Credential {
  private final String principal;
  private final String secret;

  private Credential(String principal, String secret) {
    this.principal = principal;
    this.secret = secret;
  }

  /**
   * @throws IllegalArgumentException when the principal is empty or contains {@code :} (Basic
   *     credentials split on the first colon), or the secret contains {@code :} (Mesos accepts
   *     exactly two parts)
   */
  public static Credential of(String principal, String secret) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(secret, "secret");
    if (principal.isEmpty() || principal.contains(":")) {
      throw new IllegalArgumentException("A principal must be non-empty and contain no ':'");
    }
    if (secret.contains(":")) {
      throw new IllegalArgumentException("A secret may not contain ':' (HTTP Basic as Mesos reads it)");
    }
    return new Credential(principal, secret);
  }

  public String principal() {
    return principal;
  }

  /** The {@code Authorization} header's value. */
  public String authorization() {
    return "Basic " + Base64.getEncoder().encodeToString((principal + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "Credential[" + principal + "]";
  }
}
