package io.mezzo.master.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An agent the master marked unreachable: since when, and the tasks it ran then (Mesos's
 * unreachable tasks, listed by GET_TASKS). Empty after a master failover, which recovers the
 * agent's id and time from the registry only.
 */
final class UnreachableAgent {
  final String id;
  final Instant since;
  final List<TaskRecord> tasks = new ArrayList<>();
  long removalTimer = -1;

  UnreachableAgent(String id, Instant since) {
    this.id = id;
    this.since = since;
  }
}
