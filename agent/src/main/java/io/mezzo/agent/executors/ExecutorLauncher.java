package io.mezzo.agent.executors;

import io.mezzo.agent.sandbox.SandboxLayout;
import io.mezzo.agent.spi.ContainerLaunchException;
import io.mezzo.agent.spi.ContainerRuntime;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.spi.LaunchedContainer;
import io.mezzo.agent.tasks.HostServices;
import io.mezzo.agent.tasks.TaskSupervisor;
import io.mezzo.protocol.MesosDurations;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Starts a custom executor as a container of the agent's runtimes: makes its sandbox
 * ({@code <work>/frameworks/<fid>/executors/<eid>/runs/<container>/}) and runs its
 * {@code ExecutorInfo.command} there with the environment a Mesos agent gives executors.
 * Called on the agent's context.
 */
final class ExecutorLauncher {
  private final Context context;
  private final SandboxLayout layout;
  private final Map<String, ContainerRuntime> runtimes;
  private final Supplier<AgentID> agentId;
  private final Supplier<String> agentEndpoint;
  private final Consumer<RunningExecutor> beforeLaunch;
  private final Optional<ExecutorTokens> tokens;
  private final Map<String, String> tlsEnvironment;

  /**
   * @param agentEndpoint {@code ip:port} of the agent's HTTP API, where the executor API is
   * @param tokens when present, each executor gets its token in {@value ExecutorTokens#ENV}
   * @param tlsEnvironment what executors are told about the agent's TLS, added to their environment
   * @param beforeLaunch told, on the context, once the executor's sandbox and launch request
   *     are ready and just before its runtime launches it (the agent checkpoints it then, so
   *     executors are told {@code MESOS_CHECKPOINT=1} and re-subscribe after an agent restart)
   */
  ExecutorLauncher(HostServices services, Supplier<String> agentEndpoint, Optional<ExecutorTokens> tokens,
      Consumer<RunningExecutor> beforeLaunch, Map<String, String> tlsEnvironment) {
    this.tokens = tokens;
    this.tlsEnvironment = Map.copyOf(tlsEnvironment);
    this.context = services.context();
    this.layout = services.layout();
    this.runtimes = services.runtimes();
    this.agentId = services::agentId;
    this.agentEndpoint = Objects.requireNonNull(agentEndpoint, "agentEndpoint");
    this.beforeLaunch = Objects.requireNonNull(beforeLaunch, "beforeLaunch");
  }

  /**
   * Creates the sandbox (setting {@code executor.sandbox}) and launches the executor; fails with
   * a {@link ContainerLaunchException} saying why it cannot run.
   */
  Future<LaunchedContainer> launch(RunningExecutor executor, Duration shutdownGracePeriod) {
    ExecutorInfo info = executor.info;
    if (!info.hasCommand()) {
      return Future.failedFuture(new ContainerLaunchException(
          "Executor '" + executor.id() + "' has no command (ExecutorInfo.command is not set)"));
    }
    ContainerRuntime runtime = runtime(info);
    if (runtime == null) {
      return Future.failedFuture(new ContainerLaunchException("Runtime '" + runtimeName(info)
          + "' is not enabled on this agent (enabled: " + String.join(", ", runtimes.keySet()) + ")"));
    }
    String fid = executor.frameworkId.getValue();
    return context.executeBlocking(() -> layout.createRun(fid, executor.id(), executor.containerId), false)
        .recover(e -> Future.failedFuture(new ContainerLaunchException("Failed to create the sandbox: " + e.getMessage(), e)))
        .compose(sandbox -> {
          executor.sandbox = sandbox;
          executor.sandboxPath = SandboxLayout.virtualLatestPath(fid, executor.id());
          executor.launchRequest = new LaunchRequest(executor.containerId, executor.frameworkId, asTask(info), sandbox,
              environment(executor, sandbox, shutdownGracePeriod));
          beforeLaunch.accept(executor);
          return runtime.launch(executor.launchRequest);
        });
  }

  /** Finds an executor an earlier run of the agent launched with {@code executor.launchRequest}. */
  Future<LaunchedContainer> recover(RunningExecutor executor) {
    ContainerRuntime runtime = runtime(executor.info);
    if (runtime == null) {
      return Future.failedFuture(new ContainerLaunchException("Runtime '" + runtimeName(executor.info)
          + "' is not enabled on this agent"));
    }
    return runtime.recover(executor.launchRequest);
  }

  /** Asks the executor's runtime to stop it: SIGTERM now, SIGKILL after {@code gracePeriod}. */
  Future<Void> kill(RunningExecutor executor, Duration gracePeriod) {
    ContainerRuntime runtime = runtime(executor.info);
    return runtime == null ? Future.succeededFuture() : runtime.kill(executor.containerId, gracePeriod);
  }

  /** The variables a Mesos agent sets for an executor (docs/executor-http-api.md). */
  Map<String, String> environment(RunningExecutor executor, Path sandbox, Duration shutdownGracePeriod) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("MESOS_FRAMEWORK_ID", executor.frameworkId.getValue());
    env.put("MESOS_EXECUTOR_ID", executor.id());
    env.put("MESOS_AGENT_ENDPOINT", agentEndpoint.get());
    env.put("MESOS_DIRECTORY", sandbox.toString());
    env.put("MESOS_SANDBOX", sandbox.toString());
    env.put("MEZZO_SANDBOX", sandbox.toString());
    // As a Mesos agent for a checkpointing framework: the executor outlives an agent restart and
    // subscribes again (with backoff, up to the recovery timeout) once the agent is back.
    env.put("MESOS_CHECKPOINT", "1");
    env.put("MESOS_RECOVERY_TIMEOUT", "15mins");
    env.put("MESOS_SUBSCRIPTION_BACKOFF_MAX", "2secs");
    env.put("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", MesosDurations.format(shutdownGracePeriod));
    env.put("MESOS_HTTP_COMMAND_EXECUTOR", "0");
    env.put("MESOS_CONTAINER_ID", executor.containerId);
    tokens.ifPresent(t -> env.put(ExecutorTokens.ENV, t.issue(executor.frameworkId.getValue(), executor.id())));
    env.putAll(tlsEnvironment);
    AgentID id = agentId.get();
    if (id != null) {
      env.put("MESOS_AGENT_ID", id.getValue());
      env.put("MESOS_SLAVE_ID", id.getValue());
    }
    return env;
  }

  private ContainerRuntime runtime(ExecutorInfo info) {
    return runtimes.get(runtimeName(info));
  }

  private static String runtimeName(ExecutorInfo info) {
    return info.hasContainer() ? TaskSupervisor.runtimeName(info.getContainer()) : "process";
  }

  /** The executor as the runtime SPI sees a launch: a "task" named after the executor, running its command. */
  private TaskInfo asTask(ExecutorInfo info) {
    TaskInfo.Builder task = TaskInfo.newBuilder()
        .setName(info.hasName() ? info.getName() : info.getExecutorId().getValue())
        .setTaskId(TaskID.newBuilder().setValue(info.getExecutorId().getValue()))
        .setCommand(info.getCommand())
        .addAllResources(info.getResourcesList());
    AgentID id = agentId.get();
    task.setAgentId(id != null ? id : AgentID.newBuilder().setValue("unregistered").build());
    if (info.hasContainer()) {
      task.setContainer(info.getContainer());
    }
    return task.build();
  }
}
