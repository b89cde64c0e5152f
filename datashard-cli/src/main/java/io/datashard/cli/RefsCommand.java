package io.datashard.cli;

import io.datashard.Snapshot;
import io.datashard.SnapshotRef;
import io.datashard.Table;
import io.datashard.Warehouse;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "refs", mixinStandardHelpOptions = true,
    description = {"List a table's branches and tags: the snapshot each points at and its retention settings."},
    footer = {"", "Example:", "  datashard refs events"})
final class RefsCommand extends TableCommand {
  @Parameters(index = "0", paramLabel = "TABLE", description = "Table name")
  String table;

  @Override
  public Integer call() {
    try (Warehouse wh = warehouse()) {
      Table t = wh.loadTable(table);
      out().printf("%-20s %-6s %-20s %-24s %s%n", "name", "type", "snapshot", "committed", "retention");
      for (Map.Entry<String, SnapshotRef> e : t.refs().entrySet()) {
        SnapshotRef r = e.getValue();
        Snapshot s = t.snapshot(r.snapshotId());
        out().printf("%-20s %-6s %-20d %-24s %s%n", e.getKey(), r.type().jsonName(), r.snapshotId(),
            s == null ? "" : s.timestamp().toString(), retention(r));
      }
    }
    return 0;
  }

  static String retention(SnapshotRef r) {
    StringBuilder sb = new StringBuilder();
    if (r.minSnapshotsToKeep() != null) {
      sb.append("keep ").append(r.minSnapshotsToKeep()).append(' ');
    }
    if (r.maxSnapshotAgeMs() != null) {
      sb.append("snapshots<").append(Duration.ofMillis(r.maxSnapshotAgeMs())).append(' ');
    }
    if (r.maxRefAgeMs() != null) {
      sb.append("ref<").append(Duration.ofMillis(r.maxRefAgeMs())).append(' ');
    }
    return sb.length() == 0 ? "table default" : sb.toString().trim();
  }
}
