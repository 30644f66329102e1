package io.mezzo.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.testkit.Requires;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The containers bench with 2 containers and the parts that need no Swarm: correctness only
 * (every part got its containers running and removed them again), no timing asserted. Needs a
 * Docker engine, root and runc: skipped without them locally, failed in CI.
 */
class ContainersBenchTest {
  @Test
  void everyPartRunsItsContainersAndRemovesThem(@TempDir Path dir) throws Exception {
    Requires.that(DockerCli.available(), "a Docker engine (docker version)");
    Requires.that(io.mezzo.agent.runtime.ProcessRuntime.agentIsRoot(), "root, for the oci runtime");
    Requires.that(io.mezzo.agent.runtime.oci.OciRuntime.resolveBinary("runc").isPresent(), "runc on PATH");
    Requires.that(!DockerCli.docker("images", "-q", "mezzo/busybox:test").isBlank(), "the image mezzo/busybox:test");
    Path plot = dir.resolve("containers.png");
    String prefix = "scale-bench-" + ProcessHandle.current().pid();

    ContainersBench.Result result = ContainersBench.run(new ContainersBench.Config(2, List.of("oci", "docker",
        "docker-run"), "mezzo/busybox:test", 2, Duration.ofMinutes(4), dir.resolve("logs"), plot));

    assertThat(result.seconds()).containsOnlyKeys("oci", "docker", "docker-run");
    assertThat(result.seconds().values()).allSatisfy(s -> assertThat(s).isPositive());
    assertThat(DockerCli.docker("ps", "-aq", "--filter", "name=" + prefix)).isBlank();
    assertThat(Files.size(plot)).isGreaterThan(1000);
  }

  @Test
  void unknownPartsAreNamed() {
    assertThatThrownBy(() -> ContainersBench.parse(new String[] {"--parts", "oci,kubernetes"}))
        .hasMessageContaining("kubernetes");
  }
}
