package io.datashard.cli;

import io.datashard.Table;
import io.datashard.Warehouse;
import io.datashard.metadata.TableMetadata;
import io.datashard.update.TableInternals;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ParentCommand;

/** Shared plumbing of the subcommands: the warehouse, output streams, parsing of times and sizes. */
abstract class TableCommand implements Callable<Integer> {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|min|h|d|w)?");
  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?i?b?)?", Pattern.CASE_INSENSITIVE);

  @ParentCommand
  DataShardCli cli;

  PrintStream out() {
    return cli.out();
  }

  Warehouse warehouse() {
    return cli.openWarehouse();
  }

  static TableMetadata metadata(Table t) {
    return TableInternals.of(t).metadata();
  }

  /** @return "7d", "12h", "30m", "45s", "500ms", "2w" (a bare number is days) as a duration */
  static Duration duration(String text, String option) {
    Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      try {
        return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw CliException.badOption(option + ": cannot read '" + text + "' as a duration (e.g. 7d, 12h, 30m)");
      }
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "d" : m.group(2);
    switch (unit) {
      case "ms": return Duration.ofMillis(n);
      case "s": return Duration.ofSeconds(n);
      case "m": case "min": return Duration.ofMinutes(n);
      case "h": return Duration.ofHours(n);
      case "w": return Duration.ofDays(7 * n);
      default: return Duration.ofDays(n);
    }
  }

  /** @return "512MB", "256MiB", "1g", "1048576" as bytes (powers of 1024) */
  static long bytes(String text, String option) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw CliException.badOption(option + ": cannot read '" + text + "' as a size (e.g. 256MB, 1GB)");
    }
    double n = Double.parseDouble(m.group(1));
    String u = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
    long mult = u.startsWith("k") ? 1L << 10 : u.startsWith("m") ? 1L << 20 : u.startsWith("g") ? 1L << 30
        : u.startsWith("t") ? 1L << 40 : 1L;
    return (long) (n * mult);
  }

  /** @return an instant from ISO-8601 (with or without offset: UTC assumed), a date, or epoch milliseconds */
  static Instant instant(String text, String option) {
    String t = text.trim();
    try {
      if (t.matches("\\d{10,}")) {
        return Instant.ofEpochMilli(Long.parseLong(t));
      }
      return io.datashard.expressions.TimeText.timestampTz(t).toInstant(); // the one rule, as --where and CSV
    } catch (DateTimeParseException | NumberFormatException e) {
      throw CliException.badOption(option + ": cannot read '" + text + "' as a time (e.g. 2024-05-01T10:00:00Z, "
          + "2024-05-01, or epoch milliseconds)");
    }
  }

  static String humanBytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = b;
    int i = -1;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
  }
}
