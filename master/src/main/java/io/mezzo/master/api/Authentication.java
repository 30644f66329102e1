package io.mezzo.master.api;

import io.mezzo.master.auth.HttpAuthentication;
import io.mezzo.master.auth.HttpAuthentication.Realm;
import io.mezzo.master.state.CallRejected;
import io.mezzo.v1.master.Protos.Call;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * The route step that authenticates a request in its realm and leaves the principal on the
 * routing context for the handlers after it. It runs after the body is read and before the
 * leader gate, so that a missing credential gets 401 from any master, as in Mesos (its checks 0
 * and 2 of the scheduler API's status table).
 */
final class Authentication {
  private static final String PRINCIPAL = "mezzo.principal";

  private Authentication() {}

  /** Authenticates every request of the route in {@code realm}. */
  static Handler<RoutingContext> in(HttpAuthentication authentication, Realm realm) {
    return ctx -> {
      authentication.authenticate(ctx.request(), realm).ifPresent(p -> ctx.put(PRINCIPAL, p));
      ctx.next();
    };
  }

  /**
   * Authenticates an operator call: reads ({@code GET_*}, {@code SUBSCRIBE}) in the read-only
   * realm, everything else in the read-write one. A body that does not decode is treated as a
   * write; the operator API answers its error once the caller is authenticated.
   */
  static Handler<RoutingContext> operator(HttpAuthentication authentication) {
    return ctx -> {
      if (!authentication.realms().isEmpty()) {
        Realm realm = Realm.READWRITE;
        try {
          Call.Type type = Negotiation.decodePost(ctx, Call.getDefaultInstance()).getType();
          realm = type == Call.Type.SUBSCRIBE || type.name().startsWith("GET_") ? Realm.READONLY : Realm.READWRITE;
        } catch (CallRejected unreadable) {
          // decided above: the strictest realm
        }
        authentication.authenticate(ctx.request(), realm).ifPresent(p -> ctx.put(PRINCIPAL, p));
      }
      ctx.next();
    };
  }

  /**
   * Lets through only a request whose TLS connection carries a client certificate the server
   * verified (against the cluster CA, during the handshake), when {@code required}; 403 otherwise.
   * The server asks for client certificates without demanding them, so frameworks, operators and
   * browsers connect without one and this step is what keeps them off the agent channel.
   */
  static Handler<RoutingContext> clientCertificate(boolean required) {
    return ctx -> {
      if (required && !verifiedPeer(ctx)) {
        ctx.fail(new CallRejected(403,
            "The agent channel takes only agents with a client certificate signed by the cluster CA"));
        return;
      }
      ctx.next();
    };
  }

  private static boolean verifiedPeer(RoutingContext ctx) {
    if (!ctx.request().isSSL() || ctx.request().connection().sslSession() == null) {
      return false;
    }
    try {
      return ctx.request().connection().sslSession().getPeerCertificates().length > 0;
    } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
      return false;
    }
  }

  /** The principal the request proved, if its realm required one. */
  static Optional<String> principal(RoutingContext ctx) {
    return Optional.ofNullable(ctx.get(PRINCIPAL));
  }
}
