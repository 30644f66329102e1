package io.mezzo.node.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * HTTP Basic against {@link Credentials}, as Mesos's {@code basic} authenticator: the header is
 * {@code Basic base64(principal:secret)}, and the decoded text must split on {@code :} into
 * exactly two parts. Secrets are compared in constant time. Immutable; safe from any thread and
 * never blocks, so the master's and the agent's event loops call it for every request.
 */
public final class HttpBasic {
  /** The scheme of the {@code WWW-Authenticate} challenge. */
  public static final String SCHEME = "Basic";
  private static final String PREFIX = SCHEME + " ";
  private final Credentials credentials;

  public HttpBasic(Credentials credentials) {
    this.credentials = Objects.requireNonNull(credentials, "credentials");
  }

  /**
   * The principal that {@code authorization} proves, or empty when it is missing, malformed or
   * wrong. Never throws for bad input.
   *
   * @param authorization the request's {@code Authorization} header, or null when it has none
   */
  public Optional<String> authenticate(String authorization) {
    if (authorization == null || authorization.length() <= PREFIX.length()
        || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(authorization.substring(PREFIX.length()).trim()),
          StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    String[] parts = decoded.split(":", -1);
    if (parts.length != 2) {
      return Optional.empty();
    }
    String principal = parts[0];
    Optional<String> secret = credentials.secret(principal);
    if (secret.isEmpty() || !MessageDigest.isEqual(secret.get().getBytes(StandardCharsets.UTF_8),
        parts[1].getBytes(StandardCharsets.UTF_8))) {
      return Optional.empty();
    }
    return Optional.of(principal);
  }
}
