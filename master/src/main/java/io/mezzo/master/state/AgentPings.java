package io.mezzo.master.state;

import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The master's health check of connected agents, as Mesos's agent observer does it: a PING every
 * {@link AgentLiveness#pingTimeout()}; each interval in which the agent neither answered (PONG)
 * nor sent any other call counts as one timeout; {@link AgentLiveness#maxPingTimeouts()} in a
 * row make it unreachable. So an agent is marked unreachable between timeout × max and
 * timeout × (max + 1) after the master last heard from it. Runs on the state's context; the
 * per-agent count lives in {@link AgentRecord}.
 *
 * <p>An agent's first check comes after a fraction of the timeout that its id decides
 * ({@link #firstDelay}), every later one a whole timeout after the one before. Agents register in
 * bursts (all of them within seconds after a master failover); checked a whole timeout after each
 * registration, their pings, and the PONG requests that answer them, came in the same bursts every
 * timeout for as long as the master led, and at 10,000 agents each burst held the master's event
 * loop for hundreds of milliseconds. Spread by id, they arrive at an even rate. The registration
 * counts as hearing from the agent, so a shorter first interval never counts a missed ping, and
 * the bound above still holds.
 */
final class AgentPings {
  private static final AgentEvent PING = AgentEvent.newBuilder().setType(AgentEvent.Type.PING).build();

  private final Timers timers;
  private final AgentLiveness liveness;
  private final ClusterRecords records;
  private final Consumer<AgentRecord> unreachable;

  /** @param unreachable told once of an agent that missed too many pings; it is still registered then */
  AgentPings(Timers timers, AgentLiveness liveness, ClusterRecords records, Consumer<AgentRecord> unreachable) {
    this.timers = timers;
    this.liveness = liveness;
    this.records = records;
    this.unreachable = unreachable;
  }

  /** Starts (or restarts) checking an agent that just (re-)registered on a new stream; the registration counts as heard. */
  void start(AgentRecord agent) {
    stop(agent);
    agent.pingsMissed = 0;
    agent.heardSincePing = true;
    if (liveness.pingTimeout() != null) {
      schedule(agent, firstDelay(agent.id, liveness.pingTimeout()));
    }
  }

  /**
   * When an agent's first check comes after its registration: in (0, timeout], the same for the
   * same id, and spread evenly over that range by a hash of the id (agent ids differ only in a
   * counter at their end, so their own hash codes are mixed first).
   */
  static Duration firstDelay(String agentId, Duration timeout) {
    long mixed = agentId.hashCode() * 0x9E3779B97F4A7C15L;
    long nanos = timeout.toNanos();
    return Duration.ofNanos(Math.floorMod(mixed ^ (mixed >>> 29), nanos) + 1);
  }

  /** The agent sent something (a PONG or any other call): its count of missed pings starts again. */
  void heard(AgentRecord agent) {
    agent.heardSincePing = true;
    agent.pingsMissed = 0;
  }

  /** Stops checking the agent (disconnected, unreachable or removed). */
  void stop(AgentRecord agent) {
    if (agent.pingTimer >= 0) {
      timers.cancel(agent.pingTimer);
      agent.pingTimer = -1;
    }
  }

  private void schedule(AgentRecord agent, Duration delay) {
    agent.pingTimer = timers.schedule(delay, () -> tick(agent));
  }

  private void tick(AgentRecord agent) {
    agent.pingTimer = -1;
    if (records.agents.get(agent.id) != agent || !agent.connected()) {
      return;
    }
    agent.pingsMissed = agent.heardSincePing ? 0 : agent.pingsMissed + 1;
    agent.heardSincePing = false;
    if (agent.pingsMissed >= liveness.maxPingTimeouts()) {
      unreachable.accept(agent);
      return;
    }
    agent.send(PING);
    schedule(agent, liveness.pingTimeout());
  }
}
