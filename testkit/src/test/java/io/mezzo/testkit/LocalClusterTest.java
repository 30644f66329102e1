package io.mezzo.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.protocol.Codec;
import io.mezzo.sdk.Resources;
import io.mezzo.sdk.ScalarResources;
import io.mezzo.sdk.Scheduler;
import io.mezzo.sdk.SchedulerClient;
import io.mezzo.sdk.SchedulerDriver;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A master and two agents in one JVM on an in-process ZooKeeper run a framework's 50 tasks
 * to TASK_FINISHED, and every update is acknowledged: the master and the agents forget a
 * task only once its terminal update was acknowledged.
 */
class LocalClusterTest {
  @RegisterExtension
  static LocalClusterExtension extension = new LocalClusterExtension(LocalCluster.builder().agents(2)
      .agentResources("cpus:2;mem:1024;disk:1024;ports:[31000-31099]"));

  private static final int TASKS = 50;
  private final HttpClient http = HttpClient.newHttpClient();

  /** Launches as many of its pending tasks as each offer holds. */
  static final class FiftyTasks implements Scheduler {
    final AtomicInteger launched = new AtomicInteger();
    final Map<String, TaskState> states = new ConcurrentHashMap<>();
    final List<TaskStatus> updates = new CopyOnWriteArrayList<>();
    final String prefix;

    FiftyTasks(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public void offers(SchedulerDriver driver, List<Offer> offers) {
      ScalarResources perTask = ScalarResources.of("cpus", 0.1).with("mem", 16);
      for (Offer offer : offers) {
        ScalarResources left = ScalarResources.of(offer);
        List<TaskInfo> tasks = new ArrayList<>();
        while (launched.get() < TASKS && left.covers(perTask)) {
          int n = launched.getAndIncrement();
          tasks.add(TaskInfo.newBuilder()
              .setName("task " + n)
              .setTaskId(TaskID.newBuilder().setValue(prefix + n))
              .setAgentId(offer.getAgentId())
              .addAllResources(Resources.allocatedAs(offer, List.of(Resources.cpus(0.1), Resources.mem(16))))
              .setCommand(CommandInfo.newBuilder().setValue("echo task " + n))
              .build());
          left = left.minus(perTask);
        }
        if (!tasks.isEmpty()) {
          driver.launch(offer.getId(), tasks);
        }
      }
    }

    @Override
    public void update(SchedulerDriver driver, TaskStatus status) {
      updates.add(status);
      states.put(status.getTaskId().getValue(), status.getState());
    }
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void fiftyTasksRunToFinishedAndEveryUpdateIsAcknowledged(Codec codec, LocalCluster cluster) throws Exception {
    FiftyTasks scheduler = new FiftyTasks(codec.name().toLowerCase() + "-");
    SchedulerClient client = SchedulerClient.builder()
        .master(cluster.zkUrl())
        .frameworkInfo(FrameworkInfo.newBuilder().setUser(System.getProperty("user.name")).setName("fifty").build())
        .scheduler(scheduler)
        .codec(codec)
        .build()
        .start();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
        assertThat(scheduler.states).hasSize(TASKS);
        assertThat(scheduler.states.values()).containsOnly(TaskState.TASK_FINISHED);
      });
      assertThat(scheduler.updates).filteredOn(s -> s.getState() == TaskState.TASK_FINISHED)
          .allSatisfy(s -> assertThat(s.getUuid().size()).isEqualTo(16))
          .hasSize(TASKS);
      // Acknowledged: the master drops a finished task only after the ack of its terminal update,
      // and each agent forgets it only then too.
      Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        JsonObject state = get(cluster.masterUrl() + "/state");
        JsonObject framework = state.getJsonArray("frameworks").getJsonObject(0);
        assertThat(framework.getJsonArray("tasks")).isEmpty();
        for (var agent : cluster.agents()) {
          assertThat(get("http://127.0.0.1:" + agent.httpPort() + "/state").getJsonArray("tasks")).isEmpty();
        }
      });
    } finally {
      client.teardown().get();
      client.close().get();
    }
  }

  private JsonObject get(String url) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return new JsonObject(response.body());
  }
}
