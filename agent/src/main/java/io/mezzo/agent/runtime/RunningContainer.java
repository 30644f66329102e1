package io.mezzo.agent.runtime;

import io.mezzo.agent.spi.LaunchedContainer;
import io.mezzo.agent.spi.Termination;
import io.mezzo.agent.support.Timers;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every runtime keeps of a container it started or recovered: its id and main pid, the
 * termination the agent waits for, whether the agent asked to kill it, and the SIGKILL still
 * pending after a SIGTERM. A runtime extends it with its own handles (a wrapper process and a
 * cgroup, a Docker container id). Safe to use from any thread.
 */
public class RunningContainer {
  private final String containerId;
  private final long pid;
  private final Promise<Termination> termination = Promise.promise();
  private final AtomicBoolean killed = new AtomicBoolean();
  private final AtomicReference<Timers.Timer> escalation = new AtomicReference<>();

  /**
   * @param pid the main process id (the process group for the process runtime), -1 for none
   */
  protected RunningContainer(String containerId, long pid) {
    this.containerId = Objects.requireNonNull(containerId, "containerId");
    this.pid = pid;
  }

  public final String containerId() {
    return containerId;
  }

  public final long pid() {
    return pid;
  }

  /** True once the agent has asked to kill it: its termination then says {@code killed}. */
  public final boolean killed() {
    return killed.get();
  }

  /** True once its termination is complete. */
  public final boolean ended() {
    return termination.future().isComplete();
  }

  public final Future<Termination> termination() {
    return termination.future();
  }

  /** The container as {@link io.mezzo.agent.spi.ContainerRuntime#launch} hands it to the agent. */
  public final LaunchedContainer launched() {
    return new LaunchedContainer(containerId, pid, termination.future());
  }

  /**
   * Whether its processes may still run; asked (off the event loop) before a SIGKILL is sent.
   * The default, for runtimes that cannot tell cheaply, is "until it has ended".
   */
  protected boolean alive() {
    return !ended();
  }

  /** Marks it killed; true only the first time, when the signals are to be sent. */
  final boolean markKilled() {
    return killed.compareAndSet(false, true);
  }

  /** Keeps the SIGKILL timer, cancelling it at once when the container has ended meanwhile. */
  final void escalateWith(Timers.Timer timer) {
    escalation.set(timer);
    if (ended()) {
      cancelEscalation();
    }
  }

  private void cancelEscalation() {
    Timers.Timer timer = escalation.getAndSet(null);
    if (timer != null) {
      timer.cancel();
    }
  }

  /** Completes the termination (once; later calls do nothing) and cancels a pending SIGKILL. */
  final void end(Termination ending) {
    // Completed first, then cancelled: escalateWith, racing with this, sees one or the other.
    termination.tryComplete(ending);
    cancelEscalation();
  }
}
