package io.datashard.s3;

import io.datashard.DataShard;
import io.datashard.Snapshot;
import io.datashard.Table;
import java.util.List;
import java.util.Map;

/**
 * A child-process writer configured only by {@code DATASHARD_*} environment variables, as a user's program would
 * be: {@code DataShard.loadTable} picks the warehouse. Prints {@code STORAGE <backend class> <warehouse>}, then
 * {@code ACK <worker> <seq> <snapshot-id>} after each acknowledged commit.
 *
 * <p>Arguments: table, worker number, number of appends.
 */
public final class S3AppendWorker {
  private S3AppendWorker() {
  }

  public static void main(String[] args) {
    String table = args[0];
    int worker = Integer.parseInt(args[1]);
    int appends = Integer.parseInt(args[2]);
    System.out.println("STORAGE " + DataShard.warehouse().storage().getClass().getName() + " "
        + DataShard.warehouse().location());
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
