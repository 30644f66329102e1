package io.mezzo.agent.testing;

import io.mezzo.agent.spi.ContainerLaunchException;
import io.mezzo.agent.spi.ContainerRuntime;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.spi.LaunchedContainer;
import io.mezzo.agent.spi.Termination;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A runtime that starts nothing: the test decides when each container ends. Named "process". */
public final class FakeRuntime implements ContainerRuntime {
  private final Map<String, Promise<Termination>> running = new ConcurrentHashMap<>();
  private final Map<String, String> containerOfTask = new ConcurrentHashMap<>();
  private final List<LaunchRequest> launches = new CopyOnWriteArrayList<>();
  private final List<String> kills = new CopyOnWriteArrayList<>();
  private volatile String failLaunchWith;

  @Override
  public String name() {
    return "process";
  }

  @Override
  public Future<LaunchedContainer> launch(LaunchRequest request) {
    launches.add(request);
    if (failLaunchWith != null) {
      return Future.failedFuture(new ContainerLaunchException(failLaunchWith));
    }
    Promise<Termination> termination = Promise.promise();
    running.put(request.containerId(), termination);
    containerOfTask.put(request.task().getTaskId().getValue(), request.containerId());
    return Future.succeededFuture(new LaunchedContainer(request.containerId(), -1, termination.future()));
  }

  @Override
  public Future<Void> kill(String containerId, Duration gracePeriod) {
    kills.add(containerId);
    Promise<Termination> termination = running.remove(containerId);
    if (termination != null) {
      termination.tryComplete(Termination.signalled(15, true));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close(Duration gracePeriod) {
    for (String containerId : new ArrayList<>(running.keySet())) {
      kill(containerId, gracePeriod);
    }
    return Future.succeededFuture();
  }

  /** Ends the task's container with an exit code. */
  public void exit(String taskId, int exitCode) {
    Promise<Termination> termination = running.remove(containerOfTask.get(taskId));
    if (termination == null) {
      throw new IllegalStateException("Task " + taskId + " is not running");
    }
    termination.complete(Termination.exited(exitCode, false));
  }

  public void failLaunchesWith(String message) {
    this.failLaunchWith = message;
  }

  public List<LaunchRequest> launches() {
    return List.copyOf(launches);
  }

  public List<String> kills() {
    return List.copyOf(kills);
  }

  public boolean isRunning(String taskId) {
    String containerId = containerOfTask.get(taskId);
    return containerId != null && running.containsKey(containerId);
  }
}
