package io.datashard;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A child-process writer for multi-process tests: appends {@code appends} times to a local table and prints
 * {@code ACK <worker> <seq> <snapshot-id>} after each acknowledged commit.
 */
public final class AppendWorker {
  private AppendWorker() {
  }

  public static void main(String[] args) throws Exception {
    Path warehouse = Path.of(args[0]);
    String table = args[1];
    int worker = Integer.parseInt(args[2]);
    int appends = Integer.parseInt(args[3]);
    try (Warehouse wh = Warehouse.local(warehouse)) {
      Table t = wh.loadTable(table);
      for (int i = 0; i < appends; i++) {
        long id = worker * 1_000_000L + i;
        Snapshot s = t.appendRecords(List.of(Map.of("id", id, "event", "w" + worker + "s" + i, "value", 1.0)));
        System.out.println("ACK " + worker + " " + i + " " + s.snapshotId());
        System.out.flush();
      }
    }
  }
}
