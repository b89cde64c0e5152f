package io.datashard.examples;

import io.datashard.DataShard;
import io.datashard.Field;
import io.datashard.HistoryEntry;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * The README's main job: create a table in the warehouse the environment names (a local {@code ./warehouse}
 * directory unless {@code DATASHARD_*} variables say otherwise), append twice, scan, and print the rows and
 * the snapshot history. Run it again and it appends to the same table.
 */
public final class Quickstart {
  private Quickstart() {
  }

  public static void main(String[] args) {
    Schema schema = Schema.of(
        Field.required(1, "user_id", Types.LONG),
        Field.required(2, "event", Types.STRING),
        Field.optional(3, "ts", Types.TIMESTAMP_TZ));

    String name = args.length > 0 ? args[0] : "user-events";
    Table table = DataShard.tableExists(name) ? DataShard.loadTable(name) : DataShard.createTable(name, schema);
    System.out.println("Table " + table.name() + " at " + table.location());

    OffsetDateTime now = Instant.now().atOffset(ZoneOffset.UTC).withNano(0);
    Snapshot first = table.appendRecords(List.of(
        Map.of("user_id", 1L, "event", "login", "ts", now),
        Map.of("user_id", 2L, "event", "view", "ts", now.plusSeconds(1))));
    Snapshot second = table.appendRecords(List.of(
        Map.of("user_id", 1L, "event", "logout")));  // ts is optional
    System.out.println("Committed snapshots " + first.snapshotId() + " and " + second.snapshotId());

    System.out.println();
    System.out.println("Rows (" + table.rowCount() + "):");
    for (Row r : table.scan().toList()) {
      System.out.println("  " + r);
    }

    System.out.println();
    System.out.println("user_id and event only:");
    table.scan().select("user_id", "event").toList().forEach(r -> System.out.println("  " + r));

    System.out.println();
    System.out.println("History:");
    for (HistoryEntry h : table.history()) {
      Snapshot s = table.snapshot(h.snapshotId());
      System.out.println("  " + h.timestamp() + "  snapshot " + s.snapshotId() + "  " + s.operation()
          + "  +" + rows(s.summary().get("added-records")) + ", total " + s.summary().get("total-records"));
    }

    System.out.println();
    System.out.println("Time travel to the first snapshot: "
        + rows(Long.toString(table.scan().useSnapshot(first.snapshotId()).count())) + " as of then");
  }

  /** "1 row", "2 rows". */
  static String rows(String count) {
    return count + ("1".equals(count) ? " row" : " rows");
  }
}
