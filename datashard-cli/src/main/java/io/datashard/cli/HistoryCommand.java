package io.datashard.cli;

import io.datashard.Field;
import io.datashard.HistoryEntry;
import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.Types;
import io.datashard.Warehouse;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "history", mixinStandardHelpOptions = true,
    description = "When each snapshot became current, oldest first (what --as-of reads).")
final class HistoryCommand extends TableCommand {
  static final Schema COLUMNS = Schema.of(
      Field.required(1, "made_current_at", Types.TIMESTAMP_TZ),
      Field.required(2, "snapshot_id", Types.LONG),
      Field.optional(3, "parent_id", Types.LONG),
      Field.optional(4, "operation", Types.STRING),
      Field.required(5, "is_current_ancestor", Types.BOOLEAN));

  @Parameters(index = "0", paramLabel = "TABLE", description = "Table name")
  String table;

  @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", description = "Output: ${COMPLETION-CANDIDATES}")
  RowWriter.Format format = RowWriter.Format.TABLE;

  @Override
  public Integer call() {
    try (Warehouse wh = warehouse()) {
      Table t = wh.loadTable(table);
      Set<Long> ancestors = new HashSet<>();
      Snapshot s = t.currentSnapshot();
      while (s != null) {
        ancestors.add(s.snapshotId());
        s = s.parentId() == null ? null : t.snapshot(s.parentId());
      }
      RowWriter w = RowWriter.create(format, COLUMNS, out(), 40);
      for (HistoryEntry h : t.history()) {
        Snapshot snap = t.snapshot(h.snapshotId());
        Map<String, Object> row = new HashMap<>();
        row.put("made_current_at", h.timestamp().atOffset(java.time.ZoneOffset.UTC));
        row.put("snapshot_id", h.snapshotId());
        row.put("parent_id", snap == null ? null : snap.parentId());
        row.put("operation", snap == null ? "(expired)" : snap.operation());
        row.put("is_current_ancestor", ancestors.contains(h.snapshotId()));
        w.write(row);
      }
      w.close();
    }
    return 0;
  }
}
