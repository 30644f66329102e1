package io.mezzo.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.it.nodes.AgentContainer;
import io.mezzo.it.nodes.ContainerCluster;
import io.mezzo.it.nodes.MasterContainer;
import io.mezzo.it.nodes.NodeContainer;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Master faults on a real cluster in containers (3 masters, 3 agents, one ZooKeeper; see
 * {@link ContainerCluster}), with {@link TestFramework} as the independent checker: it records
 * every status update the framework was sent and every task it launched. One cluster serves the
 * class; after each test every node runs again and the cluster has a leader and all its agents.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MasterFaultsIT {
  private static final Logger log = LoggerFactory.getLogger(MasterFaultsIT.class);
  /** ZooKeeper's session timeout as the masters use it (the discovery module's). */
  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration WAIT = Duration.ofSeconds(180);
  private static final String LAUNCHES = "/var/lib/mezzo/launches.log";
  private ContainerCluster cluster;

  @BeforeAll
  void startCluster() {
    cluster = new ContainerCluster(3, 3, List.of("--agent-reregister-timeout", "2mins"), "cpus:4;mem:4096");
    cluster.start();
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.stop();
    }
  }

  @AfterEach
  void everyNodeRunsAgain() {
    cluster.restore();
  }

  @Test
  void killMinus9OfTheLeaderWhile500TasksRunLosesNoTaskAndRunsNoneTwice() throws Exception {
    int count = 500;
    try (TestFramework framework = TestFramework.start(cluster.zkUrl(), "kill-leader")) {
      String prefix = "k9-" + Long.toHexString(System.nanoTime()) + "-";
      List<String> ids = IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
      List<io.mezzo.v1.Protos.TaskInfo.Builder> tasks = ids.stream()
          .map(id -> TestFramework.task(id, "process", null, "echo " + id + " >> " + LAUNCHES + "; sleep 0.2", 16))
          .toList();
      framework.launch(tasks.toArray(io.mezzo.v1.Protos.TaskInfo.Builder[]::new));
      Awaitility.await().atMost(WAIT).until(() -> finished(framework, ids) >= count / 5);

      MasterContainer old = cluster.awaitLeader();
      int subscriptionsBefore = framework.subscriptions().size();
      Instant killed = Instant.now();
      old.kill();
      log.info("Killed the leader {} with SIGKILL after {} of {} tasks finished", old.name(),
          finished(framework, ids), count);

      List<MasterContainer> others = cluster.masters().stream().filter(m -> m != old).toList();
      MasterContainer leader = Awaitility.await("a new leader").atMost(WAIT).pollInterval(Duration.ofMillis(50))
          .until(() -> cluster.leaderAmong(others), Optional::isPresent).orElseThrow();
      Duration toLeader = Duration.between(killed, Instant.now());
      cluster.awaitAgents(3);
      Duration toAgents = Duration.between(killed, Instant.now());
      Awaitility.await("the framework re-subscribed").atMost(WAIT).pollInterval(Duration.ofMillis(50))
          .until(() -> framework.subscriptions().size() > subscriptionsBefore);
      Duration toFramework = Duration.between(killed, framework.subscriptions().get(subscriptionsBefore));
      log.info("Failover after kill -9 of {}: new leader {} answering after {} ms, every agent re-registered"
          + " after {} ms, framework re-subscribed after {} ms", old.name(), leader.name(), toLeader.toMillis(),
          toAgents.toMillis(), toFramework.toMillis());
      // Goal: session timeout + 2 s; the bound leaves room for a loaded CI machine yet proves a failover.
      assertThat(toLeader).as("kill -9 to a new leader answering (goal %s)", SESSION_TIMEOUT.plusSeconds(2))
          .isLessThan(Duration.ofSeconds(30));

      // An ACCEPT in flight to the killed leader launched nothing: reconciliation tells the framework, which
      // launches such a task again (as a Mesos framework must); a task that reached an agent is never lost.
      Map<String, io.mezzo.v1.Protos.TaskInfo.Builder> byId = new HashMap<>();
      tasks.forEach(t -> byId.put(t.getTaskId().getValue(), t));
      Set<String> relaunched = new HashSet<>();
      try {
        Awaitility.await("every task finished").atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(5))
          .until(() -> {
            List<String> open = ids.stream().filter(id -> !framework.latest(id)
                .map(st -> st.getState() == TaskState.TASK_FINISHED).orElse(false)).toList();
            for (String id : open) {
              if (framework.latest(id).map(st -> neverReachedAnAgent(st.getState())).orElse(false)
                  && relaunched.add(id)) {
                framework.launch(byId.get(id));
              }
            }
            Instant quiet = Instant.now().minusSeconds(10);
            List<String> silent = open.stream().filter(id -> framework.latest(id).isEmpty()
                && framework.launchedAt(id).map(at -> at.isBefore(quiet)).orElse(false)).toList();
            if (!silent.isEmpty()) {
              framework.reconcile(silent);
            }
            return open.isEmpty();
          });
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        List<String> open = ids.stream().filter(id -> !framework.latest(id)
            .map(st -> st.getState() == TaskState.TASK_FINISHED).orElse(false)).toList();
        throw new AssertionError(open.size() + " tasks did not finish; the first: " + open.stream().limit(20)
            .map(id -> id + " accepts=" + framework.launchCounts().get(id) + " relaunched=" + relaunched.contains(id)
                + " updates=" + framework.updates(id).stream().map(st -> st.getState() + "/" + st.getReason()).toList())
            .toList() + "; tasks the agents hold: " + unacknowledgedOnAgents(framework.frameworkId().getValue())
            + "; the leader's view: " + cut(cluster.state().getJsonArray("frameworks").encode()), e);
      }
      log.info("{} tasks were launched again after reconciliation said they never reached an agent: {}",
          relaunched.size(), relaunched);
      for (String id : ids) {
        List<TaskStatus> updates = framework.updates(id);
        List<TaskStatus> afterStart = updates.stream().dropWhile(s -> neverReachedAnAgent(s.getState())).toList();
        assertThat(afterStart).as("updates of %s from its start", id).allSatisfy(s -> assertThat(s.getState())
            .isIn(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED));
        assertThat(updates.stream().filter(s -> s.getState() == TaskState.TASK_FINISHED)
            .map(TaskStatus::getUuid).distinct()).as("distinct TASK_FINISHED updates of %s", id).hasSize(1);
      }
      assertThat(framework.launchCounts()).as("ACCEPTs per task id").hasSize(count).allSatisfy((id, n) ->
          assertThat(n).as(id).isEqualTo(relaunched.contains(id) ? 2 : 1));
      Map<String, Integer> ran = launchesOnAgents(prefix);
      assertThat(ran).as("task runs recorded on the agents").hasSize(count)
          .allSatisfy((id, n) -> assertThat(n).as("runs of %s", id).isEqualTo(1));
      Awaitility.await("every update acknowledged").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
          .until(() -> unacknowledgedOnAgents(framework.frameworkId().getValue()), List::isEmpty);
    }
  }

  @Test
  void restartOfEveryMasterAtOnceKeepsAgentsTasksQuotaWeightsAndReservations() throws Exception {
    MasterContainer leader = cluster.awaitLeader();
    String agentId = cluster.state().getJsonArray("slaves").getJsonObject(0).getString("id");
    operator(leader, "{\"type\":\"UPDATE_QUOTA\",\"update_quota\":{\"force\":true,\"quota_configs\":[{\"role\":\"eng\","
        + "\"guarantees\":{\"cpus\":{\"value\":1}},\"limits\":{\"cpus\":{\"value\":2}}}]}}");
    operator(leader, "{\"type\":\"UPDATE_WEIGHTS\",\"update_weights\":{\"weight_infos\":[{\"role\":\"eng\","
        + "\"weight\":2.5}]}}");
    operator(leader, reserveCall(agentId));
    OperatorView before = operatorView();
    assertThat(before.quota()).contains("\"eng\"");
    assertThat(before.weights()).contains("2.5");

    try (TestFramework framework = TestFramework.start(cluster.zkUrl(), "restart-masters")) {
      List<String> ids = IntStream.range(0, 6).mapToObj(i -> "long-" + i).toList();
      framework.launch(ids.stream().map(id -> TestFramework.task(id, "process", null, "sleep 600", 16))
          .toArray(io.mezzo.v1.Protos.TaskInfo.Builder[]::new));
      ids.forEach(id -> framework.await(id, TaskState.TASK_RUNNING));
      int subscriptionsBefore = framework.subscriptions().size();

      cluster.masters().parallelStream().forEach(m -> m.stopNode(Duration.ofSeconds(5)));
      assertThat(cluster.leader()).as("a leader while every master is stopped").isEmpty();
      Instant restarted = Instant.now();
      cluster.masters().parallelStream().forEach(NodeContainer::startNode);

      cluster.awaitLeader();
      cluster.awaitAgents(3);
      log.info("Every master restarted: leader and 3 agents back after {} ms",
          Duration.between(restarted, Instant.now()).toMillis());
      Awaitility.await("the framework re-subscribed").atMost(WAIT)
          .until(() -> framework.subscriptions().size() > subscriptionsBefore);
      Awaitility.await("every task back in the leader's state").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
          .until(() -> runningTasks(framework.frameworkId().getValue()).containsAll(ids));
      ids.forEach(id -> assertThat(framework.latest(id).orElseThrow().getState()).as(id)
          .isEqualTo(TaskState.TASK_RUNNING));
      assertThat(operatorView()).as("quota and weights after the restart").isEqualTo(before);
      // The reservation came back too: it can be released once, and only once.
      String unreserve = reserveCall(agentId).replace("RESERVE_RESOURCES", "UNRESERVE_RESOURCES")
          .replace("reserve_resources", "unreserve_resources");
      operator(cluster.awaitLeader(), unreserve);
      assertThat(cluster.postJson(cluster.awaitLeader().url() + "/api/v1", unreserve).statusCode())
          .as("a second UNRESERVE of what was reserved once").isGreaterThanOrEqualTo(400);
    }
  }

  @Test
  void zooKeeperOutageOf30sLeavesNoLeaderKeepsTasksRunningAndRecovers() throws Exception {
    try (TestFramework framework = TestFramework.start(cluster.zkUrl(), "zk-outage")) {
      List<String> ids = IntStream.range(0, 6).mapToObj(i -> "zk-" + i).toList();
      framework.launch(ids.stream().map(id -> TestFramework.task(id, "process", null, "sleep 700", 16))
          .toArray(io.mezzo.v1.Protos.TaskInfo.Builder[]::new));
      ids.forEach(id -> framework.await(id, TaskState.TASK_RUNNING));
      Map<String, String> pidsBefore = taskProcesses("sleep 700");
      assertThat(pidsBefore.values().stream().flatMap(p -> java.util.Arrays.stream(p.split("\\s+")))
          .filter(p -> !p.isEmpty())).as("task processes on the agents").hasSize(ids.size());

      cluster.zookeeper().stopNode(Duration.ofSeconds(5));
      Instant stopped = Instant.now();
      Awaitility.await("no master leads once the session is gone").atMost(SESSION_TIMEOUT.multipliedBy(3))
          .pollInterval(Duration.ofMillis(200)).until(() -> cluster.leader().isEmpty());
      log.info("No leader {} ms after ZooKeeper stopped", Duration.between(stopped, Instant.now()).toMillis());
      // For the rest of the 30 s: never a leader, and the tasks keep running on their agents.
      while (Duration.between(stopped, Instant.now()).compareTo(Duration.ofSeconds(30)) < 0) {
        assertThat(cluster.leader()).as("a leader while ZooKeeper is down").isEmpty();
        Awaitility.await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
      }
      assertThat(taskProcesses("sleep 700")).as("task processes on the agents after 30 s without ZooKeeper")
          .isEqualTo(pidsBefore);

      cluster.zookeeper().startNode();
      Instant back = Instant.now();
      cluster.awaitLeader();
      cluster.awaitAgents(3);
      log.info("ZooKeeper back: leader and 3 agents after {} ms", Duration.between(back, Instant.now()).toMillis());
      framework.awaitSubscribed();
      Awaitility.await("every task back in the leader's state").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
          .until(() -> runningTasks(framework.frameworkId().getValue()).containsAll(ids));
      ids.forEach(id -> assertThat(framework.latest(id).orElseThrow().getState()).as(id)
          .isEqualTo(TaskState.TASK_RUNNING));
      assertThat(taskProcesses("sleep 700")).as("the same task processes after the outage").isEqualTo(pidsBefore);
    }
  }

  /** What reconciliation answers for a task the master does not know: its launch never reached an agent. */
  private static boolean neverReachedAnAgent(TaskState state) {
    return state == TaskState.TASK_LOST || state == TaskState.TASK_DROPPED || state == TaskState.TASK_UNKNOWN
        || state == TaskState.TASK_GONE;
  }

  /** How many tasks of {@code ids} the framework saw finish. */
  private static long finished(TestFramework framework, List<String> ids) {
    return ids.stream().filter(id -> framework.latest(id).map(s -> s.getState() == TaskState.TASK_FINISHED)
        .orElse(false)).count();
  }

  /** Per task id with {@code prefix}: how many times a task wrote its id into its agent's launch log. */
  private Map<String, Integer> launchesOnAgents(String prefix) throws Exception {
    Map<String, Integer> runs = new HashMap<>();
    for (AgentContainer agent : cluster.agents()) {
      String log = agent.execInContainer("sh", "-c", "cat " + LAUNCHES + " 2>/dev/null || true").getStdout();
      log.lines().map(String::trim).filter(l -> l.startsWith(prefix)).forEach(id -> runs.merge(id, 1, Integer::sum));
    }
    return runs;
  }

  /** Tasks of the framework an agent still holds unacknowledged updates for (launched or terminated). */
  private List<String> unacknowledgedOnAgents(String frameworkId) {
    List<String> open = new ArrayList<>();
    for (AgentContainer agent : cluster.agents()) {
      JsonObject tasks = new JsonObject(cluster.postJson(agent.url() + "/api/v1", "{\"type\":\"GET_TASKS\"}").body())
          .getJsonObject("get_tasks");
      for (String list : List.of("pending_tasks", "queued_tasks", "launched_tasks", "terminated_tasks")) {
        for (Object o : tasks.getJsonArray(list, new JsonArray())) {
          JsonObject task = (JsonObject) o;
          if (task.getJsonObject("framework_id").getString("value").equals(frameworkId)) {
            open.add(task.getJsonObject("task_id").getString("value") + " (" + task.getString("state") + ")");
          }
        }
      }
    }
    return open;
  }

  /** The ids of the framework's running tasks in the leader's /state. */
  private List<String> runningTasks(String frameworkId) {
    List<String> ids = new ArrayList<>();
    for (Object f : cluster.state().getJsonArray("frameworks", new JsonArray())) {
      JsonObject framework = (JsonObject) f;
      if (framework.getString("id").equals(frameworkId)) {
        framework.getJsonArray("tasks", new JsonArray()).forEach(t -> {
          JsonObject task = (JsonObject) t;
          if ("TASK_RUNNING".equals(task.getString("state"))) {
            ids.add(task.getString("id"));
          }
        });
      }
    }
    return ids;
  }

  /** Every agent's processes whose command line is {@code command}: agent name → their pids, sorted. */
  private Map<String, String> taskProcesses(String command) throws Exception {
    Map<String, String> pids = new HashMap<>();
    for (AgentContainer agent : cluster.agents()) {
      pids.put(agent.name(), agent.execInContainer("sh", "-c",
          "for p in /proc/[0-9]*; do if [ \"$(cat $p/cmdline 2>/dev/null | tr '\\0' ' ')\" = '" + command + " ' ]; then"
              + " echo ${p#/proc/}; fi; done | sort -n | tr '\\n' ' '").getStdout().trim());
    }
    return pids;
  }

  private void operator(MasterContainer master, String json) {
    HttpResponse<String> response = cluster.postJson(master.url() + "/api/v1", json);
    assertThat(response.statusCode()).as("%s -> %s", json, response.body()).isIn(200, 202);
  }

  private static String cut(String text) {
    return text.length() <= 3000 ? text : text.substring(0, 3000) + "...";
  }

  private static String reserveCall(String agentId) {
    return "{\"type\":\"RESERVE_RESOURCES\",\"reserve_resources\":{\"agent_id\":{\"value\":\"" + agentId
        + "\"},\"resources\":[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":0.5},"
        + "\"reservations\":[{\"type\":\"DYNAMIC\",\"role\":\"eng\"}]}]}}";
  }

  /** Quota and weights, as the leader's operator API answers them. */
  private OperatorView operatorView() {
    MasterContainer leader = cluster.awaitLeader();
    String quota = new JsonObject(cluster.postJson(leader.url() + "/api/v1", "{\"type\":\"GET_QUOTA\"}").body())
        .getJsonObject("get_quota").encode();
    String weights = new JsonObject(cluster.postJson(leader.url() + "/api/v1", "{\"type\":\"GET_WEIGHTS\"}").body())
        .getJsonObject("get_weights").encode();
    return new OperatorView(quota, weights);
  }

  private record OperatorView(String quota, String weights) {}
}
