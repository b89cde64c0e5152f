package io.datashard.cli;

import io.datashard.MaintenanceResult;
import io.datashard.Table;
import io.datashard.Warehouse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "maintain", mixinStandardHelpOptions = true,
    description = {"Run the table's upkeep now, for scheduled runs: expire snapshots beyond "
        + "write.datashard.upkeep.max-snapshots per branch or older than history.expire.max-snapshot-age-ms (branches "
        + "and tags honoured) and delete the files only they held, compact every partition's small files, merge the "
        + "manifests, replace version files that fell out of the metadata log by tombstones. Prints what was done. "
        + "Safe beside live writers and readers; the same work runs automatically after appends."},
    footer = {"", "Example:", "  datashard maintain events"})
final class MaintainCommand extends TableCommand {
  @Parameters(index = "0", paramLabel = "TABLE", description = "Table name")
  String table;

  @Override
  public Integer call() {
    try (Warehouse wh = warehouse()) {
      Table t = wh.loadTable(table);
      MaintenanceResult r;
      try (Progress p = cli.progress("maintain " + table, -1, null)) {
        r = t.maintain();
      }
      out().println("Maintained " + table + ":");
      for (String line : r.lines()) {
        out().println("  " + line);
      }
    }
    return 0;
  }
}
