package io.datashard.interop.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.datashard.Field;
import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.Table;
import io.datashard.Types;
import io.datashard.Warehouse;
import io.datashard.encryption.EncryptionSettings;
import io.datashard.encryption.Pkcs12KeyStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What Spark (4.1, local mode, Iceberg's Spark runtime 1.12) can read of an encrypted DataShard table without
 * DataShard's keys, as docs/encryption.md states. Unlike Iceberg's generic readers, Spark's readers do not refuse a
 * file for its {@code key_metadata}: they open the Parquet file. So an encrypted footer fails every query (no row is
 * ever returned), while with a plaintext footer the unencrypted columns read exactly and the encrypted column
 * fails, through Iceberg and with Spark's own Parquet reader alike. Runs only with {@code -Pspark}.
 */
@Tag("spark")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkReadsEncryptedTableTest {
  private static final Schema SCHEMA = Schema.of(
      Field.required(1, "id", Types.LONG),
      Field.optional(2, "name", Types.STRING),
      Field.optional(3, "ssn", Types.STRING));
  private static final char[] PASSWORD = "spark-interop-password".toCharArray();

  private Path dir;
  private Warehouse warehouse;
  private SparkSession spark;

  @BeforeAll
  void start() throws IOException {
    dir = Files.createTempDirectory("interop-spark-encrypted");
    Path keys = dir.resolve("keys.p12");
    Pkcs12KeyStore.generateKey(keys, PASSWORD, "k1");
    warehouse = Warehouse.local(dir.resolve("warehouse")).withKeyManagement(Pkcs12KeyStore.open(keys, PASSWORD));
    spark = LocalSpark.builder(dir, "datashard-interop-encrypted")
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

  private Table table(String name, Map<String, String> props) {
    Table t = warehouse.createTable(name, SCHEMA, PartitionSpec.unpartitioned(), props);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (long i = 0; i < 100; i++) {
      rows.add(Map.of("id", i, "name", "n" + i, "ssn", "SSN-" + i));
    }
    t.appendRecords(rows);
    return t;
  }

  @Test
  void throughIcebergSparkCannotOpenAnEncryptedFooter() {
    Table t = table("sealed", Map.of(EncryptionSettings.KEY_ID, "k1"));
    Throwable failure = catchThrowable(() -> spark.read().format("iceberg").load(t.location())
        .select("id", "name").collectAsList());
    assertThat(failure).as("Iceberg's Spark reader on an encrypted footer").isNotNull();
    assertThat(rootMessages(failure)).contains("encrypted footer").contains("No keys available");
  }

  @Test
  void throughIcebergSparkReadsTheUnencryptedColumnsOfAPlaintextFooterTableOnly() {
    Table t = table("open", Map.of(EncryptionSettings.KEY_ID, "k1", EncryptionSettings.COLUMNS, "ssn",
        EncryptionSettings.FOOTER, "plaintext"));
    Set<String> read = spark.read().format("iceberg").load(t.location()).select("id", "name").collectAsList()
        .stream().map(r -> r.getString(1) + "/" + r.getLong(0)).collect(Collectors.toSet());
    assertThat(read).hasSize(100).isEqualTo(expected(t));
    Throwable encrypted = catchThrowable(() -> spark.read().format("iceberg").load(t.location())
        .select("ssn").collectAsList());
    assertThat(encrypted).as("the encrypted column without its key").isNotNull();
  }

  private static Set<String> expected(Table t) {
    return t.scan().select("id", "name").toList().stream()
        .map(r -> r.getString("name") + "/" + r.getLong("id")).collect(Collectors.toSet());
  }

  @Test
  void sparksParquetReaderReadsTheUnencryptedColumnsOfAPlaintextFooterFileOnly() {
    Table t = table("file", Map.of(EncryptionSettings.KEY_ID, "k1", EncryptionSettings.COLUMNS, "ssn",
        EncryptionSettings.FOOTER, "plaintext"));
    String file = t.scan().planFiles().get(0).file().location();
    Set<String> read = spark.read().parquet(file).select("id", "name").collectAsList().stream()
        .map(r -> r.getString(1) + "/" + r.getLong(0)).collect(Collectors.toSet());
    assertThat(read).hasSize(100).isEqualTo(expected(t));

    Throwable encrypted = catchThrowable(() -> spark.read().parquet(file).select("ssn").collectAsList());
    assertThat(encrypted).as("the encrypted column without its key").isNotNull();
  }

  @Test
  void sparksParquetReaderCannotOpenAnEncryptedFooterFile() {
    Table t = table("footer", Map.of(EncryptionSettings.KEY_ID, "k1"));
    String file = t.scan().planFiles().get(0).file().location();
    Throwable failure = catchThrowable(() -> spark.read().parquet(file).select("id").collectAsList());
    assertThat(failure).isNotNull();
    assertThat(rootMessages(failure)).contains("encrypted footer");
  }

  private static String rootMessages(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c.getMessage()).append(" | ");
    }
    return all.toString();
  }
}
