package io.mezzo.agent;

import com.google.protobuf.ByteString;
import io.mezzo.agent.channel.AgentCalls;
import io.mezzo.agent.channel.MasterLink;
import io.mezzo.agent.channel.ReconnectBackoff;
import io.mezzo.agent.checkpoint.CheckpointStore;
import io.mezzo.agent.detector.MasterAddress;
import io.mezzo.agent.detector.MasterDetector;
import io.mezzo.agent.executors.ExecutorApi;
import io.mezzo.agent.executors.ExecutorRegistry;
import io.mezzo.agent.executors.ExecutorTokens;
import io.mezzo.agent.fetcher.Fetcher;
import io.mezzo.agent.files.FilesHandler;
import io.mezzo.agent.files.FilesRoot;
import io.mezzo.agent.files.SandboxAccess;
import io.mezzo.agent.files.SandboxId;
import io.mezzo.agent.files.SandboxOwner;
import io.mezzo.agent.executors.ExecutorView;
import io.mezzo.agent.tasks.TaskView;
import io.mezzo.agent.health.HealthCheckers;
import io.mezzo.agent.http.AgentHttpServer;
import io.mezzo.agent.operator.AgentOperatorApi;
import io.mezzo.agent.operator.ViewAccess;
import io.mezzo.agent.operator.AgentSnapshot;
import io.mezzo.agent.operator.TaskHistory;
import io.mezzo.agent.metrics.AgentGauges;
import io.mezzo.agent.metrics.AgentMetrics;
import io.mezzo.agent.sandbox.LogRotator;
import io.mezzo.agent.sandbox.SandboxLayout;
import io.mezzo.agent.spi.ContainerRuntime;
import io.mezzo.agent.status.StatusUpdateManager;
import io.mezzo.agent.support.ContextTimers;
import io.mezzo.agent.support.RegistrationFile;
import io.mezzo.agent.support.Timers;
import io.mezzo.agent.tasks.HostServices;
import io.mezzo.agent.tasks.TaskSupervisor;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.protocol.internal.AgentChannel.StatusUpdate;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.Attribute;
import io.mezzo.v1.Protos.ExecutorID;
import io.mezzo.v1.Protos.FrameworkID;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mezzo.v1.Protos.Value;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent on its Vert.x context, which owns all of its state. {@link #start()} makes the
 * runtimes (off the loop: that probes the machine), recovers what an earlier run of the agent
 * in the same work dir left, opens the HTTP API, then looks for the master. Undeploying it
 * ({@link #stop()}) stops talking to the master, kills every task and executor, and closes the
 * HTTP API; so does a failed start, for what it had made.
 */
final class AgentVerticle extends VerticleBase {
  // The facade's name, which the agent's log lines have always had.
  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  private final AgentConfig config;
  private final Clock clock;
  private final Timers givenTimers;
  private final Agent.RuntimeFactory runtimeFactory;
  private final PrometheusMeterRegistry registry;
  private volatile AgentID agentId;
  private volatile int httpPort = -1;

  // Made by start(), on the context.
  private Map<String, ContainerRuntime> runtimes = Map.of();
  private HttpClient httpClient;
  private CheckpointStore checkpoints;
  private StatusUpdateManager statusUpdates;
  private ExecutorRegistry executors;
  private Optional<ExecutorTokens> executorTokens = Optional.empty();
  private TaskHosts hosts;
  private final TaskHistory taskHistory = new TaskHistory();
  private MasterLink link;
  private AgentHttpServer httpServer;
  private LogRotator logRotator;
  private volatile AgentMetrics metrics;
  private boolean registrationWritten;
  /** The last write of the registration file; the agent stops only once it is done. */
  private Future<?> registrationWrite = Future.succeededFuture();
  /** Calls for the master made before the agent registered. */
  private final List<Function<AgentID, AgentCall>> heldForRegistration = new ArrayList<>();
  private Future<Void> stopping;

  /**
   * @param timers the timers of the agent's timeouts and backoffs; null for Vert.x timers
   * @param runtimeFactory makes the runtimes, one per name in {@code config.runtimes()}
   */
  AgentVerticle(AgentConfig config, Clock clock, Timers timers, Agent.RuntimeFactory runtimeFactory,
      PrometheusMeterRegistry registry) {
    this.registry = registry;
    this.config = config;
    this.clock = clock;
    this.givenTimers = timers;
    this.runtimeFactory = runtimeFactory;
  }

  @Override
  public Future<?> start() {
    Timers timers = givenTimers != null ? givenTimers : Timers.vertx(vertx);
    return context.executeBlocking(() -> {
      executorTokens = executorTokens();
      return AgentRuntimes.select(config, runtimeFactory.create(vertx, timers));
    }, false)
        .compose(made -> {
          runtimes = made;
          wire(timers);
          return context.executeBlocking(this::readWorkDir, false);
        })
        .compose(this::recover)
        .compose(recovered -> httpServer.listen())
        .compose(port -> {
          httpPort = port;
          log.info("Agent HTTP API on {}:{}, work dir {}, master {}", config.ip(), port, config.workDir(), config.master());
          return link.start();
        })
        .onSuccess(ignored -> logRotator.start())
        .recover(failure -> teardown().transform(ignored -> Future.failedFuture(failure)));
  }

  /** The executor tokens' signer when executors must authenticate (blocking: may make the key file). */
  private Optional<ExecutorTokens> executorTokens() {
    if (!config.authenticateHttpExecutors()) {
      return Optional.empty();
    }
    return Optional.of(config.executorSecretKey().map(ExecutorTokens::fromFile)
        .orElseGet(() -> ExecutorTokens.inWorkDir(config.workDir())));
  }

  /** The agent id and the checkpoints an earlier run of the agent left in the work dir (blocking). */
  private CheckpointStore.Checkpointed readWorkDir() throws IOException {
    Files.createDirectories(config.workDir());
    String previousId = RegistrationFile.readAgentId(config.workDir());
    if (previousId != null) {
      agentId = AgentID.newBuilder().setValue(previousId).build();
    }
    return checkpoints.loadAll();
  }

  /** Stops talking to the master, kills every task and executor, stops the HTTP API. */
  @Override
  public Future<?> stop() {
    return teardown();
  }

  private Future<Void> teardown() {
    if (stopping != null) {
      return stopping;
    }
    if (link == null) {
      // Nothing was made but the runtimes, which have nothing running yet.
      stopping = closeRuntimes();
      return stopping;
    }
    stopping = logRotator.close()
        .transform(ignored -> link.close())
        .transform(ignored -> {
          hosts.close();
          return closeRuntimes();
        })
        .transform(ignored -> {
          statusUpdates.close();
          return httpServer.close();
        })
        .transform(ignored -> httpClient.close())
        // No registration comes once the link is closed; the file's last write ends before the agent has stopped.
        .transform(ignored -> registrationWrite.transform(written -> Future.<Void>succeededFuture()))
        .onComplete(ignored -> log.info("Agent {} stopped", agentId == null ? "(unregistered)" : agentId.getValue()));
    return stopping;
  }

  private Future<Void> closeRuntimes() {
    List<Future<Void>> closing = new ArrayList<>();
    runtimes.values().forEach(runtime -> closing.add(runtime.close(TaskSupervisor.DEFAULT_GRACE_PERIOD)));
    return Future.join(closing).transform(ignored -> Future.succeededFuture());
  }

  /** Makes what the agent owns, now that its context and runtimes are known. */
  private void wire(Timers timers) {
    Timers onContext = new ContextTimers(timers, context);
    checkpoints = new CheckpointStore(config.workDir());
    // With a CA, the master link speaks HTTPS, checks the master's certificate and presents the agent's.
    httpClient = vertx.createHttpClient(
        config.tls().client(new HttpClientOptions().setConnectTimeout(5_000).setKeepAlive(true)
            .setKeepAliveTimeout(MasterLink.KEEP_ALIVE_SECONDS)),
        new PoolOptions().setHttp1MaxSize(8));
    statusUpdates = new StatusUpdateManager(clock, onContext, () -> agentId, this::sendStatusUpdate,
        (frameworkId, taskId) -> hosts.forget(frameworkId, taskId),
        (frameworkId, taskId, pending) -> hosts.pendingChanged(frameworkId, taskId, pending));
    AgentMetrics metrics = new AgentMetrics(registry, clock, context, this::gauges);
    statusUpdates.onQueued(metrics::statusUpdate);
    this.metrics = metrics;
    HostServices services = new HostServices(context, onContext, new SandboxLayout(config.workDir()), runtimes,
        statusUpdates, checkpoints, this::agentInfo);
    TaskSupervisor supervisor = new TaskSupervisor(services, new Fetcher(), new HealthCheckers(timers, clock),
        (frameworkId, executorId) -> {
          metrics.executorTerminated();
          sendOrHold("executor termination", id -> AgentCalls.executorTerminated(id, frameworkId, executorId, 0));
        });
    executors = new ExecutorRegistry(services, () -> config.ip() + ":" + httpPort, config.executorRegistrationTimeout(),
        executorTlsEnvironment(), executorTokens,
        new ExecutorRegistry.MasterNotifier() {
          @Override
          public void executorMessage(FrameworkID frameworkId, ExecutorID executorId, ByteString data) {
            sendToMaster("executor message", id -> AgentCalls.executorMessage(id, frameworkId, executorId, data));
          }

          @Override
          public void executorTerminated(FrameworkID frameworkId, ExecutorID executorId, Integer status) {
            metrics.executorTerminated();
            sendOrHold("executor termination", id -> AgentCalls.executorTerminated(id, frameworkId, executorId, status));
          }
        });
    hosts = new TaskHosts(taskHistory, executors, supervisor);
    link = new MasterLink(context, httpClient, MasterDetector.of(config.master(), context), onContext, clock,
        ReconnectBackoff.standard(), this::registerCall, new MasterLink.Listener() {
          @Override
          public void registered(AgentID id, MasterAddress master) {
            onRegistered(id, master);
          }

          @Override
          public void event(AgentEvent event) {
            onEvent(event);
          }
        });
    // The leading master's web UI tails task logs from the browser: its origin may read the files API.
    FilesHandler files = new FilesHandler(vertx, new FilesRoot(config.workDir())).allowOrigins(origin -> {
      io.mezzo.agent.detector.MasterAddress master = link == null ? null : link.master();
      return master != null
          && origin.equals((config.tls().verifies() ? "https" : "http") + "://" + master.host() + ":" + master.port());
    }).access(SandboxAccess.of(config.security().acls(), this::sandboxOwner));
    AgentOperatorApi operatorApi = new AgentOperatorApi(vertx, new AgentOperatorApi.Source() {
      @Override
      public Future<AgentSnapshot> snapshot() {
        return operatorSnapshot();
      }

      @Override
      public Map<String, String> flags() {
        return config.flags();
      }

      @Override
      public String version() {
        return Agent.VERSION;
      }

      @Override
      public Future<Map<String, Double>> metrics() {
        return metrics.snapshot();
      }
    }, files).views(config.security().acls());
    // Vert.x timers for the body read timeouts even when tests inject manual ones, as for log
    // rotation below: a timer per request in flight would show among the ones tests count.
    httpServer = new AgentHttpServer(vertx, config.ip(), config.port(), files, new ExecutorApi(context, executors, executorTokens),
        operatorApi, this::state, config.httpLimits(), Timers.vertx(vertx), metrics).tls(config.tls())
        .security(config.security());
    // Vert.x timers even when tests inject manual ones: rotation is housekeeping, not a timeout
    // a test moves time for, and a timer re-armed every second would show among theirs.
    logRotator = new LogRotator(context, new ContextTimers(Timers.vertx(vertx), context), hosts::liveSandboxes,
        config.logMaxSize(), config.logMaxFiles(), LogRotator.DEFAULT_INTERVAL);
  }

  /**
   * What executors are told when the agent's HTTP API speaks TLS: Mesos's variables, so that an
   * executor library speaks HTTPS to {@code MESOS_AGENT_ENDPOINT} and checks the agent's certificate
   * against the cluster CA. Nothing when the API is plain HTTP.
   */
  private Map<String, String> executorTlsEnvironment() {
    if (!config.tls().serves()) {
      return Map.of();
    }
    Map<String, String> env = new java.util.LinkedHashMap<>();
    env.put("LIBPROCESS_SSL_ENABLED", "1");
    if (config.tls().verifies()) {
      env.put("LIBPROCESS_SSL_CA_FILE", config.tls().ca().toAbsolutePath().toString());
      env.put("LIBPROCESS_SSL_VERIFY_SERVER_CERT", "1");
    }
    return env;
  }

  /**
   * Hands what an earlier run of the agent checkpointed to the task hosts, then has every
   * runtime remove what none took up.
   */
  private Future<Void> recover(CheckpointStore.Checkpointed checkpointed) {
    if (!checkpointed.isEmpty()) {
      log.info("Recovering {} checkpointed tasks and {} executors of agent {} (--recover={})",
          checkpointed.tasks().size(), checkpointed.executors().size(),
          agentId == null ? "(unregistered)" : agentId.getValue(), config.recover().name().toLowerCase(Locale.ROOT));
    }
    return hosts.recover(checkpointed, config.recover()).compose(v -> {
      Set<String> keep = hosts.containerIds();
      List<Future<Void>> removing = new ArrayList<>();
      runtimes.forEach((name, runtime) -> removing.add(runtime.removeOrphans(keep)
          .onFailure(e -> log.warn("Runtime {} could not remove what an earlier agent left: {}", name, e.toString()))));
      return Future.join(removing).transform(ignored -> Future.<Void>succeededFuture());
    });
  }

  AgentID agentId() {
    return agentId;
  }

  int httpPort() {
    return httpPort;
  }

  /** What {@code GET /state} answers to everyone (no view ACLs), rendered on the agent's context. */
  Future<JsonObject> state() {
    return state(Optional.empty());
  }

  /**
   * What {@code GET /state} answers to {@code caller}, rendered on the agent's context: with
   * {@code --acls}, only the tasks and executors the view ACLs let the caller see ({@link ViewAccess}).
   */
  Future<JsonObject> state(Optional<String> caller) {
    if (context == null) {
      return Future.failedFuture(new IllegalStateException("The agent has not started yet"));
    }
    Promise<JsonObject> state = Promise.promise();
    context.runOnContext(v -> {
      if (hosts == null) {
        state.fail(new IllegalStateException("The agent has not started yet"));
        return;
      }
      MasterAddress master = link.master();
      ViewAccess views = ViewAccess.of(config.security().acls(), caller);
      state.complete(AgentStateJson.render(agentId, config.hostname(), httpPort, master, link.registered(),
          views.tasks(hosts.taskViews()), views.executors(executors.views())));
    });
    return state.future();
  }

  /**
   * Whose {@code sandbox} is, looked up on the agent's context among live and completed tasks and
   * executors; completes back on the caller's context, so the files call goes on off the agent's loop.
   */
  private Future<Optional<SandboxOwner>> sandboxOwner(SandboxId sandbox) {
    io.vertx.core.Context caller = vertx.getOrCreateContext();
    Promise<Optional<SandboxOwner>> owner = Promise.promise();
    context.runOnContext(v -> {
      Optional<SandboxOwner> found = Optional.empty();
      if (hosts != null) {
        List<TaskView> tasks = new ArrayList<>(hosts.taskViews());
        taskHistory.completedTasks().forEach(record -> tasks.add(record.view()));
        List<ExecutorView> all = new ArrayList<>(executors.views());
        all.addAll(executors.completedViews());
        found = SandboxOwnerIndex.find(sandbox, tasks, all);
      }
      Optional<SandboxOwner> answer = found;
      caller.runOnContext(back -> owner.complete(answer));
    });
    return owner.future();
  }

  /** What the operator API shows, copied on the agent's context. */
  private Future<AgentSnapshot> operatorSnapshot() {
    Promise<AgentSnapshot> snapshot = Promise.promise();
    context.runOnContext(v -> {
      if (hosts == null) {
        snapshot.fail(new IllegalStateException("The agent has not started yet"));
        return;
      }
      snapshot.complete(new AgentSnapshot(agentInfo(), hosts.taskRecords(), taskHistory.completedTasks(),
          executors.views(), executors.completedViews()));
    });
    return snapshot.future();
  }

  /** The agent's metrics (for {@code /metrics/snapshot} and GET_METRICS), or null before {@link #start()} made them. */
  AgentMetrics metrics() {
    return metrics;
  }

  /** What the agent's gauges show now; on the context. */
  private AgentGauges gauges() {
    assertOnContext();
    return AgentGauges.of(link.registered(), hosts.taskViews(), executors.views(), hosts.runningTasks(),
        config.resources());
  }

  private AgentInfo agentInfo() {
    AgentInfo.Builder info = AgentInfo.newBuilder()
        .setHostname(config.hostname())
        .setPort(httpPort)
        .addAllResources(config.resources())
        .addAllAttributes(config.attributes());
    if (config.attributes().stream().noneMatch(a -> a.getName().equals(Agent.RUNTIMES_ATTRIBUTE))) {
      info.addAttributes(Attribute.newBuilder().setName(Agent.RUNTIMES_ATTRIBUTE).setType(Value.Type.TEXT)
          .setText(Value.Text.newBuilder().setValue(String.join(",", config.runtimes()))));
    }
    if (agentId != null) {
      info.setId(agentId);
    }
    return info.build();
  }

  private AgentCall registerCall() {
    AgentCall call = AgentCalls.register(agentInfo(), hosts.runningTasks(), config.runtimes(), Agent.VERSION);
    return call.toBuilder().setRegister(call.getRegister().toBuilder().setScheme(config.tls().serverScheme())).build();
  }

  /** Best effort: what cannot be sent now (not registered, or the send fails) is dropped. */
  private void sendToMaster(String what, Function<AgentID, AgentCall> call) {
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
   * the executor's resources.
   */
  private void sendOrHold(String what, Function<AgentID, AgentCall> call) {
    assertOnContext();
    if (agentId == null || !link.registered()) {
      log.info("Not registered with a master yet; the {} goes once it is", what);
      heldForRegistration.add(call);
      return;
    }
    sendToMaster(what, call);
  }

  private void onRegistered(AgentID id, MasterAddress master) {
    assertOnContext();
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
      Future<?> previousWrite = registrationWrite;
      registrationWrite = previousWrite.transform(ignored -> context.executeBlocking(() ->
              RegistrationFile.write(config.workDir(), id.getValue(), port, ProcessHandle.current().pid()), false))
          .onFailure(e -> log.error("Cannot write {}: {}", config.workDir().resolve(RegistrationFile.NAME), e.toString()));
    }
    statusUpdates.resendPending();
    List<Function<AgentID, AgentCall>> held = List.copyOf(heldForRegistration);
    heldForRegistration.clear();
    held.forEach(call -> sendToMaster("held call", call));
  }

  private void onEvent(AgentEvent event) {
    assertOnContext();
    switch (event.getType()) {
      case RUN_TASK -> hosts.run(event.getRunTask());
      case RUN_TASK_GROUP -> hosts.runGroup(event.getRunTaskGroup());
      case KILL_TASK -> hosts.kill(event.getKillTask());
      case ACKNOWLEDGE -> statusUpdates.acknowledge(
          event.getAcknowledge().getFrameworkId(), event.getAcknowledge().getTaskId(), event.getAcknowledge().getUuid());
      case SHUTDOWN_FRAMEWORK -> hosts.shutdownFramework(event.getShutdownFramework().getFrameworkId());
      case SHUTDOWN_EXECUTOR -> hosts.shutdownExecutor(
          event.getShutdownExecutor().getFrameworkId(), event.getShutdownExecutor().getExecutorId());
      case FRAMEWORK_MESSAGE -> hosts.frameworkMessage(event.getFrameworkMessage());
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

  private void assertOnContext() {
    assert Vertx.currentContext() == context : "AgentVerticle used off its context";
  }
}
