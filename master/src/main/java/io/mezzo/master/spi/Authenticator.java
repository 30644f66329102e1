package io.mezzo.master.spi;

import java.util.Optional;

/**
 * Decides who sent an HTTP request, from its {@code Authorization} header, for the master's
 * authenticated realms (the scheduler API with {@code --authenticate-http-frameworks}, the read
 * and write operator calls with {@code --authenticate-http-readonly} and
 * {@code --authenticate-http-readwrite}).
 *
 * <p>Called on the master's event loops for every request of a realm that is on, possibly from
 * several threads at once: implementations are thread-safe and never block. A request whose
 * header proves nothing gets 401 with a {@code WWW-Authenticate} challenge of
 * {@link #scheme()}; one that proves a principal carries it to the authorization checks and to
 * {@code FrameworkInfo.principal}.
 */
public interface Authenticator {

  /**
   * The principal that {@code authorization} proves, or empty when it is missing, malformed or
   * wrong. Never throws for bad input.
   *
   * @param authorization the request's {@code Authorization} header, or null when it has none
   */
  Optional<String> authenticate(String authorization);

  /** The HTTP authentication scheme of the challenge, such as {@code Basic}. */
  String scheme();
}
