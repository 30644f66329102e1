package io.mezzo.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

/** One bar chart as a PNG: a value per labelled bar, in the order given. */
final class BarPlot {
  private BarPlot() {}

  /** @param bars label → value, drawn left to right in iteration order */
  static void write(Path file, String title, String valueAxis, Map<String, Double> bars) throws IOException {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    bars.forEach((label, value) -> data.addValue(value, valueAxis, label));
    JFreeChart chart = ChartFactory.createBarChart(title, null, valueAxis, data, PlotOrientation.VERTICAL, false,
        false, false);
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 500);
  }
}
