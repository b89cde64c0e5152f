package io.datashard.cli;

import io.datashard.Field;
import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.Types;
import io.datashard.Warehouse;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "snapshots", mixinStandardHelpOptions = true,
    description = "List the table's snapshots, oldest first, with their operation and row and file counts.")
final class SnapshotsCommand extends TableCommand {
  static final Schema COLUMNS = Schema.of(
      Field.required(1, "snapshot_id", Types.LONG),
      Field.optional(2, "parent_id", Types.LONG),
      Field.required(3, "sequence", Types.LONG),
      Field.required(4, "committed_at", Types.TIMESTAMP_TZ),
      Field.optional(5, "operation", Types.STRING),
      Field.optional(6, "added_rows", Types.LONG),
      Field.optional(7, "total_rows", Types.LONG),
      Field.optional(8, "added_files", Types.LONG),
      Field.optional(9, "total_files", Types.LONG),
      Field.required(10, "current", Types.BOOLEAN));
  /** What fits an 80-column terminal: the table format shows these unless --wide. */
  static final java.util.List<String> NARROW = java.util.List.of("snapshot_id", "committed_at", "operation",
      "total_rows", "current");

  @Parameters(index = "0", paramLabel = "TABLE", description = "Table name")
  String table;

  @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", description = "Output: ${COMPLETION-CANDIDATES}")
  RowWriter.Format format = RowWriter.Format.TABLE;

  @Option(names = "--wide", description = "Table format: every column (parent, sequence, added rows, file counts) "
      + "and times to the millisecond; CSV and JSON Lines always have everything")
  boolean wide;

  @Override
  public Integer call() {
    try (Warehouse wh = warehouse()) {
      Table t = wh.loadTable(table);
      Snapshot current = t.currentSnapshot();
      Schema columns = format == RowWriter.Format.TABLE && !wide ? COLUMNS.select(NARROW) : COLUMNS;
      RowWriter w = RowWriter.create(format, columns, out(), 40);
      for (Snapshot s : t.snapshots()) {
        Map<String, Object> row = new HashMap<>();
        row.put("snapshot_id", s.snapshotId());
        row.put("parent_id", s.parentId());
        row.put("sequence", s.sequenceNumber());
        java.time.Instant at = columns == COLUMNS ? s.timestamp()
            : s.timestamp().truncatedTo(java.time.temporal.ChronoUnit.SECONDS); // narrow: to the second
        row.put("committed_at", at.atOffset(java.time.ZoneOffset.UTC));
        row.put("operation", s.operation());
        row.put("added_rows", summary(s, "added-records"));
        row.put("total_rows", summary(s, "total-records"));
        row.put("added_files", summary(s, "added-data-files"));
        row.put("total_files", summary(s, "total-data-files"));
        row.put("current", current != null && current.snapshotId() == s.snapshotId());
        row.keySet().retainAll(columns.columnNames());
        w.write(row);
      }
      w.close();
    }
    return 0;
  }

  static Long summary(Snapshot s, String key) {
    String v = s.summary().get(key);
    try {
      return v == null ? null : Long.valueOf(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
