package io.mezzo.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalClustersTest {
  @TempDir
  Path dir;

  @Test
  void aSecureClusterGivesItsZooKeeperCaAndBothCredentials() throws Exception {
    Files.writeString(dir.resolve("cluster.json"), "{\"name\":\"dev\",\"zk\":\"zk://127.0.0.1:2181/mezzo\","
        + "\"processes\":[{\"role\":\"zookeeper\",\"pid\":12}]}");
    Files.createDirectories(dir.resolve("tls"));
    Files.writeString(dir.resolve("tls/ca.pem"), "not read until TLS is asked for");
    Files.writeString(dir.resolve("credentials.json"), "{\"credentials\":[{\"principal\":\"admin\",\"secret\":\"s1\"},"
        + "{\"principal\":\"framework\",\"secret\":\"s2\"}]}");

    LocalClusters.Access cluster = LocalClusters.open(dir);

    assertThat(cluster.zk()).isEqualTo("zk://127.0.0.1:2181/mezzo");
    assertThat(cluster.caCertificate()).contains(dir.resolve("tls/ca.pem"));
    assertThat(cluster.frameworkCredential().orElseThrow().authorization())
        .isEqualTo(Credential.of("framework", "s2").authorization());
    assertThat(cluster.operatorCredential().orElseThrow().authorization())
        .isEqualTo(Credential.of("admin", "s1").authorization());
    assertThat(LocalClusters.credential(dir, "someone-else")).isEmpty();
  }

  @Test
  void anInsecureClusterHasNeitherCaNorCredentials() throws Exception {
    Files.writeString(dir.resolve("cluster.json"), "{\"zk\":\"zk://127.0.0.1:2181/mezzo\"}");

    LocalClusters.Access cluster = LocalClusters.open(dir);

    assertThat(cluster.caCertificate()).isEmpty();
    assertThat(cluster.sslContext()).isEmpty();
    assertThat(cluster.frameworkCredential()).isEmpty();
    assertThat(cluster.operatorCredential()).isEmpty();
  }

  @Test
  void aMissingClusterOrUnreadableFilesAreNamed() throws Exception {
    assertThatThrownBy(() -> LocalClusters.open(dir)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("No cluster in " + dir);
    assertThatThrownBy(() -> LocalClusters.open("Not_A_Name")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Not_A_Name");
    Files.writeString(dir.resolve("cluster.json"), "{\"zk\":");
    assertThatThrownBy(() -> LocalClusters.open(dir)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Cannot parse " + dir.resolve("cluster.json"));
    Files.writeString(dir.resolve("cluster.json"), "{\"zk\":\"zk://h:1/m\"}");
    Files.writeString(dir.resolve("credentials.json"), "[1,2]");
    assertThatThrownBy(() -> LocalClusters.open(dir).frameworkCredential())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("credentials.json");
  }
}
