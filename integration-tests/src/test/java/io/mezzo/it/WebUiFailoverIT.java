package io.mezzo.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.testkit.Browser;
import io.mezzo.v1.Protos.TaskState;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web UI across a master failover, in headless Chromium: a cluster of three masters from
 * {@code cluster create}, the page opened on the leader, the leader killed with SIGKILL. The page
 * must say it lost the leader, find the new one by itself (it knows the masters from
 * {@code /masters}), load itself from there with its route, and show a task launched after the
 * kill. Screenshots go to target/webui-failover-it/.
 */
class WebUiFailoverIT {
  /** ZooKeeper's session timeout (10 s) before a new master leads, then its registry read, with room for a busy machine. */
  private static final Duration FAILOVER = Duration.ofSeconds(90);

  @RegisterExtension
  static final MezzoCluster cluster = MezzoCluster.named("webui-failover").masters(3).agents(1)
      .agentResources("cpus:2;mem:2048;disk:4096;ports:[31000-31099]");

  @Test
  void killingTheLeaderLeavesThePageConnectedToTheNewLeaderWithDataFlowing() throws Exception {
    JsonObject status = cluster.status();
    String oldLeader = status.getString("master");
    JsonObject leading = masters(status).stream().filter(m -> m.getBoolean("leading")).findFirst().orElseThrow();
    assertThat(leading.getString("url")).isEqualTo(oldLeader);
    assertThat(masters(status)).hasSize(3);

    try (Browser browser = Browser.start(Path.of("target", "webui-failover-it"));
        TestFramework framework = TestFramework.start(cluster.zk(), "webui-failover")) {
      browser.open(oldLeader + "/#/tasks");
      browser.waitFor("#connection", "live · leader " + host(oldLeader));
      framework.launch(TestFramework.task("before", "process", Machine.IMAGE, "sleep 600", 32));
      framework.await("before", TaskState.TASK_RUNNING);
      browser.waitFor("#tasks .vt-spacer", "before");
      // The page read /masters on connect: every master answers it.
      await().atMost(Duration.ofSeconds(15)).until(() -> Boolean.TRUE.equals(browser.script(
          "const m = window.mezzo.context.masters; return !!m && m.masters.length === 3"
              + " && m.masters.every(x => x.reachable)")));

      ProcessHandle leader = ProcessHandle.of(leading.getLong("pid")).orElseThrow();
      assertThat(leader.destroyForcibly()).isTrue();
      leader.onExit().get();

      awaitText(browser, "#connection", "leader lost, reconnecting", Duration.ofSeconds(20));
      browser.screenshot("failover-reconnecting");

      String newLeader = awaitNewLeader(oldLeader);
      awaitText(browser, "#connection", "live · leader " + host(newLeader), FAILOVER);
      assertThat(browser.driver().getCurrentUrl()).isEqualTo(newLeader + "/#/tasks");
      assertThat(browser.find("#connection").getText()).contains("failed over from " + host(oldLeader));

      // Data flows from the new leader: a task launched after the kill shows up on the page.
      framework.launch(TestFramework.task("after", "process", Machine.IMAGE, "sleep 600", 32));
      framework.await("after", TaskState.TASK_RUNNING);
      awaitText(browser, "#tasks .vt-spacer", "after", FAILOVER);
      browser.waitFor("#tasks .vt-spacer", "before");
      browser.screenshot("failover-new-leader");

      // The overview shows the old leader as unreachable (while ZooKeeper still lists it) or gone.
      browser.open(newLeader + "/#/");
      browser.waitFor("#masters tr[data-master='" + host(newLeader) + "'] .role", "leader");
      List<String> rows = browser.texts("#masters tr");
      assertThat(rows.stream().filter(r -> r.contains(host(oldLeader))))
          .allSatisfy(r -> assertThat(r).contains("unreachable"));
    }
  }

  /** Waits until the new leader is elected, by {@code cluster status}. */
  private static String awaitNewLeader(String oldLeader) {
    String[] found = new String[1];
    await().atMost(FAILOVER).pollInterval(Duration.ofSeconds(1)).until(() -> {
      found[0] = cluster.status().getString("master");
      return found[0] != null && !found[0].equals(oldLeader);
    });
    return found[0];
  }

  private static void awaitText(Browser browser, String css, String text, Duration within) {
    await().atMost(within).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> browser.texts(css).stream().anyMatch(t -> t.contains(text)));
  }

  private static List<JsonObject> masters(JsonObject status) {
    return status.getJsonArray("processes").stream().map(p -> (JsonObject) p)
        .filter(p -> p.getString("role").equals("master")).toList();
  }

  private static String host(String url) {
    return url.replaceFirst("^http://", "");
  }
}
