package io.datashard.cli;

import io.datashard.Table;
import io.datashard.TableScan;
import io.datashard.Warehouse;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "scan", mixinStandardHelpOptions = true,
    description = {"Read rows: all, or those matching --where, of the current or an earlier snapshot."},
    footer = {"", "--where syntax: comparisons (= != < <= > >=), in (...), not in (...), is [not] null,",
        "like 'prefix%%', joined with and / or / not and parentheses. Strings, dates and times in quotes.", "",
        "Examples:",
        "  datashard scan events --where \"event = 'login' and user_id >= 100\" --select user_id,ts",
        "  datashard scan events --as-of 2024-05-01T12:00:00Z --format csv > events.csv",
        "  datashard scan events --snapshot 4721380019203 --limit 10"})
final class ScanCommand extends TableCommand {

  @Parameters(index = "0", paramLabel = "TABLE", description = "Table name")
  String table;

  @Option(names = {"-s", "--select"}, split = ",", paramLabel = "COLUMN", description = "Columns to return, in order")
  List<String> select;

  @Option(names = "--where", paramLabel = "FILTER", description = "Row filter, e.g. \"event = 'login' and id > 5\"")
  String where;

  @Option(names = "--ref", paramLabel = "NAME", description = "Read the snapshot a branch or tag points at")
  String ref;

  @Option(names = "--snapshot", paramLabel = "ID", description = "Read this snapshot (time travel)")
  Long snapshot;

  @Option(names = "--as-of", paramLabel = "TIME",
      description = "Read the snapshot current at this time (ISO-8601, a date, or epoch ms)")
  String asOf;

  @Mixin
  RowOutput output = new RowOutput();

  @Override
  public Integer call() {
    if ((snapshot != null ? 1 : 0) + (asOf != null ? 1 : 0) + (ref != null ? 1 : 0) > 1) {
      throw new CliException(DataShardCli.ExitCodes.USAGE, "--snapshot, --as-of and --ref cannot be used together");
    }
    output.checkLimit();
    try (Warehouse wh = warehouse()) {
      Table t = wh.loadTable(table);
      TableScan scan = t.scan();
      if (snapshot != null) {
        if (t.snapshot(snapshot) == null) {
          throw CliException.invalidInput("table " + table + " has no snapshot " + snapshot + " (unknown or expired); "
              + "`datashard snapshots " + table + "` lists them");
        }
        scan = scan.useSnapshot(snapshot);
      }
      if (ref != null) {
        scan = scan.useRef(ref);
      }
      if (asOf != null) {
        scan = scan.asOfTime(instant(asOf, "--as-of"));
      }
      if (select != null && !select.isEmpty()) {
        scan = scan.select(select.stream().map(String::trim).toList());
      }
      if (where != null) {
        scan = scan.filter(WhereParser.parse(where));
      }
      output.print(scan.schema(), scan.iterator(), out(), cli.err());
    }
    return 0;
  }
}
