package io.mezzo.agent.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.discovery.ZkUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MasterUrlTest {
  @Test
  void parsesZooKeeperUrls() {
    assertThat(MasterUrl.parse("zk://a:2181,b:2182/mezzo/"))
        .isEqualTo(new MasterUrl.ZooKeeper(ZkUrl.parse("zk://a:2181,b:2182/mezzo")));
    MasterUrl.ZooKeeper zk = (MasterUrl.ZooKeeper) MasterUrl.parse(" zk://a/x/y ");
    assertThat(zk.connectString()).isEqualTo("a:2181");
    assertThat(zk.path()).isEqualTo("/x/y");
  }

  @Test
  void takesZooKeeperCredentialsAndNeverPrintsThePassword() {
    MasterUrl url = MasterUrl.parse("zk://agent:s3cret@a,b/mezzo");
    assertThat(((MasterUrl.ZooKeeper) url).url().credentials()).contains(new ZkUrl.Credentials("agent", "s3cret"));
    assertThat(url).hasToString("zk://agent:***@a:2181,b:2181/mezzo");
  }

  @Test
  void parsesFixedMasters() {
    assertThat(MasterUrl.parse("http://master:5055")).isEqualTo(new MasterUrl.Fixed("master", 5055));
    assertThat(MasterUrl.parse("http://master/")).isEqualTo(new MasterUrl.Fixed("master", 5050));
    // The scheme is the agent's own setting (--ca-cert), as in Mesos: https names the same master.
    assertThat(MasterUrl.parse("https://master:5055")).isEqualTo(new MasterUrl.Fixed("master", 5055));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "master:5050", "ftp://m:5050", "http://m:5050/path", "http://m:5050?x=1", "http://:5050"})
  void refusesBadUrls(String text) {
    assertThatThrownBy(() -> MasterUrl.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("master URL");
  }

  /** The zk:// rules are the discovery module's, the same for the master, the SDK and the CLI. */
  @ParameterizedTest
  @ValueSource(strings = {"zk://", "zk://a:2181", "zk://a:2181/", "zk://:2181/m", "zk://a:99999/m", "zk://a:x/m",
      "zk://u@a/m"})
  void refusesBadZooKeeperUrls(String text) {
    assertThatThrownBy(() -> MasterUrl.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ZooKeeper URL").hasMessageContaining(ZkUrl.SYNTAX);
  }
}
