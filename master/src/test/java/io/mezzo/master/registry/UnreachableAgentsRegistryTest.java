package io.mezzo.master.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.state.AgentLiveness;
import io.mezzo.master.state.ClusterState;
import io.mezzo.master.state.EventSink;
import io.mezzo.master.state.StateOwner;
import io.mezzo.master.state.Timers;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.protocol.internal.RegistryRecords;
import io.mezzo.testkit.TestVertx;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Value;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Unreachable and removed agents survive a master failover through the registry in a real (in-process) ZooKeeper. */
class UnreachableAgentsRegistryTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final AgentLiveness LIVENESS = new AgentLiveness(Duration.ofSeconds(1), 2, Duration.ofMinutes(10));
  /** Ownership is not what this test is about: the states are used from the test thread and registry callbacks. */
  private static final StateOwner ANYWHERE = () -> true;

  @RegisterExtension
  final TestVertx vertxes = new TestVertx();
  private TestingServer zk;
  private CuratorFramework curator;
  private Registry registry;

  @BeforeEach
  void start() throws Exception {
    zk = new TestingServer(true);
    curator = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
    curator.start();
    // What the leader latch holds while this master leads: registry writes check that it exists.
    String latchNode = curator.create().creatingParentsIfNeeded()
        .withMode(org.apache.zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL).forPath("/mezzo/leader-latch/_c_test-latch-");
    registry = new Registry(curator, "/mezzo", vertxes.vertx().getOrCreateContext(),
        new io.mezzo.master.spi.LeaderFence(latchNode, why -> { }));
  }

  @AfterEach
  void stop() throws Exception {
    curator.close();
    zk.close();
  }

  @Test
  void aNewLeaderKnowsWhichAgentsAreUnreachableOrRemoved() throws Exception {
    StepTimers timers = new StepTimers();
    ClusterState first = leader(timers, START);
    String silent = first.registerAgent(register(null), new Sink("s1"));
    String comesBack = first.registerAgent(register(null), new Sink("s2"));
    timers.advance(Duration.ofSeconds(3));
    assertThat(first.unreachableAgents()).containsOnlyKeys(silent, comesBack);
    await().atMost(Duration.ofSeconds(10)).until(() -> stored().getUnreachableAgentsCount() == 2);

    first.registerAgent(register(comesBack), new Sink("s2-again"));
    await().atMost(Duration.ofSeconds(10)).until(() -> stored().getUnreachableAgentsCount() == 1);
    RegistryRecords.Registry.UnreachableAgent kept = stored().getUnreachableAgents(0);
    assertThat(kept.getAgentId()).isEqualTo(silent);
    assertThat(kept.getUnreachableTime().getNanoseconds()).isEqualTo(START.toEpochMilli() * 1_000_000L);

    // Failover: the next leader, 4 minutes later, reads the registry.
    StepTimers nextTimers = new StepTimers();
    ClusterState second = leader(nextTimers, START.plus(Duration.ofMinutes(4)));
    assertThat(second.unreachableAgents()).isEqualTo(Map.of(silent, START));
    assertThat(second.gauges().agentsUnreachable()).isEqualTo(1);

    nextTimers.advance(Duration.ofMinutes(6));
    assertThat(second.removedAgents()).containsExactly(silent);
    await().atMost(Duration.ofSeconds(10)).until(() -> stored().getRemovedAgentsList().equals(List.of(silent))
        && stored().getUnreachableAgentsCount() == 0);

    // And the one after that refuses the removed agent.
    ClusterState third = leader(new StepTimers(), START.plus(Duration.ofMinutes(20)));
    Sink refused = new Sink("late");
    assertThat(third.registerAgent(register(silent), refused)).isNull();
    assertThat(refused.events).singleElement().satisfies(e -> assertThat(e.getType()).isEqualTo(AgentEvent.Type.ERROR));
  }

  /** A leader's state over what the registry holds now, keeping its changes there. */
  private ClusterState leader(Timers timers, Instant now) throws Exception {
    ClusterState state = new ClusterState(MasterInfo.newBuilder().setId("m-" + now).setIp(0).setPort(5050).build(),
        new DrfAllocator(new Random(1)), Clock.fixed(now, ZoneOffset.UTC), timers, ANYWHERE, Duration.ofMinutes(10),
        null, 100, LIVENESS);
    new OperatorState(registry, get(registry.read()), new DrfAllocator(new Random(1)), state);
    return state;
  }

  private RegistryRecords.Registry stored() throws Exception {
    return get(registry.read()).record();
  }

  private static AgentCall.Register register(String id) {
    AgentInfo.Builder info = AgentInfo.newBuilder().setHostname("h").setPort(5051).addResources(Resource.newBuilder()
        .setName("cpus").setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(1)));
    if (id != null) {
      info.setId(AgentID.newBuilder().setValue(id));
    }
    return AgentCall.Register.newBuilder().setAgentInfo(info).build();
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static final class Sink implements EventSink<AgentEvent> {
    final List<AgentEvent> events = new ArrayList<>();
    final String id;

    Sink(String id) {
      this.id = id;
    }

    @Override
    public String streamId() {
      return id;
    }

    @Override
    public void send(AgentEvent event) {
      events.add(event);
    }

    @Override
    public void close() {
    }
  }

  /** Timers on manual time that the test moves a second at a step. */
  private static final class StepTimers implements Timers {
    private final TreeMap<Long, Runnable> due = new TreeMap<>();
    private long nowMillis;
    private long next;

    @Override
    public synchronized long schedule(Duration delay, Runnable action) {
      long id = next++;
      due.put(((nowMillis + delay.toMillis()) << 20) | id, action);
      return id;
    }

    @Override
    public synchronized void cancel(long timerId) {
      due.keySet().removeIf(k -> (k & ((1 << 20) - 1)) == timerId);
    }

    void advance(Duration by) {
      for (long s = 0; s < by.toSeconds(); s++) {
        nowMillis += 1000;
        Map.Entry<Long, Runnable> first;
        while ((first = firstDue()) != null) {
          first.getValue().run();
        }
      }
    }

    private synchronized Map.Entry<Long, Runnable> firstDue() {
      return !due.isEmpty() && (due.firstKey() >> 20) <= nowMillis ? due.pollFirstEntry() : null;
    }
  }
}
