package io.mezzo.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.testkit.Browser;
import io.mezzo.v1.Protos.TaskState;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web UI in headless Chromium against a real cluster from {@code cluster create} (one master,
 * two agents), opened through the exact master URL {@code cluster status} prints: outstanding
 * offers with their agents, ACCEPTED and DECLINED entries as a framework uses and refuses offers,
 * a running task's stdout tailed from its agent, and deep links that survive a reload.
 * Screenshots go to target/webui-it/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiIT {
  /** How soon after the framework accepts an offer its ACCEPTED entry must be in the page. */
  private static final Duration ACCEPT_SHOWN_WITHIN = Duration.ofSeconds(2);

  @RegisterExtension
  static final MezzoCluster cluster = MezzoCluster.named("webui").agents(2)
      .agentResources("cpus:2;mem:2048;disk:4096;ports:[31000-31099]");

  private String master;
  private List<String> agentIds;
  private Browser browser;
  private TestFramework framework;

  @BeforeAll
  void openBrowser() throws Exception {
    JsonObject status = cluster.status();
    master = status.getString("master");
    assertThat(master).startsWith("http://127.0.0.1:");
    JsonObject agents = new JsonObject(cluster.mezzo().run(60, "agents", "--cluster", "webui", "-o", "json")
        .stdout().lines().findFirst().orElseThrow());
    agentIds = agents.getJsonArray("agents").stream()
        .map(a -> ((JsonObject) a).getJsonObject("agent_info").getJsonObject("id").getString("value")).toList();
    assertThat(agentIds).hasSize(2);
    browser = Browser.start(Path.of("target", "webui-it"));
  }

  @AfterAll
  void close() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (framework != null) {
      framework.close();
    }
  }

  @Test
  @Order(1)
  void outstandingOffersShowTheirAgents() throws Exception {
    browser.open(master + "/#/offers");
    browser.waitFor("#connection", "live");
    // A framework that never answers its offers, so they stay outstanding while the page looks.
    try (OfferHolder holder = OfferHolder.subscribe(master, "webui-holder")) {
      for (String agent : agentIds) {
        browser.waitFor("#outstanding .vt-spacer", agent);
        browser.waitFor("#timeline .vt-spacer", agent);
      }
      assertThat(rows("#outstanding")).hasSize(2)
          .allSatisfy(row -> assertThat(row).contains("webui-holder").containsAnyOf(agentIds.toArray(String[]::new)));
      browser.screenshot("offers-outstanding");
    }
    // Its stream closed, the framework goes (no failover timeout) and so do its offers.
    await().atMost(Duration.ofSeconds(30)).until(() -> rows("#outstanding").stream().noneMatch(r -> r.contains("webui-holder")));
  }

  @Test
  @Order(2)
  void anAcceptAndADeclineJoinTheTimeline() throws Exception {
    browser.open(master + "/#/offers");
    browser.waitFor("#connection", "live");
    framework = TestFramework.start(cluster.zk(), "webui-it");
    String frameworkName = "webui-it";

    // The page notes the moment the entry is rendered, so the bound does not include this test's polling.
    browser.script("""
        const timeline = document.querySelector('#timeline');
        new MutationObserver((changes, observer) => {
          for (const row of timeline.querySelectorAll('.vt-spacer .vt-row')) {
            if (row.textContent.includes('ACCEPTED') && row.textContent.includes('ticker')) {
              window.acceptedShownAt = Date.now();
              observer.disconnect();
            }
          }
        }).observe(timeline, {childList: true, subtree: true, characterData: true});
        """);
    framework.launch(TestFramework.task("ticker", "process", Machine.IMAGE,
        "for i in 1 2 3 4 5 6 7 8; do echo tick-$i; sleep 1; done", 32));
    await().atMost(TestFramework.WAIT).until(() -> framework.launchedAt("ticker").isPresent());
    Instant accepted = framework.launchedAt("ticker").orElseThrow();
    String offerId = framework.launchedOn("ticker").orElseThrow().getId().getValue();

    await().atMost(Duration.ofSeconds(15)).until(() -> browser.script("return window.acceptedShownAt") != null);
    long shown = ((Number) browser.script("return window.acceptedShownAt")).longValue();
    String row = timelineRow("ACCEPTED", "ticker").orElseThrow();
    assertThat(row).contains(offerId).contains(frameworkName).contains("launched 1 task(s)");
    // Where the time goes: the master's timestamp on the event, against the accept and the page.
    double applied = ((Number) browser.script("return window.mezzo.store.offerEvents"
        + ".find(e => e.kind === 'ACCEPTED' && e.taskIds.includes('ticker')).time")).doubleValue();
    System.out.printf("WebUiIT: ACCEPTED shown %d ms after the accept (the master stamped it %d ms after)%n",
        shown - accepted.toEpochMilli(), Math.round(applied * 1000) - accepted.toEpochMilli());
    assertThat(Duration.ofMillis(shown - accepted.toEpochMilli())).isLessThanOrEqualTo(ACCEPT_SHOWN_WITHIN);

    // The other agent's offer (and any later one) is declined, with no filter.
    await().atMost(Duration.ofSeconds(30)).until(() -> timelineRow("DECLINED", frameworkName).isPresent());
    assertThat(timelineRow("DECLINED", frameworkName).orElseThrow()).contains("no filter given");
    browser.waitFor("#framework-stats tr[data-framework='" + framework.frameworkId().getValue() + "'] .unfiltered");
    browser.screenshot("offers");
  }

  @Test
  @Order(3)
  void theTaskPageTailsStdoutWhileTheTaskRuns() {
    framework.await("ticker", TaskState.TASK_RUNNING);
    browser.open(master + "/#/tasks/ticker");
    browser.waitFor("#task-state", "TASK_RUNNING");
    browser.waitFor("#sandbox-path", "/frameworks/" + framework.frameworkId().getValue() + "/executors/ticker/runs/latest");
    String first = browser.waitFor("#tail-stdout", "tick-").getText();
    int last = lastTick(first);
    // A line written after the page began tailing shows up while the task still runs.
    browser.waitFor("#tail-stdout", "tick-" + (last + 1));
    assertThat(framework.latest("ticker").orElseThrow().getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(last + 1).isLessThanOrEqualTo(8);
    browser.screenshot("task");
    assertThat(framework.awaitTerminal("ticker").getState()).isEqualTo(TaskState.TASK_FINISHED);
    browser.waitFor("#tail-stdout", "tick-8");
    browser.waitFor("#task-state", "TASK_FINISHED");
  }

  @Test
  @Order(4)
  void deepLinksOpenTheirPagesAfterAReload() {
    String frameworkId = framework.frameworkId().getValue();
    deepLink("#/frameworks/" + frameworkId, "#framework-name", "webui-it");
    browser.waitFor("h1", "Framework " + frameworkId);
    for (String agent : agentIds) {
      deepLink("#/agents/" + agent, "h1", "Agent " + agent);
      browser.waitFor("#resource-bars", "cpus");
    }
  }

  private void deepLink(String hash, String css, String text) {
    browser.open(master + "/" + hash);
    browser.waitFor(css, text);
    browser.reload();
    browser.waitFor(css, text);
    assertThat(browser.driver().getCurrentUrl()).isEqualTo(master + "/" + hash);
  }

  private List<String> rows(String table) {
    return browser.texts(table + " .vt-spacer .vt-row");
  }

  private Optional<String> timelineRow(String kind, String text) {
    return rows("#timeline").stream().filter(r -> r.contains(kind) && r.contains(text)).findFirst();
  }

  private static int lastTick(String tail) {
    return tail.lines().filter(l -> l.startsWith("tick-")).mapToInt(l -> Integer.parseInt(l.substring(5).trim()))
        .max().orElseThrow();
  }

  /** A scheduler that subscribes over a plain socket and never answers an offer; closing drops its stream. */
  private static final class OfferHolder implements AutoCloseable {
    private final Socket socket;

    private OfferHolder(Socket socket) {
      this.socket = socket;
    }

    static OfferHolder subscribe(String master, String name) throws IOException {
      URI uri = URI.create(master);
      byte[] body = new JsonObject().put("type", "SUBSCRIBE").put("subscribe", new JsonObject()
          .put("framework_info", new JsonObject().put("user", "root").put("name", name))).encode().getBytes(StandardCharsets.UTF_8);
      Socket socket = new Socket();
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/v1/scheduler HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
          + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: " + body.length
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] status = in.readNBytes("HTTP/1.1 200".length());
      assertThat(new String(status, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
      return new OfferHolder(socket);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
