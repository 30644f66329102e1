package io.mezzo.agent;

import io.mezzo.agent.metrics.AgentMetrics;
import io.mezzo.agent.spi.ContainerRuntime;
import io.mezzo.agent.support.Timers;
import io.mezzo.node.metrics.MetricsVertx;
import io.mezzo.v1.Protos.AgentID;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Mezzo agent: registers its resources with the leading master, runs the tasks the master
 * sends in its runtimes (command tasks itself, other tasks through their framework's custom
 * executor and the v1 executor API), reports their status updates until acknowledged, and
 * serves its sandboxes over HTTP.
 *
 * <p>The agent is a verticle, deployed by {@link #start()} on its own Vert.x instance or a
 * given one; its context owns all of its state, and blocking work (detecting the machine's
 * runtimes included) runs in {@code executeBlocking}. The constructor checks its arguments;
 * {@link #start()} runs once; {@link #close()} is idempotent, undeploys the agent, which kills
 * every task still running so that nothing is left behind, and closes the Vert.x instance the
 * agent made.
 */
public final class Agent {
  public static final String VERSION = Objects.requireNonNullElse(Agent.class.getPackage().getImplementationVersion(), "dev");
  /** The text attribute in which the agent shows its runtimes ({@code process,docker}). */
  public static final String RUNTIMES_ATTRIBUTE = "runtimes";
  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  /** Makes an agent's runtimes. */
  @FunctionalInterface
  public interface RuntimeFactory {
    /**
     * The runtimes of the agent, at least one per name in its {@code config.runtimes()}.
     * Called once, by {@link #start()}, on a worker thread of the agent's Vert.x instance: it
     * may block (probe cgroups, look for binaries, ping Docker). A failure fails the start.
     *
     * @param vertx the Vert.x instance the agent runs on
     * @param timers the agent's timers (the injected ones, or Vert.x timers)
     */
    List<ContainerRuntime> create(Vertx vertx, Timers timers);
  }

  private final AgentConfig config;
  private final Clock clock;
  private final Vertx givenVertx;
  private final Timers timers;
  private final RuntimeFactory runtimes;
  /** This agent's own registry: several agents may share a JVM (the testkit), never the global one. */
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private Vertx vertx;
  private AgentVerticle verticle;
  private Future<String> deployment;
  private Future<Void> closing;

  /** An agent with its own Vert.x instance, Vert.x timers and the runtimes its configuration names. */
  public Agent(AgentConfig config, Clock clock) {
    this(config, clock, null, null, null);
  }

  /**
   * An agent on a shared Vert.x instance (which {@link #close()} leaves open), with injected
   * timers and runtimes.
   *
   * @param vertx the Vert.x instance to deploy on; null for one of its own
   * @param timers the timers of the agent's timeouts, backoffs and grace periods; null for Vert.x timers
   * @param runtimes makes the runtimes; null for those {@code config.runtimes()} names, made as
   *     {@link AgentMain}'s agent makes them
   */
  public Agent(AgentConfig config, Clock clock, Vertx vertx, Timers timers, RuntimeFactory runtimes) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.givenVertx = vertx;
    this.timers = timers;
    this.runtimes = runtimes != null ? runtimes : AgentRuntimes.fromConfig(config);
  }

  /**
   * Deploys the agent: it makes its runtimes, recovers what an earlier run of the agent in the
   * same work dir left (its agent id, its checkpointed tasks and executors and their
   * unacknowledged updates), starts its HTTP API, then looks for the master. Completes when the
   * HTTP API is listening and recovery is done; fails (having released what it made) when any
   * of that fails, e.g. a configured runtime that the factory did not make.
   *
   * @throws IllegalStateException when the agent was started or closed before
   */
  public synchronized Future<Void> start() {
    if (verticle != null) {
      throw new IllegalStateException("The agent was already started");
    }
    if (closing != null) {
      throw new IllegalStateException("The agent was closed");
    }
    // An agent's own Vert.x reports its HTTP server and client metrics into the agent's registry.
    vertx = givenVertx != null ? givenVertx : MetricsVertx.create(registry);
    verticle = new AgentVerticle(config, clock, timers, runtimes, registry);
    deployment = vertx.deployVerticle(verticle);
    return deployment.mapEmpty();
  }

  /**
   * Undeploys the agent: it stops talking to the master, kills every task and executor still
   * running, stops its HTTP API; then the Vert.x instance the agent made is closed. Waits for a
   * start under way. Idempotent; the future always succeeds (a failure on the way is logged).
   */
  public synchronized Future<Void> close() {
    if (closing != null) {
      return closing;
    }
    Future<Void> undeployed = deployment == null ? Future.succeededFuture() : deployment
        .transform(deployed -> deployed.succeeded() ? vertx.undeploy(deployed.result()) : Future.<Void>succeededFuture())
        .recover(e -> {
          log.warn("The agent did not stop cleanly: {}", e.toString());
          return Future.succeededFuture();
        });
    if (givenVertx == null && vertx != null) {
      // A promise of no context: its listeners run on the thread that completes Vert.x's close,
      // since the event loops a context would need are gone by then.
      Promise<Void> closed = Promise.promise();
      undeployed.onComplete(ignored -> vertx.close().onComplete(closed));
      closing = closed.future();
    } else {
      closing = undeployed;
    }
    return closing;
  }

  /** The id the master gave this agent (or the one it recovered), else null. */
  public String agentId() {
    AgentVerticle deployed = verticle();
    AgentID id = deployed == null ? null : deployed.agentId();
    return id == null ? null : id.getValue();
  }

  /** The port of the agent's HTTP API, or -1 before {@link #start()} completed. */
  public int httpPort() {
    AgentVerticle deployed = verticle();
    return deployed == null ? -1 : deployed.httpPort();
  }

  public AgentConfig config() {
    return config;
  }

  /** What {@code GET /state} answers, rendered on the agent's context; fails before the agent started. */
  public Future<JsonObject> state() {
    AgentVerticle deployed = verticle();
    return deployed == null
        ? Future.failedFuture(new IllegalStateException("The agent has not started yet"))
        : deployed.state();
  }

  /**
   * The agent's metrics under Mesos's keys ({@code slave/tasks_running}, ...), as
   * {@code /metrics/snapshot} shows them: what the agent's GET_METRICS answers. Any thread;
   * fails before the agent started.
   */
  public Future<Map<String, Double>> metrics() {
    AgentVerticle deployed = verticle();
    AgentMetrics metrics = deployed == null ? null : deployed.metrics();
    return metrics == null
        ? Future.failedFuture(new IllegalStateException("The agent has not started yet"))
        : metrics.snapshot();
  }

  private synchronized AgentVerticle verticle() {
    return verticle;
  }
}
