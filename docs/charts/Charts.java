import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders the figures of docs/benchmarks.md as SVG charts in docs/img/ (no dependencies: run it with the JDK's
 * source launcher from the repository root after updating the benchmark tables):
 * <pre>java docs/charts/Charts.java</pre>
 */
public class Charts {
  static final String[] COLORS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948"};

  public static void main(String[] args) throws Exception {
    Path md = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
    Path out = Path.of(args.length > 1 ? args[1] : "docs/img");
    Files.createDirectories(out);
    List<String> lines = Files.readAllLines(md);

    // Append throughput: CPU rows/s per variant, one group per codec.
    List<String[]> append = table(lines, "## Append throughput", "| codec | variant");
    List<String> labels = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (String[] r : append) {
      labels.add(r[0] + " · " + r[1].replace("(a) ", "").replace("(b) ", ""));
      values.add(num(r[2]) / 1e6);
    }
    write(out.resolve("append-throughput.svg"), bars("Append throughput, 1M rows, one commit (CPU, M rows/s)",
        labels, values, "M rows/s", "%.2f"));

    // Single-row append latency (fsync on): percentiles.
    List<String[]> lat = table(lines, "## Single-row append latency", "| fsync |");
    labels.clear();
    values.clear();
    String[] names = {"p50", "p90", "p99", "max"};
    for (String[] r : lat) {
      if (r[0].startsWith("on") && r[1].contains("wall")) {
        for (int i = 0; i < 4; i++) {
          labels.add(names[i]);
          values.add(num(r[2 + i]));
        }
      }
    }
    write(out.resolve("append-latency.svg"), bars("Single-row append latency, fsync on (wall ms)", labels, values,
        "ms", "%.1f"));

    // Scan throughput: parquet-java vs DataShard per codec.
    List<String[]> scan = table(lines, "## Scan throughput", "| codec | file size");
    labels.clear();
    values.clear();
    for (String[] r : scan) {
      labels.add(r[0] + " · parquet-java");
      values.add(num(r[2]) / 1e6);
      labels.add(r[0] + " · DataShard");
      values.add(num(r[3]) / 1e6);
    }
    write(out.resolve("scan-throughput.svg"), bars("Scan throughput (CPU, M rows/s)", labels, values, "M rows/s", "%.2f"));

    // Contention: attempts per commit and commits/s against the number of writers (15 appends of 10 rows each).
    List<String[]> cont = table(lines, "## Contention", "| writers |");
    List<double[]> attempts = new ArrayList<>();
    List<double[]> rate = new ArrayList<>();
    for (String[] r : cont) {
      if (r[1].startsWith("15 x")) {
        attempts.add(new double[] {num(r[0]), num(r[5])});
        rate.add(new double[] {num(r[0]), num(r[4])});
      }
    }
    write(out.resolve("contention.svg"), lines2("Contention: concurrent writers on one table (15 appends each)",
        "writers", attempts, "attempts per commit", rate, "commits/s"));
    // Catalog paths on loopback S3: single-row append p50 per door (median of the rounds).
    List<String[]> cat = table(lines, "### The library itself through REST", "| path |");
    labels.clear();
    values.clear();
    for (String[] r : cat) {
      labels.add(r[0].replace("DataShardServer", "server").replace("DataShard library", "library"));
      values.add(num(r[1].split(" ")[0]));
    }
    write(out.resolve("catalog-append.svg"), bars("Single-row append p50 on loopback S3, by door (ms)", labels, values,
        "ms", "%.1f"));
    // Upserts and scans with deletes at 10M rows, format versions 2 and 3 (issue 16).
    List<String[]> ups = table(lines, "### Format version 3: deletion vectors", "| 10,000 keys into");
    labels.clear();
    values.clear();
    for (int v = 1; v <= 2; v++) {
      for (String[] r : ups) {
        if (!r[0].contains(" vs ")) {
          labels.add("v" + (v + 1) + " · " + r[0].replace("Apache Iceberg's Java library", "Iceberg library")
              .replace(" (equality deletes)", ""));
          values.add(num(r[v]));
        }
      }
    }
    write(out.resolve("upsert-10m.svg"), bars("Upsert of 10,000 keys into 10M rows (wall ms, lower is better)",
        labels, values, "ms", "%,.0f"));
    List<String[]> del = table(lines, "### Format version 3: deletion vectors", "| full scan, 9,000,000");
    labels.clear();
    values.clear();
    for (int v = 1; v <= 2; v++) {
      for (String[] r : del) {
        if (!r[0].contains("/")) {
          double rows = r[0].contains("10,000,000") ? 10e6 : 9e6;
          labels.add("v" + (v + 1) + " · " + r[0].replace(" (10,000,000 rows)", "").replace(", the table with the deletes",
              ""));
          values.add(rows / num(r[v]) / 1e3); // M rows/s
        }
      }
    }
    write(out.resolve("scan-with-deletes.svg"), bars("Full scan, 10% of 10M rows deleted (wall, M rows/s)", labels,
        values, "M rows/s", "%.2f"));
    System.out.println("wrote append-throughput.svg, append-latency.svg, scan-throughput.svg, contention.svg, "
        + "catalog-append.svg, upsert-10m.svg, scan-with-deletes.svg to " + out);
  }

  /** @return the data rows of the first table after {@code heading} whose header starts with {@code header} */
  static List<String[]> table(List<String> lines, String heading, String header) {
    int i = 0;
    while (i < lines.size() && !lines.get(i).startsWith(heading)) {
      i++;
    }
    while (i < lines.size() && !lines.get(i).startsWith(header)) {
      i++;
    }
    if (i >= lines.size()) {
      throw new IllegalStateException("no table '" + header + "' under '" + heading + "'");
    }
    List<String[]> rows = new ArrayList<>();
    for (i += 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      String l = lines.get(i).trim();
      String[] cells = l.substring(1, l.length() - 1).split("\\|");
      for (int c = 0; c < cells.length; c++) {
        cells[c] = cells[c].replace("*", "").replace("`", "").trim();
      }
      rows.add(cells);
    }
    return rows;
  }

  static double num(String s) {
    return Double.parseDouble(s.replaceAll("[^0-9.]", ""));
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  static String bars(String title, List<String> labels, List<Double> values, String unit, String fmt) {
    int left = 190;
    int width = 720;
    int barH = 22;
    int gap = 8;
    int top = 50;
    int plot = width - left - 80;
    int height = top + labels.size() * (barH + gap) + 30;
    double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(1);
    StringBuilder s = header(width, height, title);
    for (int i = 0; i < labels.size(); i++) {
      int y = top + i * (barH + gap);
      int w = (int) Math.round(plot * values.get(i) / max);
      String color = COLORS[labels.get(i).contains("parquet-java") ? 1 : labels.get(i).contains("DataShard") ? 0
          : 0];
      s.append(String.format(Locale.ROOT, "<text x='%d' y='%d' text-anchor='end'>%s</text>%n", left - 8, y + 16,
          esc(labels.get(i))));
      s.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='%d' height='%d' fill='%s'/>%n", left, y, w, barH,
          color));
      s.append(String.format(Locale.ROOT, "<text x='%d' y='%d'>%s %s</text>%n", left + w + 6, y + 16,
          String.format(Locale.ROOT, fmt, values.get(i)), unit));
    }
    return s.append("</svg>\n").toString();
  }

  static String lines2(String title, String xLabel, List<double[]> a, String aLabel, List<double[]> b, String bLabel) {
    int width = 720;
    int height = 380;
    int left = 70;
    int right = 70;
    int top = 50;
    int bottom = 60;
    int pw = width - left - right;
    int ph = height - top - bottom;
    double xMax = a.stream().mapToDouble(p -> p[0]).max().orElse(1);
    double aMax = Math.ceil(a.stream().mapToDouble(p -> p[1]).max().orElse(1));
    double bMax = Math.ceil(b.stream().mapToDouble(p -> p[1]).max().orElse(1) / 10) * 10;
    StringBuilder s = header(width, height, title);
    s.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#999'/>%n", left, top + ph,
        left + pw, top + ph));
    s.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#999'/>%n", left, top, left,
        top + ph));
    s.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#999'/>%n", left + pw, top,
        left + pw, top + ph));
    for (double[] p : a) {
      int x = left + (int) Math.round(pw * p[0] / xMax);
      s.append(String.format(Locale.ROOT, "<text x='%d' y='%d' text-anchor='middle'>%d</text>%n", x, top + ph + 18,
          (int) p[0]));
    }
    for (int t = 0; t <= 4; t++) {
      int y = top + ph - ph * t / 4;
      s.append(String.format(Locale.ROOT, "<text x='%d' y='%d' text-anchor='end' fill='%s'>%.1f</text>%n", left - 6,
          y + 4, COLORS[0], aMax * t / 4));
      s.append(String.format(Locale.ROOT, "<text x='%d' y='%d' fill='%s'>%.0f</text>%n", left + pw + 6, y + 4,
          COLORS[1], bMax * t / 4));
    }
    series(s, a, xMax, aMax, left, top, pw, ph, COLORS[0]);
    series(s, b, xMax, bMax, left, top, pw, ph, COLORS[1]);
    s.append(String.format(Locale.ROOT, "<text x='%d' y='%d' text-anchor='middle'>%s</text>%n", left + pw / 2,
        height - 22, esc(xLabel)));
    s.append(String.format(Locale.ROOT, "<text x='%d' y='%d' fill='%s'>&#9679; %s (left axis)</text>%n", left,
        height - 4, COLORS[0], esc(aLabel)));
    s.append(String.format(Locale.ROOT, "<text x='%d' y='%d' fill='%s'>&#9679; %s (right axis)</text>%n",
        left + pw / 2 + 20, height - 4, COLORS[1], esc(bLabel)));
    return s.append("</svg>\n").toString();
  }

  static void series(StringBuilder s, List<double[]> pts, double xMax, double yMax, int left, int top, int pw, int ph,
                     String color) {
    StringBuilder path = new StringBuilder();
    for (double[] p : pts) {
      int x = left + (int) Math.round(pw * p[0] / xMax);
      int y = top + ph - (int) Math.round(ph * p[1] / yMax);
      path.append(path.length() == 0 ? "" : " ").append(x).append(',').append(y);
      s.append(String.format(Locale.ROOT, "<circle cx='%d' cy='%d' r='4' fill='%s'/>%n", x, y, color));
    }
    s.append(String.format(Locale.ROOT, "<polyline points='%s' fill='none' stroke='%s' stroke-width='2'/>%n", path,
        color));
  }

  static StringBuilder header(int width, int height, String title) {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
        + "viewBox='0 0 %d %d' font-family='Helvetica, Arial, sans-serif' font-size='13'>%n", width, height, width,
        height));
    s.append(String.format(Locale.ROOT, "<rect width='%d' height='%d' fill='white'/>%n", width, height));
    s.append(String.format(Locale.ROOT, "<text x='%d' y='28' font-size='16' font-weight='bold'>%s</text>%n", 16,
        esc(title)));
    return s;
  }

  static void write(Path p, String svg) throws Exception {
    Files.writeString(p, svg);
  }
}
