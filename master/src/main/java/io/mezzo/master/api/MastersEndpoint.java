package io.mezzo.master.api;

import io.mezzo.master.spi.LeaderElection.Participant;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@code GET /masters}, answered by every master: the masters of the cluster as the election lists
 * them, and this master's own part (leading, recovering, standby).
 *
 * <pre>{@code
 * {"self": "10.0.0.1:5050", "state": "standby", "leader": "10.0.0.2:5050",
 *  "masters": [{"address": "10.0.0.1:5050", "leader": false}, {"address": "10.0.0.2:5050", "leader": true}]}
 * }</pre>
 *
 * <p>The web UI reads it when it loads and after each reconnect, and, when its master is gone,
 * asks the other masters it has seen whether they lead. That call is cross-origin, so this
 * endpoint (and only this one) allows CORS, for the origins of the cluster's own masters: every
 * address the election has listed since this master started (a dead leader drops out of the list
 * when its session expires, but the page it served still asks from its origin). Other origins get
 * no CORS header, so their pages cannot read the answer.
 */
public final class MastersEndpoint implements Handler<RoutingContext> {
  /** The path, answered by every master. */
  public static final List<String> PATHS = List.of("/masters", "/master/masters");

  private final Supplier<Future<List<Participant>>> participants;
  private final Supplier<String> self;
  private final Supplier<State> state;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  /**
   * @param participants the election's participants (see {@code LeaderElection#participants()})
   * @param self this master's advertised {@code host:port}
   * @param state this master's part now
   */
  public MastersEndpoint(Supplier<Future<List<Participant>>> participants, Supplier<String> self,
      Supplier<State> state) {
    this.participants = participants;
    this.self = self;
    this.state = state;
  }

  /** A master's part, as {@code /masters} names it. */
  public enum State {
    LEADING, RECOVERING, STANDBY;

    /** The part a master with this leadership plays. */
    public static State of(Leadership leadership) {
      if (leadership instanceof Leadership.Leading) {
        return LEADING;
      }
      return leadership instanceof Leadership.Recovering ? RECOVERING : STANDBY;
    }

    String json() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** For a router without an election (tests): no participants, a standby named {@code self}. */
  static MastersEndpoint alone(String self) {
    return new MastersEndpoint(() -> Future.succeededFuture(List.of()), () -> self, () -> State.STANDBY);
  }

  /**
   * Reads the participants again so that their origins are allowed; the master calls it when the
   * leader changes, which is when a new master may have joined or a page may soon need to ask.
   */
  public Future<List<Participant>> refresh() {
    return participants.get().onSuccess(list -> list.forEach(p -> seen.add(p.address())));
  }

  @Override
  public void handle(RoutingContext ctx) {
    refresh().onComplete(read -> {
      allowOrigin(ctx);
      if (read.failed()) {
        ctx.response().setStatusCode(503).putHeader("Content-Type", "text/plain; charset=utf-8")
            .putHeader("Cache-Control", "no-store").end("Cannot read the election: " + read.cause().getMessage());
        return;
      }
      JsonArray masters = new JsonArray();
      String leader = null;
      for (Participant p : read.result()) {
        masters.add(new JsonObject().put("address", p.address()).put("leader", p.leader()));
        if (p.leader()) {
          leader = p.address();
        }
      }
      ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
          .end(new JsonObject().put("self", self.get()).put("state", state.get().json())
              .put("leader", leader).put("masters", masters).encode());
    });
  }

  private void allowOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    ctx.response().putHeader("Vary", "Origin");
    // Either scheme: a cluster serves TLS everywhere or nowhere, and the host:port must be a master's.
    String prefix = origin == null ? null : origin.startsWith("http://") ? "http://"
        : origin.startsWith("https://") ? "https://" : null;
    if (prefix != null) {
      String hostPort = origin.substring(prefix.length());
      if (hostPort.equals(self.get()) || seen.contains(hostPort)) {
        ctx.response().putHeader("Access-Control-Allow-Origin", origin);
      }
    }
  }
}
