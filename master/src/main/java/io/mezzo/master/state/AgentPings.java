package io.mezzo.master.state;

import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import java.util.function.Consumer;

/**
 * The master's health check of connected agents, as Mesos's agent observer does it: a PING every
 * {@link AgentLiveness#pingTimeout()}; each interval in which the agent neither answered (PONG)
 * nor sent any other call counts as one timeout; {@link AgentLiveness#maxPingTimeouts()} in a
 * row make it unreachable. So an agent is marked unreachable between timeout × max and
 * timeout × (max + 1) after the master last heard from it. Runs on the state's context; the
 * per-agent count lives in {@link AgentRecord}.
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
    schedule(agent);
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

  private void schedule(AgentRecord agent) {
    if (liveness.pingTimeout() != null) {
      agent.pingTimer = timers.schedule(liveness.pingTimeout(), () -> tick(agent));
    }
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
    schedule(agent);
  }
}
