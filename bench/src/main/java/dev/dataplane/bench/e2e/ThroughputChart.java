package dev.dataplane.bench.e2e;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;

/** throughput.png: median iperf3 TCP Gbit/s per path, 1 and 4 streams side by side. Needs java.awt.headless on a server. */
final class ThroughputChart {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 500;

    private ThroughputChart() {}

    static void write(Path png, List<PathResult> results, String subtitle) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (PathResult r : results) {
            data.addValue(finiteOrNull(r.median(Metric.GBPS_1)), "1 stream", r.name);
            data.addValue(finiteOrNull(r.median(Metric.GBPS_4)), "4 streams", r.name);
        }
        JFreeChart chart = ChartFactory.createBarChart("iperf3 TCP throughput between two namespaces",
                "path", "Gbit/s (median)", data);
        chart.addSubtitle(new TextTitle(subtitle));
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        BarRenderer bars = (BarRenderer) plot.getRenderer();
        bars.setBarPainter(new StandardBarPainter()); // flat bars, no gradient or shadow
        bars.setShadowVisible(false);
        bars.setSeriesPaint(0, new Color(0x3b6ea8));
        bars.setSeriesPaint(1, new Color(0xe08a2c));
        bars.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat("0.00")));
        bars.setDefaultItemLabelsVisible(true);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
