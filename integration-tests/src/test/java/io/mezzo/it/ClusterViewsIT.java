package io.mezzo.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.v1.Protos.TaskState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CLI's views of a live cluster from {@code cluster create}, as an operator reads it: two
 * agents, a framework with a running task; each view's {@code -o json} parsed and checked
 * against that, and {@code task logs -f} following a task until it ends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterViewsIT {
  @RegisterExtension
  static final MezzoCluster cluster = MezzoCluster.named("views").agents(2)
      .agentResources("cpus:2;mem:2048;disk:4096;ports:[31000-31099]");

  private Mezzo mezzo;
  private TestFramework framework;
  private String frameworkId;

  @BeforeAll
  void runATask() throws Exception {
    mezzo = cluster.mezzo();
    framework = TestFramework.start(cluster.zk(), "views-it");
    frameworkId = framework.frameworkId().getValue();
    framework.launch(TestFramework.task("sleeper", "process", Machine.IMAGE, "sleep 600", 32));
    framework.await("sleeper", TaskState.TASK_RUNNING);
  }

  @AfterAll
  void stop() throws Exception {
    if (framework != null) {
      framework.close();
    }
  }

  private Mezzo.Result view(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(args));
    command.addAll(List.of("--cluster", "views"));
    return mezzo.run(60, command.toArray(String[]::new));
  }

  private JsonObject json(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(args));
    command.addAll(List.of("-o", "json"));
    Mezzo.Result result = view(command.toArray(String[]::new));
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return new JsonObject(result.stdout().lines().findFirst().orElseThrow());
  }

  private static List<JsonObject> objects(JsonArray array) {
    return array == null ? List.of() : array.stream().map(o -> (JsonObject) o).toList();
  }

  @Test
  void agentsListsBothAgentsWithTheirResources() throws Exception {
    List<JsonObject> agents = objects(json("agents").getJsonArray("agents"));
    assertThat(agents).hasSize(2).allSatisfy(agent -> assertThat(agent.getBoolean("active")).isTrue());
    Mezzo.Result table = view("agents");
    assertThat(table.exitCode()).isZero();
    assertThat(table.stdout()).startsWith("ID").contains("cpus:2;mem:2048");
  }

  @Test
  void frameworksShowsTheFramework() throws Exception {
    assertThat(objects(json("frameworks").getJsonArray("frameworks"))).anySatisfy(f -> {
      assertThat(f.getJsonObject("framework_info").getString("name")).isEqualTo("views-it");
      assertThat(f.getBoolean("connected")).isTrue();
    });
  }

  @Test
  void tasksAreFilteredByFrameworkAndState() throws Exception {
    assertThat(objects(json("tasks", "--framework", frameworkId).getJsonArray("tasks"))).anySatisfy(t -> {
      assertThat(t.getJsonObject("task_id").getString("value")).isEqualTo("sleeper");
      assertThat(t.getString("state")).isEqualTo("TASK_RUNNING");
    });
    JsonObject finished = json("tasks", "--framework", frameworkId, "--state", "finished");
    assertThat(objects(finished.getJsonArray("tasks")))
        .noneSatisfy(t -> assertThat(t.getJsonObject("task_id").getString("value")).isEqualTo("sleeper"));

    Mezzo.Result unknown = view("tasks", "--framework", "no-such-framework");
    assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(1);
    assertThat(unknown.stderr()).contains("no-such-framework");
    assertThat(view("tasks", "--state", "bogus").exitCode()).isEqualTo(2);
  }

  @Test
  void offersAndEventsAndTopReadTheLiveCluster() throws Exception {
    for (JsonObject offer : objects(json("offers").getJsonArray("offers"))) {
      assertThat(offer.getJsonObject("agent_id").getString("value")).isNotBlank();
    }
    JsonObject subscribed = json("events");
    assertThat(subscribed.getString("type")).isEqualTo("SUBSCRIBED");
    assertThat(subscribed.getJsonObject("subscribed").getJsonObject("get_state").getJsonObject("get_agents")
        .getJsonArray("agents")).hasSize(2);

    JsonObject frame = json("top", "-n", "1");
    assertThat(frame.getJsonObject("cluster").getJsonObject("total").getDouble("cpus")).isEqualTo(4.0);
    assertThat(frame.getJsonObject("cluster").getJsonObject("allocated").getDouble("cpus")).isGreaterThanOrEqualTo(0.1);
  }

  @Test
  void taskLogsFollowsATaskUntilItEnds() throws Exception {
    framework.launch(TestFramework.task("ticker", "process", Machine.IMAGE,
        "for i in 1 2 3 4 5; do echo tick-$i; sleep 1; done", 32));
    framework.await("ticker", TaskState.TASK_RUNNING);

    Mezzo.Result logs = mezzo.run(120, "task", "logs", "ticker", "-f", "--cluster", "views");

    assertThat(logs.exitCode()).as(logs.toString()).isZero();
    assertThat(logs.stdout()).isEqualTo("tick-1\ntick-2\ntick-3\ntick-4\ntick-5\n");
    assertThat(framework.awaitTerminal("ticker").getState()).isEqualTo(TaskState.TASK_FINISHED);
    Mezzo.Result unknown = mezzo.run(60, "task", "logs", "no-such-task", "--cluster", "views");
    assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(1);
  }
}
