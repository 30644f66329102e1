package io.mezzo.master.state;

import io.mezzo.v1.Protos.TaskState;

/**
 * Told the events that Mesos counts in its master metrics ({@code master/tasks_finished},
 * {@code master/slave_registrations}, {@code master/valid_status_updates}, ...) as the state
 * applies them. Called on the master's state context, synchronously; an implementation must
 * not block and must not call back into {@link ClusterState}. Counters outlive one term of
 * leadership, so the master hands the same instance to each new state.
 */
public interface StateCounters {
  /** Counts nothing: the state's default until the master sets its counters. */
  StateCounters NONE = new StateCounters() { };

  /** A task moved into a terminal state (each task once), told by its agent or decided by the master. */
  default void taskTerminated(TaskState state) { }

  /** An agent registered for the first time with this master. */
  default void agentRegistered() { }

  /** A known agent registered again (after a disconnection or a master failover). */
  default void agentReregistered() { }

  /** An agent was removed: unreachable, or marked gone by an operator. */
  default void agentRemoved() { }

  /** An agent was marked unreachable (it missed too many pings, or did not re-register in time); before {@link #agentRemoved}. */
  default void agentUnreachable() { }

  /** An agent's status update: valid when it could be forwarded to a connected framework. */
  default void statusUpdate(boolean valid) { }

  /** A framework's acknowledgement: valid when it could be passed on to the task's connected agent. */
  default void statusUpdateAcknowledgement(boolean valid) { }
}
