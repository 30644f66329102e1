package io.mezzo.agent.tasks;

import io.mezzo.agent.fetcher.FetchException;
import io.mezzo.agent.fetcher.Fetcher;
import io.mezzo.agent.spi.ContainerRuntime;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.spi.LaunchedContainer;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.Context;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a checked task: makes its sandbox and fetches its URIs into it (off the loop), launches
 * it in its runtime with the environment a Mesos agent gives tasks, then watches its container.
 * Owned by the agent's context.
 */
final class TaskLauncher {
  private static final Logger log = LoggerFactory.getLogger(TaskLauncher.class);

  private final HostServices services;
  private final TaskLifecycle lifecycle;
  private final TaskCheckpoints checkpoints;
  private final Fetcher fetcher;

  TaskLauncher(HostServices services, TaskLifecycle lifecycle, TaskCheckpoints checkpoints, Fetcher fetcher) {
    this.services = services;
    this.lifecycle = lifecycle;
    this.checkpoints = checkpoints;
    this.fetcher = fetcher;
  }

  /** Creates the task's sandbox and fetches its URIs into it (blocking, off the loop), then launches it. */
  void start(LiveTask live, ContainerRuntime runtime, Callable<Path> createSandbox, String virtualSandbox) {
    Context context = services.context();
    context.executeBlocking(createSandbox, false).onComplete(sandbox -> {
      if (sandbox.failed()) {
        lifecycle.update(live, TaskState.TASK_FAILED, TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED,
            "Failed to create the sandbox: " + sandbox.cause().getMessage());
        return;
      }
      live.sandbox = virtualSandbox;
      live.sandboxDir = sandbox.result();
      List<CommandInfo.URI> uris = live.task.getCommand().getUrisList();
      if (uris.isEmpty()) {
        launch(live, runtime, sandbox.result());
        return;
      }
      log.info("[framework={}] [task={}] fetching {} URIs", live.frameworkId.getValue(), live.id(), uris.size());
      context.<Void>executeBlocking(() -> {
        // Local files are read with the rights of the user the task runs as, not the agent's.
        fetcher.fetch(uris, sandbox.result(), io.mezzo.agent.runtime.ProcessRuntime.localFilesFor(
            launchRequest(live).user()));
        return null;
      }, false).onComplete(fetched -> {
        if (fetched.failed()) {
          Throwable cause = fetched.cause();
          String message = cause instanceof FetchException ? cause.getMessage() : "Fetcher failed: " + cause;
          log.warn("[framework={}] [task={}] {}", live.frameworkId.getValue(), live.id(), message);
          lifecycle.update(live, TaskState.TASK_FAILED, TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED, message);
        } else {
          launch(live, runtime, sandbox.result());
        }
      });
    });
  }

  /** Follows a running container: its end becomes the task's terminal update; kills and health checks go to it. */
  void watch(LiveTask live, ContainerRuntime runtime, LaunchedContainer container) {
    container.termination().onComplete(end -> services.context().runOnContext(w -> lifecycle.terminated(live, end.result())));
    if (live.pendingKill != null) {
      runtime.kill(live.containerId, live.pendingKill);
    } else if (live.task.hasHealthCheck() && !live.killRequested && !container.termination().isComplete()) {
      lifecycle.startHealthChecks(live);
    }
  }

  LaunchRequest launchRequest(LiveTask live) {
    return new LaunchRequest(live.containerId, live.frameworkId, live.task, live.sandboxDir, live.environment,
        live.frameworkInfo == null ? "" : live.frameworkInfo.getUser());
  }

  private void launch(LiveTask live, ContainerRuntime runtime, Path sandbox) {
    if (live.killRequested) {
      lifecycle.update(live, TaskState.TASK_KILLED, TaskStatus.Reason.REASON_TASK_KILLED_DURING_LAUNCH,
          "Task killed before it was launched");
      return;
    }
    lifecycle.update(live, TaskState.TASK_STARTING, null, null);
    live.environment = environment(live, sandbox);
    checkpoints.write(live);
    runtime.launch(launchRequest(live)).onComplete(result -> services.context().runOnContext(v -> {
      if (result.failed()) {
        log.warn("[framework={}] [task={}] launch failed: {}", live.frameworkId.getValue(), live.id(), result.cause().getMessage());
        lifecycle.update(live, TaskState.TASK_FAILED, TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED,
            result.cause().getMessage());
        return;
      }
      LaunchedContainer container = result.result();
      live.launched = true;
      lifecycle.update(live, TaskState.TASK_RUNNING, null, null);
      watch(live, runtime, container);
    }));
  }

  private Map<String, String> environment(LiveTask live, Path sandbox) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("MESOS_SANDBOX", sandbox.toString());
    env.put("MEZZO_SANDBOX", sandbox.toString());
    env.put("MESOS_TASK_ID", live.id());
    env.put("MESOS_EXECUTOR_ID", live.executor != null ? live.executor.getExecutorId().getValue() : live.id());
    env.put("MESOS_FRAMEWORK_ID", live.frameworkId.getValue());
    env.put("MESOS_CONTAINER_ID", live.containerId);
    env.put("MESOS_DIRECTORY", sandbox.toString());
    AgentID id = services.agentId();
    if (id != null) {
      env.put("MESOS_AGENT_ID", id.getValue());
      env.put("MESOS_SLAVE_ID", id.getValue());
    }
    return env;
  }
}
