package io.datashard.cli;

import io.datashard.Warehouse;
import io.datashard.replication.CopyReport;
import io.datashard.replication.TableMigration;
import io.datashard.replication.VerifyReport;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = {"Copy a table with all its snapshots to another warehouse (local to S3, S3 to local, bucket to "
        + "bucket), then verify the copy: the same snapshots, data files and row counts, and equal CRC32C "
        + "checksums of every data file.",
        "Resumable: run the same command again after an interruption; files and versions already copied are "
            + "kept. The source is only read.",
        "The destination uses the source's DATASHARD_S3_* settings unless overridden by --to-s3-* options or "
            + "DATASHARD_TO_S3_* variables (e.g. DATASHARD_TO_S3_ACCESS_KEY, DATASHARD_TO_S3_SECRET_KEY)."},
    footer = {"", "Examples:",
        "  datashard migrate events --to s3://lake/prod",
        "  datashard -w s3://old-bucket migrate events --to s3://new-bucket/tables --to-table events_v2",
        "  datashard -w s3://lake migrate events --to ./backup"})
final class MigrateCommand extends TableCommand {
  @Parameters(index = "0", paramLabel = "TABLE", description = "Table name in the source warehouse")
  String table;

  @Option(names = "--to", required = true, paramLabel = "LOCATION",
      description = "Destination warehouse: a directory or s3://bucket[/prefix]")
  String to;

  @Mixin
  Destination destination = new Destination();

  @Option(names = "--no-verify", description = "Skip the verification (which reads every data file on both sides)")
  boolean noVerify;

  @Override
  public Integer call() {
    Map<String, String> from = cli.settings();
    Map<String, String> dest = destination.settings(from, to);
    String name = destination.name(table);
    try (Warehouse source = Warehouse.fromEnvironment(from); Warehouse target = Warehouse.fromEnvironment(dest)) {
      String[] locs = Destination.locations(source, table, target, name);
      String srcLoc = locs[0];
      String dstLoc = locs[1];
      out().println("Migrating " + table + ": " + srcLoc + " -> " + dstLoc);
      TableMigration m = new TableMigration(source.storage(), srcLoc, target.storage(), dstLoc);
      CopyReport c;
      try (Progress p = cli.progress("copy", cli.progressEnabled() ? m.plannedBytes() : -1, "B")) {
        c = m.copy(p::stepBy);
      }
      out().println("Copied " + c.dataFilesCopied() + " data file(s) (" + humanBytes(c.bytesCopied()) + "); "
          + c.dataFilesPresent() + " already present (" + humanBytes(c.bytesPresent()) + "); wrote "
          + c.manifestsWritten() + " manifest(s), " + c.manifestListsWritten() + " manifest list(s), "
          + c.versionsWritten() + " metadata version(s) (" + c.versionsPresent() + " already present), up to v"
          + c.latestVersion());
      if (!c.expiredSkipped().isEmpty()) {
        out().println("Skipped " + c.expiredSkipped().size() + " snapshot(s) of old versions already expired at the source");
      }
      if (noVerify) {
        out().println("Verification skipped (--no-verify)");
        return 0;
      }
      VerifyReport v;
      try (Progress p = cli.progress("verify", -1, "B")) {
        v = m.verify(p::stepBy);
      }
      out().println("Verification: " + v.versions() + " metadata version(s), " + v.snapshots() + " snapshot(s), "
          + v.files() + " data file(s) (" + humanBytes(v.bytes()) + ") compared by CRC32C, " + v.rowsCurrent()
          + " rows in the current snapshot (" + v.rowsAllSnapshots() + " over all snapshots): "
          + (v.ok() ? "OK" : v.problems().size() + " problem(s)"));
      for (String problem : v.problems()) {
        out().println("  - " + problem);
      }
      if (!v.ok()) {
        throw new CliException(DataShardCli.ExitCodes.VERIFICATION_FAILED,
            "error: verification failed: " + v.problems().get(0));
      }
    }
    return 0;
  }
}
