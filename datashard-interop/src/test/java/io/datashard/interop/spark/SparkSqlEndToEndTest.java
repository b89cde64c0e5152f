package io.datashard.interop.spark;

import io.datashard.interop.ServeProcess;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Table;
import io.datashard.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Spark SQL end to end through both doors onto one warehouse: the {@code catalog-impl} door
 * ({@code DataShardCatalog} inside Spark) and the REST door (a {@code datashard serve} started here, Spark's
 * Iceberg REST client). Spark creates a partitioned table, inserts, reads, travels in time, evolves the schema,
 * deletes, updates and merges (copy-on-write), and expires snapshots; after each step the DataShard library reads
 * exactly the rows Spark reads, and Spark reads what the library appends. Runs only with {@code -Pspark}.
 */
@Tag("spark")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkSqlEndToEndTest {
  private Path dir;
  private Path root;
  private ServeProcess server;
  private String serverUri;
  private SparkSession spark;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("interop-spark-e2e");
    root = dir.resolve("warehouse");
    Files.createDirectories(root);
    server = ServeProcess.start(dir, Map.of(), "--warehouse", root.toString(), "--insecure-no-auth");
    serverUri = server.uri().toString();
    spark = LocalSpark.builder(dir, "datashard-e2e")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.catalog.ds", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.ds.catalog-impl", "io.datashard.iceberg.DataShardCatalog")
        .config("spark.sql.catalog.ds.warehouse", root.toString())
        .config("spark.sql.catalog.ds.datashard.use-environment", "false")
        .config("spark.sql.catalog.ds.cache-enabled", "false")
        .config("spark.sql.catalog.rest", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.rest.type", "rest")
        .config("spark.sql.catalog.rest.uri", serverUri)
        .config("spark.sql.catalog.rest.cache-enabled", "false")
        .getOrCreate();
  }

  @AfterAll
  void stop() throws Exception {
    if (spark != null) {
      spark.stop();
    }
    if (server != null) {
      server.close(); // SIGTERM: the server stops gracefully
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private List<Row> sql(String q) {
    return spark.sql(q).collectAsList();
  }

  /** Spark's rows of the table as sorted text, and the library's, must be equal. */
  private void sameRows(String table, Table ds) {
    List<String> bySpark = new ArrayList<>();
    for (Row r : sql("SELECT id, category, amount, ts FROM " + table)) {
      bySpark.add(r.get(0) + "|" + r.get(1) + "|" + (r.get(2) == null ? null : ((java.math.BigDecimal) r.get(2))
          .toPlainString()) + "|" + (r.get(3) == null ? null : ((java.sql.Timestamp) r.get(3)).toInstant()));
    }
    List<String> byLibrary = new ArrayList<>();
    for (io.datashard.Row r : ds.refresh().scan().toList()) {
      Object ts = r.get("ts");
      byLibrary.add(r.get("id") + "|" + r.get("category") + "|" + (r.get("amount") == null ? null
          : r.getDecimal("amount").toPlainString()) + "|"
          + (ts == null ? null : ((java.time.OffsetDateTime) ts).toInstant()));
    }
    bySpark.sort(null);
    byLibrary.sort(null);
    assertThat(byLibrary).as("the library reads what Spark reads from %s", table).isEqualTo(bySpark);
  }

  @ParameterizedTest(name = "through {0}")
  @ValueSource(strings = {"ds", "rest"})
  void sparkSqlLifecycleIsReadExactlyByTheLibrary(String catalog) {
    String ns = "e2e_" + catalog;
    String t = catalog + "." + ns + ".orders";
    sql("CREATE NAMESPACE IF NOT EXISTS " + catalog + "." + ns);
    sql("CREATE TABLE " + t + " (id BIGINT NOT NULL, category STRING, amount DECIMAL(9,2), ts TIMESTAMP) "
        + "USING iceberg PARTITIONED BY (days(ts)) TBLPROPERTIES ('write.delete.mode'='copy-on-write', "
        + "'write.update.mode'='copy-on-write', 'write.merge.mode'='copy-on-write')");
    sql("INSERT INTO " + t + " VALUES (1, 'a', 1.50, TIMESTAMP '2024-05-01 10:00:00'), "
        + "(2, 'b', 2.00, TIMESTAMP '2024-05-02 11:00:00'), (3, 'a', NULL, TIMESTAMP '2024-05-02 12:00:00')");
    long first = sql("SELECT snapshot_id FROM " + t + ".snapshots ORDER BY committed_at").get(0).getLong(0);

    try (Warehouse wh = Warehouse.local(root.resolve(ns))) {
      Table ds = wh.loadTable("orders");
      assertThat(ds.spec().fields()).hasSize(1);
      sameRows(t, ds);

      // the library appends; Spark reads it
      ds.appendRecords(List.of(Map.of("id", 4L, "category", "lib", "amount", new java.math.BigDecimal("4.25"),
          "ts", java.time.Instant.parse("2024-05-03T00:00:00Z"))));
      assertThat(sql("SELECT count(*) FROM " + t).get(0).getLong(0)).isEqualTo(4);

      // time travel in Spark reads the first snapshot; the library agrees
      assertThat(sql("SELECT count(*) FROM " + t + " VERSION AS OF " + first).get(0).getLong(0)).isEqualTo(3);
      assertThat(ds.scan().useSnapshot(first).toList()).hasSize(3);

      // schema evolution: add, rename, widen
      sql("ALTER TABLE " + t + " ADD COLUMN note STRING");
      sql("ALTER TABLE " + t + " RENAME COLUMN category TO kind");
      sql("ALTER TABLE " + t + " ALTER COLUMN amount TYPE DECIMAL(12,2)");
      sql("INSERT INTO " + t + " VALUES (5, 'c', 5.00, TIMESTAMP '2024-05-04 00:00:00', 'evolved')");
      Table evolved = ds.refresh();
      assertThat(evolved.schema().columnNames()).containsExactly("id", "kind", "amount", "ts", "note");
      assertThat(evolved.schema().findField("amount").type()).isEqualTo(io.datashard.Types.decimal(12, 2));
      List<io.datashard.Row> five = evolved.scan().filter(io.datashard.expressions.Expressions.equal("id", 5L)).toList();
      assertThat(five).hasSize(1);
      assertThat(five.get(0).getString("note")).isEqualTo("evolved");
      assertThat(evolved.scan().filter(io.datashard.expressions.Expressions.equal("id", 1L)).toList().get(0)
          .getString("kind")).isEqualTo("a");

      // row-level changes, copy-on-write
      sql("DELETE FROM " + t + " WHERE id = 2");
      sql("UPDATE " + t + " SET amount = 9.99 WHERE id = 3");
      sql("CREATE OR REPLACE TEMPORARY VIEW src_" + catalog + " AS SELECT * FROM VALUES "
          + "(1L, 'merged', CAST(7.00 AS DECIMAL(12,2))), (6L, 'new', CAST(6.00 AS DECIMAL(12,2))) AS s(id, kind, amount)");
      sql("MERGE INTO " + t + " t USING src_" + catalog + " s ON t.id = s.id "
          + "WHEN MATCHED THEN UPDATE SET t.kind = s.kind, t.amount = s.amount "
          + "WHEN NOT MATCHED THEN INSERT (id, kind, amount, ts, note) VALUES (s.id, s.kind, s.amount, "
          + "TIMESTAMP '2024-05-05 00:00:00', NULL)");
      List<String> bySpark = new ArrayList<>();
      for (Row r : sql("SELECT id, kind, CAST(amount AS STRING) FROM " + t + " ORDER BY id")) {
        bySpark.add(r.get(0) + "|" + r.get(1) + "|" + r.get(2));
      }
      assertThat(bySpark).containsExactly("1|merged|7.00", "3|a|9.99", "4|lib|4.25", "5|c|5.00", "6|new|6.00");
      List<String> byLibrary = new ArrayList<>();
      for (io.datashard.Row r : ds.refresh().scan().toList()) {
        byLibrary.add(r.get("id") + "|" + r.get("kind") + "|" + r.getDecimal("amount").toPlainString());
      }
      byLibrary.sort(null);
      assertThat(byLibrary).isEqualTo(bySpark);

      // Spark's snapshot expiry; the library still reads the current snapshot and sees fewer snapshots
      int before = ds.refresh().snapshots().size();
      sql("CALL " + catalog + ".system.expire_snapshots(table => '" + ns + ".orders', older_than => TIMESTAMP "
          + "'2999-01-01 00:00:00', retain_last => 1)");
      assertThat(ds.refresh().snapshots()).hasSizeLessThan(before).hasSize(1);
      assertThat(ds.scan().toList()).hasSize(5);
    }
  }
}
