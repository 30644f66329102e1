package io.mezzo.master.auth;

import io.mezzo.master.spi.Authenticator;
import io.mezzo.node.auth.HttpBasic;
import java.util.Optional;

/**
 * HTTP Basic against {@link Credentials}, as Mesos's {@code basic} authenticator; the check itself
 * is the shared {@link HttpBasic}, which the agent uses too.
 */
public final class BasicAuthenticator implements Authenticator {
  private final HttpBasic basic;

  public BasicAuthenticator(Credentials credentials) {
    this.basic = new HttpBasic(credentials.shared());
  }

  @Override
  public Optional<String> authenticate(String authorization) {
    return basic.authenticate(authorization);
  }

  @Override
  public String scheme() {
    return HttpBasic.SCHEME;
  }
}
