package io.datashard.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.iceberg.io.FileIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Catalog properties and {@code DATASHARD_*} variables configure the catalog like the library. */
class WarehouseSettingsTest {
  @TempDir
  Path dir;

  @Test
  void anS3WarehouseUriSetsTheStorageTypeAndWinsOverTheEnvironment() {
    Map<String, String> env = WarehouseSettings.toEnvironment(
        Map.of("warehouse", "s3://bucket/some/prefix", "s3.endpoint", "http://127.0.0.1:9000",
            "s3.path-style", "true", "DATASHARD_S3_REGION", "eu-west-1"),
        Map.of("DATASHARD_STORAGE_TYPE", "local", "DATASHARD_S3_BUCKET", "other", "DATASHARD_S3_ACCESS_KEY", "ak",
            "HOME", "/root"));
    assertThat(env).containsEntry("DATASHARD_STORAGE_TYPE", "s3")
        .containsEntry("DATASHARD_WAREHOUSE", "s3://bucket/some/prefix")
        .containsEntry("DATASHARD_S3_ENDPOINT", "http://127.0.0.1:9000")
        .containsEntry("DATASHARD_S3_PATH_STYLE", "true")
        .containsEntry("DATASHARD_S3_REGION", "eu-west-1")
        .containsEntry("DATASHARD_S3_ACCESS_KEY", "ak") // from the environment
        .doesNotContainKey("DATASHARD_S3_BUCKET") // the URI names the bucket
        .doesNotContainKey("HOME");
  }

  @Test
  void theEnvironmentAloneConfiguresTheCatalogUnlessTurnedOff() {
    Map<String, String> process = Map.of("DATASHARD_WAREHOUSE", "/data/wh");
    assertThat(WarehouseSettings.toEnvironment(Map.of(), process)).containsEntry("DATASHARD_WAREHOUSE", "/data/wh");
    assertThat(WarehouseSettings.toEnvironment(Map.of("datashard.use-environment", "false"), process)).isEmpty();
    assertThat(WarehouseSettings.toEnvironment(Map.of("warehouse", "file:/tmp/wh"), process))
        .containsEntry("DATASHARD_WAREHOUSE", "/tmp/wh").containsEntry("DATASHARD_STORAGE_TYPE", "local");
  }

  /** Spark ships a table's FileIO to executors: after serialization it opens its own backend and works. */
  @Test
  void theFileIoSurvivesSerialization() throws Exception {
    try (DataShardCatalog catalog = new DataShardCatalog()) {
      catalog.initialize("ds", Map.of("warehouse", dir.toString(), "datashard.use-environment", "false"));
      FileIO io = catalog.newTableOps(org.apache.iceberg.catalog.TableIdentifier.of("t")).io();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(io);
      }
      FileIO copy;
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        copy = (FileIO) in.readObject();
      }
      String file = dir.resolve("x.bin").toUri().toString();
      try (var out = copy.newOutputFile(file).create()) {
        out.write("hello".getBytes(StandardCharsets.UTF_8));
      }
      assertThat(Files.readString(dir.resolve("x.bin"))).isEqualTo("hello");
      assertThat(io.newInputFile(file).getLength()).isEqualTo(5);
      copy.close();
    }
  }
}
