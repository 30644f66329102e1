package io.mezzo.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The burst driver without a cluster: a stand-in {@code mezzo} writes a {@code cluster.json} naming
 * an agent served by this test, and its {@code batch} lasts until that agent has been asked
 * {@code /health} (answered 200, then 503 from the fourth probe on). The real commands are run by
 * the cli module's cluster tests.
 */
class LaunchBurstBenchTest {
  @TempDir
  Path dir;

  private HttpServer agent;
  private final AtomicInteger probes = new AtomicInteger();

  @BeforeEach
  void startAgent() throws Exception {
    agent = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    agent.createContext("/health", exchange -> {
      int probe = probes.incrementAndGet();
      Files.writeString(dir.resolve("probed"), Integer.toString(probe));
      exchange.sendResponseHeaders(probe <= 3 ? 200 : 503, -1);
      exchange.close();
    });
    agent.start();
  }

  @AfterEach
  void stopAgent() {
    agent.stop(0);
  }

  @Test
  void eachRunTimesTheBatchAndEveryHealthAnswerDuringIt() throws Exception {
    Path fake = dir.resolve("fake-mezzo");
    Files.writeString(fake, """
        #!/bin/sh
        echo "$@" >> "$MEZZO_HOME/calls"
        case "$2" in
          create)
            mkdir -p "$MEZZO_HOME/clusters/$4"
            echo '{"name":"'$4'","processes":[{"role":"master","url":"http://127.0.0.1:1"},'\
        '{"role":"agent","url":"http://127.0.0.1:%d"}]}' > "$MEZZO_HOME/clusters/$4/cluster.json" ;;
        esac
        if [ "$1" = batch ]; then
          rm -f "%s"
          while [ ! -f "%s" ]; do sleep 0.01; done
        fi
        exit 0
        """.formatted(agent.getAddress().getPort(), dir.resolve("probed"), dir.resolve("probed")));
    fake.toFile().setExecutable(true);

    List<LaunchBurstBench.Run> runs = LaunchBurstBench.run(LaunchBurstBench.parse(new String[] {
        "--mezzo", fake.toString(), "--tasks", "7", "--runs", "2", "--interval", "1ms", "--home", dir.toString()}));

    assertThat(runs).hasSize(2).allSatisfy(run -> {
      assertThat(run.batchExit()).isZero();
      assertThat(run.healthMillis()).isNotEmpty();
    });
    int answered = runs.stream().mapToInt(r -> r.healthMillis().size()).sum();
    assertThat(answered).isEqualTo(probes.get());
    long failed = runs.stream().mapToLong(LaunchBurstBench.Run::failures).sum();
    assertThat(failed).as("every probe after the third was answered 503").isEqualTo(Math.max(0, answered - 3));
    try (var homes = Files.list(dir)) {
      Path home = homes.filter(p -> p.getFileName().toString().startsWith("launch-burst-")).findFirst().orElseThrow();
      assertThat(Files.readAllLines(home.resolve("calls"))).containsExactly(
          "cluster create --name burst --agents 1 --insecure",
          "batch --cluster burst --tasks 7 --cmd true",
          "batch --cluster burst --tasks 7 --cmd true",
          "cluster delete --name burst");
    }
  }

  @Test
  void theSlowestAndThe99thPercentileAreOfTheAnsweredProbesAndFailuresAreCountedApart() {
    java.util.List<Long> hundred = new java.util.ArrayList<>();
    for (long m = 1; m <= 100; m++) {
      hundred.add(m);
    }
    hundred.add(-1L);
    LaunchBurstBench.Run run = new LaunchBurstBench.Run(1.0, 0, hundred);
    assertThat(run.maxMillis()).isEqualTo(100);
    assertThat(run.p99Millis()).isEqualTo(99);
    assertThat(run.failures()).isOne();
    LaunchBurstBench.Run none = new LaunchBurstBench.Run(1.0, 0, List.of(-1L));
    assertThat(none.maxMillis()).isEqualTo(-1);
    assertThat(none.p99Millis()).isEqualTo(-1);
  }

  @Test
  void aClusterFileWithoutAnAgentAndBadFlagsAreNamed() throws Exception {
    Path cluster = dir.resolve("clusters").resolve("burst");
    Files.createDirectories(cluster);
    Files.writeString(cluster.resolve("cluster.json"), "{\"processes\":[{\"role\":\"master\",\"url\":\"x\"}]}");
    assertThatThrownBy(() -> LaunchBurstBench.agentUrl(dir)).hasMessageContaining("names no agent");

    assertThatThrownBy(() -> LaunchBurstBench.parse(new String[] {"--tasks", "x", "--mezzo", "m"}))
        .hasMessageContaining("--tasks");
    assertThatThrownBy(() -> LaunchBurstBench.parse(new String[] {"--mezzo", "m", "--tasks", "0"}))
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> LaunchBurstBench.parse(new String[] {"--runs", "2"})).hasMessageContaining("--mezzo");
    assertThatThrownBy(() -> LaunchBurstBench.parse(new String[] {"--mezzo", "m", "--interval", "0ms"}))
        .hasMessageContaining("--interval");
    assertThatThrownBy(() -> LaunchBurstBench.parse(new String[] {"--mezzo", "m", "--pause", "1s"}))
        .hasMessageContaining("--pause");
  }
}
