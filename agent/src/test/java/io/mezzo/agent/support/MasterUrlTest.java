package io.mezzo.agent.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MasterUrlTest {
  @Test
  void parsesZooKeeperUrls() {
    assertThat(MasterUrl.parse("zk://a:2181,b:2182/mezzo/"))
        .isEqualTo(new MasterUrl.ZooKeeper("a:2181,b:2182", "/mezzo"));
    assertThat(MasterUrl.parse("zk://a/x/y")).isEqualTo(new MasterUrl.ZooKeeper("a:2181", "/x/y"));
  }

  @Test
  void parsesFixedMasters() {
    assertThat(MasterUrl.parse("http://master:5055")).isEqualTo(new MasterUrl.Fixed("master", 5055));
    assertThat(MasterUrl.parse("http://master/")).isEqualTo(new MasterUrl.Fixed("master", 5050));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "master:5050", "https://m:5050", "zk://", "zk://a:2181", "zk://a:2181/", "zk://:2181/m",
      "zk://a:99999/m", "zk://a:x/m", "zk://u:p@a/m", "http://m:5050/path", "http://m:5050?x=1", "http://:5050"})
  void refusesBadUrls(String text) {
    assertThatThrownBy(() -> MasterUrl.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("master URL");
  }
}
