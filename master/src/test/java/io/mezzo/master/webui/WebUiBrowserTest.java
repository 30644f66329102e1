package io.mezzo.master.webui;

import static io.mezzo.master.webui.UiFixtures.accepted;
import static io.mezzo.master.webui.UiFixtures.agent;
import static io.mezzo.master.webui.UiFixtures.agentAdded;
import static io.mezzo.master.webui.UiFixtures.created;
import static io.mezzo.master.webui.UiFixtures.declined;
import static io.mezzo.master.webui.UiFixtures.framework;
import static io.mezzo.master.webui.UiFixtures.offer;
import static io.mezzo.master.webui.UiFixtures.rescinded;
import static io.mezzo.master.webui.UiFixtures.status;
import static io.mezzo.master.webui.UiFixtures.task;
import static io.mezzo.master.webui.UiFixtures.taskAdded;
import static io.mezzo.master.webui.UiFixtures.taskUpdated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.master.api.MastersEndpoint;
import io.mezzo.master.spi.LeaderElection.Participant;
import io.mezzo.testkit.Browser;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.master.Protos.Response;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.Select;

/**
 * The web UI in a real headless Chromium against a fake leading master ({@link FakeUiBackend}) and
 * a fake agent's files API: what the offers page shows as events arrive, its filters, deep links
 * after a reload, the back button, a sandbox tail, 10,000 tasks, and reconnecting after the stream
 * drops. Each page's screenshot goes to docs/images/ for docs/ui.md.
 */
class WebUiBrowserTest {
  private static final String STDOUT = "/frameworks/fw-batch/executors/task-1/runs/latest/stdout";
  private static Browser browser;
  private static Vertx vertx;

  private FakeUiBackend backend;
  private FakeAgentFiles agentFiles;
  private double now;

  @BeforeAll
  static void startBrowser() {
    browser = Browser.start(docsImages());
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopBrowser() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @BeforeEach
  void startBackend() throws Exception {
    now = System.currentTimeMillis() / 1000.0;
    agentFiles = new FakeAgentFiles(vertx);
    backend = new FakeUiBackend(vertx, state(agent("agent-1", "127.0.0.1", agentFiles.port(), 4, 8192),
        agent("agent-2", "127.0.0.1", 1, 8, 16384)), List.of(
        created("offer-0", "fw-web", "agent-1", "web", now - 60),
        declined("offer-0", "fw-web", "agent-1", "web", now - 58, true),
        created("offer-2", "fw-web", "agent-2", "web", now - 90),
        created("offer-1", "fw-batch", "agent-1", "eng", now - 20)));
    backend.agentFiles("agent-1", agentFiles::read);
    backend.master(UiFixtures.master(backend.port()));
    backend.roles(Response.GetRoles.newBuilder()
        .addRoles(io.mezzo.v1.Protos.Role.newBuilder().setName("eng").setWeight(2)
            .addFrameworks(io.mezzo.v1.Protos.FrameworkID.newBuilder().setValue("fw-batch"))
            .addAllResources(UiFixtures.resources(0.5, 64)))
        .addRoles(io.mezzo.v1.Protos.Role.newBuilder().setName("web").setWeight(1)
            .addFrameworks(io.mezzo.v1.Protos.FrameworkID.newBuilder().setValue("fw-web")))
        .build());
    backend.whyNot(new JsonArray().add(new JsonObject().put("role", "web").put("reason", "quota limit reached")
        .put("details", new JsonObject().put("resource", "cpus").put("limit", 2))));
  }

  @AfterEach
  void stopBackend() throws Exception {
    backend.close();
    agentFiles.close();
  }

  private Response.GetState state(Response.GetAgents.Agent... agents) {
    return Response.GetState.newBuilder()
        .setGetAgents(Response.GetAgents.newBuilder().addAllAgents(List.of(agents)))
        .setGetFrameworks(Response.GetFrameworks.newBuilder()
            .addFrameworks(framework("fw-batch", "batch", "eng", offer("offer-1", "fw-batch", "agent-1", 2, 1024)))
            .addFrameworks(framework("fw-web", "web", "web", offer("offer-2", "fw-web", "agent-2", 2, 1024))))
        .setGetTasks(Response.GetTasks.newBuilder().addTasks(task("task-1", "fw-batch", "agent-1",
            TaskState.TASK_RUNNING, now - 30)))
        .build();
  }

  @Test
  void offersAppearWithTheirAgentsAndAcceptsAndDeclinesJoinTheTimeline() {
    browser.open(backend.url("#/offers"));
    browser.waitFor("#outstanding .vt-spacer", "agent-1");
    browser.waitFor("#outstanding .vt-spacer", "agent-2");
    assertThat(browser.waitFor("#hold-warnings .hold-warning", "holds an offer for 1m").getText()).startsWith("⚠ web");

    backend.push(accepted("offer-1", "fw-batch", "agent-1", "eng", now + 1, "task-2"));
    backend.push(taskAdded(task("task-2", "fw-batch", "agent-1", TaskState.TASK_STARTING, now + 1)));
    backend.push(declined("offer-2", "fw-web", "agent-2", "web", now + 2, false));

    browser.waitFor("#timeline .badge-accepted", "ACCEPTED");
    browser.waitFor("#timeline .vt-spacer", "no filter given");
    browser.waitForNo("#outstanding .vt-spacer", "offer-1");
    browser.waitForNo("#outstanding .vt-spacer", "offer-2");
    browser.waitFor("#framework-stats tr[data-framework=fw-web] .unfiltered", "1");
    browser.waitFor("#framework-stats tr[data-framework=fw-batch] .acceptance", "100%");
    backend.push(created("offer-3", "fw-batch", "agent-2", "eng", now + 3));
    backend.push(rescinded("offer-3", "fw-batch", "agent-2", "eng", now + 4));
    browser.waitFor("#timeline .vt-spacer", "AGENT_DISCONNECTED: the agent's connection closed");
    backend.push(created("offer-4", "fw-web", "agent-1", "web", now + 5));
    browser.waitFor("#outstanding .vt-spacer", "offer-4");
    browser.screenshot("offers");

    // The accepted offer's entry links to the task it launched.
    browser.waitFor("#timeline a.link-tasks", "task-2").click();
    browser.waitFor("#task-state", "TASK_STARTING");
    assertThat(browser.driver().getCurrentUrl()).endsWith("#/tasks/task-2");
  }

  @Test
  void theTimelineFiltersByFrameworkAgentAndRoleAndPauses() {
    browser.open(backend.url("#/offers"));
    browser.waitFor("#timeline .vt-spacer", "offer-1");
    browser.waitFor("#timeline .vt-spacer", "offer-0");

    select("framework", "fw-web");
    browser.waitForNo("#timeline .vt-spacer", "offer-1");
    assertThat(timeline()).isNotEmpty().allSatisfy(row -> assertThat(row).contains("web"));
    assertThat(browser.driver().getCurrentUrl()).contains("framework=fw-web");
    browser.waitFor("#why-not", "quota limit reached");

    select("framework", "");
    select("agent", "agent-2");
    browser.waitForNo("#timeline .vt-spacer", "offer-1");
    assertThat(timeline()).isNotEmpty().allSatisfy(row -> assertThat(row).contains("offer-2"));

    select("agent", "");
    select("role", "eng");
    browser.waitForNo("#timeline .vt-spacer", "offer-2");
    assertThat(timeline()).isNotEmpty().allSatisfy(row -> assertThat(row).contains("offer-1"));

    browser.find("#pause").click();
    backend.push(created("offer-9", "fw-batch", "agent-1", "eng", now + 5));
    browser.waitFor("#paused-note", "1 new events not shown");
    assertThat(String.join("\n", timeline())).doesNotContain("offer-9");
    browser.find("#pause").click();
    browser.waitFor("#timeline .vt-spacer", "offer-9");
  }

  @Test
  void deepLinksOpenTheRightPageAfterAReloadAndBackWorks() {
    backend.push(taskUpdated("fw-batch", status("task-1", "agent-1", TaskState.TASK_RUNNING, now, "health check passed")));
    deepLink("#/tasks/task-1", "#task-history", "command started");
    browser.waitFor("#task-state", "TASK_RUNNING");
    deepLink("#/frameworks/fw-batch", "#framework-name", "batch");
    browser.waitFor("#framework-offers", "agent-1");
    browser.screenshot("framework");
    deepLink("#/agents/agent-1", "#resource-bars", "cpus");
    browser.waitFor("#attributes", "r1");
    browser.waitFor("#agent-tasks", "task-1");
    browser.screenshot("agent");
    deepLink("#/offers?framework=fw-web", "#timeline .vt-spacer", "offer-0");
    assertThat(new Select(browser.find("#filter-framework")).getFirstSelectedOption().getAttribute("value"))
        .isEqualTo("fw-web");
    assertThat(String.join("\n", timeline())).doesNotContain("offer-1");

    deepLink("#/roles/web", "#role-why-not", "quota limit reached");
    browser.waitFor("#role-detail", "Weight");

    browser.open(backend.url("#/agents"));
    browser.waitFor("#agents a.link-agents", "agent-2").click();
    browser.waitFor("h1", "Agent agent-2");
    browser.driver().navigate().back();
    browser.waitFor("#agents .vt-spacer", "agent-1");
    assertThat(browser.driver().getCurrentUrl()).endsWith("#/agents");
  }

  @Test
  void theTaskPageTailsItsStdoutThroughTheAgentsFilesApi() {
    agentFiles.append(STDOUT, "hello from task-1\n");
    browser.open(backend.url("#/tasks/task-1"));
    browser.waitFor("#tail-stdout", "hello from task-1");
    browser.waitFor("#sandbox-path", "/frameworks/fw-batch/executors/task-1/runs/latest");

    agentFiles.append(STDOUT, "a second line, written later\n");
    browser.waitFor("#tail-stdout", "a second line, written later");
    browser.screenshot("task");
  }

  @Test
  void theOverviewShowsTheLeaderAndTheResourcesFromTheStream() throws Exception {
    try (FakeUiBackend standby = new FakeUiBackend(vertx, state(), List.of())) {
      standby.masterState(MastersEndpoint.State.STANDBY);
      Participant[] masters = {new Participant(backend.address(), true), new Participant(standby.address(), false),
          new Participant("localhost:1", false)};
      backend.participants(masters);
      standby.participants(masters);
      browser.open(backend.url(""));
      browser.waitFor("#connection", "live · leader " + backend.address());
      browser.waitFor("#masters tr[data-master='" + backend.address() + "'] .role", "leader");
      browser.waitFor("#masters tr[data-master='" + backend.address() + "'] .reachable", "reachable");
      browser.waitFor("#masters tr[data-master='" + backend.address() + "']", "this page");
      browser.waitFor("#masters tr[data-master='" + standby.address() + "'] .role", "standby");
      browser.waitFor("#masters tr[data-master='" + standby.address() + "'] .reachable", "reachable");
      browser.waitFor("#masters tr[data-master='localhost:1'] .reachable", "unreachable");
      overview();
    }
  }

  private void overview() {
    browser.waitFor("#leader", "localhost:" + backend.port());
    browser.waitFor("#version", "0.1.0-test");
    browser.waitFor("#resources tr[data-resource=cpus] .total", "12");
    browser.waitFor("#resources tr[data-resource=cpus] .allocated", "0.5");
    browser.waitFor("#resources tr[data-resource=cpus] .offered", "4");
    browser.waitFor("#resources tr[data-resource=cpus] .idle", "7.5");
    browser.waitFor("#tasks-by-state", "TASK_RUNNING");

    backend.push(taskAdded(task("task-7", "fw-web", "agent-2", TaskState.TASK_RUNNING, now)));
    browser.waitFor("#resources tr[data-resource=cpus] .allocated", "1");
    await().atMost(Duration.ofSeconds(15)).until(() -> ((Number) browser.script(
        "return window.mezzo.context.samples.time.length")).intValue() >= 3);
    browser.waitFor("#chart-cpus canvas");
    browser.screenshot("overview");

    for (String page : List.of("agents", "frameworks", "roles")) {
      browser.open(backend.url("#/" + page));
      browser.waitFor("#" + page + " .vt-spacer", page.equals("roles") ? "eng" : page.equals("agents") ? "agent-1" : "batch");
      browser.screenshot(page);
    }
  }

  @Test
  void tenThousandTasksStayVirtual() throws Exception {
    List<io.mezzo.v1.Protos.Task> tasks = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      tasks.add(task("t-" + i, "fw-batch", "agent-" + (1 + i % 2), TaskState.TASK_RUNNING, now - i));
    }
    backend.state(state(agent("agent-1", "127.0.0.1", agentFiles.port(), 4, 8192)).toBuilder()
        .setGetTasks(Response.GetTasks.newBuilder().addAllTasks(tasks)).build());
    browser.open(backend.url("#/tasks"));
    browser.waitFor("#tasks .count", "10000");
    assertThat(browser.driver().findElements(By.cssSelector("#tasks .vt-spacer .vt-row"))).hasSizeLessThan(100);

    browser.find("#tasks input.filter").sendKeys("t-9999");
    browser.waitFor("#tasks .count", "1 of 10000");
    browser.waitFor("#tasks .vt-spacer", "t-9999");
    assertThat(browser.driver().getCurrentUrl()).contains("q=t-9999");
    // A needle that grows filters what the shorter one left; one that shrinks starts again from all rows.
    browser.find("#tasks input.filter").clear();
    browser.find("#tasks input.filter").sendKeys("t-9");
    browser.waitFor("#tasks .count", "1111 of 10000");
    browser.find("#tasks input.filter").sendKeys("99");
    browser.waitFor("#tasks .count", "11 of 10000");
    browser.find("#tasks input.filter").sendKeys(Keys.BACK_SPACE, Keys.BACK_SPACE);
    browser.waitFor("#tasks .count", "1111 of 10000");
    browser.find("#tasks input.filter").clear();
    browser.find("#tasks input.filter").sendKeys("t-");
    browser.waitFor("#tasks .count", "10000 of 10000");
    browser.screenshot("tasks");

    // Offer events leave the rows as they are (the table skips them); a task event is shown.
    backend.push(created("offer-7", "fw-batch", "agent-1", "eng", now + 1));
    backend.push(taskAdded(task("t-new", "fw-batch", "agent-1", TaskState.TASK_STAGING, now + 2)));
    browser.waitFor("#tasks .count", "10001 of 10001");
    browser.waitFor("#tasks .vt-spacer", "t-new");
  }

  @Test
  void aDroppedStreamShowsReconnectingThenDataFlowsAgain() {
    browser.open(backend.url(""));
    browser.waitFor("#connection", "live");
    browser.waitFor("#resources tr[data-resource=cpus] .total", "12");

    backend.refuseSubscribes(true);
    backend.state(state(agent("agent-1", "127.0.0.1", agentFiles.port(), 4, 8192),
        agent("agent-2", "127.0.0.1", 1, 8, 16384), agent("agent-3", "127.0.0.1", 2, 2, 2048)));
    backend.dropStreams();
    browser.waitFor("#connection", "reconnecting");
    int before = backend.subscriptions();

    backend.refuseSubscribes(false);
    browser.waitFor("#connection", "live");
    assertThat(backend.subscriptions()).isGreaterThan(before);
    browser.waitFor("#resources tr[data-resource=cpus] .total", "14");
    await().atMost(Duration.ofSeconds(10)).until(() -> backend.openStreams() == 1);
    backend.push(agentAdded(agent("agent-4", "127.0.0.1", 3, 1, 1024)));
    browser.waitFor("#resources tr[data-resource=cpus] .total", "15");
  }

  @Test
  void whenItsMasterIsGoneThePageMovesToTheMasterThatLeadsNow() throws Exception {
    try (FakeUiBackend other = new FakeUiBackend(vertx, state(agent("agent-1", "127.0.0.1", agentFiles.port(), 4, 8192),
        agent("agent-9", "127.0.0.1", 9, 16, 32768)), List.of())) {
      other.master(UiFixtures.master(other.port()));
      backend.participants(new Participant(backend.address(), true), new Participant(other.address(), false));
      other.participants(new Participant(backend.address(), false), new Participant(other.address(), true));
      browser.open(backend.url("#/agents"));
      browser.waitFor("#agents .vt-spacer", "agent-2");
      browser.waitFor("#connection", "live · leader " + backend.address());
      awaitMastersRead();

      backend.dropStreams();
      backend.close();

      browser.waitFor("#agents .vt-spacer", "agent-9");
      assertThat(browser.driver().getCurrentUrl()).isEqualTo(other.url("#/agents"));
      browser.waitFor("#connection", "live · leader " + other.address() + " (failed over from " + backend.address() + ")");
    }
  }

  /**
   * The page's master stops leading and none leads for a while: the page stays (no error page),
   * says that no master leads, and moves to the new leader, with the #route, once there is one.
   */
  @Test
  void whileNoMasterLeadsThePageWaitsThenMovesToTheNewLeader() throws Exception {
    try (FakeUiBackend other = new FakeUiBackend(vertx, state(agent("agent-9", "127.0.0.1", 9, 16, 32768)), List.of())) {
      other.masterState(MastersEndpoint.State.STANDBY);
      Participant[] before = {new Participant(backend.address(), true), new Participant(other.address(), false)};
      backend.participants(before);
      other.participants(before);
      browser.open(backend.url("#/agents"));
      browser.waitFor("#connection", "live · leader " + backend.address());
      awaitMastersRead();

      Participant[] none = {new Participant(backend.address(), false), new Participant(other.address(), false)};
      backend.participants(none);
      other.participants(none);
      backend.masterState(MastersEndpoint.State.STANDBY);
      backend.dropStreams();
      browser.waitFor("#connection", "leader lost, reconnecting… no master leads yet (2 of 2 masters answer)");
      browser.screenshot("reconnecting");
      assertThat(browser.driver().getCurrentUrl()).isEqualTo(backend.url("#/agents"));

      other.masterState(MastersEndpoint.State.LEADING);
      other.participants(new Participant(backend.address(), false), new Participant(other.address(), true));
      browser.waitFor("#agents .vt-spacer", "agent-9");
      assertThat(browser.driver().getCurrentUrl()).isEqualTo(other.url("#/agents"));
      browser.waitFor("#connection", "live · leader " + other.address());
    }
  }

  /** The page has read /masters of every master it was told of (it does so on each connect). */
  private void awaitMastersRead() {
    await().atMost(Duration.ofSeconds(10)).until(() -> browser.script(
        "return window.mezzo.context.masters && window.mezzo.context.masters.masters.every(m => m.reachable)")
        .equals(Boolean.TRUE));
  }

  /** The stream's framing, fed in pieces of every size: they split the length, the newline and a two-byte character. */
  @Test
  void recordIoRecordsSurviveAnyChunking() {
    browser.open(backend.url("#/roles"));
    browser.waitFor("#connection", "live");
    Object records = ((JavascriptExecutor) browser.driver()).executeAsyncScript("""
        const done = arguments[arguments.length - 1];
        import('/ui/recordio.js').then(({RecordIOParser}) => {
          const encode = text => new TextEncoder().encode(text);
          const first = encode('{"a":"é"}');
          const second = encode('{"b":2}');
          const stream = new Uint8Array([...encode(first.length + '\\n'), ...first,
            ...encode(second.length + '\\n'), ...second]);
          const out = [];
          for (let size = 1; size <= stream.length; size++) {
            const parser = new RecordIOParser(record => out.push(record));
            for (let i = 0; i < stream.length; i += size) parser.push(stream.subarray(i, i + size));
          }
          done(out);
        });
        """);
    // 22 bytes ("10\n", 10 bytes, "7\n", 7 bytes): 22 chunk sizes, two records each.
    List<Object> list = List.copyOf((List<?>) records);
    assertThat(list).hasSize(44);
    for (int i = 0; i < list.size(); i += 2) {
      assertThat(list.subList(i, i + 2)).containsExactly((Object) "{\"a\":\"é\"}", "{\"b\":2}");
    }
  }

  private void deepLink(String hash, String css, String text) {
    browser.open(backend.url(hash));
    browser.waitFor(css, text);
    browser.reload();
    browser.waitFor(css, text);
    assertThat(browser.driver().getCurrentUrl()).endsWith(hash);
  }

  private void select(String filter, String value) {
    new Select(browser.find("#filter-" + filter)).selectByValue(value);
  }

  private List<String> timeline() {
    return browser.texts("#timeline .vt-spacer .vt-row");
  }

  /** docs/images of the repository this test runs in. */
  private static Path docsImages() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !(Files.isDirectory(dir.resolve("docs")) && Files.exists(dir.resolve("mezzo")))) {
      dir = dir.getParent();
    }
    return (dir == null ? Path.of("target") : dir.resolve("docs")).resolve("images");
  }

}
