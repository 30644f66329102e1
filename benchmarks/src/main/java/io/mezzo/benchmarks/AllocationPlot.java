package io.mezzo.benchmarks;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Draws the results of {@link AllocationBenchmark}, as JMH writes them with {@code -rf json -rff
 * <file>}, as one PNG: a group of bars per size (agents × frameworks), a bar per shape (plain,
 * declined, suppressed), the height the mean time of one round.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.mezzo.benchmarks.AllocationPlot results.json rounds.png</pre>
 */
public final class AllocationPlot {
  /** One JMH result: a size, a shape, and the mean time of a round with its error (99.9%). */
  record Round(int agents, int frameworks, String shape, double score, double error, String unit) {
    String size() {
      return String.format("%,d agents × %,d frameworks", agents, frameworks);
    }
  }

  private AllocationPlot() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: AllocationPlot <JMH results, -rf json> <plot.png>");
      System.exit(2);
    }
    List<Round> rounds = read(Path.of(args[0]));
    write(Path.of(args[1]), rounds);
    rounds.forEach(r -> System.out.printf("%s, %s: %.3f ± %.3f %s%n", r.size(), r.shape(), r.score(), r.error(),
        r.unit()));
  }

  /** The allocation rounds in a JMH JSON result file; a file that is not one fails with its name. */
  static List<Round> read(Path file) throws IOException {
    JsonArray results;
    try {
      results = new JsonArray(Files.readString(file));
    } catch (io.vertx.core.json.DecodeException e) {
      throw new IllegalArgumentException(file + " is not JMH's JSON output (-rf json): " + e.getMessage(), e);
    }
    List<Round> rounds = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      JsonObject result = results.getJsonObject(i);
      if (!result.getString("benchmark", "").startsWith(AllocationBenchmark.class.getName())) {
        continue;
      }
      JsonObject params = result.getJsonObject("params", new JsonObject());
      JsonObject metric = result.getJsonObject("primaryMetric");
      rounds.add(new Round(Integer.parseInt(params.getString("agents")), Integer.parseInt(params.getString("frameworks")),
          params.getString("shape", "plain"), metric.getDouble("score"), errorOf(metric),
          metric.getString("scoreUnit")));
    }
    if (rounds.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no result of " + AllocationBenchmark.class.getSimpleName());
    }
    return rounds;
  }

  /** JMH writes "NaN" as the error of a single iteration. */
  private static double errorOf(JsonObject metric) {
    Object error = metric.getValue("scoreError");
    return error instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  static void write(Path file, List<Round> rounds) throws IOException {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Round round : rounds) {
      data.addValue(round.score(), round.shape(), round.size());
    }
    JFreeChart chart = ChartFactory.createBarChart("Allocation round: plain, every offer declined with a filter,"
        + " half the frameworks suppressed", null, "mean time of one round (" + rounds.get(0).unit() + ")", data,
        PlotOrientation.VERTICAL, true, false, false);
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 500);
  }
}
