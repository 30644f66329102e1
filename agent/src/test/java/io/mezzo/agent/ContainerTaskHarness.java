package io.mezzo.agent;

import io.mezzo.testkit.Requires;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.mezzo.agent.resources.ResourceSpec;
import io.mezzo.agent.runtime.docker.DockerEngine;
import io.mezzo.agent.spi.ContainerRuntime;
import io.mezzo.agent.support.MasterUrl;
import io.mezzo.agent.support.Timers;
import io.mezzo.agent.testing.FakeMaster;
import io.mezzo.testkit.ManualClock;
import io.mezzo.agent.testing.ManualTimers;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.Protos.Value;
import io.mezzo.testkit.StrictVertx;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * A whole agent with real container runtimes, registered with a fake master, for tests that run
 * tasks in containers (docker, oci) from RUN_TASK to their status updates. Whatever fails on an
 * event loop fails the test when the harness closes.
 */
final class ContainerTaskHarness implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(60);
  /** The local image the container tests run; no test pulls. */
  static final String IMAGE = "mezzo/busybox:test";

  private final StrictVertx strictVertx = StrictVertx.start();
  final Vertx vertx = strictVertx.vertx();
  final FakeMaster master;
  final Agent agent;
  private final Path workDir;
  private final Set<ByteString> acknowledged = ConcurrentHashMap.newKeySet();

  /**
   * An agent that makes its runtimes from its configuration ({@code --runtimes}), as AgentMain's
   * agent does, on real timers.
   */
  static ContainerTaskHarness withConfiguredRuntimes(Path workDir, String resources, List<String> runtimes)
      throws Exception {
    return new ContainerTaskHarness(workDir, resources, runtimes, null, null);
  }

  /**
   * An agent with the runtimes {@code runtimes} makes on the harness's Vert.x, its own timers
   * manual (they never move: no retries, no backoff); a runtime may take real timers instead.
   */
  static ContainerTaskHarness withRuntimes(Path workDir, String resources,
      BiFunction<Vertx, Timers, List<ContainerRuntime>> runtimes) throws Exception {
    return new ContainerTaskHarness(workDir, resources, null,
        new ManualTimers(new ManualClock(Instant.parse("2025-01-01T00:00:00Z"))), runtimes);
  }

  private ContainerTaskHarness(Path workDir, String resources, List<String> runtimeNames, Timers timers,
      BiFunction<Vertx, Timers, List<ContainerRuntime>> makeRuntimes) throws Exception {
    this.workDir = workDir;
    try {
      master = FakeMaster.start(vertx, "agent-1");
      List<ContainerRuntime> runtimes = makeRuntimes == null ? null : makeRuntimes.apply(vertx, timers);
      List<String> names = runtimes == null ? runtimeNames : runtimes.stream().map(ContainerRuntime::name).toList();
      AgentConfig.Builder config = AgentConfig.builder().master(MasterUrl.parse(master.url())).port(0).workDir(workDir)
          .resources(ResourceSpec.parseResources(resources));
      if (names != null) {
        config.runtimes(names);
      }
      agent = new Agent(config.build(), Clock.systemUTC(), vertx, timers, runtimes == null ? null : (v, t) -> runtimes);
      AgentHarness.get(agent.start());
      await().atMost(WAIT).until(() -> "agent-1".equals(agent.agentId()));
    } catch (Exception | AssertionError e) {
      strictVertx.vertx().close();
      throw e;
    }
  }

  /** Skips the test class unless a Docker engine answers. */
  static void assumeDockerEngine() {
    Requires.that(DockerEngine.reachable(DockerEngine.defaultHost()),
        "no Docker engine answers at " + DockerEngine.defaultHost());
  }

  /** Skips the test class unless a Docker engine answers and has {@code image} locally. */
  static void assumeDockerImage(String image) {
    assumeDockerEngine();
    try (var client = DockerEngine.client(DockerEngine.defaultHost(), Duration.ofSeconds(10))) {
      client.inspectImageCmd(image).exec();
    } catch (Exception e) {
      Requires.missing("the local Docker image " + image + " is missing: " + e.getMessage());
    }
  }

  void run(TaskInfo task) {
    master.send(Tasks.runTask(task));
  }

  void kill(TaskInfo task) {
    master.send(Tasks.killTask(Tasks.FRAMEWORK, task.getTaskId().getValue()));
  }

  /** Acknowledges each update of the task as it comes, until one in {@code state} arrives; returns that one. */
  TaskStatus awaitState(TaskInfo task, TaskState state) {
    String taskId = task.getTaskId().getValue();
    await().atMost(WAIT).until(() -> {
      for (TaskStatus status : master.statusUpdates(taskId)) {
        if (acknowledged.add(status.getUuid())) {
          master.send(Tasks.acknowledge(Tasks.FRAMEWORK, status));
        }
      }
      return master.statusUpdates(taskId).stream().anyMatch(s -> s.getState() == state);
    });
    return master.statusUpdates(taskId).stream().filter(s -> s.getState() == state).findFirst().orElseThrow();
  }

  /** The first file called {@code name} in a task sandbox. */
  Path sandboxFile(String name) throws Exception {
    try (var files = Tasks.sandboxTree(workDir)) {
      return files.filter(p -> p.getFileName().toString().equals(name)).findFirst().orElseThrow();
    }
  }

  static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  @Override
  public void close() throws Exception {
    AgentHarness.get(agent.close());
    master.close();
    strictVertx.close();
  }
}
