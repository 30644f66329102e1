package io.mezzo.agent.runtime;

import io.mezzo.agent.spi.ContainerLaunchException;
import io.mezzo.agent.spi.ContainerRuntime;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.spi.LaunchedContainer;
import io.mezzo.agent.spi.Termination;
import io.mezzo.agent.support.Timers;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every runtime does the same way, so that a runtime says only how to start, signal, wait
 * for and recover its containers: the table of running containers ({@link ContainerTable}),
 * the kill policy ({@link GracefulKill}), launch refused once closing, close that kills and
 * joins, and the report of each container's end.
 *
 * <p>A runtime implements {@link #prepare} (checks a launch request at once and returns the
 * blocking work that starts it), {@link #signal}, and where it can {@link #adopt} (recovery).
 * Its start and adopt {@link #track} the container, then {@link #follow} it until it ends.
 */
public abstract class AbstractContainerRuntime<C extends RunningContainer> implements ContainerRuntime {
  private static final Logger log = LoggerFactory.getLogger(AbstractContainerRuntime.class);
  private static final int SIGKILL = 9;

  private final BlockingCalls blocking;
  private final ContainerTable<C> containers;

  /**
   * @param timers waits for kill grace periods
   * @param blocking runs every blocking call: start, adopt, signals, what {@link #follow} is given
   */
  protected AbstractContainerRuntime(Timers timers, BlockingCalls blocking) {
    this.blocking = Objects.requireNonNull(blocking, "blocking");
    GracefulKill<C> kills = new GracefulKill<>(timers, blocking, this::signal);
    this.containers = new ContainerTable<>(kills::kill);
  }

  /**
   * Checks {@code request} without blocking and returns the work that starts its container off
   * the event loop; that work {@linkplain #track tracks} and {@linkplain #follow follows} the
   * container before it returns it.
   *
   * @throws ContainerLaunchException when the request cannot be run (the launch fails at once)
   */
  protected abstract Callable<C> prepare(LaunchRequest request);

  /** Sends {@code signal} ({@code "TERM"}, {@code "KILL"}) to the container; see {@link GracefulKill.Signaller}. */
  protected abstract void signal(C container, String signal);

  /**
   * Blocking: finds a container an earlier run of the agent started, tracks and follows it, as
   * {@link #recover} describes. The default cannot recover.
   *
   * @throws ContainerLaunchException saying why it cannot be recovered
   */
  protected C adopt(LaunchRequest request) {
    throw new ContainerLaunchException("The " + name() + " runtime cannot recover containers after an agent restart");
  }

  /** Releases what the runtime holds (clients, caches) once close has seen every container end. */
  protected void release() {
  }

  @Override
  public final Future<LaunchedContainer> launch(LaunchRequest request) {
    Callable<C> start;
    try {
      containers.checkOpen();
      start = prepare(request);
    } catch (ContainerLaunchException e) {
      return Future.failedFuture(e);
    }
    return blocking.call(start).map(RunningContainer::launched);
  }

  @Override
  public final Future<Void> kill(String containerId, Duration gracePeriod) {
    return containers.kill(containerId, gracePeriod);
  }

  @Override
  public Future<LaunchedContainer> recover(LaunchRequest request) {
    return blocking.call(() -> adopt(request)).map(RunningContainer::launched);
  }

  @Override
  public final Future<Void> close(Duration gracePeriod) {
    return containers.close(gracePeriod, this::release);
  }

  /** Where this runtime's blocking work runs. */
  protected final BlockingCalls blocking() {
    return blocking;
  }

  /** Whether a container with this id is running (or still being reported), e.g. to spare it from orphan removal. */
  protected final boolean tracks(String containerId) {
    return containers.contains(containerId);
  }

  /** Adds a started or recovered container to the table; call before {@link #follow}. */
  protected final void track(C container) {
    containers.add(container);
  }

  /**
   * Reports the container's end: once {@code exit} completes, {@code ending} (blocking: reads how
   * it ended and removes what is left of it) runs on the blocking threads, then the container
   * leaves the table and its termination completes (SIGKILL when {@code ending} failed).
   */
  protected final void follow(C container, CompletionStage<?> exit, Callable<Termination> ending) {
    exit.whenComplete((ignored, error) -> blocking.call(ending).onComplete(result -> {
      Termination termination;
      if (result.succeeded()) {
        termination = result.result();
      } else {
        log.warn("[container={}] could not tell how it ended: {}", container.containerId(), result.cause().toString());
        termination = Termination.signalled(SIGKILL, container.killed());
      }
      containers.remove(container);
      log.info("[container={}] ended: {}{}", container.containerId(), termination.message(),
          container.killed() ? " (killed)" : "");
      container.end(termination);
    }));
  }

  /** As {@link #follow(RunningContainer, CompletionStage, Callable)}, with {@code ending} waiting for the end itself. */
  protected final void follow(C container, Callable<Termination> ending) {
    follow(container, CompletableFuture.completedFuture(null), ending);
  }
}
