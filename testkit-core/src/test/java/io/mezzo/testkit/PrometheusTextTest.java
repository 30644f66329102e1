package io.mezzo.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PrometheusTextTest {
  private static final String VALID = """
      # HELP mezzo_master_tasks_running Mesos metric master/tasks_running
      # TYPE mezzo_master_tasks_running gauge
      mezzo_master_tasks_running 3.0
      # A comment
      # TYPE requests_total counter
      requests_total{code="200",path="/a \\"b\\"\\\\c\\nd",} 7 1700000000000
      requests_total{code="500"} 1e0
      # TYPE latency summary
      latency{quantile="0.5"} NaN
      latency_sum +Inf
      latency_count 2
      # TYPE size histogram
      size_bucket{le="1.0"} 1
      size_bucket{le="+Inf"} 2
      size_sum .5
      size_count 2
      untyped_one -Inf
      """;

  @Test
  void readsFamiliesTypesHelpLabelsAndValues() {
    PrometheusText text = PrometheusText.parse(VALID);
    assertThat(text.families().keySet())
        .containsExactly("mezzo_master_tasks_running", "requests_total", "latency", "size", "untyped_one");
    assertThat(text.family("mezzo_master_tasks_running").orElseThrow().type()).isEqualTo("gauge");
    assertThat(text.family("mezzo_master_tasks_running").orElseThrow().help())
        .isEqualTo("Mesos metric master/tasks_running");
    assertThat(text.value("mezzo_master_tasks_running")).isEqualTo(3.0);
    assertThat(text.value("requests_total", "code", "200", "path", "/a \"b\"\\c\nd")).isEqualTo(7);
    assertThat(text.value("requests_total", "code", "500")).isEqualTo(1);
    assertThat(text.value("latency", "quantile", "0.5")).isNaN();
    assertThat(text.value("latency_sum")).isInfinite();
    assertThat(text.value("size_sum")).isEqualTo(0.5);
    assertThat(text.family("size").orElseThrow().samples()).hasSize(4);
    assertThat(text.family("untyped_one").orElseThrow().type()).isEqualTo("untyped");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "1bad 1",
      "ok{la-bel=\"x\"} 1",
      "ok{label=\"x} 1",
      "ok{label=\"\\x\"} 1",
      "ok{label=\"x\" other=\"y\"} 1",
      "ok 1 2 3",
      "ok one",
      "ok",
      "ok 1 1.5",
      "# TYPE ok counterish",
      "# TYPE ok gauge\n# TYPE ok gauge",
      "# HELP ok a\n# HELP ok b",
      "ok 1\n# TYPE ok gauge",
      "ok 1\nother 2\nok{a=\"b\"} 3",
      "ok 1\nok 2",
      "# TYPE lat summary\nlat 1",
      "# TYPE h histogram\nh_bucket 1",
      "# TYPE h histogram\nh 1"})
  void refusesWhatTheFormatDoesNotAllow(String text) {
    assertThatThrownBy(() -> PrometheusText.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line");
  }
}
