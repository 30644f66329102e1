package io.mezzo.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.it.nodes.AgentContainer;
import io.mezzo.it.nodes.ContainerCluster;
import io.mezzo.it.nodes.MasterContainer;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nodes that go silent without closing anything, on a real cluster in containers (3 masters, one
 * agent, one ZooKeeper): a leader frozen by {@code docker pause}, a leader whose packets to
 * ZooKeeper (and only those) are dropped, an agent frozen past the ping timeout. {@link TestFramework} records every offer and status update the frameworks were sent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PartitionFaultsIT {
  private static final Logger log = LoggerFactory.getLogger(PartitionFaultsIT.class);
  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);
  /** Pinged every 2 s, unreachable after 3 unanswered pings. */
  private static final Duration AGENT_SILENCE = Duration.ofSeconds(6);
  private static final Duration WAIT = Duration.ofSeconds(120);
  private ContainerCluster cluster;
  /** The master a test cut off ZooKeeper, to heal after it. */
  private MasterContainer cutOff;

  @BeforeAll
  void startCluster() {
    cluster = new ContainerCluster(3, 1, List.of("--zk-session-timeout", SESSION_TIMEOUT.toSeconds() + "secs",
        "--agent-ping-timeout", "2secs", "--max-agent-ping-timeouts", "3", "--agent-reregister-timeout", "2mins"),
        "cpus:4;mem:4096");
    cluster.start();
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.stop();
    }
  }

  /** Whatever a test froze or cut runs and connects again; the cluster has a leader and its agent. */
  @AfterEach
  void everyNodeRunsAgain() {
    if (cutOff != null) {
      cutOff.healRouteTo(cluster.zookeeper());
      cutOff = null;
    }
    cluster.restore();
  }

  @Test
  void aLeaderPausedPastItsSessionNeverActsAsLeaderAgainAndTheClusterCarriesOn() throws Exception {
    try (TestFramework framework = TestFramework.start(cluster.zkUrl(), "paused-leader")) {
      framework.launch(TestFramework.task("before-pause", "process", null, "sleep 600", 16));
      framework.await("before-pause", TaskState.TASK_RUNNING);
      MasterContainer old = cluster.awaitLeader();
      String oldId = last(framework.subscribedTo());
      int logBefore = old.getLogs().length();

      old.pause();
      Instant paused = Instant.now();
      List<MasterContainer> others = cluster.masters().stream().filter(m -> m != old).toList();
      MasterContainer leader = Awaitility.await("a new leader").atMost(WAIT).pollInterval(Duration.ofMillis(100))
          .until(() -> cluster.leaderAmong(others), Optional::isPresent).orElseThrow();
      log.info("{} paused; {} leads after {} ms", old.name(), leader.name(),
          Duration.between(paused, Instant.now()).toMillis());
      // Past the session timeout for sure, with calls waiting at the frozen master's door: the kernel
      // accepts their connections, and the master reads them the moment it runs again.
      Awaitility.await().pollDelay(Duration.ofMillis(500)).atMost(WAIT)
          .until(() -> Duration.between(paused, Instant.now()).compareTo(SESSION_TIMEOUT.plusSeconds(4)) > 0);
      // Each call's connection is accepted by the frozen master's kernel and its request written before
      // the unpause; none can be answered before it.
      List<RawHttp> waiting = callsAsLeader(old.url());

      old.unpause();
      Instant unpaused = Instant.now();
      List<Integer> answers = answers(waiting);
      assertThat(answers).as("what %s answered, after the pause, to calls made during it", old.name())
          .allSatisfy(status -> assertThat(status).isIn(307, 503));
      neverLeadsFor(old.url(), Duration.ofSeconds(5));

      String after = old.getLogs().substring(logBefore);
      log.info("{} after the pause:\n{}", old.name(), after.lines().filter(l -> l.contains("WARN") || l.contains("INFO"))
          .limit(40).reduce("", (a, b) -> a + b + "\n"));
      assertThat(after).as("%s's log after the pause", old.name())
          .contains("Stepping down").doesNotContain("launching task").doesNotContain("is the leader")
          .doesNotContain("Elected leader");
      assertThat(framework.offersReceived()).as("offers from %s (%s) after the pause", old.name(), oldId)
          .noneMatch(o -> o.offerId().startsWith(oldId) && !o.at().isBefore(paused));
      carriesOn(framework, "after-pause");
      assertThat(framework.latest("before-pause").orElseThrow().getState()).isEqualTo(TaskState.TASK_RUNNING);
      log.info("Paused leader: unpaused at {}, its calls answered {}", unpaused, answers);
    }
  }

  @Test
  void aLeaderCutOffZooKeeperAloneStopsLeadingBeforeAnotherLeadsAndNeverLeadsWhileCut() throws Exception {
    try (TestFramework framework = TestFramework.start(cluster.zkUrl(), "cut-leader")) {
      framework.launch(TestFramework.task("before-cut", "process", null, "sleep 600", 16));
      framework.await("before-cut", TaskState.TASK_RUNNING);
      MasterContainer old = cluster.awaitLeader();
      String oldId = last(framework.subscribedTo());
      int logBefore = old.getLogs().length();
      List<MasterContainer> others = cluster.masters().stream().filter(m -> m != old).toList();

      cutOff = old;
      old.cutRouteTo(cluster.zookeeper());
      Instant cut = Instant.now();
      // Both sides at once, every 100 ms: the cut master (which this machine still reaches) and the others.
      List<Instant> oldLed = new CopyOnWriteArrayList<>();
      Instant[] newLeader = new Instant[1];
      Awaitility.await("a new leader").atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
        if (cluster.status(old.url() + "/state") == 200) {
          oldLed.add(Instant.now());
        }
        if (cluster.leaderAmong(others).isPresent()) {
          newLeader[0] = Instant.now();
          return true;
        }
        return false;
      });
      Instant lastLed = oldLed.isEmpty() ? cut : last(oldLed);
      log.info("{} cut off ZooKeeper: it led until {} ms, another leads from {} ms", old.name(),
          Duration.between(cut, lastLed).toMillis(), Duration.between(cut, newLeader[0]).toMillis());
      assertThat(lastLed).as("the cut master's last answer as leader, before the new leader's first")
          .isBefore(newLeader[0]);
      assertThat(Duration.between(cut, lastLed)).as("the cut master leads on for at most its lease")
          .isLessThan(SESSION_TIMEOUT);
      neverLeadsFor(old.url(), Duration.ofSeconds(5));
      List<Integer> answers = answers(callsAsLeader(old.url()));
      assertThat(answers).as("what the cut master answers to calls").allSatisfy(s -> assertThat(s).isIn(307, 503));

      String after = old.getLogs().substring(logBefore);
      assertThat(after).as("%s's log after the cut", old.name()).contains("Stepping down")
          .doesNotContain("launching task").doesNotContain("is the leader").doesNotContain("Elected leader");
      assertThat(framework.offersReceived()).as("offers from %s (%s) once another leads", old.name(), oldId)
          .noneMatch(o -> o.offerId().startsWith(oldId) && !o.at().isBefore(newLeader[0]));
      carriesOn(framework, "after-cut");
      assertThat(framework.latest("before-cut").orElseThrow().getState()).isEqualTo(TaskState.TASK_RUNNING);

    }
  }

  @Test
  void anAgentPausedPastItsPingsIsUnreachableAndOnItsReturnPartitionAwareTasksResumeAndOthersAreKilled()
      throws Exception {
    AgentContainer agent = cluster.agents().get(0);
    try (TestFramework aware = TestFramework.start(cluster.zkUrl(), "aware", FrameworkInfo.Capability.Type.PARTITION_AWARE);
         TestFramework plain = TestFramework.start(cluster.zkUrl(), "plain")) {
      aware.launch(TestFramework.task("aware-1", "process", null, "sleep 601", 16));
      plain.launch(TestFramework.task("plain-1", "process", null, "sleep 602", 16));
      aware.await("aware-1", TaskState.TASK_RUNNING);
      plain.await("plain-1", TaskState.TASK_RUNNING);
      String awarePid = processes(agent, "sleep 601");
      assertThat(awarePid).isNotEmpty();
      assertThat(processes(agent, "sleep 602")).isNotEmpty();

      agent.pause();
      Instant paused = Instant.now();
      aware.await("aware-1", TaskState.TASK_UNREACHABLE);
      plain.await("plain-1", TaskState.TASK_LOST);
      log.info("Agent paused: unreachable after {} ms (pings: {})", Duration.between(paused, Instant.now()).toMillis(),
          AGENT_SILENCE);
      assertThat(Duration.between(paused, Instant.now())).isGreaterThanOrEqualTo(AGENT_SILENCE.minusSeconds(2));

      agent.unpause();
      Awaitility.await("the partition-aware task running again").atMost(WAIT).until(() ->
          afterFirst(aware.updates("aware-1"), TaskState.TASK_UNREACHABLE).stream()
              .anyMatch(s -> s.getState() == TaskState.TASK_RUNNING));
      Awaitility.await("the other task killed on the agent").atMost(WAIT).pollInterval(Duration.ofMillis(500))
          .until(() -> processes(agent, "sleep 602").isEmpty());
      assertThat(processes(agent, "sleep 601")).as("the partition-aware task's process").isEqualTo(awarePid);
      assertThat(afterFirst(plain.updates("plain-1"), TaskState.TASK_LOST)).as("updates of plain-1 after TASK_LOST")
          .noneMatch(s -> s.getState() == TaskState.TASK_RUNNING);
    }
  }

  /** The leader-only calls: the v0 state and the operator API's GET_STATE, sent now, answered whenever. */
  /**
   * Six calls only a leader answers with 200 ({@code /state} and GET_STATE, three of each), each on its
   * own connection, sent when this returns: connected, and the request written.
   */
  private static List<RawHttp> callsAsLeader(String url) throws IOException {
    byte[] getState = "{\"type\":\"GET_STATE\"}".getBytes(StandardCharsets.UTF_8);
    List<RawHttp> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RawHttp state = RawHttp.connect(url, 0);
      state.get("/state");
      calls.add(state);
      RawHttp api = RawHttp.connect(url, 0);
      api.post("/api/v1", Map.of("Content-Type", "application/json", "Accept", "application/json"),
          getState.length, getState, getState.length);
      calls.add(api);
    }
    return calls;
  }

  /** The status of each call's response, in order; closes the connections. */
  private static List<Integer> answers(List<RawHttp> calls) throws IOException {
    List<Integer> answers = new ArrayList<>();
    for (RawHttp call : calls) {
      try (call) {
        answers.add(call.readHead().status());
      }
    }
    return answers;
  }

  /** For {@code period}, polled every 100 ms, the master never answers {@code /state} as leader. */
  private void neverLeadsFor(String url, Duration period) {
    Awaitility.await().during(period).atMost(period.plusSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> cluster.status(url + "/state") != 200);
  }

  /** The new leader serves: the framework is subscribed to it, and a new task runs. */
  private static void carriesOn(TestFramework framework, String taskId) {
    framework.awaitSubscribed();
    framework.launch(TestFramework.task(taskId, "process", null, "sleep 600", 16));
    framework.await(taskId, TaskState.TASK_RUNNING);
  }

  private static List<TaskStatus> afterFirst(List<TaskStatus> updates, TaskState state) {
    return updates.stream().dropWhile(s -> s.getState() != state).skip(1).toList();
  }

  /** The pids of the agent's processes whose command line is {@code command}, space-separated. */
  private static String processes(AgentContainer agent, String command) throws Exception {
    return agent.execInContainer("sh", "-c", "for p in /proc/[0-9]*; do if [ \"$(cat $p/cmdline 2>/dev/null"
        + " | tr '\\0' ' ')\" = '" + command + " ' ]; then echo ${p#/proc/}; fi; done | sort -n | tr '\\n' ' '")
        .getStdout().trim();
  }

  private static <T> T last(List<T> list) {
    return list.get(list.size() - 1);
  }
}
