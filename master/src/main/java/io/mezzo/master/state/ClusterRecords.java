package io.mezzo.master.state;

import io.mezzo.master.offers.OfferBook;
import io.mezzo.v1.master.Protos.Event;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records that the parts of {@link ClusterState} share: frameworks, agents, the offer
 * book, and the observer told each change. Plain mutable collections with no behaviour, one instance per {@link ClusterState},
 * touched only on the master's state context.
 */
final class ClusterRecords {
  final Map<String, FrameworkRecord> frameworks = new LinkedHashMap<>();
  /** Ids of removed frameworks: they may not subscribe again, and their reported tasks are shut down. */
  final Set<String> completedFrameworks = new BoundedIds(BoundedIds.MAX_FRAMEWORK_IDS);
  final Map<String, AgentRecord> agents = new LinkedHashMap<>();
  /**
   * Agents marked unreachable (silent past the ping limit, or not re-registered in time): they
   * may still come back, until the removal timeout moves them to {@link #removedAgents}.
   */
  final Map<String, UnreachableAgent> unreachableAgents = new LinkedHashMap<>();
  /** Agents an operator marked gone: they may never register again. */
  final Set<String> goneAgents = new BoundedIds(BoundedIds.MAX_AGENT_IDS);
  /** Agents unreachable for longer than the removal timeout: they may never register again either. */
  final Set<String> removedAgents = new BoundedIds(BoundedIds.MAX_AGENT_IDS);
  final OfferBook offers = new OfferBook(10_000);
  /** Values that task records share instead of holding a copy each; see {@link TaskRecord}. */
  final ProtoInterner shared = new ProtoInterner();
  /**
   * Where agents' registrations are logged: ClusterState's logger, so that the master's log reads
   * as before the state was split into parts; nowhere for a standby's preload ({@link ClusterState#logNothing}).
   */
  Logger log = LoggerFactory.getLogger(ClusterState.class);
  /** Told each change as an operator-stream event; see {@link ClusterState#observe}. */
  ClusterObserver observer = ClusterObserver.NONE;

  /**
   * Tells the observer a state event (every event but the offer events), built only when the
   * observer hears state events ({@link ClusterObserver#hearsStateEvents}).
   */
  void tellState(Supplier<Event> event) {
    if (observer.hearsStateEvents()) {
      observer.applied(event.get());
    }
  }
  /**
   * True while this master may act as leader; asked right before an offer or a launch goes out.
   * See {@link ClusterState#fencedBy}.
   */
  BooleanSupplier leading = () -> true;
  /**
   * Told an agent's id when resources on it became free for a reason other than an offer coming
   * back (a task or executor ended, the agent registered); see {@link ClusterState#onResourcesFreed}.
   */
  java.util.function.Consumer<String> freed = agentId -> { };
  /** Told the events Mesos counts in its metrics; see {@link ClusterState#countInto}. */
  StateCounters counters = StateCounters.NONE;
  /** Ended tasks and removed frameworks kept for the operator API; its limits are set by {@link ClusterState}. */
  CompletedHistory completed = new CompletedHistory(CompletedLimits.MESOS_DEFAULTS);
}
