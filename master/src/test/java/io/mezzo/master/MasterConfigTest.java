package io.mezzo.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The builder: Mesos's defaults, the required ZooKeeper URL, bad values named, and the flags' defaults the same. */
class MasterConfigTest {
  private static final String ZK = "zk://127.0.0.1:2181/mezzo";

  @Test
  void onlyZooKeeperIsNeededTheRestAreMesossDefaults() {
    MasterConfig config = MasterConfig.builder().zk(ZK).build();

    assertThat(config.zk()).isEqualTo(ZK);
    assertThat(config.ip()).isEqualTo("127.0.0.1");
    assertThat(config.hostname()).as("the ip unless set").isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(5050);
    assertThat(config.allocationInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.agentReregisterTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.allocator()).isEqualTo("drf");
    assertThat(config.offerTimeout()).as("offers never time out by default").isNull();
    assertThat(config.minAllocatableResources()).isEqualTo("cpus:0.01|mem:32");
    assertThat(config.offerHistory()).isEqualTo(10_000);
  }

  @Test
  void namedOptionsOverrideTheDefaults() {
    MasterConfig config = MasterConfig.builder().zk(ZK).ip("10.0.0.7").hostname("m1.example").port(0)
        .allocationInterval(Duration.ofMillis(50)).agentReregisterTimeout(Duration.ofSeconds(30))
        .offerTimeout(Duration.ofSeconds(5)).minAllocatableResources("cpus:1").offerHistory(0).build();

    assertThat(config.ip()).isEqualTo("10.0.0.7");
    assertThat(config.hostname()).isEqualTo("m1.example");
    assertThat(config.port()).isZero();
    assertThat(config.allocationInterval()).isEqualTo(Duration.ofMillis(50));
    assertThat(config.agentReregisterTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.offerTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.minAllocatableResources()).isEqualTo("cpus:1");
    assertThat(config.offerHistory()).isZero();
  }

  @Test
  void aBlankHostnameMeansTheIp() {
    assertThat(MasterConfig.builder().zk(ZK).ip("10.0.0.7").hostname(" ").build().hostname()).isEqualTo("10.0.0.7");
  }

  @Test
  void zooKeeperIsRequired() {
    assertThatThrownBy(() -> MasterConfig.builder().port(0).build())
        .isInstanceOf(NullPointerException.class).hasMessageContaining("zk is required");
    assertThatThrownBy(() -> MasterConfig.builder().zk(ZK).ip(null).build())
        .isInstanceOf(NullPointerException.class).hasMessageContaining("ip is required");
  }

  @Test
  void badValuesAreRefusedNamingThem() {
    assertThatThrownBy(() -> MasterConfig.builder().zk(ZK).port(70000).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port must be 0..65535, got 70000");
    assertThatThrownBy(() -> MasterConfig.builder().zk(ZK).allocationInterval(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allocation interval must be positive");
    assertThatThrownBy(() -> MasterConfig.builder().zk(ZK).agentReregisterTimeout(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("re-register timeout");
    assertThatThrownBy(() -> MasterConfig.builder().zk(ZK).offerTimeout(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offer timeout must be positive");
    assertThatThrownBy(() -> MasterConfig.builder().zk(ZK).minAllocatableResources("cpus").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not name:quantity");
    assertThatThrownBy(() -> MasterConfig.builder().zk(ZK).offerHistory(-1).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offer history must be 0..1000000 events");
    assertThatThrownBy(() -> MasterConfig.builder().zk(ZK).offerHistory(1_000_001).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 1000001");
    assertThat(MasterConfig.builder().zk(ZK).offerHistory(1_000_000).build().offerHistory()).isEqualTo(1_000_000);
  }

  /** The flags' defaults are the builder's: a master started with --zk only gets the same config. */
  @Test
  void theFlagsDefaultsAreTheBuildersDefaults() {
    MasterMain main = new MasterMain();
    new CommandLine(main).parseArgs("--zk=" + ZK);
    MasterConfig fromBuilder = MasterConfig.builder().zk(ZK).build();

    assertThat(main.ip).isEqualTo(fromBuilder.ip());
    assertThat(main.port).isEqualTo(fromBuilder.port());
    assertThat(main.allocationInterval).isEqualTo(fromBuilder.allocationInterval());
    assertThat(main.agentReregisterTimeout).isEqualTo(fromBuilder.agentReregisterTimeout());
    assertThat(main.allocator).isEqualTo(fromBuilder.allocator());
    assertThat(main.offerTimeout).isEqualTo(fromBuilder.offerTimeout());
    assertThat(main.minAllocatableResources).isEqualTo(fromBuilder.minAllocatableResources());
    assertThat(main.offerHistory).isEqualTo(fromBuilder.offerHistory());
  }
}
