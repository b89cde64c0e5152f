package io.datashard.cli;

import io.datashard.Field;
import io.datashard.PresignedFile;
import io.datashard.Schema;
import io.datashard.Table;
import io.datashard.TableScan;
import io.datashard.Types;
import io.datashard.Warehouse;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "presign", mixinStandardHelpOptions = true,
    description = {"Print a presigned HTTPS GET URL for each file a scan would read (S3 warehouses only), so that "
        + "DuckDB, pyarrow or a browser can read them without credentials until the URLs expire."},
    footer = {"", "The files are the data files left after --where pruning (partitions and column statistics), then",
        "the delete files they need. A URL serves a whole file: apply the filter again when reading.",
        "Anyone holding a URL can read its file until it expires: treat the output as a secret.", "",
        "Examples:",
        "  datashard presign events --where \"event = 'login'\" --ttl 15m",
        "  datashard presign events --format jsonl | jq -r .url"})
final class PresignCommand extends TableCommand {
  static final Schema COLUMNS = Schema.of(
      Field.required(1, "content", Types.STRING),
      Field.required(2, "location", Types.STRING),
      Field.required(3, "size_bytes", Types.LONG),
      Field.required(4, "records", Types.LONG),
      Field.required(5, "expires_at", Types.TIMESTAMP_TZ),
      Field.required(6, "url", Types.STRING));

  @Parameters(index = "0", paramLabel = "TABLE", description = "Table name")
  String table;

  @Option(names = "--where", paramLabel = "FILTER", description = "Only files that may hold matching rows")
  String where;

  @Option(names = "--ttl", paramLabel = "DURATION",
      description = "How long the URLs work: 30s, 15m, 12h, 7d (at most 7d; default 15m)")
  String ttl = "15m";

  @Option(names = "--snapshot", paramLabel = "ID", description = "Files of this snapshot (time travel)")
  Long snapshot;

  @Option(names = "--ref", paramLabel = "NAME", description = "Files of the snapshot a branch or tag points at")
  String ref;

  @Option(names = {"-f", "--format"}, paramLabel = "FORMAT",
      description = "Output: ${COMPLETION-CANDIDATES} (default: table; URLs are never cut)")
  RowWriter.Format format = RowWriter.Format.TABLE;

  @Override
  public Integer call() {
    if (snapshot != null && ref != null) {
      throw new CliException(DataShardCli.ExitCodes.USAGE, "--snapshot and --ref cannot be used together");
    }
    Duration d = duration(ttl, "--ttl");
    try (Warehouse wh = warehouse()) {
      Table t = wh.loadTable(table);
      TableScan scan = t.scan();
      if (snapshot != null) {
        scan = scan.useSnapshot(snapshot);
      }
      if (ref != null) {
        scan = scan.useRef(ref);
      }
      if (where != null) {
        scan = scan.filter(WhereParser.parse(where));
      }
      List<PresignedFile> files = t.presignedFiles(scan, d);
      RowWriter w = RowWriter.create(format, COLUMNS, out(), Integer.MAX_VALUE / 2);
      for (PresignedFile f : files) {
        Map<String, Object> row = new HashMap<>();
        row.put("content", f.content().name().toLowerCase(Locale.ROOT));
        row.put("location", f.location());
        row.put("size_bytes", f.sizeInBytes());
        row.put("records", f.recordCount());
        row.put("expires_at", f.expiresAt().atOffset(ZoneOffset.UTC));
        row.put("url", f.url().toString());
        w.write(row);
      }
      w.close();
      if (format == RowWriter.Format.TABLE) {
        cli.err().println("(" + files.size() + (files.size() == 1 ? " file" : " files") + "; URLs valid for "
            + ttl + ")");
      }
    }
    return 0;
  }
}
