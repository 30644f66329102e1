package io.mezzo.agent.http;

import io.mezzo.agent.support.CallerPrincipal;
import io.mezzo.node.auth.Acls;
import io.mezzo.node.auth.Credentials;
import io.mezzo.node.auth.HttpBasic;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;

/**
 * Who may read the agent's HTTP API ({@code --credentials}, {@code --authenticate-http-readonly}:
 * HTTP Basic on {@code /files/*}, {@code /state}, the metrics and the operator API, all of them
 * reads) and whose sandboxes each principal may read ({@code --acls}: Mesos's
 * {@code access_sandboxes}). {@code /health} stays open, and executors keep their own tokens
 * ({@code --authenticate-http-executors}). {@link #NONE}: a Mesos agent without these flags.
 * Immutable; safe from any thread.
 */
public final class AgentSecurity {
  /** The challenge of a 401, as the issue and the CLI expect it. */
  public static final String CHALLENGE = HttpBasic.SCHEME + " realm=\"mesos\"";
  public static final AgentSecurity NONE = new AgentSecurity(null, null, false, null, null);

  private final HttpBasic basic;
  private final String credentialsSource;
  private final boolean authenticateReadonly;
  private final Acls acls;
  private final String aclsSource;

  private AgentSecurity(HttpBasic basic, String credentialsSource, boolean authenticateReadonly, Acls acls,
      String aclsSource) {
    this.basic = basic;
    this.credentialsSource = credentialsSource;
    this.authenticateReadonly = authenticateReadonly;
    this.acls = acls;
    this.aclsSource = aclsSource;
  }

  /**
   * Reads the flags' files once.
   *
   * @param credentials {@code --credentials}: a path or {@code file://} URL in Mesos's format; null for none
   * @param acls {@code --acls}: Mesos's ACL JSON, or a path or {@code file://} URL to it; null for none
   * @throws IllegalArgumentException naming what is wrong: an unreadable or invalid file, or
   *     authentication asked for without credentials
   */
  public static AgentSecurity fromFlags(String credentials, boolean authenticateReadonly, String acls) {
    boolean hasCredentials = credentials != null && !credentials.isBlank();
    boolean hasAcls = acls != null && !acls.isBlank();
    return of(hasCredentials ? Credentials.read(credentials.strip()) : null, hasCredentials ? credentials.strip() : null,
        authenticateReadonly, hasAcls ? Acls.parse(acls) : null, hasAcls ? acls.strip() : null);
  }

  /**
   * Security from values in hand (tests, embedded agents).
   *
   * @param credentialsSource what GET_FLAGS shows for {@code --credentials}
   * @param aclsSource what GET_FLAGS shows for {@code --acls}
   * @throws IllegalArgumentException when authentication is on without credentials
   */
  public static AgentSecurity of(Credentials credentials, String credentialsSource, boolean authenticateReadonly,
      Acls acls, String aclsSource) {
    if (authenticateReadonly && credentials == null) {
      throw new IllegalArgumentException("--authenticate-http-readonly needs credentials (--credentials)");
    }
    return new AgentSecurity(credentials == null ? null : new HttpBasic(credentials), credentialsSource,
        authenticateReadonly, acls, aclsSource);
  }

  /** Whether the read-only endpoints need credentials. */
  public boolean authenticatesReadonly() {
    return authenticateReadonly;
  }

  /** The ACLs, when given. */
  public Optional<Acls> acls() {
    return Optional.ofNullable(acls);
  }

  /**
   * A route step for the read-only endpoints: with authentication on, a request whose
   * {@code Authorization} header proves no principal gets 401 and the challenge; one that proves a
   * principal goes on with it ({@link CallerPrincipal}). Without authentication every request goes on.
   */
  Handler<RoutingContext> readonly() {
    return ctx -> {
      if (!authenticateReadonly) {
        ctx.next();
        return;
      }
      String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
      Optional<String> principal = basic.authenticate(authorization);
      if (principal.isEmpty()) {
        ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", CHALLENGE)
            .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
            .end(authorization == null ? "Authentication required\n"
                : "Authentication failed: wrong or unknown credentials\n");
        return;
      }
      CallerPrincipal.set(ctx, principal.get());
      ctx.next();
    };
  }

  /** Adds this security's flags to what GET_FLAGS shows (never a secret: only where they were read from). */
  public void flags(Map<String, String> flags) {
    flags.put("authenticate-http-readonly", Boolean.toString(authenticateReadonly));
    if (credentialsSource != null) {
      flags.put("credentials", credentialsSource);
    }
    if (aclsSource != null) {
      flags.put("acls", aclsSource);
    }
  }
}
