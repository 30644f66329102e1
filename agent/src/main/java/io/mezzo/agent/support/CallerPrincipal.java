package io.mezzo.agent.support;

import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** The principal an HTTP request proved, carried on its routing context from authentication to the handlers. */
public final class CallerPrincipal {
  private static final String KEY = "mezzo.principal";

  private CallerPrincipal() {}

  public static void set(RoutingContext ctx, String principal) {
    ctx.put(KEY, principal);
  }

  /** The principal, or empty when the request was not authenticated (its realm is off). */
  public static Optional<String> of(RoutingContext ctx) {
    return Optional.ofNullable(ctx.get(KEY));
  }
}
