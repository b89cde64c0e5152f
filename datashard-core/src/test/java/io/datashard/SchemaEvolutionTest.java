package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import io.datashard.update.TableInternals;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaEvolutionTest {
  static final Schema V1 = Schema.of(
      Field.required(1, "id", Types.LONG),
      Field.required(2, "name", Types.STRING),
      Field.optional(3, "count", Types.INT),
      Field.optional(4, "price", Types.decimal(5, 2)),
      Field.optional(5, "ratio", Types.FLOAT));

  @TempDir
  Path dir;

  @Test
  void oldFilesReadCorrectlyUnderEveryKindOfChange() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("evo", V1);
      t.appendRecords(List.of(Map.of("id", 1L, "name", "old", "count", 7, "price", new BigDecimal("1.50"),
          "ratio", 0.5f)));

      Schema s = t.updateSchema()
          .addColumn("country", Types.STRING, "ISO code")
          .renameColumn("name", "title")
          .updateColumn("count", Types.LONG)
          .updateColumn("price", Types.decimal(10, 2))
          .updateColumn("ratio", Types.DOUBLE)
          .makeColumnOptional("title")
          .moveFirst("country")
          .commit();
      assertThat(s.columnNames()).containsExactly("country", "id", "title", "count", "price", "ratio");
      assertThat(s.findField("country").id()).isEqualTo(6);
      assertThat(s.findField("title").id()).isEqualTo(2);
      assertThat(s.findField("title").isOptional()).isTrue();

      Table reloaded = wh.loadTable("evo");
      Map<String, Object> newRow = new HashMap<>();
      newRow.put("id", 2L);
      newRow.put("country", "NZ");
      newRow.put("count", 5_000_000_000L);
      reloaded.appendRecords(List.of(newRow)); // title now optional

      List<Row> rows = reloaded.scan().toList();
      assertThat(rows).hasSize(2);
      Row old = rows.get(0);
      assertThat(old.schema().columnNames()).containsExactly("country", "id", "title", "count", "price", "ratio");
      assertThat(old.get("country")).isNull();
      assertThat(old.get("title")).isEqualTo("old");
      assertThat(old.get("count")).isEqualTo(7L);
      assertThat(old.get("price")).isEqualTo(new BigDecimal("1.50"));
      assertThat(old.get("ratio")).isEqualTo(0.5d);
      Row fresh = rows.get(1);
      assertThat(fresh.get("country")).isEqualTo("NZ");
      assertThat(fresh.get("title")).isNull();
      assertThat(fresh.get("count")).isEqualTo(5_000_000_000L);
    }
  }

  @Test
  void droppedIdsAreNeverReused() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("ids", V1);
      t.appendRecords(List.of(Map.of("id", 1L, "name", "a", "count", 3)));
      t.updateSchema().deleteColumn("count").commit();
      Schema s = t.updateSchema().addColumn("count", Types.INT).commit();
      assertThat(s.findField("count").id()).isEqualTo(6);
      // the old values of the dropped column do not come back under the new column of the same name
      assertThat(t.scan().toList().get(0).get("count")).isNull();
      assertThat(TableInternals.of(t).metadata().schemas()).hasSize(3);
    }
  }

  @Test
  void invalidChangesAreRejectedAndChangeNothing() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("bad", V1);
      int version = TableInternals.of(t).metadata().version();
      assertThatThrownBy(() -> t.updateSchema().renameColumn("nope", "x").commit())
          .isInstanceOf(ValidationException.class).hasMessageContaining("'nope'");
      assertThatThrownBy(() -> t.updateSchema().addColumn("id", Types.INT).commit())
          .hasMessageContaining("already exists");
      assertThatThrownBy(() -> t.updateSchema().updateColumn("id", Types.INT).commit())
          .hasMessageContaining("cannot change column 'id' from long to int");
      assertThatThrownBy(() -> t.updateSchema().updateColumn("name", Types.LONG).commit())
          .isInstanceOf(ValidationException.class);
      assertThatThrownBy(() -> t.updateSchema().addColumn("x", Types.INT).renameColumn("x", "name").commit())
          .hasMessageContaining("already exists");
      assertThat(TableInternals.of(wh.loadTable("bad")).metadata().version()).isEqualTo(version);
      assertThat(wh.loadTable("bad").schema().sameFieldsAs(V1)).isTrue();
    }
  }

  @Test
  void partitionSourceColumnsCannotBeDropped() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("part", V1, PartitionSpec.builderFor(V1).bucket("id", 4).build());
      assertThatThrownBy(() -> t.updateSchema().deleteColumn("id").commit())
          .hasMessageContaining("partition field 'id_bucket'");
    }
  }

  @Test
  void schemaChangesRacingWithAppendsLoseNoRow() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      wh.createTable("race", V1);
      ExecutorService pool = Executors.newFixedThreadPool(3);
      List<Future<?>> fs = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        int worker = w;
        fs.add(pool.submit(() -> {
          Table mine = wh.loadTable("race");
          for (int i = 0; i < 15; i++) {
            mine.appendRecords(List.of(Map.of("id", worker * 100L + i, "name", "r")));
          }
          return null;
        }));
      }
      fs.add(pool.submit(() -> {
        Table mine = wh.loadTable("race");
        for (int i = 0; i < 5; i++) {
          mine.updateSchema().addColumn("extra" + i, Types.STRING).commit();
        }
        return null;
      }));
      for (Future<?> f : fs) {
        f.get();
      }
      pool.shutdown();
      Table t = wh.loadTable("race");
      assertThat(t.scan().count()).isEqualTo(30);
      assertThat(t.scan().toList()).extracting(r -> r.get("id")).doesNotHaveDuplicates().hasSize(30);
      assertThat(t.schema().columnNames()).contains("extra0", "extra4");
    }
  }

  @Test
  void propertiesAreSetAndRemovedInOneCommit() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("props", V1, PartitionSpec.unpartitioned(), Map.of("owner", "a", "tmp", "x"));
      Map<String, String> p = t.updateProperties().set("owner", "b")
          .set(TableProperties.PARQUET_COMPRESSION, "snappy").remove("tmp").commit();
      assertThat(p).containsEntry("owner", "b").containsEntry("write.parquet.compression-codec", "snappy")
          .doesNotContainKey("tmp");
      assertThat(wh.loadTable("props").properties()).isEqualTo(p);
      assertThatThrownBy(() -> t.updateProperties().set("a", "1").remove("a")).isInstanceOf(ValidationException.class);
      t.appendRecords(List.of(Map.of("id", 1L, "name", "x"))); // snappy files still read back
      assertThat(t.scan().count()).isEqualTo(1);
    }
  }
}
