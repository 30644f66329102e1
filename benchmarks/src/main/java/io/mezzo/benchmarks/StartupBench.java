package io.mezzo.benchmarks;

import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * S7, local cluster start-up: runs {@code mezzo cluster create --agents N} then {@code cluster delete}
 * {@code --runs} times, each in a fresh {@code MEZZO_HOME}, and prints the wall-clock time of each
 * create (from launching the command to its exit, which is when a master leads and every agent has
 * registered) and their median. With {@code --results} each run is appended to a CSV under a
 * {@code --label}; {@code --plot} draws every label of that CSV as one PNG ({@code --runs 0} only
 * draws it again).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.mezzo.benchmarks.StartupBench --mezzo ./mezzo --agents 3 --runs 5 \
 *   --label after --results docs/images/startup.csv --plot docs/images/startup.png
 * </pre>
 */
public final class StartupBench {
  /** One create: how long it took, and whether it said the cluster was ready. */
  public record Run(double seconds, boolean ready, String output) {}

  /** What the runs gave. */
  public record Result(List<Run> runs) {
    public double medianSeconds() {
      double[] s = runs.stream().mapToDouble(Run::seconds).sorted().toArray();
      return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
  }

  /** Flags. */
  public record Config(MezzoCommand mezzo, int agents, int runs, String label, Path results, Path plot,
      Path home) {}

  private StartupBench() {}

  public static void main(String[] args) throws Exception {
    Config config = parse(args);
    Result result = run(config);
    if (!result.runs().isEmpty()) {
      System.out.printf("median of %d: %.2f s%n", result.runs().size(), result.medianSeconds());
    }
    if (result.runs().stream().anyMatch(r -> !r.ready())) {
      System.exit(1);
    }
  }

  public static Result run(Config config) throws IOException, InterruptedException {
    List<Run> runs = new ArrayList<>();
    for (int i = 1; i <= config.runs(); i++) {
      Path home = Files.createTempDirectory(config.home(), "startup-");
      String name = "startup-" + i;
      long start = System.nanoTime();
      MezzoCommand.Outcome create = config.mezzo().run(home, "cluster", "create", "--name", name, "--agents",
          Integer.toString(config.agents()));
      double seconds = (System.nanoTime() - start) / 1e9;
      MezzoCommand.Outcome delete = config.mezzo().run(home, "cluster", "delete", "--name", name);
      boolean ready = create.exit() == 0 && create.output().contains("is ready");
      runs.add(new Run(seconds, ready, create.output()));
      System.out.printf("run %d: %.2f s%s%n", i, seconds, ready ? "" : " (NOT READY: exit " + create.exit() + ")");
      if (!ready) {
        System.out.println(create.output());
      }
      if (delete.exit() != 0) {
        System.out.println("delete failed (exit " + delete.exit() + "):\n" + delete.output());
      }
    }
    Result result = new Result(runs);
    if (config.results() != null) {
      append(config.results(), config.label(), runs);
      if (config.plot() != null) {
        plot(config.results(), config.plot(), config.agents());
      }
    }
    return result;
  }

  /** Appends {@code label,run,seconds} rows. */
  static void append(Path csv, String label, List<Run> runs) throws IOException {
    if (csv.getParent() != null) {
      Files.createDirectories(csv.getParent());
    }
    StringBuilder rows = new StringBuilder();
    if (!Files.exists(csv)) {
      rows.append("label,run,seconds\n");
    }
    for (int i = 0; i < runs.size(); i++) {
      rows.append(label).append(',').append(i + 1).append(',').append(String.format("%.3f", runs.get(i).seconds()))
          .append('\n');
    }
    Files.writeString(csv, rows, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** One bar per run, grouped by label, in the order the labels first appear in the CSV. */
  static void plot(Path csv, Path png, int agents) throws IOException {
    Map<String, List<Double>> byLabel = new LinkedHashMap<>();
    for (String line : Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
      String[] cols = line.split(",");
      byLabel.computeIfAbsent(cols[0], k -> new ArrayList<>()).add(Double.parseDouble(cols[2]));
    }
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    byLabel.forEach((label, seconds) -> {
      double[] sorted = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
          : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
      String category = String.format("%s (median %.1f s)", label, median);
      for (int i = 0; i < seconds.size(); i++) {
        data.addValue(seconds.get(i), "run " + (i + 1), category);
      }
    });
    JFreeChart chart = ChartFactory.createBarChart(
        "mezzo cluster create --agents " + agents + " to ready (each run: create, then delete)", null, "seconds",
        data, PlotOrientation.VERTICAL, true, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.getDomainAxis().setMaximumCategoryLabelLines(4);
    plot.addRangeMarker(new org.jfree.chart.plot.ValueMarker(3.0, Color.RED, new java.awt.BasicStroke(2f)));
    ((BarRenderer) plot.getRenderer()).setItemMargin(0.05);
    if (png.getParent() != null) {
      Files.createDirectories(png.getParent());
    }
    ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 500);
  }

  static Config parse(String[] args) {
    MezzoCommand mezzo = null;
    int agents = 3;
    int runs = 5;
    String label = "run";
    Path results = null;
    Path plot = null;
    Path home = Path.of(System.getProperty("java.io.tmpdir"));
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args[++i];
      try {
        switch (flag) {
          case "--mezzo" -> mezzo = MezzoCommand.of(value);
          case "--agents" -> agents = Integer.parseInt(value);
          case "--runs" -> runs = Integer.parseInt(value);
          case "--label" -> label = value;
          case "--results" -> results = Path.of(value);
          case "--plot" -> plot = Path.of(value);
          case "--home" -> home = Path.of(value);
          default -> throw new IllegalArgumentException("unknown flag " + flag);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(flag + " must be a number, got '" + value + "'");
      }
    }
    if (mezzo == null) {
      throw new IllegalArgumentException("--mezzo (the ./mezzo launcher or cli/target/mezzo.jar) is required");
    }
    if (label.contains(",")) {
      throw new IllegalArgumentException("--label must not contain a comma");
    }
    return new Config(mezzo, agents, runs, label, results, plot, home);
  }

  static {
    // Drawing the plot needs no display.
    System.setProperty("java.awt.headless", "true");
  }
}
