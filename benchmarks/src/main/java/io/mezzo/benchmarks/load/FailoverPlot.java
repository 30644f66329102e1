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
    JFreeChart chart = ChartFactory.createXYStepChart(String.format(
        "Failover: kill -9 of the leader (%d masters, %,d agents, %,d tasks)", result.masters(), result.agents(),
        result.tasks()), "seconds since the kill", "agents re-registered", new XYSeriesCollection(agents),
        PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    mark(plot, result.leaderSeconds(), "(a) leader answers", Color.BLUE);
    mark(plot, result.resubscribedSeconds(), "(c) framework re-subscribed", new Color(0, 128, 0));
    mark(plot, result.reconciledSeconds(), "(d) reconciled", Color.MAGENTA);
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  private static void mark(XYPlot plot, double seconds, String label, Color color) {
    ValueMarker marker = new ValueMarker(seconds, color, new BasicStroke(1.5f));
    marker.setLabel(String.format("%s %.2f s", label, seconds));
    marker.setLabelPaint(color);
    marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
    marker.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
    plot.addDomainMarker(marker);
  }
}
