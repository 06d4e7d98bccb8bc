package io.raftkv.client.load;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A self-contained HTML page with two inline SVG charts of a bench run: latency (p50, p99, max)
 * and throughput per second. No scripts, no external files. Stateless.
 */
public final class HtmlChart {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 260;
  private static final int MARGIN = 50;

  private HtmlChart() {}

  public static String render(BenchReport report) {
    List<SeriesPoint> series = report.series();
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>raftkv bench</title>\n")
        .append("<style>body{font-family:sans-serif;margin:2em}svg{background:#fafafa;border:1px solid #ddd}"
            + ".p50{stroke:#2a7}.p99{stroke:#d52}.max{stroke:#999;stroke-dasharray:4 3}.ops{stroke:#36c}"
            + "polyline{fill:none;stroke-width:2}text{font-size:12px}</style></head><body>\n");
    html.append("<h2>raftkv bench: ").append(escape(report.config().op().flag())).append("</h2>\n<p>")
        .append(escape(report.summary()).replace("\n", "<br>\n")).append("</p>\n");
    html.append("<h3>Latency per second (ms): <span style=\"color:#2a7\">p50</span>, "
        + "<span style=\"color:#d52\">p99</span>, <span style=\"color:#999\">max</span></h3>\n");
    double latencyMax = max(series, SeriesPoint::maxMs);
    html.append(chart(series, latencyMax,
        new Line("p50", SeriesPoint::p50Ms), new Line("p99", SeriesPoint::p99Ms), new Line("max", SeriesPoint::maxMs)));
    html.append("<h3>Throughput (ops/s)</h3>\n");
    html.append(chart(series, max(series, SeriesPoint::opsPerSec), new Line("ops", SeriesPoint::opsPerSec)));
    return html.append("</body></html>\n").toString();
  }

  private record Line(String cssClass, ToDoubleFunction<SeriesPoint> value) {}

  private static String chart(List<SeriesPoint> series, double yMax, Line... lines) {
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg width=\"%d\" height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\">%n", WIDTH, HEIGHT));
    int plotWidth = WIDTH - 2 * MARGIN;
    int plotHeight = HEIGHT - 2 * MARGIN;
    double top = yMax <= 0 ? 1 : yMax * 1.1;
    long lastSecond = series.isEmpty() ? 1 : Math.max(1, series.get(series.size() - 1).second());
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
        MARGIN, HEIGHT - MARGIN, WIDTH - MARGIN, HEIGHT - MARGIN));
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
        MARGIN, MARGIN, MARGIN, HEIGHT - MARGIN));
    for (int tick = 0; tick <= 4; tick++) {
      double value = top * tick / 4;
      double y = HEIGHT - MARGIN - plotHeight * tick / 4.0;
      svg.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%.1f\">%s</text>%n", y + 4, shortNumber(value)));
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">0s</text><text x=\"%d\" y=\"%d\">%ds</text>%n",
        MARGIN, HEIGHT - MARGIN + 16, WIDTH - MARGIN - 20, HEIGHT - MARGIN + 16, lastSecond));
    for (Line line : lines) {
      svg.append("<polyline class=\"").append(line.cssClass()).append("\" points=\"");
      for (SeriesPoint point : series) {
        double x = MARGIN + plotWidth * (double) point.second() / lastSecond;
        double y = HEIGHT - MARGIN - plotHeight * Math.min(1, line.value().applyAsDouble(point) / top);
        svg.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      svg.append("\"/>\n");
    }
    return svg.append("</svg>\n").toString();
  }

  private static double max(List<SeriesPoint> series, ToDoubleFunction<SeriesPoint> value) {
    return series.stream().mapToDouble(value).max().orElse(1);
  }

  private static String shortNumber(double value) {
    if (value >= 10_000) {
      return String.format(Locale.ROOT, "%.0fk", value / 1000);
    }
    return value >= 10 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.2f", value);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
