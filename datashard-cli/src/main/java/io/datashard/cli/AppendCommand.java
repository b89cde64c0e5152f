package io.datashard.cli;

import io.datashard.Appender;
import io.datashard.RecordValidationException;
import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.Warehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "append", mixinStandardHelpOptions = true,
    description = {"Append rows from CSV, TSV, JSON Lines or Parquet files.",
        "Columns are matched to the table by name and values converted to the column types; a value that does "
            + "not convert, an unknown column or a missing required column stops the append with the file, line "
            + "and column named. By default everything is one commit (all or nothing); --batch-size commits "
            + "every N rows."},
    footer = {"", "Examples:",
        "  datashard append events day1.csv day2.jsonl",
        "  datashard append events big.parquet --batch-size 1000000"})
final class AppendCommand extends TableCommand {
  @Parameters(index = "0", paramLabel = "TABLE", description = "Table name")
  String table;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "FILE",
      description = "Input files (.csv, .tsv, .jsonl/.ndjson/.json, .parquet; .gz for text formats)")
  List<Path> files;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "Input format for every file: ${COMPLETION-CANDIDATES} (default: from the file name)")
  RowSource.Format format;

  @Option(names = "--branch", paramLabel = "NAME",
      description = "Commit to this branch instead of main (created at the current snapshot if missing)")
  String branch;

  @Option(names = "--delimiter", paramLabel = "CHAR", description = "CSV field delimiter (default ',')")
  char delimiter = ',';

  @Option(names = "--batch-size", paramLabel = "ROWS",
      description = "Commit every ROWS rows (default: one commit for the whole invocation)")
  long batchSize;

  @Override
  public Integer call() {
    if (batchSize < 0) {
      throw CliException.badOption("--batch-size must be positive");
    }
    try (Warehouse wh = warehouse()) {
      Table t = wh.loadTable(table);
      List<RowSource> sources = new ArrayList<>();
      try {
        for (Path f : files) { // open all first: header and schema errors before any row is written
          sources.add(RowSource.open(f, format != null ? format : RowSource.detect(f), t.schema(), delimiter));
        }
        return append(t, sources);
      } finally {
        for (RowSource s : sources) {
          s.close();
        }
      }
    }
  }

  private Appender newAppend(Table t) {
    return branch == null ? t.newAppend() : t.newAppend().toBranch(branch);
  }

  private int append(Table t, List<RowSource> sources) {
    long rows = 0;
    int commits = 0;
    Snapshot last = null;
    Appender appender = newAppend(t);
    try {
      for (RowSource src : sources) {
        try (Progress p = cli.progress("append " + src.file.getFileName(), src.size(), src.unit())) {
          long reported = 0;
          Map<String, Object> row;
          while ((row = src.next()) != null) {
            try {
              appender.add(row);
            } catch (RecordValidationException e) {
              throw CliException.invalidInput(src.file + ": " + e.getMessage());
            }
            rows++;
            if (batchSize > 0 && appender.recordCount() >= batchSize) {
              last = appender.commit();
              commits++;
              appender.close();
              appender = newAppend(t);
            }
            if ((rows & 1023) == 0) {
              p.stepBy(src.progress() - reported);
              reported = src.progress();
            }
          }
          p.stepBy(src.progress() - reported);
        }
      }
      if (appender.recordCount() > 0) {
        // Completing the last files and the commit take a while on big appends: show that phase too.
        try (Progress p = cli.progress("commit " + appender.recordCount() + " rows", -1, null)) {
          last = appender.commit();
        }
        commits++;
      }
    } catch (RuntimeException e) {
      if (commits > 0) {
        cli.err().println("datashard: " + commits + " batch commit(s) of " + batchSize
            + " rows were made before the error; the last committed snapshot is " + last.snapshotId());
      }
      throw e;
    } finally {
      appender.close();
    }
    if (commits == 0) {
      out().println("No rows appended (the input files hold no rows)");
    } else {
      out().println("Appended " + rows + (rows == 1 ? " row" : " rows") + " from " + sources.size()
          + (sources.size() == 1 ? " file" : " files") + " in " + commits + (commits == 1 ? " commit" : " commits")
          + "; snapshot " + last.snapshotId() + ", table now has " + t.refresh().rowCount()
          + (t.rowCount() == 1 ? " row" : " rows"));
    }
    return 0;
  }
}
