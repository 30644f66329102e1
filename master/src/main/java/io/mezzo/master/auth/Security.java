package io.mezzo.master.auth;

import io.mezzo.master.spi.Authorizer;
import java.util.Objects;

/**
 * Who may call the master's HTTP APIs ({@link HttpAuthentication}) and what each principal may do
 * ({@link Authorizer}). {@link #NONE}: anyone may do anything, as a Mesos master without
 * {@code --authenticate-*} flags and {@code --acls}.
 */
public record Security(HttpAuthentication authentication, Authorizer authorizer) {
  public static final Security NONE = new Security(HttpAuthentication.NONE, Authorizer.PERMISSIVE);

  public Security {
    Objects.requireNonNull(authentication, "authentication");
    Objects.requireNonNull(authorizer, "authorizer");
  }
}
