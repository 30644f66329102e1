package io.mezzo.agent;

import io.mezzo.agent.support.MasterUrl;
import io.mezzo.agent.support.Timers;

import static org.awaitility.Awaitility.await;

import io.mezzo.agent.spi.ContainerRuntime;
import io.mezzo.agent.testing.FakeMaster;
import io.mezzo.testkit.ManualClock;
import io.mezzo.agent.testing.ManualTimers;
import io.mezzo.agent.resources.ResourceSpec;
import io.mezzo.testkit.StrictVertx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/** An agent on manual time, registered with a fake master over http://. */
public final class AgentHarness implements AutoCloseable {
  public static final Duration WAIT = Duration.ofSeconds(20);

  /** Whatever fails on its threads, or blocks them, fails the test when the harness closes. */
  private final StrictVertx strictVertx = StrictVertx.start();
  public final Vertx vertx = strictVertx.vertx();
  public final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
  public final ManualTimers timers = new ManualTimers(clock);
  public final FakeMaster master;
  public final Agent agent;

  public AgentHarness(Path workDir, double heartbeatIntervalSeconds, ContainerRuntime runtime) throws Exception {
    this(workDir, heartbeatIntervalSeconds, (v, t) -> runtime);
  }

  /** An agent whose runtime is made with the harness's Vert.x and manual timers (e.g. a real ProcessRuntime). */
  public AgentHarness(Path workDir, double heartbeatIntervalSeconds, BiFunction<Vertx, Timers, ContainerRuntime> runtime)
      throws Exception {
    this(workDir, heartbeatIntervalSeconds, runtime, UnaryOperator.identity());
  }

  /** As above, with the agent's configuration changed by {@code configure} (e.g. its log rotation). */
  public AgentHarness(Path workDir, double heartbeatIntervalSeconds, BiFunction<Vertx, Timers, ContainerRuntime> runtime,
      UnaryOperator<AgentConfig.Builder> configure) throws Exception {
    master = FakeMaster.start(vertx, "agent-1");
    master.heartbeatIntervalSeconds(heartbeatIntervalSeconds);
    AgentConfig config = configure.apply(AgentConfig.builder()
        .master(MasterUrl.parse(master.url())).workDir(workDir).port(0)
        .resources(ResourceSpec.parseResources("cpus:2;mem:1024;disk:1024;ports:[31000-31009]"))).build();
    agent = new Agent(config, clock, vertx, timers, (v, t) -> List.of(runtime.apply(v, t)));
    get(agent.start());
    await().atMost(WAIT).until(() -> "agent-1".equals(agent.agentId()));
  }

  public JsonObject state() throws Exception {
    return get(agent.state());
  }

  public static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    get(agent.close());
    master.close();
    strictVertx.close();
  }
}
