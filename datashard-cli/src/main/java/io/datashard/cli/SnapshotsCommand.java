package io.datashard.cli;

import io.datashard.Field;
import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.Types;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "snapshots", mixinStandardHelpOptions = true,
    description = "List the table's snapshots, oldest first, with their operation and row and file counts.")
final class SnapshotsCommand extends TableListingCommand {
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

  @Option(names = "--wide", description = "Table format: every column (parent, sequence, added rows, file counts) "
      + "and times to the millisecond; CSV and JSON Lines always have everything")
  boolean wide;

  @Override
  Schema columns() {
    return format == RowWriter.Format.TABLE && !wide ? COLUMNS.select(NARROW) : COLUMNS;
  }

  @Override
  void rows(Table t, Consumer<Map<String, Object>> rows) {
    Snapshot current = t.currentSnapshot();
    boolean narrow = columns() != COLUMNS;
    for (Snapshot s : t.snapshots()) {
      Map<String, Object> row = new HashMap<>();
      row.put("snapshot_id", s.snapshotId());
      row.put("parent_id", s.parentId());
      row.put("sequence", s.sequenceNumber());
      java.time.Instant at = narrow ? s.timestamp().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) // to the second
          : s.timestamp();
      row.put("committed_at", at.atOffset(java.time.ZoneOffset.UTC));
      row.put("operation", s.operation());
      row.put("added_rows", summary(s, "added-records"));
      row.put("total_rows", summary(s, "total-records"));
      row.put("added_files", summary(s, "added-data-files"));
      row.put("total_files", summary(s, "total-data-files"));
      row.put("current", current != null && current.snapshotId() == s.snapshotId());
      rows.accept(row);
    }
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
