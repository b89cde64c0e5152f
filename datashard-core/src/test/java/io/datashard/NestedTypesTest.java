package io.datashard;

import static io.datashard.Types.LONG;
import static io.datashard.Types.STRING;
import static io.datashard.Types.DOUBLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.metadata.TableMetadataParser;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NestedTypesTest {
  @TempDir
  Path dir;

  @Test
  void builderAssignsFreshIdsUniqueAcrossTheTreeTopLevelFirst() {
    Schema s = TestSchemas.nestedEvents();
    assertThat(s.fields()).extracting(Field::id).containsExactly(1, 2, 3, 4);
    List<Integer> all = new ArrayList<>();
    for (int id = 1; id <= s.highestFieldId(); id++) {
      assertThat(s.findField(id)).as("id %d", id).isNotNull();
      all.add(id);
    }
    assertThat(all).hasSize(s.highestFieldId());
    assertThat(s.findField("payload.user.id").type()).isEqualTo(LONG);
    assertThat(s.findColumnName(s.findField("payload.user.name").id())).isEqualTo("payload.user.name");
    assertThat(s.findField("items.element.sku").type()).isEqualTo(STRING);
    assertThat(s.findField("attrs.value").type().asList().elementType()).isEqualTo(DOUBLE);
    assertThat(s.findField("attrs.value").type().asList().isElementRequired()).isTrue();
    assertThat(s.isInsideListOrMap(s.findField("items.element.sku").id())).isTrue();
    assertThat(s.isInsideListOrMap(s.findField("payload.user.id").id())).isFalse();
  }

  @Test
  void explicitIdsAreKeptAndDuplicatesAnywhereInTheTreeAreRefused() {
    Schema s = Schema.of(Field.required(10, "id", LONG),
        Field.optional(20, "tags", ListType.of(21, STRING, true)));
    assertThat(s.findField("tags.element").id()).isEqualTo(21);
    assertThatThrownBy(() -> Schema.of(Field.required(1, "id", LONG),
        Field.optional(2, "tags", ListType.of(1, STRING, true))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("duplicate field id 1").hasMessageContaining("tags.element");
    // unassigned ids mixed with explicit ones are placed above the highest explicit id
    Schema mixed = Schema.of(Field.required(5, "id", LONG), Field.optional("tags", Types.list(STRING)));
    assertThat(mixed.findField("tags").id()).isEqualTo(6);
    assertThat(mixed.findField("tags.element").id()).isEqualTo(7);
  }

  @Test
  void schemaJsonRoundTripsNestedTypesInIcebergForm() throws Exception {
    Schema s = TestSchemas.nestedEvents();
    String json = TableMetadataParser.schemaToJson(s);
    assertThat(json).contains("\"type\":\"list\"").contains("\"element-id\"").contains("\"element-required\":false")
        .contains("\"type\":\"map\"").contains("\"key-id\"").contains("\"value-required\":false");
    Schema back = TableMetadataParser.parseSchema(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json));
    assertThat(back.sameFieldsAs(s)).isTrue();
  }

  @Test
  void nestedValuesComeBackExactlyWithNullsAtEveryLevel() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", TestSchemas.nestedEvents());
      List<Map<String, Object>> rows = TestSchemas.nestedEventRows();
      t.appendRecords(rows);
      List<Row> read = wh.loadTable("events").scan().toList();
      read.sort(Comparator.comparing(r -> r.getLong("id")));
      assertThat(read).hasSize(4);
      for (int i = 0; i < rows.size(); i++) {
        assertThat(read.get(i)).as("row %d", i).isEqualTo(rows.get(i));
      }
      Row first = read.get(0);
      assertThat(first.getStruct("payload").getStruct("user").getLong("id")).isEqualTo(7L);
      assertThat(first.getLong("payload.user.id")).isEqualTo(7L);
      assertThat(first.<String>getList("payload.tags")).containsExactly("a", "b");
      assertThat(first.<Row>getList("items").get(0).getDecimal("price")).isEqualByComparingTo("12.50");
      assertThat(first.<String, List<Double>>getMap("attrs")).containsEntry("scores", List.of(1.5, 2.5));
      assertThat(read.get(1).getLong("payload.user.id")).isNull();
      assertThat(read.get(2).getStruct("payload")).isNotNull();
      assertThat(read.get(2).getStruct("payload.user")).isNull();
      assertThat(read.get(2).getList("items")).isEmpty();
      assertThat(read.get(2).getMap("attrs")).isEmpty();
    }
  }

  @Test
  void manyRowsAcrossRowGroupsAndRowObjectsAsInput() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", TestSchemas.nestedEvents());
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = 0; i < 5000; i++) {
        List<Object> items = new ArrayList<>();
        for (int k = 0; k < i % 4; k++) {
          items.add(TestSchemas.map("sku", "s" + i + "-" + k, "price", BigDecimal.valueOf(i * 10 + k, 2), "qty", k));
        }
        rows.add(TestSchemas.nestedEvent(i, i % 5 == 0 ? null : TestSchemas.map("user", TestSchemas.map("id", (long) i, "name", "u" + (i % 7)),
            "tags", List.of("t" + (i % 3))), items, TestSchemas.map("k" + (i % 2), List.of((double) i))));
      }
      t.appendRecords(rows);
      List<Row> read = t.scan().toList();
      // rows read back (Row objects with nested Rows) go back in unchanged
      Table copy = wh.createTable("copy", TestSchemas.nestedEvents());
      copy.appendRecords(read);
      List<Row> again = copy.scan().toList();
      again.sort(Comparator.comparing(r -> r.getLong("id")));
      for (int i = 0; i < rows.size(); i++) {
        assertThat(again.get(i)).as("row %d", i).isEqualTo(rows.get(i));
      }
    }
  }

  @Test
  void projectionOfANestedPathReturnsTheStructPrunedToThatPath() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", TestSchemas.nestedEvents());
      t.appendRecords(TestSchemas.nestedEventRows());
      List<Row> read = t.scan().select("id", "payload.user.id").toList();
      read.sort(Comparator.comparing(r -> r.getLong("id")));
      assertThat(read.get(0).schema().columnNames()).containsExactly("id", "payload");
      Row payload = read.get(0).getStruct("payload");
      assertThat(payload.schema().columnNames()).containsExactly("user");
      assertThat(payload.getStruct("user").schema().columnNames()).containsExactly("id");
      assertThat(read.get(0).getLong("payload.user.id")).isEqualTo(7L);
      assertThat(read.get(1).getStruct("payload")).isNull();
      assertThat(read.get(3).getLong("payload.user.id")).isEqualTo(8L);
      assertThatThrownBy(() -> t.scan().select("items.element.sku").toList())
          .isInstanceOf(ValidationException.class).hasMessageContaining("inside a list or a map");
    }
  }

  @Test
  void badNestedValueNamesItsFullPathAndLeavesTheTableUnchanged() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", TestSchemas.nestedEvents());
      t.appendRecords(List.of(TestSchemas.nestedEventRows().get(0)));
      List<Object> items = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        items.add(TestSchemas.map("sku", "s", "price", BigDecimal.ONE, "qty", 1));
      }
      items.add(TestSchemas.map("sku", "bad", "price", "12,5", "qty", 1));
      List<Map<String, Object>> batch = List.of(TestSchemas.nestedEventRows().get(1), TestSchemas.nestedEvent(9, null, items, null));
      assertThatThrownBy(() -> t.appendRecords(batch))
          .isInstanceOf(RecordValidationException.class)
          .hasMessageContaining("record 1").hasMessageContaining("items[3].price")
          .hasMessageContaining("BigDecimal").hasMessageContaining("12,5");
      assertThatThrownBy(() -> t.appendRecords(List.of(TestSchemas.nestedEvent(5, TestSchemas.map("user", TestSchemas.map("name", "x")), null, null))))
          .isInstanceOf(RecordValidationException.class).hasMessageContaining("payload.user.id")
          .hasMessageContaining("missing required field");
      assertThatThrownBy(() -> t.appendRecords(List.of(TestSchemas.nestedEvent(5, TestSchemas.map("usr", TestSchemas.map()), null, null))))
          .isInstanceOf(RecordValidationException.class).hasMessageContaining("payload.usr")
          .hasMessageContaining("fields of 'payload' are [user, tags]");
      assertThatThrownBy(() -> t.appendRecords(List.of(TestSchemas.nestedEvent(5, null, null, TestSchemas.map("k", Arrays.asList(1.0, null))))))
          .isInstanceOf(RecordValidationException.class).hasMessageContaining("attrs[k][1]")
          .hasMessageContaining("null element");
      assertThat(t.refresh().scan().toList()).hasSize(1);
    }
  }

  @Test
  void rowLookupsOfMissingColumnsFailLoudly() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", TestSchemas.nestedEvents());
      t.appendRecords(List.of(TestSchemas.nestedEventRows().get(0)));
      Row r = t.scan().toList().get(0);
      assertThatThrownBy(() -> r.get("idd")).isInstanceOf(NoSuchColumnException.class)
          .hasMessageContaining("'idd'").hasMessageContaining("[id, payload, items, attrs]");
      assertThatThrownBy(() -> r.get((Object) Integer.valueOf(0))).isInstanceOf(NoSuchColumnException.class)
          .hasMessageContaining("get(int)");
      assertThatThrownBy(() -> r.getField("payload.usr.id")).isInstanceOf(NoSuchColumnException.class);
      assertThatThrownBy(() -> r.getString("id")).isInstanceOf(ValidationException.class)
          .hasMessageContaining("Long");
      assertThat(r.containsKey("idd")).isFalse();
      assertThat(r.getOrDefault("idd", "none")).isEqualTo("none");
      assertThat(r.get(0)).isEqualTo(1L);
    }
  }

  @Test
  void filtersOnStructLeavesSelectExactlyAndPruneFilesByTheirMetrics() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", TestSchemas.nestedEvents());
      t.appendRecords(TestSchemas.nestedEventRows()); // user ids 7 and 8, plus nulls
      List<Map<String, Object>> more = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        more.add(TestSchemas.nestedEvent(100 + i, TestSchemas.map("user", TestSchemas.map("id", 1000L + i)), null, null));
      }
      t.appendRecords(more);

      TableScan eq = t.scan().filter(io.datashard.expressions.Expressions.equal("payload.user.id", 7));
      assertThat(TestSchemas.ids(eq)).containsExactly(1L);
      assertThat(eq.report().filesPruned()).as("the file of ids >= 1000 is pruned by its bounds").isEqualTo(1);

      TableScan ge = t.scan().filter(io.datashard.expressions.Expressions.greaterThanOrEqual("payload.user.id", 1005));
      assertThat(TestSchemas.ids(ge)).containsExactlyInAnyOrder(105L, 106L, 107L, 108L, 109L);
      assertThat(ge.report().filesPruned()).isEqualTo(1);

      // a required leaf inside an optional struct is null where the struct is
      assertThat(TestSchemas.ids(t.scan().filter(io.datashard.expressions.Expressions.isNull("payload.user.id"))))
          .containsExactlyInAnyOrder(2L, 3L);
      // the filter column is read but not returned when not selected
      List<Row> names = t.scan().select("id", "payload.user.name")
          .filter(io.datashard.expressions.Expressions.equal("payload.user.id", 8)).toList();
      assertThat(names).hasSize(1);
      assertThat(names.get(0).getStruct("payload").getStruct("user").schema().columnNames()).containsExactly("name");
      assertThat(names.get(0).getString("payload.user.name")).isNull();

      assertThatThrownBy(() -> t.scan().filter(io.datashard.expressions.Expressions.equal("items.element.sku", "x"))
          .toList()).isInstanceOf(ValidationException.class).hasMessageContaining("inside a list or a map");
      assertThatThrownBy(() -> t.scan().filter(io.datashard.expressions.Expressions.isNull("payload")).toList())
          .isInstanceOf(ValidationException.class).hasMessageContaining("payload.user");
    }
  }

  @Test
  void nestedSchemaEvolutionKeepsOldFilesReadableByIdAndNeverReusesIds() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", TestSchemas.nestedEvents());
      t.appendRecords(TestSchemas.nestedEventRows());
      int before = t.schema().highestFieldId();
      int qtyId = t.schema().findField("items.element.qty").id();
      int nameId = t.schema().findField("payload.user.name").id();

      Schema evolved = t.updateSchema()
          .addColumn("payload.user", "email", Types.STRING)
          .addColumn("payload", "geo", Types.struct(Field.optional("lat", DOUBLE), Field.optional("lon", DOUBLE)))
          .renameColumn("payload.user.name", "display_name")
          .updateColumn("items.element.qty", LONG)
          .makeColumnOptional("items.element.sku")
          .makeColumnOptional("attrs.value.element")
          .deleteColumn("payload.tags")
          .moveFirst("payload.geo")
          .commit();

      assertThat(evolved.findField("payload.user.email").id()).isEqualTo(before + 1);
      assertThat(evolved.findField("payload.geo").id()).isGreaterThan(before + 1);
      assertThat(evolved.findField("payload.geo.lon").id()).isGreaterThan(before + 1);
      assertThat(evolved.findField("payload.user.display_name").id()).isEqualTo(nameId);
      assertThat(evolved.findField("items.element.qty").id()).isEqualTo(qtyId);
      assertThat(evolved.findField("items.element.qty").type()).isEqualTo(LONG);
      assertThat(evolved.findField("payload.tags")).isNull();
      assertThat(evolved.findField("payload").type().asStruct().fieldNames()).containsExactly("geo", "user");

      t.appendRecords(List.of(TestSchemas.nestedEvent(50, TestSchemas.map("geo", TestSchemas.map("lat", 1.5),
          "user", TestSchemas.map("id", 9L, "email", "a@b")), List.of(TestSchemas.map("qty", 5_000_000_000L)), null)));

      List<Row> read = wh.loadTable("events").scan().toList();
      read.sort(Comparator.comparing(r -> r.getLong("id")));
      Row old = read.get(0);
      assertThat(old.getString("payload.user.display_name")).isEqualTo("ann");
      assertThat(old.getString("payload.user.email")).isNull();
      assertThat(old.getStruct("payload.geo")).isNull();
      assertThat(old.<Row>getList("items").get(0).getLong("qty")).isEqualTo(2L);
      assertThat(old.getStruct("payload").schema().columnNames()).containsExactly("geo", "user");
      Row added = read.get(4);
      assertThat(added.getDouble("payload.geo.lat")).isEqualTo(1.5);
      assertThat(added.getString("payload.user.email")).isEqualTo("a@b");
      assertThat(added.<Row>getList("items").get(0).getLong("qty")).isEqualTo(5_000_000_000L);
      assertThat(added.<Row>getList("items").get(0).getString("sku")).isNull();

      // dropping and re-adding a field gives it a new id; the old values do not come back
      t.updateSchema().deleteColumn("payload.user.email").commit();
      t.updateSchema().addColumn("payload.user", "email", Types.STRING).commit();
      assertThat(t.schema().findField("payload.user.email").id()).isGreaterThan(evolved.highestFieldId());
      assertThat(t.scan().toList()).allSatisfy(r -> assertThat(r.getString("payload.user.email")).isNull());
    }
  }

  @Test
  void invalidNestedSchemaChangesAreRefusedAndChangeNothing() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", TestSchemas.nestedEvents());
      Schema before = t.schema();
      assertThatThrownBy(() -> t.updateSchema().addColumn("items", "x", Types.INT).commit())
          .isInstanceOf(ValidationException.class).hasMessageContaining("fields are added, dropped and moved in structs");
      assertThatThrownBy(() -> t.updateSchema().renameColumn("payload.usr", "u").commit())
          .isInstanceOf(ValidationException.class).hasMessageContaining("fields of 'payload' are [user, tags]");
      assertThatThrownBy(() -> t.updateSchema().makeColumnOptional("attrs.key").commit())
          .isInstanceOf(ValidationException.class).hasMessageContaining("map keys are always required");
      assertThatThrownBy(() -> t.updateSchema().moveAfter("payload.tags", "id").commit())
          .isInstanceOf(ValidationException.class).hasMessageContaining("within their own struct");
      assertThatThrownBy(() -> t.updateSchema().updateColumn("payload.user.id", Types.INT).commit())
          .isInstanceOf(ValidationException.class).hasMessageContaining("cannot change");
      assertThatThrownBy(() -> t.updateSchema().addColumn("payload.user", "id", Types.INT).commit())
          .isInstanceOf(ValidationException.class).hasMessageContaining("already exists");
      assertThat(t.refresh().schema()).isEqualTo(before);
    }
  }

  @Test
  void partitionTransformsOnStructFieldsButNotOnListElements() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Schema schema = TestSchemas.nestedEvents();
      PartitionSpec spec = PartitionSpec.builderFor(schema).bucket("payload.user.id", 4).build();
      Table t = wh.createTable("events", schema, spec);
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        rows.add(TestSchemas.nestedEvent(i, i % 10 == 0 ? null
            : TestSchemas.map("user", TestSchemas.map("id", (long) i)), null, null));
      }
      t.appendRecords(rows);
      assertThat(t.scan().toList()).hasSize(40);
      TableScan one = t.scan().filter(io.datashard.expressions.Expressions.equal("payload.user.id", 17));
      assertThat(TestSchemas.ids(one)).containsExactly(17L);
      assertThat(one.report().filesPruned()).as("buckets other than 17's are pruned").isPositive();

      t.updateSpec().addField("payload.user.name", "identity").commit();
      assertThatThrownBy(() -> t.updateSpec().addField("items.element.sku", "identity").commit())
          .isInstanceOf(ValidationException.class).hasMessageContaining("fields of structs");
      assertThatThrownBy(() -> PartitionSpec.builderFor(schema).identity("payload"))
          .isInstanceOf(ValidationException.class).hasMessageContaining("struct columns");
      assertThatThrownBy(() -> t.updateSchema().deleteColumn("payload.user").commit())
          .isInstanceOf(ValidationException.class).hasMessageContaining("a field inside it");
    }
  }
}
