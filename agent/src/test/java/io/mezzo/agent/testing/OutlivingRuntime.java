package io.mezzo.agent.testing;

import io.mezzo.agent.spi.ContainerRuntime;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.spi.LaunchedContainer;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Set;

/**
 * A runtime whose containers outlive the agent: {@link #close} leaves them running, as a kill -9
 * of the agent would, so that closing the agent's Vert.x under it (which undeploys it) stages a
 * crash for a second agent on the same work dir to recover from. Everything else goes to the
 * runtime it wraps.
 */
public final class OutlivingRuntime implements ContainerRuntime {
  private final ContainerRuntime runtime;

  public OutlivingRuntime(ContainerRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public String name() {
    return runtime.name();
  }

  @Override
  public Future<LaunchedContainer> launch(LaunchRequest request) {
    return runtime.launch(request);
  }

  @Override
  public Future<Void> kill(String containerId, Duration gracePeriod) {
    return runtime.kill(containerId, gracePeriod);
  }

  @Override
  public Future<LaunchedContainer> recover(LaunchRequest request) {
    return runtime.recover(request);
  }

  @Override
  public Future<Void> removeOrphans(Set<String> keep) {
    return runtime.removeOrphans(keep);
  }

  @Override
  public Future<Void> close(Duration gracePeriod) {
    return Future.succeededFuture();
  }
}
