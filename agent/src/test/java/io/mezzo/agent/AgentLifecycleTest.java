package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.spi.ContainerRuntime;
import io.mezzo.agent.testing.FakeMaster;
import io.mezzo.agent.testing.FakeRuntime;
import io.mezzo.agent.testing.Tasks;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lifecycle every Mezzo node shares: start() runs once, close() is idempotent (the master's twin is MasterLifecycleTest). */
class AgentLifecycleTest {
  @TempDir
  Path workDir;

  private final Vertx vertx = Vertx.vertx();
  private FakeMaster master;

  @BeforeEach
  void startMaster() throws Exception {
    master = FakeMaster.start(vertx, "agent-1");
  }

  @AfterEach
  void stop() throws Exception {
    master.close();
    AgentHarness.get(vertx.close());
  }

  @Test
  void aSecondStartIsRefusedBeforeAndAfterClose() throws Exception {
    Agent agent = new Agent(config("a"), Clock.systemUTC(), vertx, null, (v, t) -> List.of(new FakeRuntime()));
    AgentHarness.get(agent.start());

    assertThatThrownBy(agent::start).isInstanceOf(IllegalStateException.class)
        .hasMessage("The agent was already started");
    AgentHarness.get(agent.close());
    assertThatThrownBy(agent::start).isInstanceOf(IllegalStateException.class)
        .hasMessage("The agent was already started");
  }

  @Test
  void aClosedAgentCannotStart() throws Exception {
    Agent agent = new Agent(config("a"), Clock.systemUTC(), vertx, null, (v, t) -> List.of(new FakeRuntime()));
    AgentHarness.get(agent.close());

    assertThatThrownBy(agent::start).isInstanceOf(IllegalStateException.class).hasMessage("The agent was closed");
  }

  @Test
  void closingTwiceIsFineKillsTheTasksAndStopsTheHttpApi() throws Exception {
    FakeRuntime runtime = new FakeRuntime();
    Agent agent = new Agent(config("a"), Clock.systemUTC(), vertx, null, (v, t) -> List.of(runtime));
    AgentHarness.get(agent.start());
    await().atMost(AgentHarness.WAIT).until(() -> "agent-1".equals(agent.agentId()));
    master.send(Tasks.runTask(Tasks.shellTask("t1", "sleep 1000")));
    await().atMost(AgentHarness.WAIT).until(() -> runtime.isRunning("t1"));
    int port = agent.httpPort();
    assertThat(listening(port)).isTrue();

    Future<Void> first = agent.close();
    Future<Void> second = agent.close();

    assertThat(second).isSameAs(first);
    AgentHarness.get(first);
    AgentHarness.get(agent.close());
    assertThat(runtime.isRunning("t1")).isFalse();
    assertThat(runtime.kills()).hasSize(1);
    // The port is free once the acceptor's selector next wakes: a closed NIO server channel keeps its
    // descriptor until its selector deregisters it, which can be a moment after close() completed.
    await().atMost(AgentHarness.WAIT).until(() -> !listening(port));
  }

  @Test
  void closeEndsOnlyOnceTheRegistrationFileIsWritten() throws Exception {
    // One worker thread, held while the agent registers: its agent.json write waits behind it.
    Vertx agentsVertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(1));
    CountDownLatch release = new CountDownLatch(1);
    master.beforeRegistered(() -> {
      CountDownLatch holding = new CountDownLatch(1);
      agentsVertx.executeBlocking(() -> {
        holding.countDown();
        return release.await(AgentHarness.WAIT.toSeconds(), TimeUnit.SECONDS);
      });
      await().atMost(AgentHarness.WAIT).until(() -> holding.getCount() == 0);
    });
    try {
      Agent agent = new Agent(config("a"), Clock.systemUTC(), agentsVertx, null, (v, t) -> List.of(new FakeRuntime()));
      AgentHarness.get(agent.start());
      await().atMost(AgentHarness.WAIT).until(() -> "agent-1".equals(agent.agentId()));
      int port = agent.httpPort();

      Future<Void> closing = agent.close();
      await().atMost(AgentHarness.WAIT).until(() -> !listening(port));

      assertThat(closing.isComplete()).as("closed before agent.json was written").isFalse();
      release.countDown();
      AgentHarness.get(closing);
      assertThat(workDir.resolve("a").resolve("agent.json")).exists();
      try (var files = Files.list(workDir.resolve("a"))) {
        assertThat(files.map(f -> f.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
      }
    } finally {
      release.countDown();
      AgentHarness.get(agentsVertx.close());
    }
  }

  @Test
  void anAgentOnItsOwnVertxClosesItOnceItIsUndeployed() throws Exception {
    AtomicReference<Vertx> agentsVertx = new AtomicReference<>();
    Agent agent = new Agent(config("a"), Clock.systemUTC(), null, null, (v, t) -> {
      agentsVertx.set(v);
      return List.of(new FakeRuntime());
    });
    AgentHarness.get(agent.start());
    assertThat(agentsVertx.get()).isNotNull().isNotSameAs(vertx);

    AgentHarness.get(agent.close());
    AgentHarness.get(agent.close());

    assertThatThrownBy(() -> AgentHarness.get(agentsVertx.get().deployVerticle(new VerticleBase() { })))
        .isInstanceOf(ExecutionException.class).hasMessageContaining("Vert.x closed");
  }

  @Test
  void theRuntimesAreMadeOnAWorkerThreadNotOnTheCallersThread() throws Exception {
    Thread caller = Thread.currentThread();
    AtomicReference<Thread> madeOn = new AtomicReference<>();
    AtomicBoolean onWorker = new AtomicBoolean();
    Agent agent = new Agent(config("a"), Clock.systemUTC(), vertx, null, (v, t) -> {
      madeOn.set(Thread.currentThread());
      onWorker.set(Context.isOnWorkerThread());
      return List.of(new FakeRuntime());
    });

    AgentHarness.get(agent.start());

    assertThat(madeOn.get()).isNotNull().isNotSameAs(caller);
    assertThat(onWorker).isTrue();
    AgentHarness.get(agent.close());
  }

  @Test
  void anAgentStartedFromAnEventLoopMakesItsRuntimesOffThatLoop() throws Exception {
    AtomicReference<Thread> madeOn = new AtomicReference<>();
    AtomicBoolean onWorker = new AtomicBoolean();
    Agent.RuntimeFactory recording = (v, t) -> {
      madeOn.set(Thread.currentThread());
      onWorker.set(Context.isOnWorkerThread());
      return List.<ContainerRuntime>of(new FakeRuntime());
    };
    CompletableFuture<Thread> caller = new CompletableFuture<>();
    CompletableFuture<Agent> started = new CompletableFuture<>();
    // The caller's context is busy with its own work; the agent must not borrow it.
    vertx.runOnContext(v -> {
      caller.complete(Thread.currentThread());
      Agent agent = new Agent(config("b"), Clock.systemUTC(), vertx, null, recording);
      agent.start().onComplete(done -> {
        if (done.succeeded()) {
          started.complete(agent);
        } else {
          started.completeExceptionally(done.cause());
        }
      });
    });

    Agent agent = started.get(AgentHarness.WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(madeOn.get()).isNotNull().isNotSameAs(caller.get(AgentHarness.WAIT.toSeconds(), TimeUnit.SECONDS));
    assertThat(onWorker).isTrue();
    AgentHarness.get(agent.close());
  }

  @Test
  void aConfiguredRuntimeTheFactoryDidNotMakeFailsTheStart() throws Exception {
    AgentConfig config = config("a").toBuilder().runtimes("process", "docker").build();
    Agent agent = new Agent(config, Clock.systemUTC(), vertx, null, (v, t) -> List.of(new FakeRuntime()));

    assertThatThrownBy(() -> AgentHarness.get(agent.start())).isInstanceOf(ExecutionException.class)
        .hasRootCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("No implementation of runtime 'docker' was given");
    AgentHarness.get(agent.close());
  }

  private AgentConfig config(String name) {
    return AgentConfig.builder().master(master.url()).workDir(workDir.resolve(name)).port(0).build();
  }

  private static boolean listening(int port) {
    try (Socket ignored = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
