package io.datashard.interop.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Spark SQL through {@code catalog-impl=io.datashard.iceberg.DataShardCatalog} (docs/catalog.md): Spark and the
 * DataShard library write each other's tables. Runs only with {@code -Pspark}.
 */
@Tag("spark")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkCatalogImplTest {
  private Path dir;
  private Path root;
  private SparkSession spark;

  @BeforeAll
  void start() throws IOException {
    dir = Files.createTempDirectory("interop-spark-catalog");
    root = dir.resolve("warehouse");
    spark = LocalSpark.builder(dir, "datashard-catalog-impl")
        .config("spark.sql.catalog.ds", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.ds.catalog-impl", "io.datashard.iceberg.DataShardCatalog")
        .config("spark.sql.catalog.ds.warehouse", root.toString())
        .config("spark.sql.catalog.ds.datashard.use-environment", "false")
        // Other writers (the library) commit to these tables: every query loads the latest version.
        .config("spark.sql.catalog.ds.cache-enabled", "false")
        .getOrCreate();
  }

  @AfterAll
  void stop() throws IOException {
    if (spark != null) {
      spark.stop();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static List<Long> ids(Table t) {
    List<Long> ids = new ArrayList<>();
    for (io.datashard.Row r : t.refresh().scan().toList()) {
      ids.add((Long) r.get("id"));
    }
    ids.sort(null);
    return ids;
  }

  @Test
  void sparkAndTheLibraryAppendToEachOthersTables() {
    try (Warehouse wh = Warehouse.local(root)) {
      Table events = wh.createTable("events", TestSchemas.EVENTS);
      events.appendRecords(List.of(TestSchemas.event(1, "a", 1.0), TestSchemas.event(2, "b", null)));

      // The library's table is the catalog's table `events` of the root namespace.
      assertThat(spark.sql("SELECT count(*), sum(id) FROM ds.events").collectAsList().get(0).getLong(1)).isEqualTo(3);
      spark.sql("INSERT INTO ds.events VALUES (3, 'c', 3.0), (4, 'd', NULL)");
      assertThat(ids(events)).containsExactly(1L, 2L, 3L, 4L);

      // A table Spark creates in the root namespace is a library table.
      spark.sql("CREATE TABLE ds.made_by_spark (id BIGINT NOT NULL, event STRING NOT NULL, value DOUBLE) USING iceberg");
      spark.sql("INSERT INTO ds.made_by_spark VALUES (10, 'x', 0.5)");
      Table bySpark = wh.loadTable("made_by_spark");
      bySpark.appendRecords(List.of(TestSchemas.event(11, "y", 1.5)));
      List<Row> rows = spark.sql("SELECT id FROM ds.made_by_spark ORDER BY id").collectAsList();
      assertThat(rows).extracting(r -> r.getLong(0)).containsExactly(10L, 11L);
      assertThat(ids(bySpark)).containsExactly(10L, 11L);
    }

    // Namespaces are folders; a namespace folder is a library warehouse.
    spark.sql("CREATE NAMESPACE ds.sales");
    spark.sql("CREATE TABLE ds.sales.orders (id BIGINT NOT NULL, event STRING NOT NULL, value DOUBLE) USING iceberg");
    spark.sql("INSERT INTO ds.sales.orders VALUES (20, 'o', 2.0)");
    assertThat(spark.sql("SHOW TABLES IN ds.sales").collectAsList()).extracting(r -> r.getString(1))
        .containsExactly("orders");
    try (Warehouse sales = Warehouse.local(root.resolve("sales"))) {
      assertThat(ids(sales.loadTable("orders"))).containsExactly(20L);
    }
  }

  @Test
  void sparkWritesAndReadsNestedRowsOfTheLibrarysTables() {
    try (Warehouse wh = Warehouse.local(root)) {
      Table t = wh.createTable("nested", TestSchemas.nestedEvents());
      t.appendRecords(TestSchemas.nestedEventRows());

      // Spark reads the library's structs, lists of structs and maps
      Row first = spark.sql("SELECT payload.user.id, payload.user.name, size(payload.tags), items[0].sku, "
          + "CAST(items[0].price AS STRING), size(items), attrs['scores'][1] FROM ds.nested WHERE id = 1")
          .collectAsList().get(0);
      assertThat(first.getLong(0)).isEqualTo(7L);
      assertThat(first.getString(1)).isEqualTo("ann");
      assertThat(first.getInt(2)).isEqualTo(2);
      assertThat(first.getString(3)).isEqualTo("x1");
      assertThat(first.getString(4)).isEqualTo("12.50");
      assertThat(first.getInt(5)).isEqualTo(2);
      assertThat(first.getDouble(6)).isEqualTo(2.5);
      assertThat(spark.sql("SELECT count(*) FROM ds.nested WHERE payload.user.id IS NULL").collectAsList().get(0)
          .getLong(0)).isEqualTo(2);

      // Spark writes nested rows into the library's table; the library reads them exactly
      spark.sql("INSERT INTO ds.nested VALUES (20, named_struct('user', named_struct('id', 70L, 'name', 'spark'), "
          + "'tags', array('s', NULL)), array(named_struct('sku', 'z', 'price', CAST(3.25 AS DECIMAL(9,2)), "
          + "'qty', 4), NULL), map('k', array(0.5D, 1.5D)))");
      spark.sql("INSERT INTO ds.nested VALUES (21, NULL, array(), map())");
      List<io.datashard.Row> rows = new ArrayList<>(t.refresh().scan()
          .filter(io.datashard.expressions.Expressions.greaterThanOrEqual("id", 20)).toList());
      rows.sort(Comparator.comparing(r -> r.getLong("id")));
      assertThat(rows).hasSize(2);
      io.datashard.Row a = rows.get(0);
      assertThat(a.getLong("payload.user.id")).isEqualTo(70L);
      assertThat(a.getString("payload.user.name")).isEqualTo("spark");
      assertThat(a.<String>getList("payload.tags")).containsExactly("s", null);
      List<io.datashard.Row> items = a.getList("items");
      assertThat(items).hasSize(2);
      assertThat(items.get(0).getString("sku")).isEqualTo("z");
      assertThat(items.get(0).getDecimal("price")).isEqualByComparingTo("3.25");
      assertThat(items.get(0).getInt("qty")).isEqualTo(4);
      assertThat(items.get(1)).isNull();
      assertThat(a.<String, List<Double>>getMap("attrs")).containsExactly(java.util.Map.entry("k", List.of(0.5, 1.5)));
      io.datashard.Row b = rows.get(1);
      assertThat(b.getStruct("payload")).isNull();
      assertThat(b.getList("items")).isEmpty();
      assertThat(b.getMap("attrs")).isEmpty();
    }
  }
}
