package io.mezzo.agent.runtime;

import io.mezzo.agent.spi.ContainerLaunchException;
import io.mezzo.agent.spi.Termination;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A runtime's running containers by id, and its closing: once closed, launches are refused, a
 * container that a launch already under way adds is killed at once, and {@link #close} completes
 * when every container running at the time has ended. Safe to use from any thread.
 */
public final class ContainerTable<C extends RunningContainer> {
  private static final Logger log = LoggerFactory.getLogger(ContainerTable.class);

  private final ConcurrentMap<String, C> containers = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Promise<Void> closedPromise = Promise.promise();
  private final BiFunction<? super C, Duration, Future<Void>> kill;

  /** @param kill kills one container with a grace period (e.g. {@link GracefulKill#kill}) */
  public ContainerTable(BiFunction<? super C, Duration, Future<Void>> kill) {
    this.kill = Objects.requireNonNull(kill, "kill");
  }

  /** @throws ContainerLaunchException when the table is closed: the agent is shutting down */
  public void checkOpen() {
    if (closed.get()) {
      throw new ContainerLaunchException("The agent is shutting down");
    }
  }

  /**
   * Adds a container that was started or recovered, before its end is watched (so that its end
   * finds it). When {@link #close} ran meanwhile, it is killed at once: it must not outlive the agent.
   */
  public void add(C container) {
    containers.put(container.containerId(), container);
    if (closed.get()) {
      kill.apply(container, Duration.ZERO);
    }
  }

  /** Removes a container that has ended. */
  public void remove(C container) {
    containers.remove(container.containerId(), container);
  }

  /** Whether a container with this id is in the table. */
  public boolean contains(String containerId) {
    return containers.containsKey(containerId);
  }

  /** Kills the container with this id; an unknown one (never started, or ended) is no error. */
  public Future<Void> kill(String containerId, Duration gracePeriod) {
    C container = containers.get(containerId);
    return container == null ? Future.succeededFuture() : kill.apply(container, gracePeriod);
  }

  /**
   * Closes the table: kills every container in it with {@code gracePeriod}, and once they have all
   * ended runs {@code release} (the runtime's clients and caches) and completes. Later calls
   * return the same future.
   */
  public Future<Void> close(Duration gracePeriod, Runnable release) {
    if (!closed.compareAndSet(false, true)) {
      return closedPromise.future();
    }
    List<Future<Termination>> terminations = new ArrayList<>();
    for (C container : containers.values()) {
      kill.apply(container, gracePeriod);
      terminations.add(container.termination());
    }
    Future.join(terminations).onComplete(ignored -> {
      try {
        release.run();
      } catch (RuntimeException e) {
        log.warn("Releasing the runtime's resources failed: {}", e.toString());
      } finally {
        closedPromise.complete();
      }
    });
    return closedPromise.future();
  }
}
