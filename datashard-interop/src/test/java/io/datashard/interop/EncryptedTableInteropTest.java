package io.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.Field;
import io.datashard.PartitionSpec;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.Table;
import io.datashard.Types;
import io.datashard.Warehouse;
import io.datashard.encryption.EncryptionSettings;
import io.datashard.encryption.KeyMetadata;
import io.datashard.encryption.Pkcs12KeyStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.parquet.Parquet;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What engines without DataShard's keys can read of an encrypted DataShard table, as docs/encryption.md claims:
 * Apache Iceberg's library (1.12) plans such a table (manifests and {@code key_metadata} are plain Iceberg v2) but
 * cannot read an encrypted footer, and reads the unencrypted columns of a plaintext-footer table; plain parquet-java
 * reads a plaintext footer and the unencrypted columns' statistics; Iceberg's own key-metadata parser refuses
 * DataShard's format.
 */
class EncryptedTableInteropTest {
  private static final Schema SCHEMA = Schema.of(
      Field.required(1, "id", Types.LONG),
      Field.optional(2, "name", Types.STRING),
      Field.optional(3, "ssn", Types.STRING));
  private static final char[] PASSWORD = "interop-password".toCharArray();

  @TempDir
  Path temp;
  private Warehouse wh;

  @BeforeEach
  void warehouse() {
    Path keys = temp.resolve("keys.p12");
    Pkcs12KeyStore.generateKey(keys, PASSWORD, "k1");
    wh = Warehouse.local(temp.resolve("wh")).withKeyManagement(Pkcs12KeyStore.open(keys, PASSWORD));
  }

  private Table table(String name, Map<String, String> props) {
    Table t = wh.createTable(name, SCHEMA, PartitionSpec.unpartitioned(), props);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (long i = 0; i < 100; i++) {
      rows.add(Map.of("id", i, "name", "n" + i, "ssn", "SSN-" + i));
    }
    t.appendRecords(rows);
    return t;
  }

  private static org.apache.iceberg.Table iceberg(Table t) {
    return new HadoopTables(new Configuration()).load(t.location());
  }

  @Test
  void icebergPlansAnEncryptedFooterTableButCannotReadItsRows() throws Exception {
    Table t = table("sealed", Map.of(EncryptionSettings.KEY_ID, "k1"));
    org.apache.iceberg.Table ice = iceberg(t);
    List<DataFile> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = ice.newScan().includeColumnStats().planFiles()) {
      tasks.forEach(task -> files.add(task.file()));
    }
    assertThat(files).hasSize(1);
    DataFile f = files.get(0);
    assertThat(KeyMetadata.parse(f.keyMetadata()).masterKeyId()).isEqualTo("k1");
    assertThat(f.lowerBounds() == null ? Map.of() : f.lowerBounds()).isEmpty();
    assertThat(f.recordCount()).isEqualTo(100);
    // Iceberg's readers refuse a data file with key_metadata unless the table has an encryption manager
    assertThatThrownBy(() -> {
      try (CloseableIterable<Record> rows = IcebergGenerics.read(ice).select("id").build()) {
        rows.forEach(r -> { });
      }
    }).hasMessageContaining("Cannot decrypt data file");
    // and at the Parquet level, without keys, the encrypted footer itself is unreadable
    assertThatThrownBy(() -> readWithIcebergParquet(ice, f.location(), "id"))
        .hasStackTraceContaining("encrypted footer");
  }

  /** Reads columns of one file with Iceberg's Parquet reader directly (what an engine ignoring key_metadata does). */
  private static List<Record> readWithIcebergParquet(org.apache.iceberg.Table ice, String location,
      String... columns) throws Exception {
    org.apache.iceberg.Schema projection = ice.schema().select(columns);
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> it = Parquet.read(ice.io().newInputFile(location)).project(projection)
        .createReaderFunc(fs -> GenericParquetReaders.buildReader(projection, fs)).build()) {
      it.forEach(r -> rows.add(r.copy()));
    }
    return rows;
  }

  @Test
  void icebergReadsTheUnencryptedColumnsOfAPlaintextFooterTable() throws Exception {
    Table t = table("open", Map.of(EncryptionSettings.KEY_ID, "k1", EncryptionSettings.COLUMNS, "ssn",
        EncryptionSettings.FOOTER, "plaintext"));
    org.apache.iceberg.Table ice = iceberg(t);
    // Iceberg's table readers still refuse the file: it has key_metadata and the table no encryption manager
    assertThatThrownBy(() -> {
      try (CloseableIterable<Record> rows = IcebergGenerics.read(ice).select("id", "name").build()) {
        rows.forEach(r -> { });
      }
    }).hasMessageContaining("Cannot decrypt data file");
    // At the Parquet level the format allows it: the unencrypted columns read without any key.
    String location = EncryptedFiles.first(t);
    Set<String> names = readWithIcebergParquet(ice, location, "id", "name").stream()
        .map(r -> r.getField("name") + "/" + r.getField("id")).collect(Collectors.toSet());
    Set<String> expected = t.scan().select("id", "name").toList().stream()
        .map(r -> r.getString("name") + "/" + r.getLong("id")).collect(Collectors.toSet());
    assertThat(names).hasSize(100).isEqualTo(expected);
    // the encrypted column does not
    assertThatThrownBy(() -> readWithIcebergParquet(ice, location, "ssn")).isInstanceOf(Exception.class);
    assertThat(t.scan().toList()).extracting(r -> ((Row) r).getString("ssn")).contains("SSN-42");
  }

  @Test
  void plainParquetJavaReadsAPlaintextFooterWithoutTheEncryptedColumnsStatistics() throws Exception {
    Table t = table("footer", Map.of(EncryptionSettings.KEY_ID, "k1", EncryptionSettings.COLUMNS, "ssn",
        EncryptionSettings.FOOTER, "plaintext"));
    String location = EncryptedFiles.first(t);
    try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(
        new org.apache.hadoop.fs.Path(location), new Configuration()))) {
      BlockMetaData block = r.getFooter().getBlocks().get(0);
      for (ColumnChunkMetaData c : block.getColumns()) {
        String col = c.getPath().toDotString();
        if (col.equals("ssn")) {
          assertThat(c.isEncrypted()).isTrue();
        } else {
          assertThat(c.isEncrypted()).as(col).isFalse();
          assertThat(c.getStatistics().hasNonNullValue()).as(col).isTrue();
        }
      }
    }
  }

  @Test
  void duckDbReadsTheUnencryptedColumnsOfAPlaintextFooterFile() throws Exception {
    Table t = table("duck", Map.of(EncryptionSettings.KEY_ID, "k1", EncryptionSettings.COLUMNS, "ssn",
        EncryptionSettings.FOOTER, "plaintext"));
    String location = EncryptedFiles.first(t).replaceFirst("^file:", "");
    try (java.sql.Connection duck = java.sql.DriverManager.getConnection("jdbc:duckdb:");
         java.sql.Statement st = duck.createStatement()) {
      String report;
      try (java.sql.ResultSet rs = st.executeQuery("select count(*), sum(id), min(name) from read_parquet('"
          + location + "')")) {
        rs.next();
        report = rs.getLong(1) + "/" + rs.getLong(2) + "/" + rs.getString(3);
      }
      assertThat(report).isEqualTo("100/4950/n0");
      assertThatThrownBy(() -> st.executeQuery("select max(ssn) from read_parquet('" + location + "')").next())
          .isInstanceOf(java.sql.SQLException.class);
    }
  }

  @Test
  void icebergsOwnKeyMetadataParserRefusesDataShardsFormat() throws Exception {
    Table t = table("format", Map.of(EncryptionSettings.KEY_ID, "k1"));
    ByteBuffer km = ByteBuffer.wrap(EncryptedFiles.keyMetadata(t));
    Class<?> standard = Class.forName("org.apache.iceberg.encryption.StandardKeyMetadata");
    Method parse = standard.getDeclaredMethod("parse", ByteBuffer.class);
    parse.setAccessible(true);
    assertThatThrownBy(() -> {
      try {
        parse.invoke(null, km);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }).isInstanceOf(RuntimeException.class).hasMessageContaining("version");
  }

  /** The files of a DataShard table, through DataShard's own manifest reader. */
  static final class EncryptedFiles {
    static String first(Table t) {
      return files(t).get(0).location();
    }

    static byte[] keyMetadata(Table t) {
      ByteBuffer b = files(t).get(0).keyMetadata();
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    }

    private static List<io.datashard.metadata.DataFile> files(Table t) {
      io.datashard.table.TableHandle bt = (io.datashard.table.TableHandle) t;
      List<io.datashard.metadata.DataFile> out = new ArrayList<>();
      for (var m : bt.files().manifests(bt.metadata().currentSnapshot().manifestListLocation())) {
        for (var e : bt.files().entries(m)) {
          out.add(e.file());
        }
      }
      return out;
    }
  }
}
