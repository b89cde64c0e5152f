package io.datashard.interop.flink;

import static io.datashard.interop.Orders.libraryRows;
import static io.datashard.interop.Orders.order;
import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Table;
import io.datashard.Warehouse;
import io.datashard.interop.ServeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Apache Flink SQL (2.0, local mini cluster, Apache Iceberg's Flink runtime 1.10) on DataShard tables through both
 * doors of docs/catalog.md: {@code catalog-impl=io.datashard.iceberg.DataShardCatalog} in Flink's own JVM, and
 * {@code catalog-type=rest} against {@code datashard serve} running as its own process. Flink's writes are read
 * exactly by the DataShard library, the library's appends by Flink, and both write one table at once.
 */
class FlinkSqlTest {
  private Path dir;
  private Path warehouse;
  private TableEnvironment flink;

  @BeforeEach
  void start() throws IOException {
    dir = Files.createTempDirectory("interop-flink");
    warehouse = dir.resolve("warehouse");
    Files.createDirectories(warehouse);
    flink = TableEnvironment.create(EnvironmentSettings.inBatchMode());
  }

  @AfterEach
  void stop() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private void sql(String statement) throws Exception {
    flink.executeSql(statement).await();
  }

  /** @return the query's rows as {@code [id, item, qty]} lists, in the query's order */
  private List<List<Object>> rows(String query) throws Exception {
    List<List<Object>> out = new ArrayList<>();
    try (CloseableIterator<Row> it = flink.executeSql(query).collect()) {
      while (it.hasNext()) {
        Row r = it.next();
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < r.getArity(); i++) {
          values.add(r.getField(i));
        }
        out.add(values);
      }
    }
    return out;
  }

  @Test
  void flinkAndTheLibraryWriteEachOthersTablesThroughCatalogImpl() throws Exception {
    sql("CREATE CATALOG ds WITH ('type'='iceberg', 'catalog-impl'='io.datashard.iceberg.DataShardCatalog', "
        + "'warehouse'='" + warehouse + "', 'datashard.use-environment'='false', 'cache-enabled'='false')");
    sql("CREATE DATABASE ds.sales");
    sql("CREATE TABLE ds.sales.orders (id BIGINT NOT NULL, item STRING, qty INT) PARTITIONED BY (item)");
    sql("INSERT INTO ds.sales.orders VALUES (1, 'book', 2), (2, 'pen', 3), (3, 'book', 1)");

    // Namespace sales is the folder <warehouse>/sales: a warehouse of its own for the library.
    try (Warehouse sales = Warehouse.local(warehouse.resolve("sales"))) {
      Table orders = sales.loadTable("orders");
      assertThat(orders.spec().fields()).hasSize(1);
      assertThat(libraryRows(orders)).containsExactly(List.of(1L, "book", 2), List.of(2L, "pen", 3),
          List.of(3L, "book", 1));
      long flinksSnapshot = orders.currentSnapshot().snapshotId();

      orders.appendRecords(List.of(order(4, "ink", 7)));
      assertThat(rows("SELECT id, item, qty FROM ds.sales.orders ORDER BY id")).containsExactly(
          List.of(1L, "book", 2), List.of(2L, "pen", 3), List.of(3L, "book", 1), List.of(4L, "ink", 7));

      // Flink's time travel reads the snapshot Flink wrote, before the library's append.
      assertThat(rows("SELECT id FROM ds.sales.orders /*+ OPTIONS('snapshot-id'='" + flinksSnapshot + "') */ "
          + "ORDER BY id")).containsExactly(List.of(1L), List.of(2L), List.of(3L));

      // Properties set by Flink are the library's table properties.
      sql("ALTER TABLE ds.sales.orders SET ('write.metadata.previous-versions-max'='7')");
      assertThat(orders.refresh().properties()).containsEntry("write.metadata.previous-versions-max", "7");

      // A partition filter Flink pushes down reads the library's rows too.
      assertThat(rows("SELECT id, qty FROM ds.sales.orders WHERE item = 'ink'")).containsExactly(List.of(4L, 7));
    }

    // A table the library creates in a namespace folder is Flink's table of that database.
    try (Warehouse sales = Warehouse.local(warehouse.resolve("sales"))) {
      Table returns = sales.createTable("returns", sales.loadTable("orders").schema());
      returns.appendRecords(List.of(order(10, "pen", 1)));
    }
    assertThat(rows("SELECT id, item, qty FROM ds.sales.`returns`")).containsExactly(List.of(10L, "pen", 1));
  }

  @Test
  void aStreamingInsertCommitsAtItsCheckpoints() throws Exception {
    // Streaming mode: Iceberg's Flink sink commits what it wrote when a checkpoint completes (checkpoints every
    // 500 ms; this bounded source's rows are committed by the final one), through the catalog's exclusive create.
    TableEnvironment streaming = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
    streaming.getConfig().set("execution.checkpointing.interval", "500 ms");
    streaming.executeSql("CREATE CATALOG ds WITH ('type'='iceberg', "
        + "'catalog-impl'='io.datashard.iceberg.DataShardCatalog', 'warehouse'='" + warehouse + "', "
        + "'datashard.use-environment'='false', 'cache-enabled'='false')").await();
    streaming.executeSql("CREATE DATABASE ds.events").await();
    streaming.executeSql("CREATE TABLE ds.events.clicks (id BIGINT NOT NULL, item STRING, qty INT)").await();
    String values = IntStream.range(0, 50).mapToObj(i -> "(" + i + ", 'item" + (i % 3) + "', " + i + ")")
        .collect(Collectors.joining(", "));
    streaming.executeSql("INSERT INTO ds.events.clicks SELECT * FROM (VALUES " + values + ") AS v(id, item, qty)")
        .await();

    try (Warehouse events = Warehouse.local(warehouse.resolve("events"))) {
      Table clicks = events.loadTable("clicks");
      List<List<Object>> rows = libraryRows(clicks);
      assertThat(rows).hasSize(50);
      for (int i = 0; i < 50; i++) {
        assertThat(rows.get(i)).containsExactly((long) i, "item" + (i % 3), i);
      }
      assertThat(clicks.currentSnapshot().summary()).containsEntry("operation", "append");
      assertThat(clicks.currentSnapshot().summary()).containsKey("flink.job-id");
    }
  }

  @Test
  void flinkThroughTheRestServerAndTheLibraryWriteOneTableAtOnce() throws Exception {
    try (ServeProcess server = ServeProcess.start(dir, Map.of(), "--warehouse", warehouse.toString(),
        "--insecure-no-auth")) {
      sql("CREATE CATALOG rest WITH ('type'='iceberg', 'catalog-type'='rest', 'uri'='" + server.uri() + "', "
          + "'cache-enabled'='false')");
      sql("CREATE DATABASE rest.shop");
      sql("CREATE TABLE rest.shop.orders (id BIGINT NOT NULL, item STRING, qty INT)");
      sql("INSERT INTO rest.shop.orders VALUES (1, 'book', 2)");

      try (Warehouse shop = Warehouse.local(warehouse.resolve("shop"))) {
        Table orders = shop.loadTable("orders");
        assertThat(libraryRows(orders)).containsExactly(List.of(1L, "book", 2));

        // Flink inserts through the server while the library appends to the same table's files directly: both
        // commit by exclusive create of the next version, so every acknowledged row is there exactly once.
        int flinkInserts = 4;
        int rowsPerInsert = 5;
        int libraryAppends = 20;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
          Future<?> library = pool.submit(() -> {
            for (int i = 0; i < libraryAppends; i++) {
              orders.appendRecords(List.of(order(1000 + i, "lib", i)));
            }
            return null;
          });
          Future<?> engine = pool.submit(() -> {
            for (int n = 0; n < flinkInserts; n++) {
              int first = 100 + n * rowsPerInsert;
              String values = IntStream.range(first, first + rowsPerInsert)
                  .mapToObj(id -> "(" + id + ", 'flink', " + id + ")").collect(Collectors.joining(", "));
              sql("INSERT INTO rest.shop.orders VALUES " + values);
            }
            return null;
          });
          library.get();
          engine.get();
        } finally {
          pool.shutdownNow();
        }

        Set<Long> expected = new HashSet<>(List.of(1L));
        IntStream.range(0, libraryAppends).forEach(i -> expected.add(1000L + i));
        IntStream.range(100, 100 + flinkInserts * rowsPerInsert).forEach(i -> expected.add((long) i));
        List<Long> seenByLibrary = new ArrayList<>();
        libraryRows(orders).forEach(r -> seenByLibrary.add((Long) r.get(0)));
        assertThat(seenByLibrary).doesNotHaveDuplicates();
        assertThat(new HashSet<>(seenByLibrary)).isEqualTo(expected);

        Map<Long, Integer> seenByFlink = new HashMap<>();
        rows("SELECT id FROM rest.shop.orders").forEach(r -> seenByFlink.merge((Long) r.get(0), 1, Integer::sum));
        assertThat(seenByFlink.keySet()).isEqualTo(expected);
        assertThat(seenByFlink.values()).containsOnly(1);
      }
    }
  }
}
