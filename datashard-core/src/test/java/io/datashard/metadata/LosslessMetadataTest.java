package io.datashard.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.UnsupportedTableFeatureException;
import io.datashard.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A metadata document with the fields of the v2 spec and keys nobody defined, at every level: a DataShard
 * append changes only what an append changes (current snapshot, main, snapshots, logs, sequence number, time) and
 * writes the rest back as it read it.
 */
class LosslessMetadataTest {
  @TempDir
  Path dir;

  static final ObjectMapper MAPPER = new ObjectMapper();

  /** An Iceberg v2 document as another engine could write it. */
  static String document(String location) {
    return """
        {"format-version":2,"table-uuid":"9c12d441-03fe-4693-9a96-a0705ddf69c1","location":"%s",
         "last-sequence-number":0,"last-updated-ms":1700000000000,"last-column-id":3,"current-schema-id":1,
         "schemas":[
           {"type":"struct","schema-id":0,"fields":[{"id":1,"name":"id","required":true,"type":"long"},
             {"id":2,"name":"event","required":true,"type":"string"}]},
           {"type":"struct","schema-id":1,"identifier-field-ids":[1],"x-schema":"s",
             "fields":[{"id":1,"name":"id","required":true,"type":"long","x-field":"f"},
             {"id":2,"name":"event","required":true,"type":"string"},
             {"id":3,"name":"value","required":false,"type":"double","doc":"a value"}]}],
         "default-spec-id":0,
         "partition-specs":[{"spec-id":0,"fields":[],"x-spec":1}],
         "last-partition-id":999,"default-sort-order-id":1,
         "sort-orders":[{"order-id":0,"fields":[]},
           {"order-id":1,"fields":[{"transform":"identity","source-id":2,"direction":"asc","null-order":"nulls-first"}],
            "x-order":true}],
         "properties":{"owner":"other-engine","write.format.default":"parquet"},
         "current-snapshot-id":-1,"refs":{},"snapshots":[],
         "statistics":[],"partition-statistics":[],"snapshot-log":[],"metadata-log":[],
         "x-top":{"nested":[1,2,3]},"x-top-string":"kept"}
        """.formatted(location);
  }

  @Test
  void anAppendChangesOnlyWhatAnAppendChanges() throws Exception {
    Path table = dir.resolve("t");
    Files.createDirectories(table.resolve("metadata"));
    String location = table.toUri().toString().replaceAll("/$", "");
    Files.writeString(table.resolve("metadata/v1.metadata.json"), document(location));
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.loadTable("t");
      assertThat(t.schema().identifierFieldIds()).containsExactly(1);
      t.appendRecords(List.of(TestSchemas.event(1, "a", 1.0)));
    }
    ObjectNode before = (ObjectNode) MAPPER.readTree(document(location));
    ObjectNode after = (ObjectNode) MAPPER.readTree(table.resolve("metadata/v2.metadata.json").toFile());
    Set<String> changedByAnAppend = Set.of("last-sequence-number", "last-updated-ms", "current-snapshot-id", "refs",
        "snapshots", "snapshot-log", "metadata-log");
    before.fieldNames().forEachRemaining(key -> {
      if (!changedByAnAppend.contains(key)) {
        assertThat(after.get(key)).as(key).isEqualTo(before.get(key));
      }
    });
    assertThat(after.get("refs").get("main").get("type").asText()).isEqualTo("branch");
    assertThat(after.get("snapshots")).hasSize(1);
    // And a second commit carries DataShard's own snapshot exactly as the first wrote it.
    try (Warehouse wh = Warehouse.local(dir)) {
      wh.loadTable("t").updateProperties().set("k", "v").commit();
    }
    JsonNode third = MAPPER.readTree(table.resolve("metadata/v3.metadata.json").toFile());
    assertThat(third.get("snapshots")).isEqualTo(after.get("snapshots"));
    assertThat(third.get("x-top")).isEqualTo(before.get("x-top"));
  }

  @Test
  void formatVersion3IsWrittenWithItsRowIdCounterAndVersion4IsRefused() throws Exception {
    Path table = dir.resolve("v3");
    Files.createDirectories(table.resolve("metadata"));
    String location = table.toUri().toString().replaceAll("/$", "");
    String v3 = document(location).replace("\"format-version\":2", "\"format-version\":3")
        .replace("\"x-top-string\":\"kept\"", "\"next-row-id\":17");
    Files.writeString(table.resolve("metadata/v1.metadata.json"), v3);
    try (Warehouse wh = Warehouse.local(dir)) {
      wh.loadTable("v3").updateProperties().set("k", "v").commit();
    }
    JsonNode second = MAPPER.readTree(table.resolve("metadata/v2.metadata.json").toFile());
    assertThat(second.get("format-version").asInt()).isEqualTo(3);
    assertThat(second.get("next-row-id").asLong()).as("the row id counter is kept, never reset").isEqualTo(17);
    Files.writeString(table.resolve("metadata/v3.metadata.json"), v3.replace("\"format-version\":3",
        "\"format-version\":4"));
    try (Warehouse wh = Warehouse.local(dir)) {
      assertThatThrownBy(() -> wh.loadTable("v3")).isInstanceOf(UnsupportedTableFeatureException.class)
          .hasMessageContaining("format-version 4");
    }
  }

  @Test
  void version3FeaturesDataShardDoesNotSupportAreRefusedNeverMisread() throws Exception {
    String[][] cases = {
        {"variant", "\"type\":\"double\",\"doc\"", "\"type\":\"variant\",\"doc\""},
        {"geometry(OGC:CRS84)", "\"type\":\"double\",\"doc\"", "\"type\":\"geometry(OGC:CRS84)\",\"doc\""},
        {"multi-argument", "\"partition-specs\":[{\"spec-id\":0,\"fields\":[]",
            "\"partition-specs\":[{\"spec-id\":0,\"fields\":[{\"name\":\"b\",\"transform\":\"bucket[4]\","
                + "\"source-ids\":[1,2],\"field-id\":1000}]"},
    };
    int n = 0;
    for (String[] c : cases) {
      Path table = dir.resolve("refused" + n++);
      Files.createDirectories(table.resolve("metadata"));
      String location = table.toUri().toString().replaceAll("/$", "");
      String v3 = document(location).replace("\"format-version\":2", "\"format-version\":3").replace(c[1], c[2]);
      assertThat(v3).as(c[0]).contains(c[2]);
      Files.writeString(table.resolve("metadata/v1.metadata.json"), v3);
      try (Warehouse wh = Warehouse.local(dir)) {
        assertThatThrownBy(() -> wh.loadTable(table.getFileName().toString()))
            .isInstanceOf(UnsupportedTableFeatureException.class).hasMessageContaining(c[0]);
      }
    }
    // Iceberg's own table encryption: loaded, but neither read nor written
    Path table = dir.resolve("encrypted");
    Files.createDirectories(table.resolve("metadata"));
    String location = table.toUri().toString().replaceAll("/$", "");
    Files.writeString(table.resolve("metadata/v1.metadata.json"), document(location)
        .replace("\"format-version\":2", "\"format-version\":3")
        .replace("\"x-top-string\":\"kept\"", "\"encryption-keys\":[{\"key-id\":\"k1\",\"encrypted-key-metadata\":\"AA==\"}]"));
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.loadTable("encrypted");
      assertThatThrownBy(() -> t.updateProperties().set("k", "v").commit())
          .isInstanceOf(UnsupportedTableFeatureException.class).hasMessageContaining("encryption-keys");
    }
    assertThat(table.resolve("metadata/v2.metadata.json")).doesNotExist();
  }
}
