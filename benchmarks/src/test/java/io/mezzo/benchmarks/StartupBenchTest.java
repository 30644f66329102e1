package io.mezzo.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up driver without a cluster: its runs against a stand-in command that prints what
 * {@code cluster create} prints when ready, its CSV and its plot. (The real command is run by the
 * cli module's own cluster tests.)
 */
class StartupBenchTest {
  @TempDir
  Path dir;

  @Test
  void eachRunCreatesAndDeletesInItsOwnHomeAndTheMedianIsOfTheCreates() throws Exception {
    Path fake = dir.resolve("fake-mezzo");
    Files.writeString(fake, """
        #!/bin/sh
        echo "$@" >> "$MEZZO_HOME/calls"
        [ "$2" = create ] && echo "Cluster '$4' is ready (0.1 s)."
        exit 0
        """);
    fake.toFile().setExecutable(true);
    Path csv = dir.resolve("startup.csv");
    Path png = dir.resolve("startup.png");

    StartupBench.Result result = StartupBench.run(StartupBench.parse(new String[] {"--mezzo", fake.toString(),
        "--agents", "3", "--runs", "3", "--label", "fake", "--results", csv.toString(), "--plot", png.toString(),
        "--home", dir.toString()}));

    assertThat(result.runs()).hasSize(3).allMatch(StartupBench.Run::ready);
    assertThat(result.medianSeconds()).isPositive();
    try (var homes = Files.list(dir)) {
      List<Path> runHomes = homes.filter(p -> p.getFileName().toString().startsWith("startup-")).toList();
      assertThat(runHomes).hasSize(3);
      for (Path home : runHomes) {
        assertThat(Files.readAllLines(home.resolve("calls")))
            .containsExactly("cluster create --name " + Files.readAllLines(home.resolve("calls")).get(0).split(" ")[3]
                + " --agents 3", "cluster delete --name " + Files.readAllLines(home.resolve("calls")).get(0).split(" ")[3]);
      }
    }
    assertThat(Files.readAllLines(csv)).hasSize(4).first().isEqualTo("label,run,seconds");
    assertThat(Files.size(png)).isGreaterThan(1000);
  }

  @Test
  void aCreateThatIsNotReadyIsCountedAsSuch() throws Exception {
    Path fake = dir.resolve("failing-mezzo");
    Files.writeString(fake, "#!/bin/sh\necho 'did not start'\nexit 1\n");
    fake.toFile().setExecutable(true);

    StartupBench.Result result = StartupBench.run(StartupBench.parse(new String[] {"--mezzo", fake.toString(),
        "--runs", "1", "--home", dir.toString()}));

    assertThat(result.runs()).singleElement().satisfies(r -> assertThat(r.ready()).isFalse());
  }

  @Test
  void badFlagsAreNamed() {
    assertThatThrownBy(() -> StartupBench.parse(new String[] {"--runs", "x", "--mezzo", "m"}))
        .hasMessageContaining("--runs");
    assertThatThrownBy(() -> StartupBench.parse(new String[] {"--agents", "3"})).hasMessageContaining("--mezzo");
    assertThatThrownBy(() -> StartupBench.parse(new String[] {"--mezzo", "m", "--label", "a,b"}))
        .hasMessageContaining("--label");
  }
}
