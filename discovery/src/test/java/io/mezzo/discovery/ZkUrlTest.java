package io.mezzo.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ZkUrlTest {

  @ParameterizedTest(name = "[{index}] ''{0}''")
  @CsvSource(delimiter = '|', textBlock = """
      zk://h:2181/mezzo                  | h:2181                    | /mezzo
      zk://h/mezzo                       | h:2181                    | /mezzo
      zk://h/mezzo/                      | h:2181                    | /mezzo
      zk://h/mezzo///                    | h:2181                    | /mezzo
      zk://h1:2181,h2:2182,h3/mezzo      | h1:2181,h2:2182,h3:2181   | /mezzo
      zk://h1, h2:2182/mezzo             | h1:2181,h2:2182           | /mezzo
      '  zk://h/mezzo  '                 | h:2181                    | /mezzo
      zk://10.0.0.1:2181/a/b/c           | 10.0.0.1:2181             | /a/b/c
      zk://zk-1.example.com_x:1/m        | zk-1.example.com_x:1      | /m
      zk://h:65535/m                     | h:65535                   | /m
      zk://[::1]:2182/mezzo              | [::1]:2182                | /mezzo
      zk://[fe80::1]/mezzo               | [fe80::1]:2181            | /mezzo
      zk://h/mezzo@2                     | h:2181                    | /mezzo@2
      """)
  void parsesHostsAndPath(String text, String connectString, String path) {
    ZkUrl url = ZkUrl.parse(text);
    assertThat(url.connectString()).isEqualTo(connectString);
    assertThat(url.servers()).isEqualTo(List.of(connectString.split(",")));
    assertThat(url.path()).isEqualTo(path);
    assertThat(url.credentials()).isEmpty();
    assertThat(url.toString()).isEqualTo("zk://" + connectString + path);
  }

  @ParameterizedTest(name = "[{index}] ''{0}''")
  @CsvSource(delimiter = '|', textBlock = """
      zk://u:p@h/mezzo                   | u | p           | h:2181
      zk://user:s3cret@h1:1,h2:2/mezzo   | user | s3cret   | h1:1,h2:2
      zk://u:pa:ss@h/mezzo               | u | pa:ss       | h:2181
      zk://u:p@ss@h/mezzo                | u | p@ss        | h:2181
      """)
  void parsesDigestCredentials(String text, String user, String password, String connectString) {
    ZkUrl url = ZkUrl.parse(text);
    assertThat(url.credentials()).contains(new ZkUrl.Credentials(user, password));
    assertThat(url.connectString()).isEqualTo(connectString);
    assertThat(url.toString()).isEqualTo("zk://" + user + ":***@" + connectString + "/mezzo").doesNotContain(password);
  }

  @ParameterizedTest(name = "[{index}] ''{0}''")
  @CsvSource(delimiter = '|', textBlock = """
      ''                           | is empty
      '   '                        | is empty
      http://h:5050                | is not a ZooKeeper URL
      zk:/h/mezzo                  | is not a ZooKeeper URL
      zk://h:2181                  | no path after the hosts
      zk://h:2181/                 | the path must name a node below the root
      zk://h:2181//                | the path must name a node below the root
      zk:///mezzo                  | no host
      zk://u:p@/mezzo              | no host
      zk://h1,,h2/mezzo            | an empty host in the host list
      zk://h1,/mezzo               | an empty host in the host list
      zk://:2181/mezzo             | no host name before the port in ':2181'
      zk://h:/mezzo                | no port after ':' in 'h:'
      zk://h:x/mezzo               | port 'x' in 'h:x' is not a number
      zk://h:-1/mezzo              | port '-1' in 'h:-1' is not a number
      zk://h:0/mezzo               | port 0 in 'h:0' is out of range
      zk://h:65536/mezzo           | port 65536 in 'h:65536' is out of range
      zk://h:9999999/mezzo         | is not a number from 1 to 65535
      zk://::1/mezzo               | write an IPv6 address in brackets
      zk://[::1/mezzo              | opens '[' without closing it
      zk://[]:1/mezzo              | does not hold an IPv6 address
      zk://[::1]x/mezzo            | unexpected 'x' after the address
      zk://h h/mezzo               | host 'h h' has characters a host name cannot have
      zk://h/a//b                  | has an empty segment
      zk://h/a/./b                 | has a '.' segment
      zk://h/a/../b                | has a '..' segment
      zk://user@h/mezzo            | must be user:password
      zk://:p@h/mezzo              | an empty user name
      zk://u:@h/mezzo              | an empty password
      """)
  void refusesWithAMessageNamingTheProblem(String text, String problem) {
    assertThatThrownBy(() -> ZkUrl.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(problem);
  }

  @Test
  void refusesNull() {
    assertThatThrownBy(() -> ZkUrl.parse(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
  }

  @Test
  void errorsShowTheSyntaxButNeverThePassword() {
    assertThatThrownBy(() -> ZkUrl.parse("zk://admin:hunter2@h:x/mezzo"))
        .hasMessageContaining("'zk://admin:***@h:x/mezzo'")
        .hasMessageContaining(ZkUrl.SYNTAX)
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> ZkUrl.parse("zk://admin:hunter2@h"))
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void equalUrlsAreEqualValues() {
    assertThat(ZkUrl.parse("zk://h/mezzo/")).isEqualTo(ZkUrl.parse("zk://h:2181/mezzo"))
        .hasSameHashCodeAs(ZkUrl.parse("zk://h:2181/mezzo"));
    assertThat(ZkUrl.parse("zk://h/a")).isNotEqualTo(ZkUrl.parse("zk://h/b"));
    assertThat(ZkUrl.parse("zk://u:p@h/a")).isNotEqualTo(ZkUrl.parse("zk://h/a"));
    assertThat(ZkUrl.parse("zk://u:p@h/a")).isNotEqualTo(ZkUrl.parse("zk://u:q@h/a"));
  }

  @Test
  void curatorBuilderConnectsToTheServersWithTheCredentials() {
    CuratorFrameworkFactory.Builder builder = ZkUrl.parse("zk://u:p@h1,h2:2182/mezzo").curatorBuilder();
    assertThat(builder.getEnsembleProvider().getConnectionString()).isEqualTo("h1:2181,h2:2182");
    assertThat(builder.getAuthInfos()).singleElement().satisfies(auth -> {
      assertThat(auth.getScheme()).isEqualTo("digest");
      assertThat(auth.getAuth()).isEqualTo("u:p".getBytes());
    });
    assertThat(builder.getRetryPolicy()).isNotNull();
    assertThat(ZkUrl.parse("zk://h/mezzo").curatorBuilder().getAuthInfos()).isNullOrEmpty();
  }
}
