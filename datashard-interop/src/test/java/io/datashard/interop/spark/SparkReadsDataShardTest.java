package io.datashard.interop.spark;

import io.datashard.interop.TableShape;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.Warehouse;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Spark in local mode with Iceberg's Spark runtime reads DataShard tables by path ({@code format("iceberg")}, which
 * finds the current version through version-hint.text) and its aggregates match DataShard's answers.
 * Runs only with {@code -Pspark}.
 */
@Tag("spark")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkReadsDataShardTest {
  private Path dir;
  private Warehouse warehouse;
  private SparkSession spark;

  @BeforeAll
  void start() throws IOException {
    dir = Files.createTempDirectory("interop-spark");
    warehouse = Warehouse.local(dir.resolve("warehouse"));
    spark = LocalSpark.builder(dir, "datashard-interop")
        .config("spark.sql.session.timeZone", "UTC")
        // format("iceberg").load(path) goes through this catalog, which reads paths with HadoopTables; without a
        // type it would be a Hive catalog (and need a metastore).
        .config("spark.sql.catalog.default_iceberg", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.default_iceberg.type", "hadoop")
        .config("spark.sql.catalog.default_iceberg.warehouse", dir.resolve("warehouse").toUri().toString())
        .getOrCreate();
  }

  @AfterAll
  void stop() throws IOException {
    if (spark != null) {
      spark.stop();
    }
    warehouse.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private Dataset<Row> byPath(Table table) {
    return spark.read().format("iceberg").load(table.location());
  }

  @Test
  void aggregatesMatchDataShardSnapshotBySnapshot() {
    Table table = TableShape.severalSnapshots().build(warehouse);
    byPath(table).createOrReplaceTempView("events");
    Row row = spark.sql("SELECT count(*), sum(id), count(value), sum(value), count(DISTINCT event) FROM events")
        .collectAsList().get(0);
    List<io.datashard.Row> rows = table.scan().toList();
    assertThat(row.getLong(0)).isEqualTo(rows.size());
    assertThat(row.getLong(1)).isEqualTo(rows.stream().mapToLong(r -> (Long) r.getField("id")).sum());
    assertThat(row.getLong(2)).isEqualTo(rows.stream().filter(r -> r.getField("value") != null).count());
    assertThat(row.getDouble(3)).isCloseTo(rows.stream().map(r -> (Double) r.getField("value"))
        .filter(Objects::nonNull).mapToDouble(Double::doubleValue).sum(), org.assertj.core.data.Offset.offset(1e-6));
    assertThat(row.getLong(4)).isEqualTo(rows.stream().map(r -> r.getField("event")).distinct().count());

    // group-by answer, and time travel to every snapshot
    Map<String, Long> perEvent = new TreeMap<>();
    for (Row r : spark.sql("SELECT event, count(*) FROM events GROUP BY event").collectAsList()) {
      perEvent.put(r.getString(0), r.getLong(1));
    }
    assertThat(perEvent).isEqualTo(new TreeMap<>(rows.stream()
        .collect(Collectors.groupingBy(r -> (String) r.getField("event"), Collectors.counting()))));
    for (Snapshot s : table.snapshots()) {
      long count = spark.read().format("iceberg").option("versionAsOf", s.snapshotId()).load(table.location()).count();
      assertThat(count).as("snapshot %s", s.snapshotId()).isEqualTo(table.scan().useSnapshot(s.snapshotId()).count());
    }
  }

  @Test
  void decimalSumAndGroupsOverManyFiles() {
    Table table = TableShape.rollingFiles().build(warehouse);
    byPath(table).createOrReplaceTempView("rolling");
    Row row = spark.sql("SELECT count(*), sum(amount), count(name), max(n) FROM rolling").collectAsList().get(0);
    List<io.datashard.Row> rows = table.scan().toList();
    assertThat(row.getLong(0)).isEqualTo(rows.size());
    assertThat(row.getDecimal(1)).isEqualByComparingTo(rows.stream().map(r -> (BigDecimal) r.getField("amount"))
        .filter(Objects::nonNull).reduce(BigDecimal.ZERO, BigDecimal::add));
    assertThat(row.getLong(2)).isEqualTo(rows.stream().filter(r -> r.getField("name") != null).count());
    assertThat(row.getInt(3)).isEqualTo(99);
  }

  @Test
  void everyTypeIsReadAndFiltersFindTheirRows() {
    // Iceberg's Spark integration refuses tables with a time column ("Spark does not support time fields").
    Table table = TableShape.allTypesWithout("time").build(warehouse);
    byPath(table).createOrReplaceTempView("all_types");
    assertThat(spark.sql("SELECT count(*) FROM all_types").collectAsList().get(0).getLong(0)).isEqualTo(4);
    // The UUID filter that Iceberg <= 1.12 got wrong when files carried unsigned UUID bounds.
    for (UUID u : List.of(new UUID(0, 0), new UUID(-1, -1))) {
      List<Row> hit = spark.sql("SELECT id FROM all_types WHERE u = '" + u + "'").collectAsList();
      assertThat(hit).as("rows with u=%s", u).hasSize(1);
    }
    Row r = spark.sql("SELECT sum(i), min(date), max(ts), count(tstz), max(dec38), count(bin), count(fx), "
        + "count(s) FROM all_types").collectAsList().get(0);
    assertThat(r.getLong(0)).isEqualTo((long) Integer.MIN_VALUE + Integer.MAX_VALUE);
    assertThat(r.get(1).toString()).isEqualTo("0001-01-01");
    assertThat(r.getLong(3)).isEqualTo(3);
    assertThat(r.getDecimal(4)).isEqualByComparingTo("9999999999999999999999999999.9999999999");
    assertThat(r.getLong(5)).isEqualTo(3);
    assertThat(r.getLong(6)).isEqualTo(3);
    assertThat(r.getLong(7)).isEqualTo(3);
  }
}
