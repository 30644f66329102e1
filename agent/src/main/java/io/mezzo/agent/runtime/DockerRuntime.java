package io.mezzo.agent.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import io.mezzo.agent.support.Timers;
import io.mezzo.agent.spi.ContainerLaunchException;
import io.mezzo.agent.spi.ContainerRuntime;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.spi.LaunchedContainer;
import io.mezzo.agent.spi.Termination;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code docker} runtime: a task with ContainerInfo type DOCKER runs as a Docker container
 * named {@code mezzo-<container id>}, through the Docker Engine API (docker-java over the
 * engine's unix socket). The image is used when present locally and pulled otherwise (always
 * pulled first with {@code force_pull_image}); the sandbox is bind-mounted at
 * {@code /mnt/mesos/sandbox} (the working directory); the container's stdout and stderr are
 * copied into {@code <sandbox>/stdout} and {@code <sandbox>/stderr}; {@code mem} and
 * {@code cpus} become its memory limit, CPU shares and CFS quota. A container the kernel killed
 * for memory ends with a {@link Termination.Limitation} (REASON_CONTAINER_LIMITATION_MEMORY).
 * Kill sends SIGTERM and SIGKILL after the grace period; ended containers are removed.
 *
 * <p>Every engine call runs on this runtime's own threads (one waits for each running
 * container), never on a Vert.x thread.
 */
public final class DockerRuntime implements ContainerRuntime {
  public static final String NAME = "docker";
  public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";
  private static final Logger log = LoggerFactory.getLogger(DockerRuntime.class);
  private static final Duration PULL_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration LOG_DRAIN = Duration.ofSeconds(10);
  private static final int SIGNAL_EXIT_BASE = 128;
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** The label that names the agent (by its work dir) whose containers these are. */
  static final String OWNER_LABEL = "mezzo.owner";

  private final DockerClient client;
  private final Timers timers;
  private final String owner;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "mezzo-docker-" + THREADS.incrementAndGet());
    thread.setDaemon(true);
    return thread;
  });
  private final ConcurrentMap<String, Running> containers = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Promise<Void> closedPromise = Promise.promise();

  /** A runtime talking to the engine at {@code dockerHost} (e.g. {@value #DEFAULT_HOST}) that labels no owner. */
  public DockerRuntime(String dockerHost, Timers timers) {
    this(client(dockerHost, null), timers, null);
  }

  /**
   * A runtime talking to the engine at {@code dockerHost} that labels every container it
   * creates with {@value #OWNER_LABEL}={@code owner} (the agent's work dir), so that a
   * restarted agent can tell which containers on a shared engine are its own orphans.
   */
  public DockerRuntime(String dockerHost, Timers timers, String owner) {
    this(client(dockerHost, null), timers, owner);
  }

  DockerRuntime(DockerClient client, Timers timers, String owner) {
    this.client = Objects.requireNonNull(client, "client");
    this.timers = Objects.requireNonNull(timers, "timers");
    this.owner = owner;
  }

  /** The engine address: {@code DOCKER_HOST} when set, else {@value #DEFAULT_HOST}. */
  public static String defaultHost() {
    String env = System.getenv("DOCKER_HOST");
    return env == null || env.isBlank() ? DEFAULT_HOST : env;
  }

  /** Whether a Docker engine answers a ping at {@code dockerHost} within a few seconds. Blocking. */
  public static boolean reachable(String dockerHost) {
    try (DockerClient probe = client(dockerHost, Duration.ofSeconds(3))) {
      probe.pingCmd().exec();
      return true;
    } catch (RuntimeException | IOException e) {
      log.debug("Docker engine at {} does not answer: {}", dockerHost, e.toString());
      return false;
    }
  }

  /** A client of the engine at {@code dockerHost}; {@code responseTimeout} null for none. The caller closes it. */
  public static DockerClient client(String dockerHost, Duration responseTimeout) {
    DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost(dockerHost)
        .build();
    ZerodepDockerHttpClient.Builder http = new ZerodepDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost())
        .sslConfig(config.getSSLConfig())
        .connectionTimeout(Duration.ofSeconds(5));
    if (responseTimeout != null) {
      http.responseTimeout(responseTimeout);
    }
    return DockerClientImpl.getInstance(config, http.build());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Future<LaunchedContainer> launch(LaunchRequest request) {
    if (closed.get()) {
      return Future.failedFuture(new ContainerLaunchException("The agent is shutting down"));
    }
    DockerContainerSpec spec;
    try {
      spec = DockerContainerSpec.of(request, request.environment().get("MESOS_AGENT_ID"));
    } catch (ContainerLaunchException e) {
      return Future.failedFuture(e);
    }
    Promise<LaunchedContainer> launched = Promise.promise();
    executor.execute(() -> {
      try {
        launched.complete(start(request, spec));
      } catch (ContainerLaunchException e) {
        launched.fail(e);
      } catch (RuntimeException e) {
        launched.fail(new ContainerLaunchException("Failed to launch container: " + engineMessage(e), e));
      }
    });
    return launched.future();
  }

  /**
   * Finds the task's container again by its name ({@code mezzo-<container id>}) and follows it
   * as if it had launched it: its output is copied on from the last time the sandbox files were
   * written (Docker's {@code since} has whole seconds, so lines of that second may repeat), and
   * its end (already past, when it ended while the agent was away) gives the exit status and
   * the OOM verdict. Fails when the engine no longer has the container.
   */
  @Override
  public Future<LaunchedContainer> recover(LaunchRequest request) {
    Promise<LaunchedContainer> recovered = Promise.promise();
    executor.execute(() -> {
      try {
        recovered.complete(adopt(request));
      } catch (ContainerLaunchException e) {
        recovered.fail(e);
      } catch (RuntimeException e) {
        recovered.fail(new ContainerLaunchException("Cannot recover the container: " + engineMessage(e), e));
      }
    });
    return recovered.future();
  }

  private LaunchedContainer adopt(LaunchRequest request) {
    DockerContainerSpec spec = DockerContainerSpec.of(request, request.environment().get("MESOS_AGENT_ID"));
    String dockerId;
    try {
      dockerId = client.inspectContainerCmd(spec.name()).exec().getId();
    } catch (NotFoundException e) {
      throw new ContainerLaunchException("Docker container " + spec.name() + " is gone");
    }
    Running running = new Running(request.containerId(), dockerId, spec);
    LogCopy logs = new LogCopy(request.sandbox());
    containers.put(running.containerId, running);
    log.info("[container={}] recovered docker container {} ({})", running.containerId, spec.name(), dockerId);
    client.logContainerCmd(dockerId).withStdOut(true).withStdErr(true).withFollowStream(true)
        .withSince(lastWritten(request.sandbox())).exec(logs);
    executor.execute(() -> await(running, logs));
    return new LaunchedContainer(running.containerId, -1, running.termination.future());
  }

  /** The last time (epoch seconds) output was copied into the sandbox, 0 when never. */
  private static int lastWritten(Path sandbox) {
    long latest = 0;
    for (String name : List.of("stdout", "stderr")) {
      try {
        latest = Math.max(latest, java.nio.file.Files.getLastModifiedTime(sandbox.resolve(name)).toMillis() / 1000);
      } catch (IOException e) {
        // Not written yet.
      }
    }
    return (int) latest;
  }

  /** Removes this agent's containers (by {@value #OWNER_LABEL}) that no recovered task names. */
  @Override
  public Future<Void> removeOrphans(java.util.Set<String> keep) {
    if (owner == null) {
      return Future.succeededFuture();
    }
    Promise<Void> removed = Promise.promise();
    executor.execute(() -> {
      try {
        for (var container : client.listContainersCmd().withShowAll(true)
            .withLabelFilter(java.util.Map.of(OWNER_LABEL, owner)).exec()) {
          String name = container.getNames() == null || container.getNames().length == 0 ? "" : container.getNames()[0];
          String containerId = name.startsWith("/mezzo-") ? name.substring("/mezzo-".length()) : name;
          if (!keep.contains(containerId) && !containers.containsKey(containerId)) {
            log.info("[container={}] removing docker container {} that no checkpoint names", containerId, container.getId());
            try {
              client.removeContainerCmd(container.getId()).withForce(true).exec();
            } catch (NotFoundException e) {
              log.debug("[container={}] already removed", containerId);
            }
          }
        }
        removed.complete();
      } catch (RuntimeException e) {
        removed.fail(new IllegalStateException("Cannot list this agent's docker containers: " + engineMessage(e), e));
      }
    });
    return removed.future();
  }

  @Override
  public Future<Void> kill(String containerId, Duration gracePeriod) {
    Running running = containers.get(containerId);
    if (running == null) {
      return Future.succeededFuture();
    }
    running.killed = true;
    if (!running.killing.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    Promise<Void> signalled = Promise.promise();
    executor.execute(() -> {
      log.info("[container={}] sending SIGTERM to docker container {}", containerId, running.dockerId);
      signal(running, "TERM");
      signalled.complete();
      running.escalation = timers.schedule(gracePeriod, () -> executor.execute(() -> {
        if (!running.termination.future().isComplete()) {
          log.info("[container={}] still running {} after SIGTERM; sending SIGKILL", containerId, gracePeriod);
          signal(running, "KILL");
        }
      }));
    });
    return signalled.future();
  }

  @Override
  public Future<Void> close(Duration gracePeriod) {
    if (!closed.compareAndSet(false, true)) {
      return closedPromise.future();
    }
    List<Future<Termination>> terminations = new ArrayList<>();
    for (Running running : containers.values()) {
      kill(running.containerId, gracePeriod);
      terminations.add(running.termination.future());
    }
    // The executor is not shut down: a launch still pulling may come back later and must be
    // able to fail cleanly; its idle daemon threads end by themselves.
    Future.join(terminations).onComplete(ignored -> {
      try {
        client.close();
      } catch (IOException e) {
        log.debug("Closing the Docker client failed: {}", e.toString());
      }
      closedPromise.complete();
    });
    return closedPromise.future();
  }

  private LaunchedContainer start(LaunchRequest request, DockerContainerSpec spec) {
    String taskId = request.task().getTaskId().getValue();
    ensureImage(spec.image(), spec.forcePull());
    String dockerId;
    try (CreateContainerCmd create = createCommand(spec)) {
      dockerId = create.exec().getId();
    } catch (DockerException e) {
      throw new ContainerLaunchException(
          "Failed to create a container from image '" + spec.image() + "': " + engineMessage(e), e);
    }
    Running running = new Running(request.containerId(), dockerId, spec);
    LogCopy logs;
    try {
      logs = new LogCopy(request.sandbox());
      client.startContainerCmd(dockerId).exec();
    } catch (ContainerLaunchException e) {
      remove(running);
      throw e;
    } catch (DockerException e) {
      remove(running);
      throw new ContainerLaunchException(
          "Failed to start the container from image '" + spec.image() + "': " + engineMessage(e), e);
    }
    containers.put(running.containerId, running);
    log.info("[task={}] [container={}] started docker container {} ({}) from {}",
        taskId, running.containerId, spec.name(), dockerId, spec.image());
    client.logContainerCmd(dockerId).withStdOut(true).withStdErr(true).withFollowStream(true).exec(logs);
    executor.execute(() -> await(running, logs));
    if (closed.get()) {
      // close() ran while this launch was pulling or creating: it must not outlive the agent.
      kill(running.containerId, Duration.ZERO);
    }
    return new LaunchedContainer(running.containerId, -1, running.termination.future());
  }

  private void ensureImage(String image, boolean forcePull) {
    if (!forcePull) {
      try {
        client.inspectImageCmd(image).exec();
        return;
      } catch (NotFoundException e) {
        log.info("Image '{}' is not available locally; pulling it", image);
      }
    }
    try {
      pull(image);
      client.inspectImageCmd(image).exec();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ContainerLaunchException("Interrupted while pulling image '" + image + "'", e);
    } catch (RuntimeException e) {
      throw new ContainerLaunchException(forcePull
          ? "Image '" + image + "' could not be pulled (force_pull_image): " + engineMessage(e)
          : "Image '" + image + "' is not available locally and could not be pulled: " + engineMessage(e), e);
    }
  }

  private void pull(String image) throws InterruptedException {
    var pull = client.pullImageCmd(image);
    int slash = image.lastIndexOf('/');
    if (!image.contains("@") && !image.substring(slash + 1).contains(":")) {
      pull.withTag("latest");
    }
    PullImageResultCallback callback = pull.exec(new PullImageResultCallback());
    if (!callback.awaitCompletion(PULL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new ContainerLaunchException("Pulling image '" + image + "' took longer than " + PULL_TIMEOUT);
    }
  }

  private CreateContainerCmd createCommand(DockerContainerSpec spec) {
    List<Bind> binds = new ArrayList<>();
    for (DockerContainerSpec.Bind bind : spec.binds()) {
      binds.add(new Bind(bind.hostPath(), new Volume(bind.containerPath()), bind.readOnly() ? AccessMode.ro : AccessMode.rw));
    }
    HostConfig host = HostConfig.newHostConfig()
        .withBinds(binds)
        .withNetworkMode(spec.networkMode())
        .withPrivileged(spec.privileged());
    if (spec.memoryBytes() > 0) {
      // No swap on top: the limit is the task's mem, as with the cgroups memory isolator.
      host.withMemory(spec.memoryBytes()).withMemorySwap(spec.memoryBytes());
    }
    if (spec.cpus() > 0) {
      host.withCpuShares((int) spec.cpuShares())
          .withCpuPeriod(DockerContainerSpec.CPU_PERIOD_MICROS)
          .withCpuQuota(spec.cpuQuota());
    }
    List<ExposedPort> exposed = new ArrayList<>();
    if (!spec.portMappings().isEmpty()) {
      Ports ports = new Ports();
      for (DockerContainerSpec.PortMapping mapping : spec.portMappings()) {
        ExposedPort port = new ExposedPort(mapping.containerPort(), InternetProtocol.parse(mapping.protocol()));
        exposed.add(port);
        ports.bind(port, Ports.Binding.bindPort(mapping.hostPort()));
      }
      host.withPortBindings(ports);
    }
    List<String> env = new ArrayList<>();
    spec.env().forEach((name, value) -> env.add(name + "=" + value));
    Map<String, String> labels = new java.util.LinkedHashMap<>(spec.labels());
    if (owner != null) {
      labels.put(OWNER_LABEL, owner);
    }
    CreateContainerCmd create = client.createContainerCmd(spec.image())
        .withName(spec.name())
        .withLabels(labels)
        .withEnv(env)
        .withWorkingDir(DockerContainerSpec.SANDBOX)
        .withHostConfig(host);
    if (!exposed.isEmpty()) {
      create.withExposedPorts(exposed);
    }
    if (!spec.cmd().isEmpty()) {
      create.withCmd(spec.cmd());
    }
    return create;
  }

  /** On a runtime thread: waits for the container to end, drains its logs, reports, removes it. */
  private void await(Running running, LogCopy logs) {
    Termination termination;
    try {
      int code = client.waitContainerCmd(running.dockerId).exec(new WaitContainerResultCallback()).awaitStatusCode();
      drain(running, logs);
      termination = termination(running, code);
    } catch (RuntimeException e) {
      log.error("[container={}] lost track of docker container {}: {}", running.containerId, running.dockerId, e.toString());
      logs.closeQuietly();
      termination = Termination.signalled(9, running.killed);
    }
    Timers.Timer escalation = running.escalation;
    if (escalation != null) {
      escalation.cancel();
    }
    remove(running);
    containers.remove(running.containerId);
    log.info("[container={}] ended: {}{}", running.containerId, termination.message(), running.killed ? " (killed)" : "");
    running.termination.tryComplete(termination);
  }

  private Termination termination(Running running, int code) {
    Termination termination = code > SIGNAL_EXIT_BASE && code <= SIGNAL_EXIT_BASE + 64
        ? Termination.signalled(code - SIGNAL_EXIT_BASE, running.killed)
        : Termination.exited(Math.max(0, code), running.killed);
    try {
      InspectContainerResponse.ContainerState state = client.inspectContainerCmd(running.dockerId).exec().getState();
      if (Boolean.TRUE.equals(state.getOOMKilled())) {
        long mb = running.spec.memoryBytes() / (1024 * 1024);
        return termination.limitedBy(new Termination.Limitation(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY,
            "Memory limit exceeded: the container reached its limit of " + mb
                + " MB (the task's mem resource) and was killed by the kernel's OOM killer"));
      }
    } catch (DockerException e) {
      log.warn("[container={}] could not inspect the ended container: {}", running.containerId, engineMessage(e));
    }
    return termination;
  }

  private void drain(Running running, LogCopy logs) {
    try {
      if (!logs.awaitCompletion(LOG_DRAIN.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("[container={}] log stream did not end within {}; the sandbox files may be incomplete",
            running.containerId, LOG_DRAIN);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("[container={}] copying the container's output failed: {}", running.containerId, e.toString());
    } finally {
      logs.closeQuietly();
    }
  }

  private void signal(Running running, String signal) {
    try {
      client.killContainerCmd(running.dockerId).withSignal(signal).exec();
    } catch (RuntimeException e) {
      // It may have ended between the check and the signal: nothing left to stop.
      log.debug("[container={}] SIG{} not delivered: {}", running.containerId, signal, engineMessage(e));
    }
  }

  private void remove(Running running) {
    try {
      client.removeContainerCmd(running.dockerId).withForce(true).exec();
    } catch (NotFoundException e) {
      log.debug("[container={}] already removed", running.containerId);
    } catch (RuntimeException e) {
      log.warn("[container={}] could not remove docker container {}: {}", running.containerId, running.dockerId,
          engineMessage(e));
    }
  }

  /** The engine's own words when it gave a JSON error body, else the exception's message. */
  public static String engineMessage(Throwable e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    int at = message.indexOf("{\"message\":\"");
    if (at >= 0) {
      int start = at + "{\"message\":\"".length();
      int end = message.indexOf("\"}", start);
      if (end > start) {
        return message.substring(start, end).replace("\\\"", "\"");
      }
    }
    return message.strip();
  }

  /** Copies the container's multiplexed log stream into the sandbox's stdout and stderr files. */
  private static final class LogCopy extends ResultCallback.Adapter<Frame> {
    private final OutputStream stdout;
    private final OutputStream stderr;

    LogCopy(Path sandbox) {
      try {
        this.stdout = new FileOutputStream(sandbox.resolve("stdout").toFile(), true);
        this.stderr = new FileOutputStream(sandbox.resolve("stderr").toFile(), true);
      } catch (IOException e) {
        throw new ContainerLaunchException("Cannot open the sandbox's stdout/stderr: " + e.getMessage(), e);
      }
    }

    @Override
    public void onNext(Frame frame) {
      try {
        OutputStream out = frame.getStreamType() == StreamType.STDERR ? stderr : stdout;
        out.write(frame.getPayload());
        out.flush();
      } catch (IOException e) {
        log.warn("Could not write container output to the sandbox: {}", e.toString());
      }
    }

    void closeQuietly() {
      try {
        stdout.close();
        stderr.close();
      } catch (IOException e) {
        log.debug("Closing sandbox log files failed: {}", e.toString());
      }
    }
  }

  private static final class Running {
    final String containerId;
    final String dockerId;
    final DockerContainerSpec spec;
    final Promise<Termination> termination = Promise.promise();
    final AtomicBoolean killing = new AtomicBoolean();
    volatile boolean killed;
    volatile Timers.Timer escalation;

    Running(String containerId, String dockerId, DockerContainerSpec spec) {
      this.containerId = containerId;
      this.dockerId = dockerId;
      this.spec = spec;
    }
  }
}
