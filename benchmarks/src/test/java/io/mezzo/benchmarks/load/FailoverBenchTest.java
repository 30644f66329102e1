package io.mezzo.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The failover bench at a small size: correctness only, no timing asserted. */
class FailoverBenchTest {
  /**
   * 1: the agents in the test's JVM, two masters; 2: in two {@link AgentDriver} processes of 10
   * agents each, three masters and a second failover, onto the master that led after the first and
   * then stepped down.
   */
  @ParameterizedTest(name = "agents in {0} process(es)")
  @ValueSource(ints = {1, 2})
  void afterTheLeaderIsKilledEveryAgentReregistersAndTheFrameworkResubscribesAndReconciles(int agentProcesses,
      @TempDir Path logs) throws Exception {
    Path plot = logs.resolve("failover.png");
    boolean twice = agentProcesses > 1;
    List<FailoverBench.Result> results = FailoverBench.run(new FailoverBench.Config(twice ? 3 : 2, 20, 100,
        Duration.ofSeconds(twice ? 4 : 10), "cpus:1;mem:1024;disk:1000;ports:[31000-31010]", Duration.ofMinutes(3),
        logs, agentProcesses, "256m", plot, List.of(), twice ? 10 : 0,
        twice ? List.of("-XX:TieredStopAtLevel=1") : List.of(), twice));

    assertThat(results).hasSize(twice ? 2 : 1);
    for (FailoverBench.Result result : results) {
      assertThat(result.reregistered()).isEqualTo(20);
      assertThat(result.resubscribed()).isTrue();
      assertThat(result.reconciled()).isEqualTo(100);
      assertThat(result.leaderSeconds()).isPositive();
      assertThat(result.firstReregisteredSeconds()).isPositive();
      assertThat(result.reregistrations()).hasSize(20).isSorted();
      assertThat(result.reregisteredSeconds(50)).isBetween(result.firstReregisteredSeconds(),
          result.reregisteredSeconds());
    }
    assertThat(Files.size(plot)).isGreaterThan(1000);
    if (twice) {
      assertThat(logs.resolve("agents-0.log")).exists();
      assertThat(logs.resolve("agents-1.log")).exists();
      // The second failover went onto the master that stepped down, which logged leading twice.
      assertThat(leadershipsWon(logs)).containsExactlyInAnyOrder(1, 1, 2);
    }
  }

  /** How many times each master's log says it was elected, master by master. */
  private static List<Integer> leadershipsWon(Path logs) throws java.io.IOException {
    List<Integer> won = new java.util.ArrayList<>();
    for (int i = 0; Files.exists(logs.resolve("master-" + i + ".log")); i++) {
      try (java.util.stream.Stream<String> lines = Files.lines(logs.resolve("master-" + i + ".log"))) {
        won.add((int) lines.filter(line -> line.contains(" was elected (latch node ")).count());
      }
    }
    return won;
  }

  @Test
  void theMastersJavaOptionsGoBeforeTheirClassPath(@TempDir Path logs) {
    FailoverBench.Config config = FailoverBench.parse(new String[] {"--master-java-options",
        " -XX:TieredStopAtLevel=1  -Xmx1g ", "--logs", logs.toString()});
    assertThat(config.masterJavaOptions()).containsExactly("-XX:TieredStopAtLevel=1", "-Xmx1g");
    assertThat(BenchCluster.masterCommand("java", config.masterJavaOptions(), "zk://127.0.0.1:2181/mezzo", 5050,
        List.of("--allocation-interval", "200ms")))
        .startsWith("java", "-XX:TieredStopAtLevel=1", "-Xmx1g", "-cp")
        .endsWith("--port", "5050", "--allocation-interval", "200ms");
    assertThat(FailoverBench.parse(new String[] {"--logs", logs.toString()}).masterJavaOptions()).isEmpty();
    assertThat(FailoverBench.parse(new String[] {"--agents", "100", "--agent-processes", "2", "--agent-java-options",
        "-XX:TieredStopAtLevel=1", "--logs", logs.toString()}).agentJavaOptions())
        .containsExactly("-XX:TieredStopAtLevel=1");
    assertThatThrownBy(() -> FailoverBench.parse(new String[] {"--agent-java-options", "TieredStopAtLevel=1"}))
        .hasMessageContaining("Bad --agent-java-options: 'TieredStopAtLevel=1' is not a JVM option");
    assertThatThrownBy(() -> FailoverBench.parse(new String[] {"--agents", "100", "--agent-processes", "1",
        "--agent-java-options", "-XX:TieredStopAtLevel=1"})).hasMessageContaining("needs --agent-processes 2 or more");
  }

  @Test
  void aMasterJavaOptionMustBeAnOption() {
    assertThatThrownBy(() -> FailoverBench.parse(new String[] {"--master-java-options", "-Xmx1g TieredStopAtLevel=1"}))
        .hasMessageContaining("'TieredStopAtLevel=1' is not a JVM option");
  }

  @Test
  void theAgentsNicenessIsFrom0To19AndNeedsProcessesOfTheirOwn(@TempDir Path logs) {
    assertThat(FailoverBench.parse(new String[] {"--agents", "100", "--agent-processes", "2", "--agent-nice", "19",
        "--logs", logs.toString()}).agentNice()).isEqualTo(19);
    assertThatThrownBy(() -> FailoverBench.parse(new String[] {"--agents", "100", "--agent-processes", "2",
        "--agent-nice", "20"})).hasMessageContaining("--agent-nice must be between 0 and 19, got 20");
    assertThatThrownBy(() -> FailoverBench.parse(new String[] {"--agents", "100", "--agent-processes", "1",
        "--agent-nice", "5"})).hasMessageContaining("--agent-nice needs --agent-processes 2 or more");
    assertThat(AgentDriverProcesses.niced(19, List.of("java", "-cp", "x"))).containsExactly("nice", "-n", "19", "java",
        "-cp", "x");
    assertThat(AgentDriverProcesses.niced(0, List.of("java"))).containsExactly("java");
  }

  @Test
  void oneMasterIsNotAFailover() {
    assertThatThrownBy(() -> FailoverBench.parse(new String[] {"--masters", "1"})).hasMessageContaining("--masters");
  }

  @Test
  void aSecondFailoverNeedsThreeMasters(@TempDir Path logs) {
    assertThat(FailoverBench.parse(new String[] {"--second-failover", "true", "--logs", logs.toString()})
        .secondFailover()).isTrue();
    assertThat(FailoverBench.parse(new String[] {"--logs", logs.toString()}).secondFailover()).isFalse();
    assertThatThrownBy(() -> FailoverBench.parse(new String[] {"--masters", "2", "--second-failover", "true"}))
        .hasMessageContaining("--second-failover needs --masters 3 or more");
    assertThatThrownBy(() -> FailoverBench.parse(new String[] {"--second-failover", "yes"}))
        .hasMessageContaining("--second-failover is true or false, got yes");
  }

  @Test
  void agentsRunInOneProcessPer2500ByDefault(@TempDir Path logs) {
    assertThat(FailoverBench.parse(new String[] {"--agents", "1000", "--logs", logs.toString()}).agentProcesses())
        .isEqualTo(1);
    assertThat(FailoverBench.parse(new String[] {"--agents", "2501", "--logs", logs.toString()}).agentProcesses())
        .isEqualTo(2);
    assertThat(FailoverBench.parse(new String[] {"--agents", "10000", "--logs", logs.toString()}).agentProcesses())
        .isEqualTo(4);
    assertThat(FailoverBench.parse(new String[] {"--agents", "10000", "--agent-processes", "3", "--logs",
        logs.toString()}).agentProcesses()).isEqualTo(3);
  }

  @Test
  void agentProcessesMustEachHaveAnAgent() {
    assertThatThrownBy(() -> FailoverBench.parse(new String[] {"--agents", "2", "--agent-processes", "3"}))
        .hasMessageContaining("--agent-processes");
    assertThatThrownBy(() -> FailoverBench.parse(new String[] {"--agent-processes", "0"}))
        .hasMessageContaining("--agent-processes");
    assertThatThrownBy(() -> FailoverBench.parse(new String[] {"--agent-process-heap", "lots"}))
        .hasMessageContaining("--agent-process-heap");
  }
}
