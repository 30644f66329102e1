package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.testing.FakeRuntime;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.testkit.PrometheusText;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.Value;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's {@code /metrics/snapshot}, {@code /metrics} and {@link Agent#metrics()}, against the tasks it runs. */
class AgentMetricsTest {
  /** Keys the agent serves (Mesos's docs/monitoring.md), each a number. */
  static final List<String> MESOS_KEYS = List.of("slave/uptime_secs", "slave/registered", "slave/tasks_staging",
      "slave/tasks_starting", "slave/tasks_running", "slave/tasks_killing", "slave/tasks_finished",
      "slave/tasks_failed", "slave/tasks_killed", "slave/tasks_lost", "slave/tasks_gone", "slave/tasks_dropped",
      "slave/tasks_error", "slave/executors_registering", "slave/executors_running", "slave/executors_terminating",
      "slave/executors_terminated", "slave/cpus_total", "slave/cpus_used", "slave/cpus_percent", "slave/mem_total",
      "slave/mem_used", "slave/mem_percent", "slave/disk_total", "slave/disk_used", "slave/disk_percent",
      "slave/gpus_total", "slave/gpus_used", "slave/gpus_percent", "slave/valid_status_updates",
      "slave/container_launch_errors");

  @TempDir
  Path workDir;

  private final FakeRuntime runtime = new FakeRuntime();
  private final HttpClient http = HttpClient.newHttpClient();
  private AgentHarness harness;

  @BeforeEach
  void start() throws Exception {
    harness = new AgentHarness(workDir, 3600, runtime);
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  @Test
  void theSnapshotHasEveryMesosKeyAsANumber() throws Exception {
    HttpResponse<String> response = get("/metrics/snapshot");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject snapshot = new JsonObject(response.body());
    assertThat(snapshot.fieldNames()).containsExactlyInAnyOrderElementsOf(MESOS_KEYS);
    snapshot.forEach(entry -> assertThat(entry.getValue()).as(entry.getKey()).isInstanceOf(Number.class));
    assertThat(snapshot.getDouble("slave/registered")).isEqualTo(1.0);
    assertThat(snapshot.getDouble("slave/cpus_total")).isEqualTo(2.0);
    assertThat(snapshot.getDouble("slave/mem_total")).isEqualTo(1024.0);
  }

  @Test
  void valuesFollowTheTasksAndExecutorsTheAgentRuns() throws Exception {
    int launched = 3;
    for (int i = 0; i < launched; i++) {
      harness.master.send(Tasks.runTask(withResources(Tasks.shellTask("t" + i, "sleep 100"), 0.5, 64)));
    }
    await().atMost(AgentHarness.WAIT).until(() -> snapshot().get("slave/tasks_running") == launched);
    assertThat(snapshot()).containsEntry("slave/cpus_used", 1.5).containsEntry("slave/cpus_percent", 0.75)
        .containsEntry("slave/mem_used", 192.0).containsEntry("slave/valid_status_updates", 6.0);

    PrometheusText text = prometheus();
    assertThat(text.value("mezzo_slave_tasks_running")).isEqualTo(3.0);
    assertThat(text.value("mezzo_slave_cpus_capacity")).isEqualTo(2.0);
    assertThat(text.value("mezzo_slave_registered")).isEqualTo(1.0);
    assertThat(text.family("mezzo_slave_valid_status_updates_total").orElseThrow().type()).isEqualTo("counter");
    assertThat(text.family("mezzo_slave_tasks_running").orElseThrow().help())
        .isEqualTo("Mesos metric slave/tasks_running");

    runtime.exit("t0", 0);
    runtime.exit("t1", 3);
    await().atMost(AgentHarness.WAIT).until(() -> snapshot().get("slave/tasks_running") == 1);
    assertThat(snapshot()).containsEntry("slave/tasks_finished", 1.0).containsEntry("slave/tasks_failed", 1.0)
        .containsEntry("slave/cpus_used", 0.5);

    runtime.failLaunchesWith("no such image");
    harness.master.send(Tasks.runTask(Tasks.shellTask("broken", "true")));
    await().atMost(AgentHarness.WAIT).until(() -> snapshot().get("slave/container_launch_errors") == 1);
    assertThat(snapshot()).containsEntry("slave/tasks_failed", 2.0);

    ExecutorInfo executor = Tasks.executor("exec", List.of("/bin/executor"));
    runtime.failLaunchesWith(null);
    harness.master.send(Tasks.runTask(Tasks.executorTask("delegated", executor, "")));
    await().atMost(AgentHarness.WAIT).until(() -> snapshot().get("slave/executors_registering") == 1);
    harness.master.send(Tasks.killTask(Tasks.FRAMEWORK, "delegated"));
    await().atMost(AgentHarness.WAIT).until(() -> snapshot().get("slave/executors_terminated") == 1);
    assertThat(snapshot()).containsEntry("slave/executors_registering", 0.0)
        .containsEntry("slave/tasks_killed", 1.0);

    // What the agent's GET_METRICS answers: the same keys and values as the HTTP snapshot.
    Map<String, Double> viaFacade = AgentHarness.get(harness.agent.metrics());
    Map<String, Double> viaHttp = snapshot();
    assertThat(viaFacade.keySet()).containsExactlyInAnyOrderElementsOf(MESOS_KEYS);
    viaHttp.remove("slave/uptime_secs");
    assertThat(viaFacade).containsAllEntriesOf(viaHttp);
  }

  private static TaskInfo withResources(TaskInfo task, double cpus, double mem) {
    return task.toBuilder().addResources(scalar("cpus", cpus)).addResources(scalar("mem", mem)).build();
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  private HttpResponse<String> get(String path) throws Exception {
    String url = "http://" + harness.agent.config().ip() + ":" + harness.agent.httpPort() + path;
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private Map<String, Double> snapshot() throws Exception {
    HttpResponse<String> response = get("/metrics/snapshot");
    assertThat(response.statusCode()).isEqualTo(200);
    return new JsonObject(response.body()).getMap().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> ((Number) e.getValue()).doubleValue()));
  }

  private PrometheusText prometheus() throws Exception {
    HttpResponse<String> response = get("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    return PrometheusText.parse(response.body());
  }
}
