package io.mezzo.agent.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;
import io.mezzo.agent.runtime.AbstractContainerRuntime;
import io.mezzo.agent.runtime.BlockingCalls;
import io.mezzo.agent.runtime.RunningContainer;
import io.mezzo.agent.spi.ContainerLaunchException;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.spi.Termination;
import io.mezzo.agent.support.Timers;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
public final class DockerRuntime extends AbstractContainerRuntime<DockerRuntime.Running> {
  public static final String NAME = "docker";
  private static final Logger log = LoggerFactory.getLogger(DockerRuntime.class);
  private static final Duration PULL_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration LOG_DRAIN = Duration.ofSeconds(10);
  private static final int SIGNAL_EXIT_BASE = 128;
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** The label that names the agent (by its work dir) whose containers these are. */
  static final String OWNER_LABEL = "mezzo.owner";

  private final DockerClient client;
  private final String owner;

  /** A runtime talking to the engine at {@code dockerHost} (e.g. {@value DockerEngine#DEFAULT_HOST}) that labels no owner. */
  public DockerRuntime(String dockerHost, Timers timers) {
    this(DockerEngine.client(dockerHost, null), timers, null);
  }

  /**
   * A runtime talking to the engine at {@code dockerHost} that labels every container it
   * creates with {@value #OWNER_LABEL}={@code owner} (the agent's work dir), so that a
   * restarted agent can tell which containers on a shared engine are its own orphans.
   */
  public DockerRuntime(String dockerHost, Timers timers, String owner) {
    this(DockerEngine.client(dockerHost, null), timers, owner);
  }

  DockerRuntime(DockerClient client, Timers timers, String owner) {
    // The threads are never shut down: a launch still pulling may come back after close and must
    // be able to fail cleanly; idle daemon threads end by themselves.
    super(timers, BlockingCalls.on(Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, "mezzo-docker-" + THREADS.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    })));
    this.client = Objects.requireNonNull(client, "client");
    this.owner = owner;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected Callable<Running> prepare(LaunchRequest request) {
    DockerContainerSpec spec = DockerContainerSpec.of(request, request.environment().get("MESOS_AGENT_ID"));
    return () -> {
      try {
        return start(request, spec);
      } catch (ContainerLaunchException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new ContainerLaunchException("Failed to launch container: " + DockerEngine.engineMessage(e), e);
      }
    };
  }

  /**
   * Finds the task's container again by its name ({@code mezzo-<container id>}) and follows it
   * as if it had launched it: its output is copied on from the last time the sandbox files were
   * written (Docker's {@code since} has whole seconds, so lines of that second may repeat), and
   * its end (already past, when it ended while the agent was away) gives the exit status and
   * the OOM verdict. Fails when the engine no longer has the container.
   */
  @Override
  protected Running adopt(LaunchRequest request) {
    try {
      DockerContainerSpec spec = DockerContainerSpec.of(request, request.environment().get("MESOS_AGENT_ID"));
      String dockerId;
      try {
        dockerId = client.inspectContainerCmd(spec.name()).exec().getId();
      } catch (NotFoundException e) {
        throw new ContainerLaunchException("Docker container " + spec.name() + " is gone");
      }
      Running running = new Running(request.containerId(), dockerId, spec);
      SandboxLogCopy logs = new SandboxLogCopy(request.sandbox());
      track(running);
      log.info("[container={}] recovered docker container {} ({})", running.containerId(), spec.name(), dockerId);
      client.logContainerCmd(dockerId).withStdOut(true).withStdErr(true).withFollowStream(true)
          .withSince(lastWritten(request.sandbox())).exec(logs);
      follow(running, () -> awaitEnd(running, logs));
      return running;
    } catch (ContainerLaunchException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ContainerLaunchException("Cannot recover the container: " + DockerEngine.engineMessage(e), e);
    }
  }

  /** The last time (epoch seconds) output was copied into the sandbox, 0 when never. */
  private static int lastWritten(Path sandbox) {
    long latest = 0;
    for (String name : List.of("stdout", "stderr")) {
      try {
        latest = Math.max(latest, Files.getLastModifiedTime(sandbox.resolve(name)).toMillis() / 1000);
      } catch (IOException e) {
        // Not written yet.
      }
    }
    return (int) latest;
  }

  /** Removes this agent's containers (by {@value #OWNER_LABEL}) that no recovered task names. */
  @Override
  public Future<Void> removeOrphans(Set<String> keep) {
    if (owner == null) {
      return Future.succeededFuture();
    }
    return blocking().call(() -> {
      try {
        for (var container : client.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(OWNER_LABEL, owner)).exec()) {
          String name = container.getNames() == null || container.getNames().length == 0 ? "" : container.getNames()[0];
          String containerId = name.startsWith("/mezzo-") ? name.substring("/mezzo-".length()) : name;
          if (!keep.contains(containerId) && !tracks(containerId)) {
            log.info("[container={}] removing docker container {} that no checkpoint names", containerId, container.getId());
            try {
              client.removeContainerCmd(container.getId()).withForce(true).exec();
            } catch (NotFoundException e) {
              log.debug("[container={}] already removed", containerId);
            }
          }
        }
        return null;
      } catch (RuntimeException e) {
        throw new IllegalStateException("Cannot list this agent's docker containers: " + DockerEngine.engineMessage(e), e);
      }
    });
  }

  @Override
  protected void signal(Running running, String signal) {
    try {
      client.killContainerCmd(running.dockerId).withSignal(signal).exec();
    } catch (RuntimeException e) {
      // It may have ended between the check and the signal: nothing left to stop.
      log.debug("[container={}] SIG{} not delivered: {}", running.containerId(), signal, DockerEngine.engineMessage(e));
    }
  }

  @Override
  protected void release() {
    try {
      client.close();
    } catch (IOException e) {
      log.debug("Closing the Docker client failed: {}", e.toString());
    }
  }

  private Running start(LaunchRequest request, DockerContainerSpec spec) {
    String taskId = request.task().getTaskId().getValue();
    ensureImage(spec.image(), spec.forcePull());
    String dockerId;
    try (CreateContainerCmd create = createCommand(spec)) {
      dockerId = create.exec().getId();
    } catch (DockerException e) {
      throw new ContainerLaunchException(
          "Failed to create a container from image '" + spec.image() + "': " + DockerEngine.engineMessage(e), e);
    }
    Running running = new Running(request.containerId(), dockerId, spec);
    SandboxLogCopy logs;
    try {
      logs = new SandboxLogCopy(request.sandbox());
      client.startContainerCmd(dockerId).exec();
    } catch (ContainerLaunchException e) {
      remove(running);
      throw e;
    } catch (DockerException e) {
      remove(running);
      throw new ContainerLaunchException(
          "Failed to start the container from image '" + spec.image() + "': " + DockerEngine.engineMessage(e), e);
    }
    track(running);
    log.info("[task={}] [container={}] started docker container {} ({}) from {}",
        taskId, running.containerId(), spec.name(), dockerId, spec.image());
    client.logContainerCmd(dockerId).withStdOut(true).withStdErr(true).withFollowStream(true).exec(logs);
    follow(running, () -> awaitEnd(running, logs));
    return running;
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
          ? "Image '" + image + "' could not be pulled (force_pull_image): " + DockerEngine.engineMessage(e)
          : "Image '" + image + "' is not available locally and could not be pulled: " + DockerEngine.engineMessage(e), e);
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
    Map<String, String> labels = new LinkedHashMap<>(spec.labels());
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

  /** On a runtime thread: waits for the container to end, drains its logs, removes it; says how it ended. */
  private Termination awaitEnd(Running running, SandboxLogCopy logs) {
    Termination termination;
    try {
      int code = client.waitContainerCmd(running.dockerId).exec(new WaitContainerResultCallback()).awaitStatusCode();
      drain(running, logs);
      termination = termination(running, code);
    } catch (RuntimeException e) {
      log.error("[container={}] lost track of docker container {}: {}", running.containerId(), running.dockerId, e.toString());
      logs.closeQuietly();
      termination = Termination.signalled(9, running.killed());
    }
    remove(running);
    return termination;
  }

  private Termination termination(Running running, int code) {
    Termination termination = code > SIGNAL_EXIT_BASE && code <= SIGNAL_EXIT_BASE + 64
        ? Termination.signalled(code - SIGNAL_EXIT_BASE, running.killed())
        : Termination.exited(Math.max(0, code), running.killed());
    try {
      InspectContainerResponse.ContainerState state = client.inspectContainerCmd(running.dockerId).exec().getState();
      if (Boolean.TRUE.equals(state.getOOMKilled())) {
        long mb = running.spec.memoryBytes() / (1024 * 1024);
        return termination.limitedBy(new Termination.Limitation(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY,
            "Memory limit exceeded: the container reached its limit of " + mb
                + " MB (the task's mem resource) and was killed by the kernel's OOM killer"));
      }
    } catch (DockerException e) {
      log.warn("[container={}] could not inspect the ended container: {}", running.containerId(), DockerEngine.engineMessage(e));
    }
    return termination;
  }

  private void drain(Running running, SandboxLogCopy logs) {
    try {
      if (!logs.awaitCompletion(LOG_DRAIN.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("[container={}] log stream did not end within {}; the sandbox files may be incomplete",
            running.containerId(), LOG_DRAIN);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("[container={}] copying the container's output failed: {}", running.containerId(), e.toString());
    } finally {
      logs.closeQuietly();
    }
  }

  private void remove(Running running) {
    try {
      client.removeContainerCmd(running.dockerId).withForce(true).exec();
    } catch (NotFoundException e) {
      log.debug("[container={}] already removed", running.containerId());
    } catch (RuntimeException e) {
      log.warn("[container={}] could not remove docker container {}: {}", running.containerId(), running.dockerId,
          DockerEngine.engineMessage(e));
    }
  }

  /** A container this runtime runs: its Docker id and the spec it was created from. */
  static final class Running extends RunningContainer {
    final String dockerId;
    final DockerContainerSpec spec;

    Running(String containerId, String dockerId, DockerContainerSpec spec) {
      super(containerId, -1);
      this.dockerId = dockerId;
      this.spec = spec;
    }
  }
}
