package io.mezzo.master.auth;

import io.mezzo.master.spi.Authenticator;
import io.mezzo.master.state.CallRejected;
import io.vertx.core.http.HttpServerRequest;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Which of the master's HTTP realms require authentication, and who authenticates. The realms
 * are Mesos's, with its challenge names, so clients written against Mesos see the same 401s.
 * Immutable; safe from any thread.
 */
public final class HttpAuthentication {

  /** A group of endpoints that one flag puts behind authentication. */
  public enum Realm {
    /** The scheduler API ({@code --authenticate-http-frameworks}). */
    SCHEDULER("mesos-master-scheduler"),
    /** Operator reads, {@code /state}, metrics, explain ({@code --authenticate-http-readonly}). */
    READONLY("mesos-master-readonly"),
    /** Operator calls that change something ({@code --authenticate-http-readwrite}). */
    READWRITE("mesos-master-readwrite");

    private final String challengeName;

    Realm(String challengeName) {
      this.challengeName = challengeName;
    }

    public String challengeName() {
      return challengeName;
    }
  }

  /** No realm requires authentication (Mesos's default). */
  public static final HttpAuthentication NONE = new HttpAuthentication(null, EnumSet.noneOf(Realm.class));

  private final Authenticator authenticator;
  private final Set<Realm> realms;

  private HttpAuthentication(Authenticator authenticator, Set<Realm> realms) {
    this.authenticator = authenticator;
    this.realms = Collections.unmodifiableSet(realms.isEmpty() ? EnumSet.noneOf(Realm.class) : EnumSet.copyOf(realms));
  }

  /**
   * Authentication by {@code authenticator} for {@code realms}.
   *
   * @throws IllegalArgumentException when realms are on without an authenticator
   */
  public static HttpAuthentication of(Authenticator authenticator, Set<Realm> realms) {
    if (!realms.isEmpty() && authenticator == null) {
      throw new IllegalArgumentException("Authentication of " + realms + " needs credentials (--credentials)");
    }
    return new HttpAuthentication(authenticator, realms);
  }

  public boolean isOn(Realm realm) {
    return realms.contains(realm);
  }

  public Set<Realm> realms() {
    return realms;
  }

  /**
   * The principal that {@code request} proves in {@code realm}: empty when the realm is off;
   * otherwise the principal, or a 401 {@link CallRejected} after the challenge was put on the
   * response.
   */
  public Optional<String> authenticate(HttpServerRequest request, Realm realm) {
    if (!realms.contains(realm)) {
      return Optional.empty();
    }
    Optional<String> principal = authenticator.authenticate(request.getHeader("Authorization"));
    if (principal.isEmpty()) {
      request.response().putHeader("WWW-Authenticate",
          authenticator.scheme() + " realm=\"" + realm.challengeName() + "\"");
      throw new CallRejected(401, request.getHeader("Authorization") == null
          ? "Authentication required" : "Authentication failed: wrong or unknown credentials");
    }
    return principal;
  }
}
