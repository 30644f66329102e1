package io.mezzo.benchmarks.load;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Draws a load run as one PNG: throughput over time on top, latency percentiles below. */
final class LoadPlot {
  private static final int WIDTH = 1000;
  private static final int HEIGHT = 450;

  private LoadPlot() {}

  static void write(Path file, String title, LoadFramework framework) throws IOException {
    XYSeriesCollection throughput = new XYSeriesCollection(throughput(framework));
    JFreeChart top = ChartFactory.createXYLineChart(title + ": tasks RUNNING acknowledged per second",
        "seconds since the first ACCEPT", "tasks/s (500 ms buckets)", throughput, PlotOrientation.VERTICAL,
        false, false, false);
    XYSeriesCollection latencies = new XYSeriesCollection();
    latencies.addSeries(percentiles("ACCEPT -> RUNNING acknowledged", framework.runningAcknowledged()));
    latencies.addSeries(percentiles("resources freed -> OFFERS", framework.offerRoundTrip()));
    JFreeChart bottom = ChartFactory.createXYLineChart("latency percentiles", "percentile",
        "milliseconds", latencies, PlotOrientation.VERTICAL, true, false, false);
    BufferedImage image = new BufferedImage(WIDTH, 2 * HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    top.draw(g, new java.awt.geom.Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
    bottom.draw(g, new java.awt.geom.Rectangle2D.Double(0, HEIGHT, WIDTH, HEIGHT));
    g.dispose();
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    try (var out = Files.newOutputStream(file)) {
      ChartUtils.writeBufferedImageAsPNG(out, image);
    }
  }

  private static XYSeries throughput(LoadFramework framework) {
    XYSeries series = new XYSeries("tasks/s");
    long[] times = framework.runningAcknowledged().times();
    if (times.length == 0) {
      return series;
    }
    long start = framework.firstAccept();
    long bucket = 500_000_000L;
    int buckets = 0;
    for (long t : times) {
      buckets = Math.max(buckets, (int) ((t - start) / bucket) + 1);
    }
    int[] counts = new int[buckets];
    for (long t : times) {
      counts[(int) ((t - start) / bucket)]++;
    }
    for (int i = 0; i < buckets; i++) {
      series.add((i + 0.5) * 0.5, counts[i] * 2.0);
    }
    return series;
  }

  private static XYSeries percentiles(String name, Samples samples) {
    XYSeries series = new XYSeries(name);
    double[] sorted = samples.sortedMillis();
    if (sorted.length == 0) {
      return series;
    }
    for (double p = 1; p <= 100; p += 1) {
      series.add(p, Samples.percentile(sorted, p));
    }
    series.add(99.9, Samples.percentile(sorted, 99.9));
    return series;
  }
}
