package io.mezzo.agent;

import io.mezzo.agent.support.ContextTimers;
import io.mezzo.agent.support.RegistrationFile;
import io.mezzo.agent.support.Timers;

import io.mezzo.agent.channel.AgentCalls;
import io.mezzo.agent.checkpoint.CheckpointStore;
import io.mezzo.protocol.internal.Checkpoints.CheckpointedExecutor;
import io.mezzo.agent.channel.MasterLink;
import io.mezzo.agent.channel.ReconnectBackoff;
import io.mezzo.agent.detector.MasterAddress;
import io.mezzo.agent.detector.MasterDetector;
import io.mezzo.agent.executors.ExecutorApi;
import io.mezzo.agent.executors.ExecutorRegistry;
import io.mezzo.agent.executors.ExecutorView;
import io.mezzo.agent.files.FilesHandler;
import io.mezzo.agent.files.FilesRoot;
import io.mezzo.agent.http.AgentHttpServer;
import io.mezzo.agent.runtime.docker.DockerEngine;
import io.mezzo.agent.runtime.docker.DockerRuntime;
import io.mezzo.agent.fetcher.Fetcher;
import io.mezzo.agent.health.HealthCheckers;
import io.mezzo.agent.runtime.ProcessRuntime;
import io.mezzo.agent.runtime.cgroups.Cgroups;
import io.mezzo.agent.sandbox.LogRotator;
import io.mezzo.agent.runtime.oci.OciRuntime;
import io.mezzo.agent.sandbox.SandboxLayout;
import io.mezzo.agent.spi.ContainerRuntime;
import io.mezzo.agent.status.StatusUpdateManager;
import io.mezzo.agent.tasks.TaskSupervisor;
import io.mezzo.agent.tasks.TaskView;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.protocol.internal.AgentChannel.RunningTask;
import io.mezzo.protocol.internal.AgentChannel.StatusUpdate;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.Attribute;
import io.mezzo.v1.Protos.ExecutorID;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.KillPolicy;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.Value;
import com.google.protobuf.ByteString;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Mezzo agent: registers its resources with the leading master, runs the tasks the master
 * sends in its runtimes (command tasks itself, other tasks through their framework's custom
 * executor and the v1 executor API), reports their status updates until acknowledged, and
 * serves its sandboxes over HTTP.
 *
 * <p>All mutable state is owned by one Vert.x context; blocking work runs in
 * {@code executeBlocking}. {@link #start()} runs once; {@link #close()} is idempotent and kills
 * every task still running, so that nothing is left behind.
 */
public final class Agent {
  public static final String VERSION = Objects.requireNonNullElse(Agent.class.getPackage().getImplementationVersion(), "dev");
  /** The text attribute in which the agent shows its runtimes ({@code process,docker}). */
  public static final String RUNTIMES_ATTRIBUTE = "runtimes";
  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  private final AgentConfig config;
  private final Vertx vertx;
  private final boolean ownsVertx;
  private final Context context;
  private final Map<String, ContainerRuntime> runtimes;
  private final HttpClient httpClient;
  private final CheckpointStore checkpoints;
  private final StatusUpdateManager statusUpdates;
  private final TaskSupervisor supervisor;
  private final ExecutorRegistry executors;
  private final MasterLink link;
  private final AgentHttpServer httpServer;
  private final LogRotator logRotator;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final Promise<Void> closed = Promise.promise();
  private volatile AgentID agentId;
  private boolean registrationWritten;
  /** Calls for the master made before the agent registered (owned by the context). */
  private final List<java.util.function.Function<AgentID, AgentCall>> heldForRegistration = new java.util.ArrayList<>();
  private volatile int httpPort = -1;

  /** An agent with its own Vert.x instance, Vert.x timers and the process runtime. */
  public Agent(AgentConfig config, Clock clock) {
    this(config, clock, null, null, null);
  }

  /**
   * An agent on a shared Vert.x instance (not closed by {@link #close()}), with injected
   * timers and runtimes (one per name in {@code config.runtimes()}).
   *
   * @throws IllegalArgumentException when a configured runtime has no implementation
   */
  public Agent(AgentConfig config, Clock clock, Vertx vertx, Timers timers, List<ContainerRuntime> runtimes) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    this.config = config;
    this.ownsVertx = vertx == null;
    this.vertx = vertx == null ? Vertx.vertx() : vertx;
    Timers rawTimers = timers == null ? Timers.vertx(this.vertx) : timers;
    this.runtimes = selectRuntimes(config, runtimes == null ? defaultRuntimes(config, rawTimers) : runtimes);
    this.context = this.vertx.getOrCreateContext();
    Timers onContext = new ContextTimers(rawTimers, context);
    this.httpClient = this.vertx.createHttpClient(
        new HttpClientOptions().setConnectTimeout(5_000).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(8));
    SandboxLayout layout = new SandboxLayout(config.workDir());
    this.checkpoints = new CheckpointStore(config.workDir());
    this.statusUpdates = new StatusUpdateManager(clock, onContext, () -> agentId, this::sendStatusUpdate, this::forget,
        this::pendingChanged);
    this.supervisor = new TaskSupervisor(context, layout, this.runtimes, statusUpdates, () -> agentId,
        (frameworkId, executorId) -> sendOrHold("executor termination",
            id -> AgentCalls.executorTerminated(id, frameworkId, executorId, 0)),
        new Fetcher(), new HealthCheckers(rawTimers, clock), checkpoints);
    this.executors = new ExecutorRegistry(context, onContext, layout, this.runtimes, statusUpdates, this::agentInfo,
        () -> config.ip() + ":" + httpPort, new ExecutorRegistry.MasterNotifier() {
          @Override
          public void executorMessage(FrameworkID frameworkId, ExecutorID executorId, ByteString data) {
            sendToMaster("executor message", id -> AgentCalls.executorMessage(id, frameworkId, executorId, data));
          }

          @Override
          public void executorTerminated(FrameworkID frameworkId, ExecutorID executorId, Integer status) {
            sendOrHold("executor termination", id -> AgentCalls.executorTerminated(id, frameworkId, executorId, status));
          }
        }, config.executorRegistrationTimeout(), checkpoints);
    this.link = new MasterLink(
        context,
        httpClient,
        MasterDetector.of(config.master(), context),
        onContext,
        clock,
        ReconnectBackoff.standard(),
        this::registerCall,
        new MasterLink.Listener() {
          @Override
          public void registered(AgentID id, MasterAddress master) {
            onRegistered(id, master);
          }

          @Override
          public void event(AgentEvent event) {
            onEvent(event);
          }
        });
    this.httpServer = new AgentHttpServer(
        this.vertx, config.ip(), config.port(),
        new FilesHandler(this.vertx, new FilesRoot(config.workDir())), new ExecutorApi(context, executors), this::state);
    // Vert.x timers even when tests inject manual ones: rotation is housekeeping, not a timeout
    // a test moves time for, and a timer re-armed every second would show among theirs.
    this.logRotator = new LogRotator(context, new ContextTimers(Timers.vertx(this.vertx), context), () -> {
      List<java.nio.file.Path> live = new java.util.ArrayList<>(supervisor.liveSandboxes());
      live.addAll(executors.liveSandboxes());
      return live;
    }, config.logMaxSize(), config.logMaxFiles(), LogRotator.DEFAULT_INTERVAL);
  }

  /**
   * Starts the HTTP API, recovers what an earlier run of the agent in the same work dir left
   * (its agent id, its checkpointed tasks and their unacknowledged updates; see
   * {@link TaskSupervisor#recover}), then looks for the master; completes when the HTTP API is
   * listening and recovery is done.
   */
  public Future<Void> start() {
    if (!started.compareAndSet(false, true)) {
      return Future.failedFuture(new IllegalStateException("The agent was already started"));
    }
    Promise<Void> listening = Promise.promise();
    context.runOnContext(v -> context.executeBlocking(() -> {
          Files.createDirectories(config.workDir());
          String previousId = RegistrationFile.readAgentId(config.workDir());
          if (previousId != null) {
            agentId = AgentID.newBuilder().setValue(previousId).build();
          }
          return new Checkpointed(checkpoints.load(), checkpoints.loadExecutors());
        }, false)
        .compose(this::recover)
        .compose(recovered -> httpServer.listen())
        .compose(port -> {
          httpPort = port;
          log.info("Agent HTTP API on {}:{}, work dir {}, master {}", config.ip(), port, config.workDir(), config.master());
          return link.start();
        })
        .onSuccess(ignored -> logRotator.start())
        .onComplete(listening));
    return listening.future();
  }

  /** Stops talking to the master, kills every running task, stops the HTTP API. Idempotent. */
  public Future<Void> close() {
    if (!closing.compareAndSet(false, true)) {
      return closed.future();
    }
    context.runOnContext(v -> logRotator.close()
        .transform(ignored -> link.close())
        .transform(ignored -> {
          executors.close();
          return supervisor.close();
        })
        .transform(ignored -> {
          statusUpdates.close();
          return httpServer.close();
        })
        .transform(ignored -> httpClient.close())
        .onComplete(ignored -> {
          log.info("Agent {} stopped", agentId == null ? "(unregistered)" : agentId.getValue());
          if (ownsVertx) {
            // Closed from outside its own event loops: a close future bound to one of them
            // could never complete once they are gone.
            Thread closer = new Thread(() -> vertx.close().onComplete(done -> closed.tryComplete()), "mezzo-agent-close");
            closer.setDaemon(true);
            closer.start();
          } else {
            closed.tryComplete();
          }
        }));
    return closed.future();
  }

  private record Checkpointed(List<CheckpointStore.Recovered> tasks, List<CheckpointedExecutor> executors) {}

  /**
   * Hands what an earlier run of the agent checkpointed to the executor registry (custom
   * executors and their tasks) and the task supervisor (the rest), then has every runtime
   * remove what neither took up.
   */
  private Future<Void> recover(Checkpointed checkpointed) {
    List<CheckpointStore.Recovered> executorTasks = checkpointed.tasks().stream()
        .filter(r -> r.task() != null && r.task().getCustomExecutor()).toList();
    List<CheckpointStore.Recovered> commandTasks = checkpointed.tasks().stream()
        .filter(r -> r.task() == null || !r.task().getCustomExecutor()).toList();
    if (!checkpointed.tasks().isEmpty() || !checkpointed.executors().isEmpty()) {
      log.info("Recovering {} checkpointed tasks and {} executors of agent {} (--recover={})",
          checkpointed.tasks().size(), checkpointed.executors().size(),
          agentId == null ? "(unregistered)" : agentId.getValue(), config.recover().name().toLowerCase(java.util.Locale.ROOT));
    }
    return executors.recover(checkpointed.executors(), executorTasks, config.recover())
        .compose(v -> supervisor.recover(commandTasks, config.recover()))
        .compose(v -> {
          java.util.Set<String> keep = new java.util.HashSet<>(supervisor.containerIds());
          keep.addAll(executors.containerIds());
          List<Future<Void>> removing = new java.util.ArrayList<>();
          runtimes.forEach((name, runtime) -> removing.add(runtime.removeOrphans(keep)
              .onFailure(e -> log.warn("Runtime {} could not remove what an earlier agent left: {}", name, e.toString()))));
          return Future.join(removing).transform(ignored -> Future.<Void>succeededFuture());
        });
  }

  /** The id the master gave this agent, or null before the first registration. */
  public String agentId() {
    AgentID id = agentId;
    return id == null ? null : id.getValue();
  }

  /** The port of the agent's HTTP API, or -1 before {@link #start()} completed. */
  public int httpPort() {
    return httpPort;
  }

  public AgentConfig config() {
    return config;
  }

  /** What {@code GET /state} answers, rendered on the agent's context. */
  public Future<JsonObject> state() {
    Promise<JsonObject> state = Promise.promise();
    context.runOnContext(v -> {
      JsonArray tasks = new JsonArray();
      List<TaskView> views = new java.util.ArrayList<>(supervisor.views());
      views.addAll(executors.taskViews());
      for (TaskView task : views) {
        tasks.add(new JsonObject()
            .put("id", task.id())
            .put("framework_id", task.frameworkId())
            .put("state", task.state().name())
            .put("sandbox", task.sandbox()));
      }
      JsonArray executorList = new JsonArray();
      for (ExecutorView executor : executors.views()) {
        executorList.add(new JsonObject()
            .put("id", executor.id())
            .put("framework_id", executor.frameworkId())
            .put("container", executor.containerId())
            .put("pid", executor.pid())
            .put("subscribed", executor.subscribed())
            .put("state", executor.state())
            .put("sandbox", executor.sandbox())
            .put("tasks", new JsonArray(executor.tasks())));
      }
      MasterAddress master = link.master();
      state.complete(new JsonObject()
          .put("id", agentId())
          .put("hostname", config.hostname())
          .put("port", httpPort)
          .put("master", master == null ? null : master.toString())
          .put("registered", link.registered())
          .put("tasks", tasks)
          .put("executors", executorList));
    });
    return state.future();
  }

  private AgentInfo agentInfo() {
    AgentInfo.Builder info = AgentInfo.newBuilder()
        .setHostname(config.hostname())
        .setPort(httpPort)
        .addAllResources(config.resources())
        .addAllAttributes(config.attributes());
    if (config.attributes().stream().noneMatch(a -> a.getName().equals(RUNTIMES_ATTRIBUTE))) {
      info.addAttributes(Attribute.newBuilder().setName(RUNTIMES_ATTRIBUTE).setType(Value.Type.TEXT)
          .setText(Value.Text.newBuilder().setValue(String.join(",", config.runtimes()))));
    }
    if (agentId != null) {
      info.setId(agentId);
    }
    return info.build();
  }

  private AgentCall registerCall() {
    List<RunningTask> tasks = new java.util.ArrayList<>(supervisor.runningTasks());
    tasks.addAll(executors.runningTasks());
    return AgentCalls.register(agentInfo(), tasks, config.runtimes(), VERSION);
  }

  /** Best effort: what cannot be sent now (not registered, or the send fails) is dropped. */
  private void sendToMaster(String what, java.util.function.Function<AgentID, AgentCall> call) {
    AgentID id = agentId;
    if (id == null || !link.registered()) {
      log.warn("Not registered with a master; dropping an {}", what);
      return;
    }
    link.send(call.apply(id)).onFailure(e -> log.warn("Could not send an {} to the master: {}", what, e.getMessage()));
  }

  /**
   * As {@link #sendToMaster}, but what cannot be sent before the agent is registered (an
   * executor found gone during recovery) waits for the registration, so that the master frees
   * the executor's resources. Called on the agent's context.
   */
  private void sendOrHold(String what, java.util.function.Function<AgentID, AgentCall> call) {
    if (agentId == null || !link.registered()) {
      log.info("Not registered with a master yet; the {} goes once it is", what);
      heldForRegistration.add(call);
      return;
    }
    sendToMaster(what, call);
  }

  private void onRegistered(AgentID id, MasterAddress master) {
    AgentID previous = agentId;
    agentId = id;
    if (previous == null) {
      log.info("Agent {} registered with master {}", id.getValue(), master);
    } else if (!previous.equals(id)) {
      log.warn("Agent re-registered with master {} under a new id {} (was {})", master, id.getValue(), previous.getValue());
    } else {
      log.info("Agent {} re-registered with master {}", id.getValue(), master);
    }
    if (!id.equals(previous) || !registrationWritten) {
      // Also on the first registration after a restart under the recovered id: the pid is new.
      registrationWritten = true;
      int port = httpPort;
      context.executeBlocking(() -> RegistrationFile.write(config.workDir(), id.getValue(), port, ProcessHandle.current().pid()), false)
          .onFailure(e -> log.error("Cannot write {}: {}", config.workDir().resolve(RegistrationFile.NAME), e.toString()));
    }
    statusUpdates.resendPending();
    List<java.util.function.Function<AgentID, AgentCall>> held = List.copyOf(heldForRegistration);
    heldForRegistration.clear();
    held.forEach(call -> sendToMaster("held call", call));
  }

  private void onEvent(AgentEvent event) {
    switch (event.getType()) {
      case RUN_TASK -> {
        AgentEvent.RunTask run = event.getRunTask();
        if (run.getTask().hasExecutor()) {
          executors.run(run.getFrameworkId(), run.getFrameworkInfo(), run.getTask());
        } else {
          supervisor.run(run.getFrameworkId(), run.getFrameworkInfo(), run.getTask());
        }
      }
      case RUN_TASK_GROUP -> {
        AgentEvent.RunTaskGroup run = event.getRunTaskGroup();
        if (run.getExecutor().getType() == ExecutorInfo.Type.DEFAULT && !run.getExecutor().hasCommand()) {
          // Mezzo has no default executor binary: the agent does its work itself.
          supervisor.runGroup(run.getFrameworkId(), run.getFrameworkInfo(), run.getExecutor(), run.getTaskGroup());
        } else {
          executors.runGroup(run.getFrameworkId(), run.getFrameworkInfo(), run.getExecutor(), run.getTaskGroup());
        }
      }
      case KILL_TASK -> {
        AgentEvent.KillTask kill = event.getKillTask();
        KillPolicy policy = kill.hasKillPolicy() ? kill.getKillPolicy() : null;
        if (!executors.kill(kill.getFrameworkId(), kill.getTaskId(), policy)) {
          supervisor.kill(kill.getFrameworkId(), kill.getTaskId(), policy);
        }
      }
      case ACKNOWLEDGE -> statusUpdates.acknowledge(
          event.getAcknowledge().getFrameworkId(), event.getAcknowledge().getTaskId(), event.getAcknowledge().getUuid());
      case SHUTDOWN_FRAMEWORK -> {
        executors.shutdownFramework(event.getShutdownFramework().getFrameworkId());
        supervisor.shutdownFramework(event.getShutdownFramework().getFrameworkId());
      }
      case SHUTDOWN_EXECUTOR -> {
        AgentEvent.ShutdownExecutor shutdown = event.getShutdownExecutor();
        if (!executors.shutdownExecutor(shutdown.getFrameworkId(), shutdown.getExecutorId())) {
          supervisor.shutdownExecutor(shutdown.getFrameworkId(), shutdown.getExecutorId());
        }
      }
      case FRAMEWORK_MESSAGE -> executors.frameworkMessage(
          event.getFrameworkMessage().getFrameworkId(),
          event.getFrameworkMessage().getExecutorId(),
          event.getFrameworkMessage().getData());
      default -> log.warn("Ignoring event {} from the master", event.getType());
    }
  }

  private void sendStatusUpdate(StatusUpdate update) {
    AgentID id = agentId;
    if (id == null || !link.registered()) {
      log.debug("Not registered; {} of task {} waits for re-registration",
          update.getStatus().getState(), update.getStatus().getTaskId().getValue());
      return;
    }
    link.send(AgentCalls.statusUpdate(id, update.getFrameworkId(), update.getStatus()))
        .onFailure(e -> log.debug("Status update {} of task {} not delivered ({}); it will be retried",
            update.getStatus().getState(), update.getStatus().getTaskId().getValue(), e.getMessage()));
  }

  private void pendingChanged(FrameworkID frameworkId, TaskID taskId, List<io.mezzo.v1.Protos.TaskStatus> pending) {
    supervisor.pendingChanged(frameworkId, taskId, pending);
    executors.pendingChanged(frameworkId, taskId, pending);
  }

  private void forget(FrameworkID frameworkId, TaskID taskId) {
    supervisor.forget(frameworkId, taskId);
    executors.forget(frameworkId, taskId);
  }

  private List<ContainerRuntime> defaultRuntimes(AgentConfig config, Timers timers) {
    List<ContainerRuntime> available = new java.util.ArrayList<>();
    Cgroups cgroups = Cgroups.detect(config.cgroups());
    available.add(new ProcessRuntime(vertx, timers, cgroups,
        config.workDir().resolve(CheckpointStore.META).resolve("runtimes").resolve(ProcessRuntime.NAME)));
    if (config.runtimes().contains(DockerRuntime.NAME)) {
      available.add(new DockerRuntime(DockerEngine.defaultHost(), timers, config.workDir().toString()));
    }
    if (config.runtimes().contains(OciRuntime.NAME)) {
      Path binary = config.ociRuntime() != null ? config.ociRuntime() : OciRuntime.defaultBinary()
          .orElseThrow(() -> new IllegalArgumentException("Runtime 'oci' needs runc or crun, and neither is on PATH"));
      available.add(OciRuntime.create(vertx, timers, cgroups, binary, config.workDir().resolve("oci")));
    }
    return available;
  }

  private static Map<String, ContainerRuntime> selectRuntimes(AgentConfig config, List<ContainerRuntime> available) {
    Map<String, ContainerRuntime> selected = new LinkedHashMap<>();
    for (String name : config.runtimes()) {
      ContainerRuntime runtime = available.stream().filter(r -> r.name().equals(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("No implementation of runtime '" + name + "' was given"));
      selected.put(name, runtime);
    }
    return selected;
  }
}
