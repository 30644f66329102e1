package io.mezzo.master.auth;

import io.mezzo.master.spi.Authorizer;
import java.util.Objects;

/**
 * Who may call the master's HTTP APIs ({@link HttpAuthentication}) and what each principal may do
 * ({@link Authorizer}). {@link #NONE}: anyone may do anything, as a Mesos master without
 * {@code --authenticate-*} flags and {@code --acls}.
 *
 * @param agentCertificates whether the agent channel takes only callers that presented a client
 *     certificate the master's TLS server verified against the cluster CA (mutual TLS)
 */
public record Security(HttpAuthentication authentication, Authorizer authorizer, boolean agentCertificates) {
  public static final Security NONE = new Security(HttpAuthentication.NONE, Authorizer.PERMISSIVE);

  public Security {
    Objects.requireNonNull(authentication, "authentication");
    Objects.requireNonNull(authorizer, "authorizer");
  }

  /** Without client certificates on the agent channel. */
  public Security(HttpAuthentication authentication, Authorizer authorizer) {
    this(authentication, authorizer, false);
  }
}
