package io.datashard.cli;

import io.datashard.ExpireSnapshots;
import io.datashard.Table;
import io.datashard.Warehouse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "expire", mixinStandardHelpOptions = true,
    description = {"Expire old snapshots and delete the files only they referenced.",
        "The current snapshot and the newest --retain-last of its lineage are always kept. Without options the "
            + "table's history.expire.* properties apply (5 days, keep 1)."},
    footer = {"", "Example:", "  datashard expire events --older-than 7d --retain-last 10"})
final class ExpireCommand extends TableCommand {
  @Parameters(index = "0", paramLabel = "TABLE", description = "Table name")
  String table;

  @Option(names = "--older-than", paramLabel = "AGE", description = "Expire snapshots older than this (7d, 12h, 30m)")
  String olderThan;

  @Option(names = "--retain-last", paramLabel = "N", description = "Always keep the newest N snapshots")
  Integer retainLast;

  @Option(names = "--snapshot", paramLabel = "ID", description = "Expire this snapshot (repeatable)")
  long[] snapshotIds = new long[0];

  @Option(names = "--keep-files", description = "Remove snapshots from the metadata but delete no file")
  boolean keepFiles;

  @Override
  public Integer call() {
    try (Warehouse wh = warehouse()) {
      Table t = wh.loadTable(table);
      ExpireSnapshots e = t.expireSnapshots();
      if (olderThan != null) {
        e = e.expireOlderThan(duration(olderThan, "--older-than"));
      }
      if (retainLast != null) {
        if (retainLast < 1) {
          throw CliException.badOption("--retain-last must be 1 or more");
        }
        e = e.retainLast(retainLast);
      }
      for (long id : snapshotIds) {
        e = e.expireSnapshotId(id);
      }
      if (keepFiles) {
        e = e.deleteFiles(false);
      }
      ExpireSnapshots.Result r;
      try (Progress p = cli.progress("expire", -1, null)) {
        r = e.commit();
      }
      out().println("Expired " + r.expiredSnapshotIds().size() + " snapshot(s); deleted "
          + r.deletedDataFiles().size() + " data file(s), " + r.deletedManifests().size() + " manifest(s), "
          + r.deletedManifestLists().size() + " manifest list(s); " + t.refresh().snapshots().size()
          + " snapshot(s) remain");
    }
    return 0;
  }
}
