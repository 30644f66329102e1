package io.mezzo.master.state;

/**
 * Where the leading master's state may be used. {@link ClusterState} and the allocator behind it
 * belong to the master's Vert.x context and take no locks, so each entry point asserts that it
 * runs there: a call from another thread fails at once (with assertions on, as in every test run)
 * instead of corrupting state quietly. Without assertions the check costs nothing, as in the agent.
 */
@FunctionalInterface
public interface StateOwner {
  /** True when the calling thread may use the state now. Cheap; called on every entry point. */
  boolean isCurrent();

  /** The thread that calls this: for tests that drive the state by hand from one thread. */
  static StateOwner currentThread() {
    Thread owner = Thread.currentThread();
    return () -> Thread.currentThread() == owner;
  }
}
