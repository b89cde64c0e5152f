package io.datashard.cli;

import io.datashard.Field;
import io.datashard.HistoryEntry;
import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.Types;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import picocli.CommandLine.Command;

@Command(name = "history", mixinStandardHelpOptions = true,
    description = "When each snapshot became current, oldest first (what --as-of reads).")
final class HistoryCommand extends TableListingCommand {
  static final Schema COLUMNS = Schema.of(
      Field.required(1, "made_current_at", Types.TIMESTAMP_TZ),
      Field.required(2, "snapshot_id", Types.LONG),
      Field.optional(3, "parent_id", Types.LONG),
      Field.optional(4, "operation", Types.STRING),
      Field.required(5, "is_current_ancestor", Types.BOOLEAN));

  @Override
  Schema columns() {
    return COLUMNS;
  }

  @Override
  void rows(Table t, Consumer<Map<String, Object>> rows) {
    Set<Long> ancestors = new HashSet<>();
    Snapshot s = t.currentSnapshot();
    while (s != null) {
      ancestors.add(s.snapshotId());
      s = s.parentId() == null ? null : t.snapshot(s.parentId());
    }
    for (HistoryEntry h : t.history()) {
      Snapshot snap = t.snapshot(h.snapshotId());
      Map<String, Object> row = new HashMap<>();
      row.put("made_current_at", h.timestamp().atOffset(java.time.ZoneOffset.UTC));
      row.put("snapshot_id", h.snapshotId());
      row.put("parent_id", snap == null ? null : snap.parentId());
      row.put("operation", snap == null ? "(expired)" : snap.operation());
      row.put("is_current_ancestor", ancestors.contains(h.snapshotId()));
      rows.accept(row);
    }
  }
}
