package io.mezzo.benchmarks.load;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws a failover run as one PNG: the agents re-registered so far against the seconds since the
 * kill, with a line at each milestone: (a) the new leader answering, (c) the framework
 * re-subscribed, (d) reconciled.
 */
final class FailoverPlot {
  private static final int WIDTH = 1000;
  private static final int HEIGHT = 550;

  private FailoverPlot() {}

  static void write(Path file, FailoverBench.Result result) throws IOException {
    XYSeries agents = new XYSeries("agents re-registered");
    agents.add(0, 0);
    List<Double> at = result.reregistrations();
    for (int i = 0; i < at.size(); i++) {
      agents.add(at.get(i).doubleValue(), i + 1);
    }
    JFreeChart chart = ChartFactory.createXYLineChart(String.format(
        "Failover: kill -9 of the leader (%d masters, %,d agents, %,d tasks)", result.masters(), result.agents(),
        result.tasks()), "seconds since the kill", "agents re-registered", new XYSeriesCollection(agents),
        PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setRenderer(new XYStepRenderer());
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    // Labels at three heights: the milestones may be a fraction of a second apart.
    mark(plot, result.leaderSeconds(), "(a) leader answers", Color.BLUE, RectangleAnchor.TOP_LEFT);
    mark(plot, result.resubscribedSeconds(), "(c) framework re-subscribed", new Color(0, 128, 0),
        RectangleAnchor.LEFT);
    mark(plot, result.reconciledSeconds(), "(d) reconciled", Color.MAGENTA, RectangleAnchor.BOTTOM_LEFT);
    double last = Math.max(Math.max(result.reregisteredSeconds(), result.reconciledSeconds()),
        Math.max(result.leaderSeconds(), result.resubscribedSeconds()));
    plot.getDomainAxis().setRange(0, last * 1.04);
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  private static void mark(XYPlot plot, double seconds, String label, Color color, RectangleAnchor anchor) {
    ValueMarker marker = new ValueMarker(seconds, color, new BasicStroke(1.5f));
    marker.setLabel(String.format("%s %.2f s", label, seconds));
    marker.setLabelPaint(color);
    marker.setLabelAnchor(anchor);
    marker.setLabelTextAnchor(anchor == RectangleAnchor.TOP_LEFT ? TextAnchor.TOP_RIGHT
        : anchor == RectangleAnchor.LEFT ? TextAnchor.CENTER_RIGHT : TextAnchor.BOTTOM_RIGHT);
    plot.addDomainMarker(marker);
  }
}
