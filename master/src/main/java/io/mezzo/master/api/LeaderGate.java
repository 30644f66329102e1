package io.mezzo.master.api;

import io.mezzo.master.api.Leadership.Leading;
import io.mezzo.master.api.Leadership.Recovering;
import io.mezzo.master.state.CallRejected;
import io.mezzo.node.http.BoundedBody;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one place that decides whether this master may answer an API call: a router handler placed
 * before every API handler (see {@link MasterRoutes}). While this master leads it hands the
 * handler the current {@link Leading} value ({@link #leading(RoutingContext)}); otherwise it
 * answers as Mesos does: 307 to the leader keeping the path, with the protocol-relative
 * {@code Location: //host:port/path}; 503 "Master has not finished recovery" while the registry is
 * being read; 503 "No leader elected" when no leader is known, and 503 rather than a redirect to
 * itself when the leader ZooKeeper names is this very master. The 503s go through the router's
 * failure handler as {@link CallRejected}. Runs on the master's context.
 */
public final class LeaderGate implements Handler<RoutingContext> {
  private static final String LEADING = "mezzo.leading";
  /** Agent calls held at most at once while recovering; past that they get 503 as other calls do. */
  static final int MAX_HELD = 50_000;

  private final Supplier<Leadership> leadership;
  private final Supplier<Leadership> term;
  private final Supplier<Optional<String>> leaderHostPort;
  private final Supplier<String> ownHostPort;
  /** Agent calls that came while this master recovered; see {@link #holdingWhileRecovering}. */
  private final List<Held> held = new ArrayList<>();

  /** A call held while recovering, with its body kept for the handlers after the gate. */
  private record Held(RoutingContext ctx, Runnable body) {}

  /**
   * @param leadership this master's current leadership
   * @param leaderHostPort the leader's {@code host:port} as the election last reported it, if known
   * @param ownHostPort this master's advertised {@code host:port}, for {@code /redirect} while it leads
   */
  public LeaderGate(Supplier<Leadership> leadership, Supplier<Optional<String>> leaderHostPort,
      Supplier<String> ownHostPort) {
    this(leadership, leadership, leaderHostPort, ownHostPort);
  }

  /**
   * As above, for a master whose term may be suspended: {@code leadership} is what it may do now (a
   * follower's while the term is suspended), {@code term} the term it holds, suspended or not. A
   * stream of a suspended term stays the term's ({@link #isCurrent}), and calls get 503 meanwhile.
   */
  public LeaderGate(Supplier<Leadership> leadership, Supplier<Leadership> term,
      Supplier<Optional<String>> leaderHostPort, Supplier<String> ownHostPort) {
    this.leadership = leadership;
    this.term = term;
    this.leaderHostPort = leaderHostPort;
    this.ownHostPort = ownHostPort;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Leadership now = leadership.get();
    if (now instanceof Leading leading) {
      ctx.put(LEADING, leading);
      ctx.next();
    } else if (now instanceof Recovering) {
      ctx.fail(new CallRejected(503, "Master has not finished recovery"));
    } else if (!(term.get() instanceof Leadership.Follower)) {
      ctx.fail(new CallRejected(503, "This master's leadership is suspended until ZooKeeper confirms its session"));
    } else {
      redirectToLeader(ctx, ctx.request().uri());
    }
  }

  /**
   * The agent channel's gate: as this gate, except that a call that comes while this master
   * recovers (reads its registry after winning the election) waits for the recovery to end instead
   * of getting 503. Every agent tries a new leader as soon as ZooKeeper names it, which is before
   * it has read its registry; answered 503, each would try again up to a second later, and the
   * last agents would be back that much after the master could have taken them. Held calls go on
   * at the next {@link #leadershipChanged()}: to the handler once leading, else answered as any call.
   */
  public Handler<RoutingContext> holdingWhileRecovering() {
    return ctx -> {
      if (leadership.get() instanceof Recovering && held.size() < MAX_HELD) {
        held.add(new Held(ctx, BoundedBody.hold(ctx)));
      } else {
        handle(ctx);
      }
    };
  }

  /** This master's leadership changed (on its context): the calls held while it recovered go on. */
  public void leadershipChanged() {
    if (held.isEmpty() || leadership.get() instanceof Recovering) {
      return;
    }
    List<Held> waiting = new ArrayList<>(held);
    held.clear();
    for (Held call : waiting) {
      try {
        if (!call.ctx().response().closed() && !call.ctx().response().ended()) {
          handle(call.ctx());
        }
      } finally {
        call.body().run(); // the handlers after the gate decoded it, or hold it themselves
      }
    }
  }

  /** How many agent calls wait for this master's recovery to end. */
  public int heldCalls() {
    return held.size();
  }

  /**
   * {@code GET /redirect}: 307 to the leading master's address without a path, this master's own
   * while it leads or recovers (Mesos's {@code /master/redirect}).
   */
  void redirectEndpoint(RoutingContext ctx) {
    if (leadership.get() instanceof Leadership.Follower) {
      redirectToLeader(ctx, "");
    } else {
      ctx.response().setStatusCode(307).putHeader("Location", "//" + ownHostPort.get()).end();
    }
  }

  /**
   * The web UI's page: a follower that knows another leader sends the browser to that leader's page
   * (307, as for the APIs); every other master serves the page itself, also while no leader is
   * known, so that the browser shows the UI waiting for a leader rather than an error page.
   */
  Handler<RoutingContext> page(Handler<RoutingContext> serve) {
    return ctx -> {
      Optional<String> leader = leaderHostPort.get();
      if (leadership.get() instanceof Leadership.Follower && leader.isPresent()
          && !leader.get().equals(ownHostPort.get())) {
        ctx.response().setStatusCode(307).putHeader("Location", "//" + leader.get() + ctx.request().uri()).end();
      } else {
        serve.handle(ctx);
      }
    };
  }

  private void redirectToLeader(RoutingContext ctx, String path) {
    Optional<String> leader = leaderHostPort.get();
    if (leader.isPresent() && leader.get().equals(ownHostPort.get())) {
      // ZooKeeper still names this master (its node outlives a lost session for a while, or it is
      // about to lead again): a 307 to itself would send the client round in a loop.
      ctx.fail(new CallRejected(503, "This master is not leading, and no other leader is known yet"));
    } else if (leader.isPresent()) {
      ctx.response().setStatusCode(307).putHeader("Location", "//" + leader.get() + path).end();
    } else {
      ctx.fail(new CallRejected(503, "No leader elected"));
    }
  }

  /** The leadership the gate let this request through with. */
  static Leading leading(RoutingContext ctx) {
    Leading leading = ctx.get(LEADING);
    if (leading == null) {
      throw new IllegalStateException("Route " + ctx.currentRoute().getPath() + " is not behind the leader gate");
    }
    return leading;
  }

  /**
   * True while {@code leading} is still this master's leadership: a stream that closes later must
   * not touch the state of a term that has ended.
   */
  boolean isCurrent(Leading leading) {
    return term.get() == leading;
  }

  /** True while {@code leading} may still act: its term is current and not suspended. */
  boolean isActing(Leading leading) {
    return leadership.get() == leading;
  }
}
