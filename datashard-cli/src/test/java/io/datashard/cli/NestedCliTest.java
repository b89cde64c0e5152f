package io.datashard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Row;
import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nested columns through the command line: schema language, JSON Lines and Parquet input, output, describe. */
class NestedCliTest {
  @TempDir
  Path dir;

  Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(dir.resolve("wh"));
  }

  private Cli.Result ok(String... args) {
    Cli.Result r = cli.run(args);
    assertThat(r.code()).as(r.toString()).isZero();
    return r;
  }

  private static final String SCHEMA = "id long not null, "
      + "payload struct<user: struct<id: long not null, name: string>, tags: list<string>>, "
      + "items list<struct<sku: string not null, price: decimal(9,2), qty: int>>, "
      + "attrs map<string, list<double not null>>";

  @Test
  void jsonLinesObjectsAndArraysBecomeStructsListsAndMapsAndComeBackAsJson() throws Exception {
    Cli.Result created = ok("create", "events", SCHEMA);
    assertThat(created.out()).contains("payload", "  user", "    id", "items", "  element", "attrs", "  key", "  value");
    Path in = dir.resolve("events.jsonl");
    Files.writeString(in, """
        {"id": 1, "payload": {"user": {"id": 7, "name": "ann"}, "tags": ["a", "b"]}, "items": [{"sku": "x", "price": 12.50, "qty": 2}, {"sku": "y"}], "attrs": {"s": [1.5, 2.5]}}
        {"id": 2}
        {"id": 3, "payload": {"user": null, "tags": []}, "items": [], "attrs": {}}
        """);
    ok("append", "events", in.toString());

    Cli.Result jsonl = ok("scan", "events", "--format", "jsonl", "--where", "payload.user.id = 7");
    assertThat(jsonl.out().trim()).isEqualTo("{\"id\":1,\"payload\":{\"user\":{\"id\":7,\"name\":\"ann\"},"
        + "\"tags\":[\"a\",\"b\"]},\"items\":[{\"sku\":\"x\",\"price\":12.50,\"qty\":2},"
        + "{\"sku\":\"y\",\"price\":null,\"qty\":null}],\"attrs\":{\"s\":[1.5,2.5]}}");
    Cli.Result csv = ok("scan", "events", "--format", "csv", "--select", "id,payload.tags", "--where", "id = 3");
    assertThat(csv.out()).contains("id,payload", "3,\"{\"\"tags\"\":[]}\"");
    Cli.Result table = ok("scan", "events", "--where", "id = 1", "--select", "payload.user");
    assertThat(table.out()).contains("{\"user\":{\"id\":7,\"name\":\"ann\"}}");

    try (Warehouse wh = Warehouse.local(dir.resolve("wh"))) {
      List<Row> rows = wh.loadTable("events").scan().toList();
      rows.sort(Comparator.comparing(r -> r.getLong("id")));
      assertThat(rows.get(0).<Row>getList("items").get(0).getDecimal("price")).isEqualByComparingTo("12.50");
      assertThat(rows.get(2).getStruct("payload").getStruct("user")).isNull();
    }

    Cli.Result describe = ok("describe", "events");
    assertThat(describe.out()).contains("payload", "struct", "    name", "string", "element", "decimal(9,2)");
  }

  @Test
  void aBadNestedValueNamesItsPathAndLineAndTheTableIsUnchanged() throws Exception {
    ok("create", "events", SCHEMA);
    Path in = dir.resolve("bad.jsonl");
    Files.writeString(in, """
        {"id": 1}
        {"id": 2, "items": [{"sku": "a"}, {"sku": "b", "price": "12,5"}]}
        """);
    Cli.Result r = cli.run("append", "events", in.toString());
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("line 2", "items[1].price", "12,5");
    Files.writeString(in, "{\"id\": 1, \"payload\": {\"user\": {\"name\": \"x\"}}}\n");
    assertThat(cli.run("append", "events", in.toString()).err()).contains("payload.user.id", "required");
    Files.writeString(in, "{\"id\": 1, \"payload\": {\"usr\": {}}}\n");
    assertThat(cli.run("append", "events", in.toString()).err()).contains("'usr'", "user, tags");
    try (Warehouse wh = Warehouse.local(dir.resolve("wh"))) {
      assertThat(wh.loadTable("events").currentSnapshot()).isNull();
    }
    assertThat(cli.run("create", "t2", "a struct<>").err()).contains("column 'a'");
  }

  @Test
  void nestedParquetWrittenByAnotherTableIsAccepted() throws Exception {
    try (Warehouse wh = Warehouse.local(dir.resolve("wh"))) {
      Table src = wh.createTable("src", TestSchemas.nestedEvents());
      src.appendRecords(TestSchemas.nestedEventRows());
      wh.createTable("dst", TestSchemas.nestedEvents());
      List<Path> files;
      try (var walk = Files.walk(dir.resolve("wh/src/data"))) {
        files = walk.filter(p -> p.toString().endsWith(".parquet")).toList();
      }
      String[] args = new String[files.size() + 2];
      args[0] = "append";
      args[1] = "dst";
      for (int i = 0; i < files.size(); i++) {
        args[i + 2] = files.get(i).toString();
      }
      ok(args);
      List<Row> a = src.scan().toList();
      List<Row> b = wh.loadTable("dst").scan().toList();
      a.sort(Comparator.comparing(r -> r.getLong("id")));
      b.sort(Comparator.comparing(r -> r.getLong("id")));
      assertThat(b).isEqualTo(a);
    }
  }
}
