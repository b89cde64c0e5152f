package io.datashard.rest;

import io.datashard.DataShard;
import io.datashard.Snapshot;
import io.datashard.Table;
import java.util.List;
import java.util.Map;

/**
 * A child-process writer configured only by {@code DATASHARD_*} environment variables ({@code DATASHARD_CATALOG_URI}
 * picks the REST catalog): prints {@code ACK <worker> <seq> <snapshot-id>} after each acknowledged commit.
 *
 * <p>Arguments: table, worker number, number of appends.
 */
public final class RestAppendWorker {
  private RestAppendWorker() {
  }

  public static void main(String[] args) {
    String table = args[0];
    int worker = Integer.parseInt(args[1]);
    int appends = Integer.parseInt(args[2]);
    Table t = DataShard.loadTable(table);
    for (int i = 0; i < appends; i++) {
      long id = worker * 1_000_000L + i;
      Snapshot s = t.appendRecords(List.of(Map.of("id", id, "event", "w" + worker + "s" + i, "value", 1.0)));
      System.out.println("ACK " + worker + " " + i + " " + s.snapshotId());
      System.out.flush();
    }
    DataShard.warehouse().close();
  }
}
