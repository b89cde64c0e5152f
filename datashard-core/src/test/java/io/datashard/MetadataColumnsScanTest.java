package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.expressions.Expressions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code _file}, {@code _pos}, {@code _spec_id} and the row lineage columns selected in scans. */
class MetadataColumnsScanTest {
  @TempDir
  Path dir;

  @Test
  void eachRowNamesItsFileAndPositionWhateverIsDeletedOrFiltered() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
          Map.of(TableProperties.DELETE_MODE, TableProperties.DELETE_MODE_MERGE_ON_READ));
      t.appendRecords(List.of(TestSchemas.event(0, "a", null), TestSchemas.event(1, "b", null),
          TestSchemas.event(2, "a", null)));
      t.appendRecords(List.of(TestSchemas.event(3, "b", null), TestSchemas.event(4, "a", null)));
      t.deleteWhere(Expressions.equal("id", 1L)); // a position delete: the rows after it keep their positions

      TableScan scan = t.scan().select("_pos", "id", "_file", "_spec_id", "_row_id", "_last_updated_sequence_number");
      assertThat(scan.schema().columnNames()).containsExactly("_pos", "id", "_file", "_spec_id", "_row_id",
          "_last_updated_sequence_number");
      List<Row> rows = scan.toList();
      assertThat(rows).extracting(r -> r.getLong("id")).containsExactly(0L, 2L, 3L, 4L);
      assertThat(rows).extracting(r -> r.getLong("_pos")).containsExactly(0L, 2L, 0L, 1L);
      List<String> files = t.scan().planFiles().stream().map(f -> f.file().location()).toList();
      assertThat(rows).extracting(r -> r.getString("_file"))
          .containsExactly(files.get(0), files.get(0), files.get(1), files.get(1));
      assertThat(rows).extracting(r -> r.getInt("_spec_id")).containsOnly(0);
      // format version 2: no row lineage, so both lineage columns are null (as Iceberg reads them)
      assertThat(rows).extracting(r -> r.get("_row_id")).containsOnlyNulls();
      assertThat(rows).extracting(r -> r.get("_last_updated_sequence_number")).containsOnlyNulls();

      // filtered and in parallel, the positions are still those of the file
      assertThat(t.scan().filter(Expressions.equal("event", "a")).select("id", "_pos").parallelism(2).toList())
          .extracting(r -> r.getLong("id") + "@" + r.getLong("_pos")).containsExactly("0@0", "2@2", "4@1");
    }
  }

  @Test
  void aTableColumnNamedLikeAMetadataColumnWinsAndUnknownNamesAreRefused() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", Schema.of(Field.required(1, "_pos", Types.STRING)));
      t.appendRecords(List.of(Map.of("_pos", "mine")));
      assertThat(t.scan().select("_pos", "_file").toList().get(0).getString("_pos")).isEqualTo("mine");
      assertThatThrownBy(() -> t.scan().select("_nope")).isInstanceOf(ValidationException.class)
          .hasMessageContaining("_nope");
    }
  }
}
