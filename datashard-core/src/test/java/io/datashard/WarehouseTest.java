package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarehouseTest {
  @TempDir
  Path dir;

  @Test
  void createLoadListDrop() {
    try (Warehouse wh = Warehouse.local(dir)) {
      assertThat(wh.listTables()).isEmpty();
      wh.createTable("b", TestSchemas.EVENTS);
      wh.createTable("a", TestSchemas.EVENTS);
      assertThat(wh.listTables()).containsExactly("a", "b");
      assertThat(wh.tableExists("a")).isTrue();
      assertThat(wh.loadTable("a").schema().sameFieldsAs(TestSchemas.EVENTS)).isTrue();
      assertThat(wh.dropTable("a")).isTrue();
      assertThat(wh.dropTable("a")).isFalse();
      assertThat(wh.listTables()).containsExactly("b");
      assertThatThrownBy(() -> wh.loadTable("a")).isInstanceOf(TableNotFoundException.class)
          .hasMessageContaining("'a'");
    }
  }

  @Test
  void creatingAnExistingTableFailsAndLeavesItUntouched() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", TestSchemas.EVENTS);
      t.appendRecords(List.of(TestSchemas.event(1, "x", null)));
      byte[] before = Files.readAllBytes(dir.resolve("t/metadata/v2.metadata.json"));
      Schema other = Schema.of(Field.required(1, "other", Types.INT));
      assertThatThrownBy(() -> wh.createTable("t", other)).isInstanceOf(TableAlreadyExistsException.class)
          .hasMessageContaining("'t' already exists");
      assertThat(Files.readAllBytes(dir.resolve("t/metadata/v2.metadata.json"))).isEqualTo(before);
      assertThat(Files.exists(dir.resolve("t/metadata/v3.metadata.json"))).isFalse();
      assertThat(wh.loadTable("t").scan().count()).isEqualTo(1);
    }
  }

  @Test
  void createTableIfAbsentCreatesOnceThenLoadsTheExistingTableUntouched() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table created = wh.createTableIfAbsent("t", TestSchemas.EVENTS);
      created.appendRecords(List.of(TestSchemas.event(1, "x", null)));
      byte[] before = Files.readAllBytes(dir.resolve("t/metadata/v2.metadata.json"));
      Schema other = Schema.of(Field.required(1, "other", Types.INT));
      Table again = wh.createTableIfAbsent("t", other);
      assertThat(again.schema().sameFieldsAs(TestSchemas.EVENTS)).isTrue();
      assertThat(again.scan().count()).isEqualTo(1);
      assertThat(Files.readAllBytes(dir.resolve("t/metadata/v2.metadata.json"))).isEqualTo(before);
      assertThat(Files.exists(dir.resolve("t/metadata/v3.metadata.json"))).isFalse();
    }
  }

  @Test
  void loadingAMissingTableIsAClearError() {
    try (Warehouse wh = Warehouse.local(dir)) {
      assertThatThrownBy(() -> wh.loadTable("nope")).isInstanceOf(TableNotFoundException.class)
          .hasMessageContaining("'nope' does not exist");
    }
  }

  @Test
  void environmentChoosesLocalByDefaultAndRejectsUnknownTypes() {
    try (Warehouse wh = Warehouse.fromEnvironment(Map.of(Warehouse.ENV_WAREHOUSE, dir.toString()))) {
      wh.createTable("envt", TestSchemas.EVENTS);
      assertThat(Files.exists(dir.resolve("envt/metadata/v1.metadata.json"))).isTrue();
    }
    assertThatThrownBy(() -> Warehouse.fromEnvironment(Map.of(Warehouse.ENV_STORAGE_TYPE, "ftp")))
        .isInstanceOf(ValidationException.class).hasMessageContaining("ftp");
  }

  @Test
  void invalidSchemasAreRejectedUpFront() {
    assertThatThrownBy(() -> Schema.of()).isInstanceOf(ValidationException.class).hasMessageContaining("at least one");
    assertThatThrownBy(() -> Schema.of(Field.required(1, "a", Types.INT), Field.required(1, "b", Types.INT)))
        .hasMessageContaining("duplicate field id 1");
    assertThatThrownBy(() -> Schema.of(Field.required(1, "a", Types.INT), Field.required(2, "a", Types.INT)))
        .hasMessageContaining("duplicate field name 'a'");
    assertThatThrownBy(() -> Types.decimal(39, 0)).hasMessageContaining("precision");
    assertThatThrownBy(() -> Field.required(-1, "a", Types.INT)).hasMessageContaining("positive");
  }
}
