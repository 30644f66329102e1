package io.mezzo.master.auth;

import io.mezzo.master.spi.Authenticator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/**
 * HTTP Basic against {@link Credentials}, as Mesos's {@code basic} authenticator: the header is
 * {@code Basic base64(principal:secret)}, and the decoded text must split on {@code :} into
 * exactly two parts. Secrets are compared in constant time.
 */
public final class BasicAuthenticator implements Authenticator {
  private static final String PREFIX = "Basic ";
  private final Credentials credentials;

  public BasicAuthenticator(Credentials credentials) {
    this.credentials = credentials;
  }

  @Override
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

  @Override
  public String scheme() {
    return "Basic";
  }
}
