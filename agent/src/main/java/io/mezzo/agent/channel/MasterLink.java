package io.mezzo.agent.channel;

import io.mezzo.agent.support.Timers;
import io.mezzo.agent.detector.MasterAddress;
import io.mezzo.agent.detector.MasterDetector;
import io.mezzo.protocol.Wire;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.v1.Protos.AgentID;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's link to the leading master: follows the detector, registers (re-registering
 * with the agent's id and tasks when it has them), passes events on, answers the master's
 * PINGs with PONG, notices a silent master (no event, ping or heartbeat, for the total ping
 * timeout the master announced in REGISTERED, as a Mesos agent does; for three heartbeat
 * intervals from a master that announces none), and reconnects with backoff when the stream ends;
 * when the detector names a new leader it forgets that backoff and registers within a short
 * jittered window ({@link ReconnectBackoff#newLeader()}).
 * Owned by one Vert.x context: every method runs on it, timers included.
 */
public final class MasterLink {
  private static final Logger log = LoggerFactory.getLogger(MasterLink.class);
  private static final int MISSED_HEARTBEATS = 3;
  /**
   * How long an agent's HTTP client keeps an idle connection to the master for its next call. The
   * master closes a kept-alive connection that brings no request within its
   * {@code --body-read-timeout} (20 s by default, checked once per period); a call sent on a
   * connection the master is closing at that moment is lost, and a status update lost so waits
   * for its resend, 10 s later. Closing idle connections first, on the agent's side, leaves no
   * such moment.
   */
  public static final int KEEP_ALIVE_SECONDS = 10;

  /** What the agent hears from the link; called on the link's context. */
  public interface Listener {
    /** The master accepted the (re-)registration. */
    void registered(AgentID agentId, MasterAddress master);

    /** An event other than REGISTERED, HEARTBEAT and ERROR. */
    void event(AgentEvent event);
  }

  private final Context context;
  private final HttpClient client;
  private final MasterDetector detector;
  private final Timers timers;
  private final Clock clock;
  private final ReconnectBackoff backoff;
  private final Supplier<AgentCall> registerCall;
  private final Listener listener;

  private MasterAddress leader;
  /** True once the detector named any leader: every later one is a failover. */
  private boolean leaderSeen;
  private MasterConnection connection;
  private boolean registered;
  private Duration heartbeatInterval = seconds(Wire.HEARTBEAT_INTERVAL_SECONDS);
  /** The master's total ping timeout, from REGISTERED; null when it announced none. */
  private Duration pingTimeout;
  private AgentID agentId;
  private long lastEventMillis;
  private Timers.Timer watchdog;
  private Timers.Timer reconnect;
  private boolean closed;
  private final MasterConnection.Events connectionEvents = new MasterConnection.Events() {
    @Override
    public void event(MasterConnection from, AgentEvent event) {
      received(from, event);
    }

    @Override
    public void closed(MasterConnection from, String reason) {
      lost(from, reason);
    }
  };

  public MasterLink(
      Context context,
      HttpClient client,
      MasterDetector detector,
      Timers timers,
      Clock clock,
      ReconnectBackoff backoff,
      Supplier<AgentCall> registerCall,
      Listener listener) {
    this.context = Objects.requireNonNull(context, "context");
    this.client = Objects.requireNonNull(client, "client");
    this.detector = Objects.requireNonNull(detector, "detector");
    this.timers = Objects.requireNonNull(timers, "timers");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.registerCall = Objects.requireNonNull(registerCall, "registerCall");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  public Future<Void> start() {
    return detector.start(this::leaderChanged);
  }

  /** Sends a call on the current registration; fails when the agent is not registered. */
  public Future<Void> send(AgentCall call) {
    assertOnContext();
    if (!registered || connection == null) {
      return Future.failedFuture("Not registered with a master");
    }
    return connection.send(call);
  }

  public boolean registered() {
    return registered;
  }

  /** The master the agent is registered with, else null. */
  public MasterAddress master() {
    return registered && connection != null ? connection.master() : null;
  }

  public Future<Void> close() {
    assertOnContext();
    closed = true;
    cancel(reconnect);
    drop();
    return detector.close();
  }

  private void leaderChanged(MasterAddress newLeader) {
    assertOnContext();
    leader = newLeader;
    if (closed || (connection != null && connection.master().equals(newLeader))) {
      return;
    }
    if (connection != null) {
      log.info("Leading master changed from {} to {}", connection.master(), newLeader);
    }
    drop();
    cancel(reconnect);
    reconnect = null;
    if (newLeader == null) {
      backoff.reset();
      return;
    }
    if (!leaderSeen) {
      // The first leader this agent hears of (at start): register now.
      leaderSeen = true;
      backoff.reset();
      connect();
      return;
    }
    // A failover: the backoff that grew while the old leader was unreachable is forgotten, and the
    // agents of a whole cluster reach the new leader spread over the window (see ReconnectBackoff).
    Duration delay = backoff.newLeader();
    log.info("New leading master {}; registering in {} ms", newLeader, delay.toMillis());
    reconnect = timers.schedule(delay, this::connect);
  }

  private void connect() {
    reconnect = null;
    if (closed || leader == null || connection != null) {
      return;
    }
    AgentCall register = registerCall.get();
    MasterConnection attempt = new MasterConnection(client, leader, connectionEvents);
    connection = attempt;
    lastEventMillis = clock.millis();
    armWatchdog();
    log.info("{} with master {}", register.hasAgentId() ? "Re-registering" : "Registering", leader);
    attempt.open(register).onFailure(e -> {
      if (e instanceof MasterRedirect redirect && attempt == connection) {
        // Follow the non-leader's pointer until the detector says otherwise.
        leader = redirect.leader;
      }
      lost(attempt, e.getMessage());
    });
  }

  private void received(MasterConnection from, AgentEvent event) {
    if (from != connection || closed) {
      return;
    }
    lastEventMillis = clock.millis();
    switch (event.getType()) {
      case REGISTERED -> {
        registered = true;
        backoff.reset();
        if (event.getRegistered().hasHeartbeatIntervalSeconds()
            && event.getRegistered().getHeartbeatIntervalSeconds() > 0) {
          heartbeatInterval = seconds(event.getRegistered().getHeartbeatIntervalSeconds());
        }
        pingTimeout = event.getRegistered().getPingTimeoutSeconds() > 0
            ? seconds(event.getRegistered().getPingTimeoutSeconds()) : null;
        agentId = event.getRegistered().getAgentId();
        armWatchdog();
        listener.registered(event.getRegistered().getAgentId(), from.master());
      }
      case HEARTBEAT -> log.trace("Heartbeat from {}", from.master());
      case PING -> {
        if (registered) {
          // Best effort, as Mesos's PongSlaveMessage: a lost PONG is one missed ping, and the next PING asks again.
          from.send(AgentCall.newBuilder().setType(AgentCall.Type.PONG).setAgentId(agentId).build())
              .onFailure(e -> log.debug("PONG to {} failed: {}", from.master(), e.getMessage()));
        }
      }
      case ERROR -> lost(from, "master sent ERROR: " + event.getError().getMessage());
      default -> {
        if (registered) {
          listener.event(event);
        } else {
          log.warn("Ignoring {} from {} before REGISTERED", event.getType(), from.master());
        }
      }
    }
  }

  private void lost(MasterConnection from, String reason) {
    if (from != connection || closed) {
      return;
    }
    boolean wasRegistered = registered;
    drop();
    Duration delay = backoff.next();
    if (wasRegistered) {
      log.warn("Lost master {}: {}; re-registering in {} ms", from.master(), reason, delay.toMillis());
    } else {
      log.warn("Cannot register with master {}: {}; retrying in {} ms", from.master(), reason, delay.toMillis());
    }
    reconnect = timers.schedule(delay, this::connect);
  }

  private void drop() {
    registered = false;
    cancel(watchdog);
    watchdog = null;
    if (connection != null) {
      connection.close();
      connection = null;
    }
  }

  /** How long the master may say nothing before the agent gives up on it. */
  private Duration silenceLimit() {
    return pingTimeout != null ? pingTimeout : heartbeatInterval.multipliedBy(MISSED_HEARTBEATS);
  }

  private void armWatchdog() {
    cancel(watchdog);
    Duration silence = silenceLimit();
    Duration elapsed = Duration.ofMillis(Math.max(0, clock.millis() - lastEventMillis));
    MasterConnection watched = connection;
    watchdog = timers.schedule(silence.minus(elapsed), () -> checkSilence(watched));
  }

  private void checkSilence(MasterConnection watched) {
    if (watched != connection || closed) {
      return;
    }
    Duration silence = silenceLimit();
    if (clock.millis() - lastEventMillis >= silence.toMillis()) {
      lost(watched, "no ping or heartbeat for " + silence.toMillis() + " ms");
    } else {
      armWatchdog();
    }
  }

  private static void cancel(Timers.Timer timer) {
    if (timer != null) {
      timer.cancel();
    }
  }

  private static Duration seconds(double seconds) {
    return Duration.ofMillis(Math.round(seconds * 1000));
  }

  private void assertOnContext() {
    assert Vertx.currentContext() == context : "MasterLink used off its context";
  }
}
