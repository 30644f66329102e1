package io.mezzo.benchmarks.load;

import io.mezzo.testkit.Browser;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Time to interactive of the web UI's agents and tasks pages at size: a real master (in this JVM,
 * with an embedded ZooKeeper), N simulated agents and the load framework keeping M tasks RUNNING
 * (their no-op runtime never ends them), then headless Chromium on the master's page.
 *
 * <p>Measured in the page, with the browser's clock: from navigation start to the table's first
 * render with its rows (the page marks it), then a filter keystroke, a sort click, and the model
 * changing as a stream event changes it (an event about the page's own objects, and an offer
 * event), each from the input to the next frame painted, repeated.
 * The page receives the live stream all along (the framework declines the rest of each offer, so
 * offers are made and declined every allocation round). Figures are printed, never asserted.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.mezzo.benchmarks.load.UiBench --agents 1000 --tasks 10000</pre>
 */
public final class UiBench {
  /** The bench's settings. */
  public record Config(int agents, int tasks, int repeats, Path screenshots, Duration timeout) {}

  /** One page's figures; times in ms. */
  public record Page(String table, int rows, double subscribed, int subscriptions, double rendered, String filtered,
      double[] filter, double[] sort, double[] change, double[] offerChange) {
    String summary() {
      return String.format("%s: SUBSCRIBED parsed %.0f ms after navigation (%d subscription(s) until the rows"
              + " showed); %d rows rendered %.0f ms after navigation; filter keystroke p50 %.0f max %.0f ms"
              + " (%s); sort click p50 %.0f max %.0f ms; a change to its %s p50 %.0f max %.0f ms;"
              + " an offer event p50 %.0f max %.0f ms",
          table, subscribed, subscriptions, rows, rendered, median(filter), max(filter), filtered, median(sort),
          max(sort), table,
          median(change), max(change), median(offerChange), max(offerChange));
    }
  }

  /** What a run measured. */
  public record Result(int agents, int tasks, double setupSeconds, Page agentsPage, Page tasksPage) {
    String summary() {
      return String.format("agents=%d tasks=%d running after %.1f s%n%s%n%s", agents, tasks, setupSeconds,
          agentsPage.summary(), tasksPage.summary());
    }
  }

  private static final String FRAME = "requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0)));";

  private UiBench() {}

  public static void main(String[] args) throws Exception {
    Config config;
    try {
      config = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println("usage: UiBench [--agents 1000] [--tasks 10000] [--repeats 10] [--screenshots dir]"
          + " [--timeout 10m]");
      System.exit(2);
      return;
    }
    System.out.println(run(config).summary());
    System.exit(0);
  }

  /** Starts the cluster, waits for every task to run, measures both pages, stops everything. */
  public static Result run(Config config) throws Exception {
    long started = System.nanoTime();
    long deadline = started + config.timeout().toNanos();
    try (BenchCluster cluster = BenchCluster.start(null, null, master -> master)) {
      String zk = cluster.masterUrl();
      String master = cluster.operatorUrl();
      SimulatedAgents agents = new SimulatedAgents(cluster.agentsVertx(), new SimulatedAgents.Options(config.agents(),
          zk, "cpus:16;mem:65536;disk:500000;ports:[31000-32000]", Duration.ofMillis(10), Duration.ofDays(1)),
          SimulatedAgent.Listener.NONE);
      cluster.closing(() -> BenchCluster.await(agents.close()));
      BenchCluster.await(agents.start());
      waitUntil(deadline, "agents registered", () -> metric(master, "master/slaves_active") >= config.agents());
      LoadFramework framework = new LoadFramework(config.tasks()).start(zk);
      cluster.closing(framework::close);
      waitUntil(deadline, "tasks running", () -> metric(master, "master/tasks_running") >= config.tasks());
      double setup = (System.nanoTime() - started) / 1e9;
      System.err.printf("%d agents, %d tasks running after %.1f s%n", config.agents(), config.tasks(), setup);
      try (Browser browser = Browser.start(config.screenshots())) {
        Page agentsPage = measure(browser, master, "agents", config.agents(), "sim-0000", config.repeats());
        browser.screenshot("agents-" + config.agents());
        Page tasksPage = measure(browser, master, "tasks", config.tasks(), "load-1", config.repeats());
        browser.screenshot("tasks-" + config.tasks());
        return new Result(config.agents(), config.tasks(), setup, agentsPage, tasksPage);
      }
    }
  }

  /** Loads the page on {@code #/<table>} afresh and measures it; {@code needle} is typed into its filter. */
  static Page measure(Browser browser, String master, String table, int rows, String needle, int repeats) {
    // A new document each time: only the #route would change otherwise, and the page would not load again.
    browser.open("about:blank");
    browser.open(master + "/#/" + table);
    String mark = "table-rendered:" + table;
    long waitUntil = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    Object rendered;
    while ((rendered = renderedAt(browser, mark, rows)) == null) {
      if (System.nanoTime() > waitUntil) {
        throw new IllegalStateException("The " + table + " table did not render " + rows + " rows: "
            + browser.script("return document.querySelector('#" + table + " .count')?.textContent"));
      }
      pause();
    }
    @SuppressWarnings("unchecked")
    List<Number> subscribed = (List<Number>) browser.script("return performance.getEntriesByName('subscribed')"
        + ".map(m => m.startTime).filter(t => t <= arguments[0])", rendered);
    String shown = (String) browser.script("return document.querySelector('#" + table + " .count').textContent");
    if (!shown.equals(Integer.toString(rows))) {
      throw new IllegalStateException("The " + table + " table counts " + shown + " rows, not " + rows);
    }
    double[] filter = new double[repeats];
    double[] sort = new double[repeats];
    double[] change = new double[repeats];
    double[] offerChange = new double[repeats];
    String filtered = "";
    for (int i = 0; i < repeats; i++) {
      // Alternately the needle and nothing: every keystroke re-filters the whole table.
      String text = i % 2 == 0 ? needle : "";
      filter[i] = timed(browser, "const input = document.querySelector('#" + table + " input.filter');"
          + " const t0 = performance.now(); input.value = arguments[0]; input.dispatchEvent(new Event('input'));", text);
      if (i == 0) {
        filtered = "\"" + needle + "\" shows " + browser.script(
            "return document.querySelector('#" + table + " .count').textContent") + " rows";
      }
      sort[i] = timed(browser, "const cell = document.querySelectorAll('#" + table + " .vt-head .vt-cell')[arguments[0]];"
          + " const t0 = performance.now(); cell.click();", i % 3);
      // What one stream event costs the page: about its own objects, and about an offer.
      change[i] = timed(browser, "const store = window.mezzo.store; const t0 = performance.now();"
          + " store.bump(arguments[0]); store.changed();", table);
      offerChange[i] = timed(browser, "const store = window.mezzo.store; const t0 = performance.now();"
          + " store.bump('offers'); store.changed();");
    }
    return new Page(table, rows, subscribed.isEmpty() ? Double.NaN : subscribed.get(subscribed.size() - 1).doubleValue(),
        subscribed.size(), ((Number) rendered).doubleValue(), filtered, filter, sort, change, offerChange);
  }

  /** When the table first showed its rows (ms since navigation), or null: not yet, or the page is too busy to answer. */
  private static Object renderedAt(Browser browser, String mark, int rows) {
    try {
      return browser.script("const m = performance.getEntriesByName(arguments[0])[0];"
          + " return m && m.detail.rows >= arguments[1] ? m.startTime : null;", mark, rows);
    } catch (org.openqa.selenium.ScriptTimeoutException e) {
      return null;
    }
  }

  private static double timed(Browser browser, String start, Object... args) {
    Object[] all = Arrays.copyOf(args, args.length);
    Object ms = ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeAsyncScript(
        "const done = arguments[arguments.length - 1]; " + start + " " + FRAME, all);
    return ((Number) ms).doubleValue();
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** A value of the master's {@code /metrics/snapshot}; 0 until it answers it (it is not elected yet). */
  private static double metric(String master, String key) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(master + "/metrics/snapshot"))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      return 0;
    }
    Object value = new JsonObject(response.body()).getValue(key);
    return value instanceof Number n ? n.doubleValue() : 0;
  }

  private interface Check {
    boolean met() throws Exception;
  }

  private static void waitUntil(long deadline, String what, Check check) throws Exception {
    while (!check.met()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Timed out waiting for " + what);
      }
      pause();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  static Config parse(String[] args) {
    BenchFlags flags = BenchFlags.parse(args, "--agents", "--tasks", "--repeats", "--screenshots", "--timeout");
    return new Config(flags.integer("--agents", 1000), flags.integer("--tasks", 10_000), flags.integer("--repeats", 10),
        Path.of(flags.string("--screenshots", "target/ui-bench")), flags.duration("--timeout", Duration.ofMinutes(10)));
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  static double max(double[] values) {
    return Arrays.stream(values).max().orElse(Double.NaN);
  }
}
