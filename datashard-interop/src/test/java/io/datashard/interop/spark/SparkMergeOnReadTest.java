package io.datashard.interop.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.Table;
import io.datashard.TableProperties;
import io.datashard.Types;
import io.datashard.Warehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;

/**
 * Row-level changes in merge-on-read mode across engines (issue 16), on tables both reach through
 * {@code catalog-impl=io.datashard.iceberg.DataShardCatalog}: Spark's {@code DELETE}, {@code UPDATE} and
 * {@code MERGE INTO} write delete files that DataShard applies exactly as Spark does, and DataShard's merge-on-read
 * deletes and upserts (position and equality delete files) read back identically in Spark, after every step.
 * Runs only with {@code -Pspark}.
 */
@Tag("spark")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkMergeOnReadTest {
  private static final Schema SCHEMA = Schema.builder()
      .required("id", Types.LONG)
      .required("category", Types.STRING)
      .optional("amount", Types.LONG)
      .build();
  private static final Map<String, String> MERGE_ON_READ = Map.of(
      TableProperties.DELETE_MODE, TableProperties.DELETE_MODE_MERGE_ON_READ,
      "write.update.mode", "merge-on-read",
      "write.merge.mode", "merge-on-read");

  private Path dir;
  private Path root;
  private SparkSession spark;

  @BeforeAll
  void start() throws IOException {
    dir = Files.createTempDirectory("interop-spark-mor");
    root = dir.resolve("warehouse");
    spark = LocalSpark.builder(dir, "datashard-merge-on-read")
        .config("spark.sql.catalog.ds", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.ds.catalog-impl", "io.datashard.iceberg.DataShardCatalog")
        .config("spark.sql.catalog.ds.warehouse", root.toString())
        .config("spark.sql.catalog.ds.datashard.use-environment", "false")
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

  /** @return id -> "category/amount" as DataShard reads the table */
  private static Map<Long, String> dataShard(Table t) {
    Map<Long, String> rows = new TreeMap<>();
    for (io.datashard.Row r : t.refresh().scan().toList()) {
      String previous = rows.put(r.getLong("id"), r.getString("category") + "/" + r.get("amount"));
      assertThat(previous).as("id %s read twice by DataShard", r.getLong("id")).isNull();
    }
    return rows;
  }

  /** @return id -> "category/amount" as Spark reads the table */
  private Map<Long, String> spark(String table) {
    Map<Long, String> rows = new TreeMap<>();
    for (Row r : spark.sql("SELECT id, category, amount FROM ds." + table).collectAsList()) {
      String previous = rows.put(r.getLong(0), r.getString(1) + "/" + (r.isNullAt(2) ? null : r.getLong(2)));
      assertThat(previous).as("id %s read twice by Spark", r.getLong(0)).isNull();
    }
    return rows;
  }

  private static List<Map<String, Object>> rows(long from, long to, String category) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (long id = from; id < to; id++) {
      rows.add(Map.of("id", id, "category", category, "amount", id * 10));
    }
    return rows;
  }

  private void sameInBoth(Table t, String step) {
    Map<Long, String> bySpark = spark(t.name());
    assertThat(dataShard(t)).as("after %s: DataShard reads what Spark reads", step).isEqualTo(bySpark);
  }

  /** @return the merge-on-read properties of a table of that format version (3: deletes are deletion vectors) */
  private static Map<String, String> mergeOnRead(int formatVersion) {
    Map<String, String> props = new java.util.HashMap<>(MERGE_ON_READ);
    props.put("format-version", String.valueOf(formatVersion));
    return props;
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "format version {0}")
  @org.junit.jupiter.params.provider.ValueSource(ints = {2, 3})
  void sparksDeleteUpdateAndMergeAreReadExactlyByDataShard(int formatVersion) {
    for (PartitionSpec spec : List.of(PartitionSpec.unpartitioned(),
        PartitionSpec.builderFor(SCHEMA).identity("category").build())) {
      String name = (spec.isUnpartitioned() ? "spark_mor" : "spark_mor_parted") + "_v" + formatVersion;
      try (Warehouse wh = Warehouse.local(root)) {
        Table t = wh.createTable(name, SCHEMA, spec, mergeOnRead(formatVersion));
        t.appendRecords(rows(0, 50, "a"));
        t.appendRecords(rows(50, 100, "b"));

        spark.sql("DELETE FROM ds." + name + " WHERE id % 7 = 0");
        assertThat(t.refresh().currentSnapshot().summary()).as("Spark wrote delete files, not rewrites")
            .containsKey("added-delete-files");
        if (formatVersion == 3) {
          assertThat(t.scan().planFiles()).flatExtracting(io.datashard.FileScanTask::deletes)
              .extracting(io.datashard.ContentFile::fileFormat).as("Spark's v3 deletes are deletion vectors")
              .containsOnly("PUFFIN");
        }
        sameInBoth(t, "DELETE");
        assertThat(dataShard(t)).hasSize(100 - 15).doesNotContainKeys(0L, 7L, 98L);

        spark.sql("UPDATE ds." + name + " SET amount = -1 WHERE id BETWEEN 40 AND 60");
        sameInBoth(t, "UPDATE");
        assertThat(dataShard(t)).containsEntry(45L, "a/-1").containsEntry(55L, "b/-1").doesNotContainKey(42L);

        spark.sql("CREATE OR REPLACE TEMPORARY VIEW changes AS SELECT * FROM VALUES "
            + "(1L, 'a', 1000L), (200L, 'c', 2000L), (3L, 'a', 3000L) AS v(id, category, amount)");
        spark.sql("MERGE INTO ds." + name + " t USING changes s ON t.id = s.id "
            + "WHEN MATCHED THEN UPDATE SET t.amount = s.amount WHEN NOT MATCHED THEN INSERT *");
        sameInBoth(t, "MERGE INTO");
        assertThat(dataShard(t)).containsEntry(1L, "a/1000").containsEntry(3L, "a/3000")
            .containsEntry(200L, "c/2000").hasSize(100 - 15 + 1);

        // and DataShard's own appends on top of Spark's delete files
        t.appendRecords(rows(300, 305, "a"));
        sameInBoth(t, "a DataShard append");
        if (formatVersion == 3) {
          // DataShard's deletion vectors merge Spark's: one vector per data file, read the same by both
          t.deleteWhere(io.datashard.expressions.Expressions.equal("id", 1L));
          sameInBoth(t, "a DataShard delete after Spark's vectors");
          assertThat(t.refresh().scan().planFiles()).allSatisfy(task -> assertThat(task.deletes().stream()
              .filter(d -> "PUFFIN".equals(d.fileFormat())).count()).isLessThanOrEqualTo(1));
          assertThat(spark.sql("SELECT count(DISTINCT _row_id), count(*) FROM ds." + name).collectAsList().get(0)
              .getLong(0)).as("row ids unique as Spark reads them").isEqualTo(dataShard(t).size());
        }
      }
    }
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "format version {0}")
  @org.junit.jupiter.params.provider.ValueSource(ints = {2, 3})
  void dataShardsMergeOnReadDeletesAndUpsertsReadIdenticallyInSpark(int formatVersion) {
    for (PartitionSpec spec : List.of(PartitionSpec.unpartitioned(),
        PartitionSpec.builderFor(SCHEMA).identity("category").build())) {
      String name = (spec.isUnpartitioned() ? "ds_mor" : "ds_mor_parted") + "_v" + formatVersion;
      try (Warehouse wh = Warehouse.local(root)) {
        Table t = wh.createTable(name, SCHEMA, spec, mergeOnRead(formatVersion));
        t.appendRecords(rows(0, 60, "a"));
        t.appendRecords(rows(60, 120, "b"));
        t.updateSchema().setIdentifierFields(List.of("id")).commit();

        t.deleteWhere(io.datashard.expressions.Expressions.lessThan("id", 10L));
        assertThat(t.currentSnapshot().summary()).containsKey("added-delete-files");
        sameInBoth(t, "a DataShard position delete");

        List<Map<String, Object>> upserts = new ArrayList<>();
        upserts.add(Map.of("id", 15L, "category", "a", "amount", 1L));
        upserts.add(Map.of("id", 70L, "category", "b", "amount", 2L));
        upserts.add(Map.of("id", 500L, "category", "c", "amount", 3L));
        t.upsert(upserts);
        sameInBoth(t, "a DataShard upsert");
        assertThat(spark(name)).containsEntry(15L, "a/1").containsEntry(70L, "b/2").containsEntry(500L, "c/3")
            .hasSize(120 - 10 + 1);

        // Spark deletes on top of DataShard's delete files
        spark.sql("DELETE FROM ds." + name + " WHERE id >= 110");
        sameInBoth(t, "a Spark delete after DataShard's");
      }
    }
  }
}
