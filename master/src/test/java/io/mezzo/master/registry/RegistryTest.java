package io.mezzo.master.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.master.registry.Registry.NotLeading;
import io.mezzo.master.registry.Registry.Versioned;
import io.mezzo.master.spi.LeaderFence;
import io.mezzo.protocol.internal.RegistryRecords;
import io.mezzo.testkit.TestVertx;
import io.mezzo.v1.Protos.Value;
import io.mezzo.v1.Protos.WeightInfo;
import io.mezzo.v1.quota.Protos.QuotaConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The registry record in a real (in-process) ZooKeeper, written only under the leader's fence. */
class RegistryTest {
  @RegisterExtension
  final TestVertx vertxes = new TestVertx();
  private TestingServer zk;
  private CuratorFramework curator;
  private Vertx vertx;
  private Registry registry;
  private String latchNode;
  private final List<String> broken = new CopyOnWriteArrayList<>();
  private LeaderFence fence;

  @BeforeEach
  void start() throws Exception {
    zk = new TestingServer(true);
    curator = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
    curator.start();
    vertx = vertxes.vertx();
    Context context = vertx.getOrCreateContext();
    // What the leader latch holds while this master leads: an ephemeral node of its session.
    latchNode = curator.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
        .forPath("/mezzo/leader-latch/_c_test-latch-");
    fence = new LeaderFence(latchNode, broken::add);
    registry = new Registry(curator, "/mezzo", context, fence);
  }

  @AfterEach
  void stop() throws Exception {
    curator.close();
    zk.close();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static RegistryRecords.Registry record(String role, double weight) {
    return RegistryRecords.Registry.newBuilder()
        .addWeights(WeightInfo.newBuilder().setRole(role).setWeight(weight))
        .addQuotas(QuotaConfig.newBuilder().setRole(role).putGuarantees("cpus", Value.Scalar.newBuilder().setValue(2).build()))
        .build();
  }

  @Test
  void aRegistryNeverWrittenReadsAsEmpty() throws Exception {
    Versioned empty = await(registry.read());
    assertThat(empty.version()).isEqualTo(Versioned.ABSENT);
    assertThat(empty.record()).isEqualTo(RegistryRecords.Registry.getDefaultInstance());
    assertThat(registry.path()).isEqualTo("/mezzo/registry");
  }

  @Test
  void whatIsWrittenIsReadBackWithItsVersion() throws Exception {
    Versioned first = await(registry.write(await(registry.read()), record("eng", 2)));
    Versioned second = await(registry.write(first, record("batch", 3)));
    Versioned read = await(registry.read());
    assertThat(read.record()).isEqualTo(record("batch", 3));
    assertThat(read.version()).isEqualTo(second.version()).isGreaterThan(first.version());
    assertThat(RegistryRecords.Registry.parseFrom(curator.getData().forPath("/mezzo/registry")))
        .isEqualTo(record("batch", 3));
  }

  @Test
  void aWriteFromAStaleVersionFailsAndChangesNothing() throws Exception {
    Versioned absent = await(registry.read());
    Versioned first = await(registry.write(absent, record("eng", 2)));
    await(registry.write(first, record("eng", 5)));

    assertThatThrownBy(() -> await(registry.write(first, record("eng", 9))))
        .isInstanceOf(ExecutionException.class).hasMessageContaining("changed by another master");
    assertThatThrownBy(() -> await(registry.write(absent, record("eng", 9))))
        .isInstanceOf(ExecutionException.class).hasMessageContaining("changed by another master");
    assertThat(await(registry.read()).record()).isEqualTo(record("eng", 5));
  }

  @Test
  void aRecordOverTheLimitIsRefusedBeforeZooKeeperAndAtTheLimitIsWritten() throws Exception {
    Versioned first = await(registry.write(await(registry.read()), record("eng", 2)));
    RegistryRecords.Registry atLimit = padded(Registry.MAX_RECORD_BYTES);
    RegistryRecords.Registry overLimit = padded(Registry.MAX_RECORD_BYTES + 1);
    assertThat(atLimit.getSerializedSize()).isEqualTo(Registry.MAX_RECORD_BYTES);
    assertThat(overLimit.getSerializedSize()).isEqualTo(Registry.MAX_RECORD_BYTES + 1);

    assertThatThrownBy(() -> await(registry.write(first, overLimit)))
        .hasCauseInstanceOf(Registry.RecordTooLarge.class)
        .hasMessageContaining((Registry.MAX_RECORD_BYTES + 1) + " bytes")
        .hasMessageContaining("limit of " + Registry.MAX_RECORD_BYTES + " bytes");
    Versioned unchanged = await(registry.read());
    assertThat(unchanged.record()).isEqualTo(record("eng", 2));
    assertThat(unchanged.version()).isEqualTo(first.version());

    assertThat(await(registry.write(unchanged, atLimit)).record()).isEqualTo(atLimit);
    assertThat(curator.getZookeeperClient().isConnected()).isTrue();
  }

  @Test
  void aWriteAfterTheMasterSteppedDownIsRefusedBeforeZooKeeperAndChangesNothing() throws Exception {
    Versioned first = await(registry.write(await(registry.read()), record("eng", 2)));
    fence.breakFence("the ZooKeeper connection is SUSPENDED");

    assertThatThrownBy(() -> await(registry.write(first, record("eng", 9))))
        .hasCauseInstanceOf(NotLeading.class)
        .hasMessageContaining("this master no longer leads (the ZooKeeper connection is SUSPENDED)");
    Versioned unchanged = await(registry.read());
    assertThat(unchanged.record()).isEqualTo(record("eng", 2));
    assertThat(unchanged.version()).isEqualTo(first.version());
    assertThat(broken).containsExactly("the ZooKeeper connection is SUSPENDED");
  }

  @Test
  void aWriteByAMasterWhoseLatchNodeIsGoneIsRefusedByZooKeeperAndBreaksTheFence() throws Exception {
    Versioned first = await(registry.write(await(registry.read()), record("eng", 2)));
    // Another client deletes the latch node: as if the session had expired on the server while
    // this master did not hear of it yet. Locally the fence still holds.
    curator.delete().forPath(latchNode);
    assertThat(fence.holds()).isTrue();

    assertThatThrownBy(() -> await(registry.write(first, record("eng", 9))))
        .hasCauseInstanceOf(NotLeading.class)
        .hasMessageContaining("no longer leads")
        .hasMessageContaining(latchNode + " gone");
    Versioned unchanged = await(registry.read());
    assertThat(unchanged.record()).isEqualTo(record("eng", 2));
    assertThat(unchanged.version()).isEqualTo(first.version());
    assertThat(fence.holds()).isFalse();
    assertThat(broken).singleElement().asString().contains("found the leader latch node " + latchNode + " gone");
  }

  @Test
  void theFirstWriteIsFencedToo() throws Exception {
    Versioned absent = await(registry.read());
    curator.delete().forPath(latchNode);

    assertThatThrownBy(() -> await(registry.write(absent, record("eng", 9)))).hasCauseInstanceOf(NotLeading.class);
    assertThat(curator.checkExists().forPath("/mezzo/registry")).isNull();
  }

  @Test
  void aStaleVersionIsRefusedEvenUnderAValidFence() throws Exception {
    Versioned first = await(registry.write(await(registry.read()), record("eng", 2)));
    await(registry.write(first, record("eng", 5)));

    assertThatThrownBy(() -> await(registry.write(first, record("eng", 9))))
        .hasMessageContaining("changed by another master").satisfies(e ->
            assertThat(e.getCause()).isNotInstanceOf(NotLeading.class));
    assertThat(fence.holds()).as("a lost compare-and-set is not a lost leadership").isTrue();
  }

  /** A record of exactly {@code bytes} serialized bytes: one weight whose role name fills it. */
  private static RegistryRecords.Registry padded(int bytes) {
    for (int nameLength = bytes; nameLength > 0; nameLength--) {
      RegistryRecords.Registry r = RegistryRecords.Registry.newBuilder()
          .addWeights(WeightInfo.newBuilder().setRole("r".repeat(nameLength)).setWeight(1)).build();
      if (r.getSerializedSize() == bytes) {
        return r;
      }
    }
    throw new AssertionError("no record of " + bytes + " bytes");
  }
}
