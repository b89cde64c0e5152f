// DataShard notebook: create a table, append, scan, filter, time travel, and analyse with Tablesaw.
// Run it with:  bin/jshell datashard-examples/jshell/notebook.jsh
// It uses a fresh temporary warehouse, so it can run any number of times, and removes it at the end. With
// DATASHARD_CATALOG_URI set it works on that REST catalog instead (docs/catalog.md), and drops its table at the end.

boolean onCatalog = System.getenv("DATASHARD_CATALOG_URI") != null;
Path notebookDir = onCatalog ? null : Files.createTempDirectory("datashard-notebook");
Warehouse wh = onCatalog ? Warehouse.fromEnvironment() : Warehouse.local(notebookDir);

Schema schema = Schema.of(
    Field.required(1, "user_id", Types.LONG),
    Field.required(2, "event", Types.STRING),
    Field.optional(3, "amount", Types.DOUBLE),
    Field.optional(4, "ts", Types.TIMESTAMP_TZ));

Table t = wh.createTable("user-events", schema);

// One atomic commit per appendRecords call.
Snapshot first = t.appendRecords(List.of(
    Map.of("user_id", 1L, "event", "login", "ts", OffsetDateTime.parse("2024-05-01T10:00:00Z")),
    Map.of("user_id", 2L, "event", "buy", "amount", 19.99, "ts", OffsetDateTime.parse("2024-05-01T10:05:00Z"))));

t.appendRecords(List.of(
    Map.of("user_id", 1L, "event", "buy", "amount", 5.25, "ts", OffsetDateTime.parse("2024-05-02T09:00:00Z")),
    Map.of("user_id", 3L, "event", "login", "ts", OffsetDateTime.parse("2024-05-02T09:30:00Z"))));

System.out.println("== all rows");
t.show();

System.out.println("== purchases (filter + select)");
t.scan().filter(equal("event", "buy")).select("user_id", "amount").show();

System.out.println("== time travel: the table as of the first snapshot");
t.scan().useSnapshot(first.snapshotId()).show();

System.out.println("== " + t.snapshots().size() + " snapshots, " + t.rowCount() + " rows now");

System.out.println("== Tablesaw: amount per event");
var df = Tablesaw.toTable(t);
System.out.println(df.summarize("amount", tech.tablesaw.aggregate.AggregateFunctions.sum).by("event"));

if (onCatalog) { wh.dropTable("user-events"); }
wh.close();
if (!onCatalog) {
  try (var paths = Files.walk(notebookDir)) { paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete()); }
}
/exit
