package io.datashard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a new user meets in the first hour: messages that say why, counts in the right number. */
class FirstHourCliTest {
  @TempDir
  Path dir;

  Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(dir.resolve("wh"));
  }

  @Test
  void decimalsThatDoNotFitSayWhy() throws Exception {
    cli.ok("create", "prices", "id long not null, amount decimal(9,2)");
    Cli.Result scale = cli.run("append", "prices", Cli.file(dir, "s.csv", "id,amount\n1,12.345\n").toString());
    assertThat(scale.code()).isNotZero();
    assertThat(scale.err()).contains("cannot convert '12.345' to decimal(9,2)", "scale 3 > 2");
    Cli.Result precision = cli.run("append", "prices", Cli.file(dir, "p.csv", "id,amount\n1,12345678.5\n").toString());
    assertThat(precision.err()).contains("precision 10 > 9", "8 digits before the point, the column holds 7");
    assertThat(cli.ok("append", "prices", Cli.file(dir, "ok.csv", "id,amount\n1,12.340\n").toString()).out())
        .contains("Appended 1 row");
  }

  /** CLI messages name the command to run, not a Java method. */
  @Test
  void anUnknownSnapshotPointsAtTheSnapshotsCommand() throws Exception {
    cli.ok("create", "events", "id long not null");
    cli.ok("append", "events", Cli.file(dir, "a.csv", "id\n1\n").toString());
    Cli.Result r = cli.run("scan", "events", "--snapshot", "12345");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("has no snapshot 12345", "`datashard snapshots events` lists them")
        .doesNotContain("table.snapshots()");
  }

  /** A file given as Parquet that is not one says what it is and what was expected, not a parquet-java internal. */
  @Test
  void aNonParquetFileSaysWhatItIs() throws Exception {
    cli.ok("create", "events", "id long not null");
    Path fake = Cli.file(dir, "data.parquet", "id\n1\n2\n");
    Cli.Result r = cli.run("append", "events", fake.toString());
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains(fake + " is not a Parquet file", "starts and ends with the bytes 'PAR1'",
        "starts with 'id?1'", "--format csv").doesNotContain("LocalInputFile@", "magic number");
  }

  /** One rule for inputs without rows: an empty CSV, a header-only CSV and an empty JSON Lines file append nothing. */
  @Test
  void inputsWithoutRowsAllAppendNothingTheSameWay() throws Exception {
    cli.ok("create", "events", "id long not null");
    for (Path input : List.of(Cli.file(dir, "empty.csv", ""), Cli.file(dir, "header.csv", "id\n"),
        Cli.file(dir, "empty.jsonl", ""))) {
      Cli.Result r = cli.run("append", "events", input.toString());
      assertThat(r.code()).as(input + ": " + r).isZero();
      assertThat(r.out()).as(input.toString()).contains("No rows appended");
    }
    assertThat(cli.ok("snapshots", "events").out()).doesNotContain("append");
  }

  /** One rule for times as text: CSV, --where and --as-of accept the same forms; no offset means UTC. */
  @Test
  void timesAreReadTheSameWayEverywhere() throws Exception {
    cli.ok("create", "events", "id long not null, ts timestamptz");
    cli.ok("append", "events", Cli.file(dir, "t.csv", "id,ts\n1,2024-05-01 10:00:00\n2,2024-05-02\n"
        + "3,2024-05-03T12:00:00+02:00\n4,2024-05-04T10:00:00.123456789Z\n").toString());
    assertThat(cli.ok("scan", "events", "-f", "csv").out()).contains("1,2024-05-01T10:00", "2,2024-05-02T00:00",
        "3,2024-05-03T10:00", "4,2024-05-04T10:00:00.123456Z");
    assertThat(cli.ok("scan", "events", "-f", "csv", "--select", "id", "--where", "ts >= '2024-05-02'").out())
        .isEqualTo("id\r\n2\r\n3\r\n4\r\n");
    assertThat(cli.ok("scan", "events", "-f", "csv", "--select", "id", "--where", "ts < '2024-05-01 10:00:01'").out())
        .isEqualTo("id\r\n1\r\n");
    assertThat(cli.ok("scan", "events", "--as-of", "2099-01-01 00:00", "-f", "csv", "--select", "id").out())
        .startsWith("id\r\n1\r\n");
  }

  /** Every bad option value and every usage error: exit 2, one line starting "datashard: error:". */
  @Test
  void badOptionValuesAreUsageErrorsOnOneLine() throws Exception {
    cli.ok("create", "events", "id long not null");
    String csv = Cli.file(dir, "a.csv", "id\n1\n").toString();
    List<String[]> bad = List.of(
        new String[] {"scan", "events", "--as-of", "yesterday"},
        new String[] {"scan", "events", "--limit", "-1"},
        new String[] {"scan", "events", "--limit", "ten"},
        new String[] {"scan", "events", "--format", "xml"},
        new String[] {"scan", "events", "--nope"},
        new String[] {"expire", "events", "--older-than", "soon"},
        new String[] {"expire", "events", "--retain-last", "0"},
        new String[] {"compact", "events", "--target-size", "big"},
        new String[] {"remove-orphans", "events", "--older-than", "soon"},
        new String[] {"append", "events", csv, "--batch-size", "-5"},
        new String[] {"frobnicate"});
    for (String[] args : bad) {
      Cli.Result r = cli.run(args);
      String what = String.join(" ", args) + " -> " + r;
      assertThat(r.code()).as(what).isEqualTo(2);
      assertThat(r.err()).as(what).startsWith("datashard: error: ").endsWith("\n");
      assertThat(r.err().strip().lines().count()).as(what).isEqualTo(1);
    }
  }

  /** {@code snapshots} fits an 80-column terminal by default; --wide and the machine formats have every column. */
  @Test
  void snapshotsFitATerminalByDefault() throws Exception {
    cli.ok("create", "events", "id long not null");
    cli.ok("append", "events", Cli.file(dir, "a.csv", "id\n1\n").toString());
    String narrow = cli.ok("snapshots", "events").out();
    assertThat(narrow.lines().mapToInt(String::length).max().orElseThrow()).as(narrow).isLessThanOrEqualTo(80);
    assertThat(narrow).contains("snapshot_id", "committed_at", "operation", "total_rows", "current")
        .doesNotContain("parent_id", "total_files", "added_rows");
    assertThat(cli.ok("snapshots", "events", "--wide").out()).contains("parent_id", "sequence", "total_files");
    assertThat(cli.ok("snapshots", "events", "-f", "csv").out()).contains("parent_id", "total_files");
  }

  /** Listing a warehouse that does not exist is an error (a typo), not "no tables". */
  @Test
  void aMissingWarehouseIsAnErrorForReads() {
    Cli.Result r = cli.run("--warehouse", dir.resolve("no/such/dir").toString(), "tables");
    assertThat(r.code()).as(r.toString()).isEqualTo(3);
    assertThat(r.err()).startsWith("datashard: error: the warehouse ").contains("does not exist", "--warehouse");
    assertThat(dir.resolve("no/such/dir")).doesNotExist();
    cli.ok("create", "events", "id long not null");
    assertThat(cli.ok("tables").out()).isEqualTo("events\n");
  }

  /** One fixed format per time type: seconds always, never 10:00Z next to 10:00:30Z in one column. */
  @Test
  void timesHaveOneFormatInEveryOutput() throws Exception {
    cli.ok("create", "events", "id long not null, ts timestamptz, t time");
    cli.ok("append", "events", Cli.file(dir, "t.csv", "id,ts,t\n1,2024-05-01T00:00:00Z,10:00\n"
        + "2,2024-05-01T00:00:30Z,10:00:30\n3,2024-05-01T00:00:30.5Z,10:00:30.25\n").toString());
    String table = cli.ok("scan", "events").out();
    assertThat(table).contains("| 2024-05-01T00:00:00Z ", "| 2024-05-01T00:00:30Z ", "2024-05-01T00:00:30.500000Z",
        "| 10:00:00\n", "10:00:30.250000").doesNotContain("T00:00Z", "| 10:00\n");
    assertThat(cli.ok("scan", "events", "-f", "csv").out()).contains("1,2024-05-01T00:00:00Z,10:00:00\r\n");
    assertThat(cli.ok("scan", "events", "-f", "jsonl").out()).contains("\"ts\":\"2024-05-01T00:00:00Z\"");
  }

  /** The YAML schema form docs/cli.md shows, flow style with an unquoted decimal(P,S), works as written. */
  @Test
  void yamlFlowStyleDecimalWorksAsShown() throws Exception {
    Path yaml = Cli.file(dir, "schema.yaml", "columns:\n"
        + "  - {name: id, type: long, required: true}\n"
        + "  - {name: amount, type: decimal(9,2)}\n"
        + "  - {name: price, type: \"decimal(18, 4)\"}\n"
        + "  - name: tax\n    type: decimal(5,1)\n");
    assertThat(cli.ok("create", "prices", yaml.toString()).out()).contains("decimal(9,2)", "decimal(18,4)",
        "decimal(5,1)");
  }
}
