package io.mezzo.testkit;

import io.mezzo.agent.Agent;
import io.mezzo.agent.AgentConfig;
import io.mezzo.agent.support.MasterUrl;
import io.mezzo.agent.resources.ResourceSpec;
import io.mezzo.master.Master;
import io.mezzo.master.MasterConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.curator.test.TestingServer;

/**
 * A whole Mezzo cluster in one JVM: an in-process ZooKeeper, one master and N agents
 * running real tasks as local processes. For framework authors' tests and Mezzo's own.
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.builder().agents(2).build().start()) {
 *   SchedulerClient.builder().master(cluster.zkUrl())...
 * }
 * }</pre>
 */
public final class LocalCluster implements AutoCloseable {
  private final int agentCount;
  private final String agentResources;
  private final Duration allocationInterval;
  private final List<String> runtimes;
  private TestingServer zookeeper;
  private Vertx vertx;
  private Master master;
  private final List<Agent> agents = new ArrayList<>();
  private Path workDir;
  private boolean closed;

  private LocalCluster(Builder builder) {
    this.agentCount = builder.agents;
    this.agentResources = builder.agentResources;
    this.allocationInterval = builder.allocationInterval;
    this.runtimes = builder.runtimes;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts ZooKeeper, the master and the agents, and returns once the master leads and every agent registered. */
  public LocalCluster start() {
    try {
      workDir = Files.createTempDirectory("mezzo-local-cluster");
      zookeeper = new TestingServer(true);
      vertx = Vertx.vertx();
      master = new Master(MasterConfig.builder().zk(zkUrl()).port(0).allocationInterval(allocationInterval).build(),
          vertx, Clock.systemUTC());
      await(master.start());
      for (int i = 1; i <= agentCount; i++) {
        AgentConfig config = AgentConfig.builder()
            .master(MasterUrl.parse(zkUrl()))
            .port(0)
            .workDir(workDir.resolve("agent-" + i))
            .resources(ResourceSpec.parseResources(agentResources))
            .runtimes(runtimes)
            .build();
        Agent agent = new Agent(config, Clock.systemUTC());
        agents.add(agent);
        await(agent.start());
      }
      awaitReady(Duration.ofSeconds(60));
      return this;
    } catch (Exception e) {
      close();
      throw new IllegalStateException("Local cluster did not start: " + e.getMessage(), e);
    }
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (master.isLeader() && agents.stream().allMatch(a -> a.agentId() != null)) {
        try {
          HttpResponse<String> state = http.send(HttpRequest.newBuilder(URI.create(masterUrl() + "/state")).build(),
              HttpResponse.BodyHandlers.ofString());
          if (state.statusCode() == 200
              && new io.vertx.core.json.JsonObject(state.body()).getInteger("activated_slaves") == agentCount) {
            return;
          }
        } catch (IOException e) {
          // not up yet
        }
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("cluster not ready within " + timeout);
  }

  /** The ZooKeeper URL frameworks and agents use, {@code zk://127.0.0.1:PORT/mezzo}. */
  public String zkUrl() {
    return "zk://" + zookeeper.getConnectString() + "/mezzo";
  }

  /** The master's base URL, {@code http://127.0.0.1:PORT}. */
  public String masterUrl() {
    return master.url();
  }

  public Master master() {
    return master;
  }

  public List<Agent> agents() {
    return Collections.unmodifiableList(agents);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Agent agent : agents) {
      quietly(() -> await(agent.close()));
    }
    if (master != null) {
      quietly(() -> await(master.close()));
    }
    if (vertx != null) {
      quietly(() -> await(vertx.close()));
    }
    if (zookeeper != null) {
      quietly(() -> zookeeper.close());
    }
    if (workDir != null) {
      quietly(() -> deleteTree(workDir));
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void quietly(Step step) {
    try {
      step.run();
    } catch (Exception e) {
      // closing: keep going with the rest
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  /** Options of a local cluster. */
  public static final class Builder {
    private int agents = 1;
    private String agentResources = "cpus:4;mem:4096;disk:8192;ports:[31000-31999]";
    private Duration allocationInterval = Duration.ofMillis(200);
    private List<String> runtimes = List.of("process");

    public Builder agents(int agents) {
      if (agents < 0) {
        throw new IllegalArgumentException("agents must not be negative");
      }
      this.agents = agents;
      return this;
    }

    /** Each agent's resources in Mesos syntax (default {@code cpus:4;mem:4096;disk:8192;ports:[31000-31999]}). */
    public Builder agentResources(String resources) {
      this.agentResources = resources;
      return this;
    }

    /** The runtimes each agent offers (default {@code process}; {@code docker} needs a running engine). */
    public Builder runtimes(String... runtimes) {
      this.runtimes = List.of(runtimes);
      return this;
    }

    public Builder allocationInterval(Duration interval) {
      this.allocationInterval = interval;
      return this;
    }

    public LocalCluster build() {
      ResourceSpec.parseResources(agentResources);
      return new LocalCluster(this);
    }
  }
}
