package io.mezzo.benchmarks.load;

import io.mezzo.agent.detector.MasterDetector;
import io.mezzo.agent.resources.ResourceSpec;
import io.mezzo.agent.support.MasterUrl;
import io.mezzo.agent.support.Timers;
import io.mezzo.v1.Protos.AgentInfo;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thousands of simulated agents in one JVM, each speaking the real agent channel to a real
 * master over its own HTTP connection (one long-lived REGISTER stream per agent, status
 * updates as separate POSTs). They share one Vert.x instance, one HTTP client and a few
 * event-loop contexts; each agent costs a few objects and one socket, no thread.
 */
public final class SimulatedAgents {
  /**
   * How the agents look and how their no-op runtime behaves.
   *
   * @param runningOnly a task reports RUNNING without STARTING first: half the status updates and
   *     acknowledgements, to build a large running state fast (the GET_STATE bench)
   * @param firstIndex the first agent's number: agent {@code i} is {@code sim-<firstIndex + i>}, so
   *     agents run by several processes against one master have distinct host names
   */
  public record Options(int agents, String master, String resources, Duration startDelay, Duration taskDuration,
      boolean runningOnly, int firstIndex) {
    public Options {
      if (agents < 1) {
        throw new IllegalArgumentException("--agents must be at least 1, got " + agents);
      }
      if (firstIndex < 0) {
        throw new IllegalArgumentException("--first-index must not be negative, got " + firstIndex);
      }
    }

    /** Agents numbered from 0. */
    public Options(int agents, String master, String resources, Duration startDelay, Duration taskDuration,
        boolean runningOnly) {
      this(agents, master, resources, startDelay, taskDuration, runningOnly, 0);
    }

    /** Tasks report STARTING, then RUNNING. */
    public Options(int agents, String master, String resources, Duration startDelay, Duration taskDuration) {
      this(agents, master, resources, startDelay, taskDuration, false);
    }
  }

  private final Vertx vertx;
  private final Options options;
  private final SimulatedAgent.Listener listener;
  private final List<SimulatedAgent> agents = new ArrayList<>();
  private final List<SharedDetector> detectors = new ArrayList<>();
  private final AtomicInteger registrations = new AtomicInteger();
  private final AtomicInteger reregistrations = new AtomicInteger();
  /** Agents per HTTP client: a pool's acquire scans its connections, so one pool of 10,000 stalls the loop. */
  private static final int AGENTS_PER_CLIENT = 100;
  /**
   * POST connections per client. A real agent has its own, so its status update never waits for
   * another agent's call. With 4 per 100 agents, the PONGs of agents that registered within the
   * same second (their pings fall due together) queued for up to half a second, and the status
   * updates of busy agents queued behind them.
   */
  private static final int POST_CONNECTIONS = 16;
  private final List<HttpClient> clients = new ArrayList<>();

  /** @param listener told of registrations and freed resources, on the agents' contexts */
  public SimulatedAgents(Vertx vertx, Options options, SimulatedAgent.Listener listener) {
    this.vertx = vertx;
    this.options = options;
    this.listener = listener;
  }

  /** Creates and starts every agent; they register in the background (see {@link #registered()}). */
  public Future<Void> start() {
    // One streaming connection per agent, plus POST_CONNECTIONS for the POSTs (status updates and
    // PONGs) of its AGENTS_PER_CLIENT agents: the process may open 20,000 descriptors here, and the
    // load framework in the same JVM needs its share.
    for (int i = 0; i < options.agents(); i += AGENTS_PER_CLIENT) {
      clients.add(vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000).setKeepAlive(true)
              .setKeepAliveTimeout(io.mezzo.agent.channel.MasterLink.KEEP_ALIVE_SECONDS),
          new PoolOptions().setHttp1MaxSize(AGENTS_PER_CLIENT + POST_CONNECTIONS).setMaxWaitQueueSize(-1)));
    }
    int shards = Math.min(options.agents(), 2 * Runtime.getRuntime().availableProcessors());
    List<Future<Context>> contexts = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      // A verticle per shard only to get an event-loop context of its own.
      Shard shard = new Shard();
      contexts.add(vertx.deployVerticle(shard).map(id -> shard.context()));
    }
    return Future.all(contexts).compose(all -> {
      List<Context> shardContexts = all.list();
      for (Context context : shardContexts) {
        detectors.add(new SharedDetector(MasterDetector.of(MasterUrl.parse(options.master()), context), context));
      }
      Timers timers = Timers.vertx(vertx);
      SimulatedAgent.Listener counting = new SimulatedAgent.Listener() {
        @Override
        public void registered(SimulatedAgent agent, boolean first) {
          (first ? registrations : reregistrations).incrementAndGet();
          listener.registered(agent, first);
        }

        @Override
        public void freed(io.mezzo.v1.Protos.AgentID agentId, io.mezzo.v1.Protos.TaskID taskId,
            io.mezzo.v1.Protos.TaskState state, long nanos) {
          listener.freed(agentId, taskId, state, nanos);
        }

        @Override
        public void ending(io.mezzo.v1.Protos.AgentID agentId, io.mezzo.v1.Protos.TaskID taskId,
            io.mezzo.v1.Protos.TaskState state, long nanos) {
          listener.ending(agentId, taskId, state, nanos);
        }
      };
      List<Future<Void>> started = new ArrayList<>();
      for (int i = 0; i < options.agents(); i++) {
        int shard = i % shardContexts.size();
        SimulatedAgent agent = new SimulatedAgent(shardContexts.get(shard), clients.get(i / AGENTS_PER_CLIENT),
            detectors.get(shard).view(),
            timers, agentInfo(options.firstIndex() + i), options.startDelay(), options.taskDuration(), counting);
        agent.runningOnly(options.runningOnly());
        agents.add(agent);
        started.add(agent.start());
      }
      return Future.all(started).mapEmpty();
    });
  }

  /** Agents that registered (first registrations). */
  public int registered() {
    return registrations.get();
  }

  /** Re-registrations after a lost master or a failover. */
  public int reregistered() {
    return reregistrations.get();
  }

  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    agents.forEach(agent -> closing.add(agent.close()));
    return Future.join(closing).transform(ignored -> {
      detectors.forEach(SharedDetector::close);
      return Future.join(clients.stream().map(HttpClient::close).toList()).mapEmpty();
    });
  }

  private AgentInfo agentInfo(int index) {
    return AgentInfo.newBuilder()
        .setHostname(String.format("sim-%05d", index))
        .setPort(5051)
        .addAllResources(ResourceSpec.parseResources(options.resources()))
        .addAllAttributes(ResourceSpec.parseAttributes("rack:r" + (index / 40) + ";zone:z" + (index % 3)))
        .build();
  }

  private static final class Shard extends VerticleBase {
    Context context() {
      return context;
    }
  }
}
