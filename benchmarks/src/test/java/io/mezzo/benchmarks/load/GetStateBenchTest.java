package io.mezzo.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The GET_STATE bench at a small size: correctness only, no timing asserted. */
class GetStateBenchTest {
  @Test
  void getStateShowsEveryAgentAndRunningTaskAndEachReadIsMeasured() throws Exception {
    GetStateBench.Result result = GetStateBench.run(new GetStateBench.Config(5, 40, 2, null, null,
        "cpus:1;mem:1024;disk:1000;ports:[31000-31010]", Duration.ofSeconds(60)));

    assertThat(result.tasksRunning()).isEqualTo(40);
    assertThat(result.stateAgents()).isEqualTo(5);
    assertThat(result.stateTasks()).isEqualTo(40);
    assertThat(result.series()).extracting(GetStateBench.Series::name)
        .containsExactly("GET_STATE protobuf", "GET_STATE json", "GET_STATE json gzip", "/state (v0 json)");
    for (GetStateBench.Series series : result.series()) {
      assertThat(series.snapshotMillis()).hasSize(2);
      assertThat(java.util.Arrays.stream(series.snapshotMillis()).min().orElseThrow()).isGreaterThan(0);
      assertThat(series.totalMillis()).hasSize(2);
      assertThat(series.bytes()).isGreaterThan(500);
    }
  }

  @Test
  void masterAndOperatorGoTogether() {
    assertThatThrownBy(() -> GetStateBench.parse(new String[] {"--master", "zk://127.0.0.1:2181/mezzo"}))
        .hasMessageContaining("--operator");
  }
}
