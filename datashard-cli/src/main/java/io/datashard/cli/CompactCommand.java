package io.datashard.cli;

import io.datashard.RewriteDataFiles;
import io.datashard.Table;
import io.datashard.Warehouse;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "compact", mixinStandardHelpOptions = true,
    description = {"Rewrite small data files into files of about the target size, in one atomic 'replace' "
        + "snapshot. Safe beside live writers; the old files stay until expire removes them."},
    footer = {"", "Example:", "  datashard compact events --target-size 256MB --sort-by user_id"})
final class CompactCommand extends TableCommand {
  @Parameters(index = "0", paramLabel = "TABLE", description = "Table name")
  String table;

  @Option(names = "--target-size", paramLabel = "SIZE",
      description = "Target file size (default: write.target-file-size-bytes, 512MB)")
  String targetSize;

  @Option(names = "--min-size", paramLabel = "SIZE", description = "Rewrite files smaller than this (default 75%% of target)")
  String minSize;

  @Option(names = "--sort-by", split = ",", paramLabel = "COLUMN", description = "Sort the rows of each group")
  List<String> sortBy;

  @Override
  public Integer call() {
    try (Warehouse wh = warehouse()) {
      Table t = wh.loadTable(table);
      RewriteDataFiles r = t.rewriteDataFiles();
      if (targetSize != null) {
        r = r.targetFileSizeBytes(bytes(targetSize, "--target-size"));
      }
      if (minSize != null) {
        r = r.minFileSizeBytes(bytes(minSize, "--min-size"));
      }
      if (sortBy != null && !sortBy.isEmpty()) {
        r = r.sortBy(sortBy.toArray(new String[0]));
      }
      RewriteDataFiles.Result res;
      try (Progress p = cli.progress("compact " + table, -1, null)) {
        res = r.execute();
      }
      if (res.rewrittenFiles() == 0) {
        out().println("Nothing to compact: no group of small files");
      } else {
        out().println("Compacted " + res.rewrittenFiles() + " file(s) into " + res.addedFiles() + " (" + res.rewrittenRows()
            + " rows); snapshot " + (res.snapshot() == null ? "-" : String.valueOf(res.snapshot().snapshotId())));
      }
    }
    return 0;
  }
}
