package io.mezzo.master.state;

import java.time.Duration;
import java.util.Objects;

/**
 * How the master decides that an agent is unreachable, then gone (Mesos's agent health checks).
 * It pings each connected agent every {@code pingTimeout}; an agent that answers none of
 * {@code maxPingTimeouts} pings in a row, and sends no call meanwhile, is unreachable. An agent
 * unreachable for {@code removalTimeout} is gone for good.
 *
 * @param pingTimeout time between pings; null sends none, so a silent agent is never marked
 *     unreachable (see {@link #withoutPings()})
 * @param maxPingTimeouts unanswered pings in a row after which the agent is unreachable
 * @param removalTimeout how long an unreachable agent may take to re-register
 */
public record AgentLiveness(Duration pingTimeout, int maxPingTimeouts, Duration removalTimeout) {
  /** Mesos's defaults (15 s × 5), and Mesos's {@code --registry_max_agent_age} (2 weeks) for the removal. */
  public static final AgentLiveness DEFAULTS = new AgentLiveness(Duration.ofSeconds(15), 5, Duration.ofDays(14));

  public AgentLiveness {
    Objects.requireNonNull(removalTimeout, "removalTimeout");
    if (pingTimeout != null && (pingTimeout.isZero() || pingTimeout.isNegative())) {
      throw new IllegalArgumentException("ping timeout must be positive, got " + pingTimeout);
    }
    if (maxPingTimeouts < 1) {
      throw new IllegalArgumentException("max ping timeouts must be at least 1, got " + maxPingTimeouts);
    }
    if (removalTimeout.isZero() || removalTimeout.isNegative()) {
      throw new IllegalArgumentException("removal timeout must be positive, got " + removalTimeout);
    }
  }

  /**
   * No pings: only a closed connection (then the re-registration timeout) makes an agent
   * unreachable. For states whose tests move time by minutes without answering pings.
   */
  public static AgentLiveness withoutPings() {
    return new AgentLiveness(null, DEFAULTS.maxPingTimeouts, DEFAULTS.removalTimeout);
  }

  /** How long an agent may be silent at least before it is unreachable; what the agent is told to wait for pings. */
  public Duration totalPingTimeout() {
    return pingTimeout == null ? null : pingTimeout.multipliedBy(maxPingTimeouts);
  }
}
