package io.datashard.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders the figures of a {@link PeersBench} results file as SVG bar charts (no charting library: plain SVG text),
 * one per workload: {@code peers-<workload>.svg}. Each row is one metric on one store; its bars (one per system)
 * are scaled to the largest value in that row and labelled with the value, so rows with different units share a
 * chart. The caption says whether more or less is better.
 *
 * <p>Run: {@code java -cp <module class path> io.datashard.benchmarks.PeerCharts [results.json] [output dir]}
 * (defaults {@code target/results.json}, {@code ../docs/img}).
 */
public final class PeerCharts {
  private static final Map<String, String> COLORS = Map.of(
      PeersBench.DS, "#1f77b4", NestedBench.DS_MAPS, "#aec7e8", PeersBench.ICE, "#ff7f0e", PeersBench.PQ, "#7f7f7f");
  private static final List<String> ORDER = List.of(PeersBench.DS, NestedBench.DS_MAPS, PeersBench.ICE,
      PeersBench.PQ);
  private static final Map<String, String> TITLES = Map.of(
      "latency", "Single-row append latency on a warm handle (lower is better)",
      "append", "Append throughput, one commit of N rows (higher is better)",
      "scan", "Scans of a 1M-row table (rows/s: higher is better; ms: lower is better)",
      "contention", "N writer processes appending to one table",
      "cold", "Cold start: JVM launch to first commit / first scan result (lower is better)",
      "requests", "S3 requests per operation (lower is better)",
      "memory", "Heap for a streaming append and scan (lower is better)");

  private PeerCharts() {
  }

  public static void main(String[] args) throws IOException {
    render(Path.of(args.length > 0 ? args[0] : "target/results.json"),
        Path.of(args.length > 1 ? args[1] : "../docs/img"));
  }

  @SuppressWarnings("unchecked")
  static void render(Path results, Path outDir) throws IOException {
    Map<String, Object> root = new ObjectMapper().readValue(results.toFile(), Map.class);
    List<Map<String, Object>> metrics = (List<Map<String, Object>>) root.get("metrics");
    Map<String, List<Map<String, Object>>> byWorkload = new LinkedHashMap<>();
    for (Map<String, Object> m : metrics) {
      byWorkload.computeIfAbsent((String) m.get("workload"), k -> new ArrayList<>()).add(m);
    }
    Files.createDirectories(outDir);
    Map<String, Object> machine = (Map<String, Object>) root.get("machine");
    String caption = String.format(Locale.ROOT, "%s, %s cores; load %s → %s; %s", machine.get("cpu"),
        machine.get("cores"), machine.get("loadAtStart"), machine.get("loadAtEnd"), root.get("started"));
    for (Map.Entry<String, List<Map<String, Object>>> e : byWorkload.entrySet()) {
      Path file = outDir.resolve("peers-" + e.getKey() + ".svg");
      Files.writeString(file, svg(TITLES.getOrDefault(e.getKey(), e.getKey()), caption, e.getValue()));
      System.out.println("wrote " + file.toAbsolutePath().normalize());
    }
  }

  @SuppressWarnings("unchecked")
  static String svg(String title, String caption, List<Map<String, Object>> rows) {
    int labelW = 430;
    int barW = 360;
    int barH = 14;
    int width = labelW + barW + 110;
    List<String> systems = new ArrayList<>();
    for (String s : ORDER) {
      for (Map<String, Object> r : rows) {
        if (((Map<String, Object>) r.get("values")).containsKey(s) && !systems.contains(s)) {
          systems.add(s);
        }
      }
    }
    int y = 58;
    StringBuilder body = new StringBuilder();
    for (Map<String, Object> r : rows) {
      Map<String, Number> values = (Map<String, Number>) r.get("values");
      double max = values.values().stream().mapToDouble(Number::doubleValue).max().orElse(0);
      int n = values.size();
      int rowH = n * (barH + 2) + 12;
      String label = r.get("store") + ": " + r.get("metric") + " (" + r.get("unit") + ")";
      body.append(text(8, y + rowH / 2 - 2, label, "start", 11, "#222"));
      int by = y;
      for (String s : systems) {
        Number v = values.get(s);
        if (v == null) {
          continue;
        }
        double w = max <= 0 ? 0 : barW * v.doubleValue() / max;
        body.append(String.format(Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s: %s</title></rect>%n",
            labelW, by, Math.max(w, 0.5), barH, COLORS.getOrDefault(s, "#999"), esc(s), value(v.doubleValue())));
        body.append(text((int) (labelW + w + 4), by + barH - 3, value(v.doubleValue()), "start", 10, "#222"));
        by += barH + 2;
      }
      y += rowH;
      body.append(String.format(Locale.ROOT, "<line x1=\"8\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>%n",
          width - 8, y - 5, y - 5));
    }
    int height = y + 28;
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\">%n", width, height, width, height));
    sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>%n", width, height));
    sb.append(text(8, 20, title, "start", 14, "#000"));
    int lx = 8;
    for (String s : systems) {
      sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"32\" width=\"12\" height=\"12\" fill=\"%s\"/>%n", lx,
          COLORS.getOrDefault(s, "#999")));
      sb.append(text(lx + 16, 42, s, "start", 11, "#222"));
      lx += 30 + 7 * s.length();
    }
    sb.append(body);
    sb.append(text(8, height - 10, "Bars scaled per row to its largest value. " + caption, "start", 9, "#666"));
    sb.append("</svg>\n");
    return sb.toString();
  }

  private static String value(double v) {
    if (Math.abs(v) >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String text(int x, int y, String s, String anchor, int size, String color) {
    return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" font-size=\"%d\" fill=\"%s\">%s"
        + "</text>%n", x, y, anchor, size, color, esc(s));
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
