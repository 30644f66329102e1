package io.mezzo.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What cluster.json keeps of a cluster in containers, and what the node image takes from this machine. */
class DockerClusterFileTest {
  @Test
  void aClusterInContainersKeepsItsProviderAndEachNodesContainer() {
    NodeProcess master = new NodeProcess("master", "master-1", 0, null, 5050, "http://10.1.2.3:5050",
        "docker logs mezzo-c-master-1", null, List.of("--zk", "zk://mezzo-c-zookeeper:2181/mezzo"),
        List.of("-Xmx512m"), "mezzo-c-master-1");
    ClusterFile cluster = new ClusterFile("c", "zk://10.1.2.2:2181/mezzo", true, "2026-01-01T00:00:00Z",
        List.of(master), ClusterFile.DOCKER);

    ClusterFile read = ClusterFile.fromJson(new JsonObject(cluster.toJson().encode()));

    assertThat(read).isEqualTo(cluster);
    assertThat(read.inContainers()).isTrue();
    assertThat(read.processes().get(0).container()).isEqualTo("mezzo-c-master-1");
    assertThat(read.processes().get(0).heldBy()).as("a container holds nothing of the machine's").isEmpty();
  }

  @Test
  void aFileWithoutProviderIsALocalCluster() {
    JsonObject old = new JsonObject().put("name", "c").put("zk", "zk://127.0.0.1:2181/mezzo")
        .put("created", "2026-01-01T00:00:00Z");
    assertThat(ClusterFile.fromJson(old).provider()).isEqualTo(ClusterFile.LOCAL);
    assertThat(ClusterFile.fromJson(old).inContainers()).isFalse();
  }

  @Test
  void theJreTakesTheLibrariesLddResolvesIncludingTheLoader() {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");

    assertThat(NodeImage.sharedLibraries(java)).as("ldd of " + java)
        .anySatisfy(p -> assertThat(p.getFileName().toString()).startsWith("libc.so"))
        .anySatisfy(p -> assertThat(p.getFileName().toString()).startsWith("ld-linux"))
        .allSatisfy(p -> assertThat(p).isAbsolute().exists());
  }

  @Test
  void theImageIsNamedByTheProjectVersion() {
    assertThat(NodeImage.name()).matches("mezzo/node:\\d+\\.\\d+\\.\\d+.*");
  }
}
