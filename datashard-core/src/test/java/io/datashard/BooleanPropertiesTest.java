package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.metadata.TableMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boolean table properties are read one way everywhere (Iceberg's rule), and DataShard's own API refuses values that
 * rule would read against their writer's intent.
 */
class BooleanPropertiesTest {
  @TempDir
  Path dir;

  @Test
  void everyReaderAgreesOnAValueWrittenByAnotherEngine() {
    Map<String, String> yes = Map.of(TableProperties.UPKEEP_ENABLED, "yes");
    // Iceberg reads anything but "true" as false; the library's upkeep, its creation defaults and the catalog's
    // version retirement all read the property through the same rule, so none of them treats "yes" as on.
    assertThat(TableProperties.booleanValue(yes, TableProperties.UPKEEP_ENABLED, true)).isFalse();
    assertThat(TableProperties.withCreationDefaults(yes)).doesNotContainKey(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX);
    assertThat(TableProperties.booleanValue(Map.of(TableProperties.UPKEEP_ENABLED, "TRUE"),
        TableProperties.UPKEEP_ENABLED, false)).isTrue();
    assertThat(TableProperties.booleanValue(Map.of(), TableProperties.UPKEEP_ENABLED, true)).isTrue();
  }

  @Test
  void theLibraryRefusesABooleanPropertyThatIsNotTrueOrFalse() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      assertThatThrownBy(() -> wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
          Map.of(TableProperties.UPKEEP_ENABLED, "yes")))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining(TableProperties.UPKEEP_ENABLED).hasMessageContaining("'yes'");
      assertThat(Files.exists(dir.resolve("t"))).isFalse();

      Table t = wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
          Map.of(TableProperties.UPKEEP_ENABLED, "False", TableProperties.MANIFEST_MERGE_ENABLED, "TRUE"));
      Map<String, String> before = Map.copyOf(wh.loadTable("t").properties());
      assertThatThrownBy(() -> t.updateProperties().set(TableProperties.WRITE_GROUP_COMMIT, " true").commit())
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining(TableProperties.WRITE_GROUP_COMMIT);
      assertThatThrownBy(() -> t.updateProperties().set(TableProperties.METADATA_DELETE_AFTER_COMMIT, "1").commit())
          .isInstanceOf(ValidationException.class);
      assertThat(wh.loadTable("t").properties()).isEqualTo(before)
          .containsEntry(TableProperties.UPKEEP_ENABLED, "False").doesNotContainKey(TableProperties.WRITE_GROUP_COMMIT);

      // Other properties keep any value: DataShard does not read them as booleans.
      t.updateProperties().set("owner.note", "yes").commit();
      assertThat(wh.loadTable("t").properties()).containsEntry("owner.note", "yes");
    }
  }

  @Test
  void metadataReadsBooleansByTheSameRule() {
    TableMetadata m = TableMetadata.newTable("file:/tmp/t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
        Map.of(TableProperties.WRITE_GROUP_COMMIT, "FALSE"), 1L);
    assertThat(m.booleanProperty(TableProperties.WRITE_GROUP_COMMIT, true)).isFalse();
    assertThat(m.booleanProperty(TableProperties.UPKEEP_ENABLED, true)).isTrue();
  }
}
