package io.mezzo.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.Socket;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lifecycle every Mezzo node shares: start() runs once, close() is idempotent (the agent's twin is AgentLifecycleTest). */
class MasterLifecycleTest {
  private TestingServer zookeeper;
  private Vertx vertx;

  @BeforeEach
  void start() throws Exception {
    zookeeper = new TestingServer(true);
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    get(vertx.close());
    zookeeper.close();
  }

  @Test
  void aSecondStartIsRefusedBeforeAndAfterClose() throws Exception {
    Master master = master();
    get(master.start());

    assertThatThrownBy(master::start).isInstanceOf(IllegalStateException.class)
        .hasMessage("The master was already started");
    get(master.close());
    assertThatThrownBy(master::start).isInstanceOf(IllegalStateException.class)
        .hasMessage("The master was already started");
  }

  @Test
  void aClosedMasterCannotStart() throws Exception {
    Master master = master();
    get(master.close());

    assertThatThrownBy(master::start).isInstanceOf(IllegalStateException.class).hasMessage("The master was closed");
  }

  @Test
  void closingTwiceIsFineAndStopsServing() throws Exception {
    Master master = master();
    get(master.start());
    int port = master.port();
    assertThat(listening(port)).isTrue();

    Future<Void> first = master.close();
    Future<Void> second = master.close();

    assertThat(second).isSameAs(first);
    get(first);
    get(master.close());
    // The port is free once the acceptor's selector next wakes: a closed NIO server channel keeps its
    // descriptor until its selector deregisters it, which can be a moment after close() completed.
    await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !listening(port));
  }

  private Master master() {
    return new Master(MasterConfig.builder().zk("zk://" + zookeeper.getConnectString() + "/mezzo").ip("127.0.0.1").port(0).build(),
        vertx, Clock.systemUTC());
  }

  /**
   * Whether something accepts connections on the port. A connection whose local port is the port
   * itself is TCP's self-connect (the kernel gave the probe that very port as its own, which it may
   * once nothing listens there), not a listener.
   */
  private static boolean listening(int port) {
    try (Socket probe = new Socket("127.0.0.1", port)) {
      return probe.getLocalPort() != port;
    } catch (IOException e) {
      return false;
    }
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
