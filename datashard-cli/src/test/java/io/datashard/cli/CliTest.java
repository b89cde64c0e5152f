package io.datashard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Row;
import io.datashard.Table;
import io.datashard.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command run as a user would: arguments in, text and exit code out. */
class CliTest {
  @TempDir
  Path dir;

  Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(dir.resolve("wh"));
  }

  private Path write(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  private Cli.Result ok(String... args) {
    Cli.Result r = cli.run(args);
    assertThat(r.code()).as(r.toString()).isZero();
    return r;
  }

  private void createEvents() {
    ok("create", "events", "user_id long not null, event string, ts timestamptz, amount decimal(9,2)", "-p", "day(ts)");
  }

  @Test
  void createAppendScanRoundTrip() throws Exception {
    Cli.Result created = ok("create", "events",
        "user_id long not null, event string, ts timestamptz, amount decimal(9,2)", "-p", "day(ts)");
    assertThat(created.out()).contains("Created table events at file:", "user_id", "decimal(9,2)", "required",
        "Partitioned by day(ts)");
    Path csv = write("a.csv", "user_id,event,ts,amount\n1,login,2024-05-01T10:00:00Z,1.50\n"
        + "2,\"buy, now\",2024-05-02 11:00:00+02:00,\n");
    Path jsonl = write("b.jsonl", "{\"user_id\":3,\"event\":\"logout\",\"ts\":\"2024-05-03T00:00:00Z\",\"amount\":2}\n\n");
    Cli.Result appended = ok("append", "events", csv.toString(), jsonl.toString());
    assertThat(appended.out()).contains("Appended 3 rows from 2 files in 1 commit", "table now has 3 rows");

    assertThat(ok("scan", "events").out()).isEqualTo(String.join("\n",
        "user_id | event    | ts                   | amount",
        "long    | string   | timestamptz          | decimal(9,2)",
        "--------+----------+----------------------+-------------",
        "      1 | login    | 2024-05-01T10:00:00Z |         1.50",
        "      2 | buy, now | 2024-05-02T09:00:00Z |         null",
        "      3 | logout   | 2024-05-03T00:00:00Z |         2.00",
        "(3 rows)", ""));
    assertThat(ok("scan", "events", "--select", "event,amount", "--format", "csv").out())
        .isEqualTo("event,amount\r\nlogin,1.50\r\n\"buy, now\",\r\nlogout,2.00\r\n");
    assertThat(ok("scan", "events", "--where", "event like 'log%' and amount > 1", "-f", "jsonl").out())
        .isEqualTo("{\"user_id\":1,\"event\":\"login\",\"ts\":\"2024-05-01T10:00:00Z\",\"amount\":1.50}\n"
            + "{\"user_id\":3,\"event\":\"logout\",\"ts\":\"2024-05-03T00:00:00Z\",\"amount\":2.00}\n");
    assertThat(ok("scan", "events", "--where", "not (user_id in (1, 3)) or amount is null", "-s", "user_id",
        "-f", "csv").out()).isEqualTo("user_id\r\n2\r\n");
    assertThat(ok("scan", "events", "--where", "ts >= '2024-05-02T00:00:00Z'", "--limit", "1", "-f", "csv",
        "-s", "user_id").out()).isEqualTo("user_id\r\n2\r\n");
    assertThat(ok("tables").out()).isEqualTo("events\n");
  }

  @Test
  void timeTravelBySnapshotAndTime() throws Exception {
    createEvents();
    ok("append", "events", write("1.csv", "user_id,event\n1,a\n").toString());
    Thread.sleep(5);
    try (Warehouse wh = Warehouse.local(dir.resolve("wh"))) {
      Table t = wh.loadTable("events");
      long first = t.currentSnapshot().snapshotId();
      String firstTime = java.time.Instant.ofEpochMilli(t.currentSnapshot().timestampMillis()).toString();
      Thread.sleep(5);
      ok("append", "events", write("2.csv", "user_id,event\n2,b\n3,c\n").toString());
      assertThat(ok("scan", "events", "-f", "csv", "-s", "user_id").out()).isEqualTo("user_id\r\n1\r\n2\r\n3\r\n");
      assertThat(ok("scan", "events", "--snapshot", String.valueOf(first), "-f", "csv", "-s", "user_id").out())
          .isEqualTo("user_id\r\n1\r\n");
      assertThat(ok("scan", "events", "--as-of", firstTime, "-f", "csv", "-s", "user_id").out())
          .isEqualTo("user_id\r\n1\r\n");
      Cli.Result snaps = ok("snapshots", "events", "-f", "csv");
      assertThat(snaps.out().split("\r\n")).hasSize(3);
      assertThat(snaps.out()).startsWith("snapshot_id,parent_id,sequence,committed_at,operation,added_rows,total_rows,")
          .contains(first + ",,1,", ",append,1,1,", ",append,2,3,", ",true\r\n");
      Cli.Result history = ok("history", "events");
      assertThat(history.out()).contains("made_current_at", "is_current_ancestor", String.valueOf(first), "(2 rows)");
      Cli.Result early = cli.run("scan", "events", "--as-of", "2000-01-01");
      assertThat(early.code()).isEqualTo(5);
      assertThat(early.err()).startsWith("datashard: error: ").contains("2000-01-01");
    }
  }

  @Test
  void schemaFromYamlAndJsonFilesWithPartitionAndProperties() throws Exception {
    Path yaml = write("schema.yaml", String.join("\n",
        "columns:",
        "  - {name: id, type: long, required: true}",
        "  - {name: region, type: string, doc: sales region}",
        "  - {name: day, type: date}",
        "partition: [region, 'bucket(id, 4)']",
        "properties: {write.parquet.compression-codec: snappy}", ""));
    ok("create", "sales", yaml.toString());
    Path json = write("s.json", "{\"columns\":[{\"name\":\"k\",\"type\":\"string\",\"required\":true}]}");
    ok("create", "kv", "@" + json, "--property", "owner=ops");
    Cli.Result d = ok("describe", "sales");
    assertThat(d.out()).contains("Table        sales", "region", "-- sales region", "Partitioning region, bucket[4](id)",
        "write.parquet.compression-codec = snappy", "rows           0", "metadata versions 1");
    assertThat(ok("describe", "kv").out()).contains("owner = ops", "Partitioning none (unpartitioned)");
    assertThat(ok("tables").out()).isEqualTo("kv\nsales\n");
  }

  @Test
  void appendFromParquetWithLogicalTypes() throws Exception {
    createEvents();
    MessageType schema = MessageTypeParser.parseMessageType("message m { required int64 user_id; "
        + "optional binary event (STRING); optional int64 ts (TIMESTAMP(MICROS,true)); "
        + "optional int32 amount (DECIMAL(9,2)); }");
    Path file = dir.resolve("in.parquet");
    Configuration conf = new Configuration();
    org.apache.parquet.hadoop.example.GroupWriteSupport.setSchema(schema, conf);
    SimpleGroupFactory f = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(file.toUri()))
        .withConf(conf).withType(schema).build()) {
      for (int i = 0; i < 1000; i++) {
        Group g = f.newGroup().append("user_id", (long) i).append("event", "e" + i)
            .append("ts", 1_714_557_600_000_000L + i).append("amount", i * 100 + 5);
        w.write(g);
      }
    }
    assertThat(ok("append", "events", file.toString(), "--batch-size", "400").out())
        .contains("Appended 1000 rows from 1 file in 3 commits");
    try (Warehouse wh = Warehouse.local(dir.resolve("wh"))) {
      Table t = wh.loadTable("events");
      assertThat(t.snapshots()).hasSize(3);
      List<Row> rows = t.scan().filter(io.datashard.expressions.Expressions.equal("user_id", 7L)).toList();
      assertThat(rows).hasSize(1);
      assertThat(rows.get(0).get("event")).isEqualTo("e7");
      assertThat(rows.get(0).get("amount")).isEqualTo(new java.math.BigDecimal("7.05"));
      assertThat(rows.get(0).get("ts").toString()).isEqualTo("2024-05-01T10:00:00.000007Z");
    }
  }

  @Test
  void badInputIsOneClearLineAndNothingIsCommitted() throws Exception {
    createEvents();
    Path good = write("good.csv", "user_id,event\n1,a\n");
    Path bad = write("bad.csv", "user_id,event\n2,b\nabc,c\n");
    Cli.Result r = cli.run("append", "events", good.toString(), bad.toString());
    assertThat(r.code()).isEqualTo(5);
    assertThat(r.err()).isEqualTo("datashard: error: " + bad + " line 3, column 'user_id': cannot convert 'abc' to long\n");
    assertThat(r.out()).isEmpty();

    Cli.Result unknown = cli.run("append", "events", write("u.csv", "user_id,colour\n1,red\n").toString());
    assertThat(unknown.code()).isEqualTo(5);
    assertThat(unknown.err()).contains("header", "column 'colour' is not in the table (columns: user_id, event, ts, amount)");

    Cli.Result missing = cli.run("append", "events", write("m.jsonl", "{\"event\":\"x\"}\n").toString());
    assertThat(missing.code()).isEqualTo(5);
    assertThat(missing.err()).contains("m.jsonl line 1, column 'user_id': no value for required column");

    Cli.Result json = cli.run("append", "events", write("j.jsonl", "{\"user_id\": 1.5}\n").toString());
    assertThat(json.err()).contains("line 1, column 'user_id': cannot convert 1.5 to long");

    Cli.Result ts = cli.run("append", "events", write("t.csv", "user_id,ts\n1,yesterday\n").toString());
    assertThat(ts.err()).contains("column 'ts': cannot convert 'yesterday' to timestamptz (expected");

    Cli.Result dec = cli.run("append", "events", write("d.csv", "user_id,amount\n1,1.234\n").toString());
    assertThat(dec.err()).contains("column 'amount': cannot convert '1.234' to decimal(9,2)");

    try (Warehouse wh = Warehouse.local(dir.resolve("wh"))) {
      assertThat(wh.loadTable("events").snapshots()).isEmpty(); // all or nothing: good.csv did not land either
    }
  }

  @Test
  void exitCodesScriptsCanRelyOn() throws Exception {
    createEvents();
    assertThat(cli.run("scan", "nope").code()).isEqualTo(3);
    assertThat(cli.run("scan", "nope").err())
        .isEqualTo("datashard: error: table 'nope' does not exist (looked in file:" + dir.resolve("wh/nope") + ")\n");
    assertThat(cli.run("create", "events", "a long").code()).isEqualTo(4);
    assertThat(cli.run("create", "x", "a lng").err()).contains("column 'a': unknown type 'lng'");
    assertThat(cli.run("scan", "events", "--where", "user_id = ").code()).isEqualTo(5);
    assertThat(cli.run("scan", "events", "--where", "user_id = ").err())
        .isEqualTo("datashard: error: invalid --where: expected a value at the end in: user_id =  "
            + "(example: event = 'login' and user_id >= 100)\n");
    assertThat(cli.run("scan", "events", "--where", "colour = 'red'").err()).contains("colour");
    assertThat(cli.run("scan", "events", "--select", "nope").code()).isEqualTo(5);
    assertThat(cli.run("bogus").code()).isEqualTo(2);
    assertThat(cli.run("scan").code()).isEqualTo(2);
    assertThat(cli.run("scan", "events", "--limit", "x").code()).isEqualTo(2);
    assertThat(cli.run("scan", "events", "--snapshot", "1", "--as-of", "2024-01-01").code()).isEqualTo(2);
    assertThat(cli.run("scan", "events", "--snapshot", "1").code()).isEqualTo(5);
    assertThat(cli.run("append", "events", dir.resolve("missing.csv").toString()).code()).isEqualTo(5);
    assertThat(cli.run("append", "events", write("x.txt", "").toString()).err()).contains("--format");
    Cli.Result help = cli.run("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("tables", "create", "append", "scan", "snapshots", "history", "describe",
        "expire", "compact", "remove-orphans", "migrate", "Exit codes:", "DATASHARD_STORAGE_TYPE");
    for (String c : List.of("tables", "create", "append", "scan", "snapshots", "history", "describe", "expire",
        "compact", "remove-orphans", "migrate")) {
      Cli.Result h = cli.run(c, "--help");
      assertThat(h.code()).as(c).isZero();
      assertThat(h.out()).as(c).startsWith("Usage: datashard " + c);
    }
  }

  @Test
  void maintainCompactsAndPrintsWhatItDid() throws Exception {
    createEvents();
    for (int i = 0; i < 3; i++) {
      ok("append", "events", write("m" + i + ".csv", "user_id,event,ts\n" + i + ",e,2024-05-01T00:00:00Z\n").toString());
    }
    Cli.Result maintain = ok("maintain", "events");
    assertThat(maintain.out()).contains("Maintained events:", "compacted 3 small data files into 1",
        "old version files by tombstones", "metadata ");
    assertThat(ok("scan", "events", "-f", "csv", "-s", "user_id").out().split("\r\n"))
        .containsExactlyInAnyOrder("user_id", "0", "1", "2");
    assertThat(ok("maintain", "--help").out()).startsWith("Usage: datashard maintain");
  }

  @Test
  void maintenanceCommands() throws Exception {
    createEvents();
    for (int i = 0; i < 4; i++) {
      ok("append", "events", write(i + ".csv", "user_id,event,ts\n" + i + ",e,2024-05-01T00:00:00Z\n").toString());
    }
    Cli.Result compact = ok("compact", "events", "--target-size", "64MB");
    assertThat(compact.out()).contains("Compacted 4 file(s) into 1 (4 rows)");
    assertThat(ok("compact", "events").out()).contains("Nothing to compact");
    Cli.Result expire = ok("expire", "events", "--older-than", "0s", "--retain-last", "1");
    assertThat(expire.out()).contains("Expired 4 snapshot(s); deleted 4 data file(s)", "1 snapshot(s) remain");
    assertThat(ok("scan", "events", "-f", "csv", "-s", "user_id").out().split("\r\n"))
        .containsExactlyInAnyOrder("user_id", "0", "1", "2", "3");

    Path stray = dir.resolve("wh/events/data/stray.parquet");
    Files.writeString(stray, "left by a crashed writer");
    Files.setLastModifiedTime(stray, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 86_400_000L * 4));
    Cli.Result dry = ok("remove-orphans", "events", "--dry-run");
    assertThat(dry.out()).contains("stray.parquet", "Would delete 1 orphan file(s)");
    assertThat(stray).exists();
    assertThat(ok("remove-orphans", "events").out()).contains("Deleted 1 orphan file(s)");
    assertThat(stray).doesNotExist();
    assertThat(cli.run("expire", "events", "--older-than", "soon").code()).isEqualTo(2);
  }

  @Test
  void realProcessPrintsOneLineErrorsAndStackTracesOnlyWhenVerbose() throws Exception {
    Map<String, String> env = Map.of("DATASHARD_WAREHOUSE", dir.resolve("wh").toString());
    Cli.Result missing = Cli.fork(env, dir, "describe", "nope");
    assertThat(missing.code()).isEqualTo(3);
    assertThat(missing.err()).isEqualTo("datashard: error: table 'nope' does not exist (looked in file:"
        + dir.resolve("wh/nope") + ")\n");
    Cli.Result verbose = Cli.fork(env, dir, "describe", "nope", "--verbose");
    assertThat(verbose.code()).isEqualTo(3);
    assertThat(verbose.err()).contains("io.datashard.TableNotFoundException", "\tat io.datashard.");
    // --warehouse overrides DATASHARD_WAREHOUSE; output to a file has no progress bar characters
    Cli.Result created = Cli.fork(env, dir, "--warehouse", dir.resolve("other").toString(), "create", "t", "a int");
    assertThat(created.code()).as(created.toString()).isZero();
    assertThat(created.err()).isEmpty();
    assertThat(dir.resolve("other/t/metadata/v1.metadata.json")).exists();
  }
}
