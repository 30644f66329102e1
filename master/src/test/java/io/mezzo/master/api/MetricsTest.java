package io.mezzo.master.api;

import static io.mezzo.master.api.MasterFixture.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.mezzo.master.Master;
import io.mezzo.master.MasterConfig;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.StatusUpdate;
import io.mezzo.testkit.PrometheusText;
import io.mezzo.testkit.TestVertx;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.Filters;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.master.Protos.Response;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.curator.test.TestingServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /metrics/snapshot}, {@code /metrics} and GET_METRICS of a real master, against what the cluster does. */
class MetricsTest {
  /** Keys every master serves (mesos-v1-api.md §6.4), each a number. */
  static final List<String> MESOS_KEYS = List.of("master/uptime_secs", "master/elected", "master/slaves_active",
      "master/slaves_inactive", "master/slaves_connected", "master/slaves_disconnected", "master/slaves_unreachable",
      "master/frameworks_active", "master/frameworks_inactive", "master/frameworks_connected",
      "master/frameworks_disconnected", "master/outstanding_offers", "master/tasks_staging", "master/tasks_starting",
      "master/tasks_running", "master/tasks_killing", "master/tasks_unreachable", "master/tasks_finished", "master/tasks_failed",
      "master/tasks_killed", "master/tasks_lost", "master/tasks_error", "master/tasks_dropped", "master/tasks_gone",
      "master/tasks_gone_by_operator", "master/cpus_total", "master/cpus_used", "master/cpus_percent",
      "master/mem_total", "master/mem_used", "master/mem_percent", "master/disk_total", "master/disk_used",
      "master/disk_percent", "master/gpus_total", "master/gpus_used", "master/gpus_percent",
      "master/slave_registrations", "master/slave_reregistrations", "master/slave_removals",
      "master/slave_removals/reason_unhealthy", "master/slave_unreachable_scheduled",
      "master/slave_unreachable_completed",
      "master/messages_register_framework", "master/messages_reregister_framework",
      "master/messages_unregister_framework", "master/messages_launch_tasks", "master/messages_decline_offers",
      "master/messages_revive_offers", "master/messages_suppress_offers", "master/messages_kill_task",
      "master/messages_status_update_acknowledgement", "master/messages_reconcile_tasks",
      "master/messages_framework_to_executor", "master/messages_resource_request", "master/messages_register_slave",
      "master/messages_reregister_slave", "master/messages_status_update", "master/messages_executor_to_framework",
      "master/messages_exited_executor", "master/valid_status_updates", "master/invalid_status_updates",
      "master/valid_status_update_acknowledgements", "master/invalid_status_update_acknowledgements",
      "allocator/mesos/allocation_runs", "allocator/mesos/allocation_run_ms",
      "allocator/mesos/allocation_run_ms/count", "allocator/mesos/allocation_run_ms/min",
      "allocator/mesos/allocation_run_ms/max", "allocator/mesos/allocation_run_ms/p50",
      "allocator/mesos/allocation_run_ms/p90", "allocator/mesos/allocation_run_ms/p95",
      "allocator/mesos/allocation_run_ms/p99", "allocator/mesos/allocation_run_ms/p999",
      "allocator/mesos/allocation_run_ms/p9999");
  /** Mezzo's own keys in the same snapshot: the operator snapshot's timer. */
  static final List<String> MEZZO_KEYS = java.util.stream.Stream.concat(
      java.util.stream.Stream.of("master/operator_snapshots", "master/operator_snapshot_ms"),
      java.util.stream.Stream.of("count", "min", "max", "p50", "p90", "p95", "p99", "p999", "p9999")
          .map(s -> "master/operator_snapshot_ms/" + s)).toList();
  static final List<String> SNAPSHOT_KEYS = java.util.stream.Stream.concat(MESOS_KEYS.stream(), MEZZO_KEYS.stream())
      .toList();

  @RegisterExtension
  final TestVertx vertxes = new TestVertx();
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @Test
  void theSnapshotHasEveryMesosKeyAsANumberAndNothingElse() throws Exception {
    try (MasterFixture fixture = new MasterFixture()) {
      HttpResponse<String> response = get(fixture.url() + "/metrics/snapshot");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
      JsonObject snapshot = new JsonObject(response.body());
      assertThat(snapshot.fieldNames()).containsExactlyInAnyOrderElementsOf(SNAPSHOT_KEYS);
      snapshot.forEach(entry -> assertThat(entry.getValue()).as(entry.getKey()).isInstanceOf(Number.class));
      assertThat(snapshot.getDouble("master/elected")).isEqualTo(1.0);
    }
  }

  @Test
  void valuesFollowAgentsFrameworksAndTasks() throws Exception {
    try (MasterFixture fixture = new MasterFixture();
        FakeAgent first = fixture.registerAgent(scalar("cpus", 2), scalar("mem", 1024));
        FakeAgent second = fixture.registerAgent(scalar("cpus", 2), scalar("mem", 1024));
        EventStream<Event> scheduler = fixture.subscribeStream(MasterFixture.subscribe(), Codec.PROTOBUF)) {
      FrameworkID frameworkId = scheduler.next().getSubscribed().getFrameworkId();
      Map<String, Double> before = snapshot(fixture.url());
      assertThat(before).containsEntry("master/slaves_active", 2.0).containsEntry("master/slave_registrations", 2.0)
          .containsEntry("master/messages_register_slave", 2.0).containsEntry("master/frameworks_active", 1.0)
          .containsEntry("master/messages_register_framework", 1.0).containsEntry("master/cpus_total", 4.0)
          .containsEntry("master/mem_total", 2048.0).containsEntry("master/tasks_running", 0.0);

      Offer offer = scheduler.next(e -> e.getType() == Event.Type.OFFERS).getOffers().getOffers(0);
      FakeAgent agent = offer.getAgentId().getValue().equals(first.id()) ? first : second;
      int launched = 3;
      Offer.Operation.Launch.Builder launch = Offer.Operation.Launch.newBuilder();
      for (int i = 0; i < launched; i++) {
        launch.addTaskInfos(TaskInfo.newBuilder().setName("t" + i).setTaskId(TaskID.newBuilder().setValue("t" + i))
            .setAgentId(offer.getAgentId()).setCommand(CommandInfo.newBuilder().setValue("sleep 100"))
            .addResources(scalar("cpus", 0.5)).addResources(scalar("mem", 64)));
      }
      Call accept = Call.newBuilder().setType(Call.Type.ACCEPT).setFrameworkId(frameworkId)
          .setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
              .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH).setLaunch(launch))
              .setFilters(Filters.newBuilder().setRefuseSeconds(0)))
          .build();
      assertThat(fixture.call(accept, scheduler).statusCode()).isEqualTo(202);
      assertThat(snapshot(fixture.url())).containsEntry("master/tasks_staging", 3.0)
          .containsEntry("master/messages_launch_tasks", 1.0).containsEntry("master/cpus_used", 1.5)
          .containsEntry("master/cpus_percent", 1.5 / 4);

      for (int i = 0; i < launched; i++) {
        assertThat(agent.call(agent.statusUpdate(frameworkId, "t" + i, TaskState.TASK_RUNNING)).statusCode())
            .isEqualTo(202);
      }
      Map<String, Double> running = snapshot(fixture.url());
      assertThat(running).containsEntry("master/tasks_running", 3.0).containsEntry("master/tasks_staging", 0.0)
          .containsEntry("master/messages_status_update", 3.0).containsEntry("master/valid_status_updates", 3.0);

      PrometheusText prometheus = prometheus(fixture.url());
      assertThat(prometheus.value("mezzo_master_tasks_running")).isEqualTo(3.0);
      assertThat(prometheus.value("mezzo_master_slaves_active")).isEqualTo(2.0);
      assertThat(prometheus.value("mezzo_master_cpus_capacity")).isEqualTo(4.0);
      assertThat(prometheus.family("mezzo_master_tasks_running").orElseThrow().type()).isEqualTo("gauge");
      assertThat(prometheus.family("mezzo_master_tasks_running").orElseThrow().help())
          .isEqualTo("Mesos metric master/tasks_running");
      assertThat(prometheus.family("mezzo_master_messages_launch_tasks_total").orElseThrow().type())
          .isEqualTo("counter");
      assertThat(prometheus.value("mezzo_master_messages_launch_tasks_total")).isEqualTo(1.0);
      assertThat(prometheus.family("mezzo_allocator_mesos_allocation_run_seconds").orElseThrow().type())
          .isEqualTo("summary");
      assertThat(prometheus.value("mezzo_allocator_mesos_allocation_run_seconds_count"))
          .isEqualTo(prometheus.value("mezzo_allocator_mesos_allocation_runs_total")).isPositive();

      agent.call(agent.statusUpdate(frameworkId, "t0", TaskState.TASK_FINISHED));
      agent.call(agent.statusUpdate(frameworkId, "t1", TaskState.TASK_FAILED));
      // An agent re-sends an update until it is acknowledged: a terminal state counts once.
      agent.call(agent.statusUpdate(frameworkId, "t1", TaskState.TASK_FAILED));
      Map<String, Double> after = snapshot(fixture.url());
      assertThat(after).containsEntry("master/tasks_running", 1.0).containsEntry("master/tasks_finished", 1.0)
          .containsEntry("master/tasks_failed", 1.0).containsEntry("master/cpus_used", 0.5);
      assertThat(after.get("allocator/mesos/allocation_runs")).isPositive();
      assertThat(after.get("allocator/mesos/allocation_run_ms/count")).isPositive();
      assertThat(after.get("allocator/mesos/allocation_run_ms/max"))
          .isGreaterThanOrEqualTo(after.get("allocator/mesos/allocation_run_ms/min"));

      Response metrics = getMetrics(fixture.url());
      assertThat(metrics.getType()).isEqualTo(Response.Type.GET_METRICS);
      Map<String, Double> byName = metrics.getGetMetrics().getMetricsList().stream()
          .collect(Collectors.toMap(m -> m.getName(), m -> m.getValue()));
      assertThat(byName.keySet()).containsExactlyInAnyOrderElementsOf(SNAPSHOT_KEYS);
      assertThat(byName).containsEntry("master/tasks_running", 1.0).containsEntry("master/tasks_finished", 1.0)
          .containsEntry("master/slaves_active", 2.0);
    }
  }

  @Test
  void aStandbyAnswersWithElectedZeroAndEachMasterHasItsOwnRegistry() throws Exception {
    try (TestingServer zk = new TestingServer(true)) {
      MasterConfig config = MasterConfig.builder().zk("zk://" + zk.getConnectString() + "/mezzo").port(0)
          .allocationInterval(Duration.ofMillis(50)).build();
      Master leader = new Master(config, vertxes.vertx(), Clock.systemUTC());
      Master standby = new Master(config);
      try {
        leader.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(leader::isLeader);
        standby.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        FakeAgent.register(http, leader.url()).close();

        assertThat(snapshot(leader.url())).containsEntry("master/elected", 1.0)
            .containsEntry("master/slave_registrations", 1.0);
        Map<String, Double> standbySnapshot = snapshot(standby.url());
        assertThat(standbySnapshot.keySet()).containsExactlyInAnyOrderElementsOf(SNAPSHOT_KEYS);
        assertThat(standbySnapshot).containsEntry("master/elected", 0.0)
            .containsEntry("master/slave_registrations", 0.0).containsEntry("master/slaves_active", 0.0);

        // The standby made its own Vert.x instance: its HTTP server metrics are on its /metrics.
        PrometheusText standbyText = prometheus(standby.url());
        assertThat(standbyText.value("mezzo_master_elected")).isZero();
        assertThat(standbyText.samples("vertx_http_server_requests_total"))
            .anySatisfy(s -> assertThat(s.value()).isPositive());
        assertThat(prometheus(leader.url()).samples("vertx_http_server_requests_total")).isEmpty();
      } finally {
        standby.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        leader.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private Map<String, Double> snapshot(String masterUrl) throws Exception {
    HttpResponse<String> response = get(masterUrl + "/metrics/snapshot");
    assertThat(response.statusCode()).isEqualTo(200);
    return new JsonObject(response.body()).getMap().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> ((Number) e.getValue()).doubleValue()));
  }

  private PrometheusText prometheus(String masterUrl) throws Exception {
    HttpResponse<String> response = get(masterUrl + "/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    return PrometheusText.parse(response.body());
  }

  private Response getMetrics(String masterUrl) throws Exception {
    io.mezzo.v1.master.Protos.Call call = io.mezzo.v1.master.Protos.Call.newBuilder()
        .setType(io.mezzo.v1.master.Protos.Call.Type.GET_METRICS).build();
    HttpResponse<byte[]> response = OperatorApiTest.post(http, masterUrl, Codec.PROTOBUF.mediaType(),
        Codec.PROTOBUF.mediaType(), Codec.PROTOBUF.encode(call));
    assertThat(response.statusCode()).isEqualTo(200);
    return Response.parseFrom(response.body());
  }
}
