package io.datashard.cli;

import io.datashard.Table;
import io.datashard.Warehouse;
import io.datashard.RemoveOrphanFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "remove-orphans", mixinStandardHelpOptions = true,
    description = {"Delete files under the table that no committed version references (left by crashed or "
        + "failed writers) and that are older than a grace period."},
    footer = {"", "Example:", "  datashard remove-orphans events --older-than 3d --dry-run"})
final class RemoveOrphansCommand extends TableCommand {
  @Parameters(index = "0", paramLabel = "TABLE", description = "Table name")
  String table;

  @Option(names = "--older-than", paramLabel = "AGE",
      description = "Grace period: spare younger files, which may belong to a commit in progress (default 3d)")
  String olderThan = "3d";

  @Option(names = "--dry-run", description = "List what would be deleted, delete nothing")
  boolean dryRun;

  @Option(names = "--list", description = "Print each orphan file's location")
  boolean list;

  @Override
  public Integer call() {
    try (Warehouse wh = warehouse()) {
      Table t = wh.loadTable(table);
      RemoveOrphanFiles.Result r;
      try (Progress p = cli.progress("remove-orphans " + table, -1, null)) {
        r = t.removeOrphanFiles().olderThan(duration(olderThan, "--older-than")).dryRun(dryRun).execute();
      }
      if (list || dryRun) {
        r.orphanFiles().forEach(out()::println);
      }
      out().println((dryRun ? "Would delete " : "Deleted ") + r.orphanFiles().size() + " orphan file(s), "
          + humanBytes(r.orphanBytes()) + "; " + r.filesListed() + " file(s) listed, " + r.unreferencedTooNew()
          + " unreferenced file(s) spared as younger than " + olderThan);
    }
    return 0;
  }
}
