package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.storage.FileInfo;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/** Every validation failure raises a precise error and leaves the table exactly as it was. */
class BadInputTest {
  private static final Schema SCHEMA = Schema.of(
      Field.required(1, "id", Types.LONG),
      Field.required(2, "name", Types.STRING),
      Field.optional(3, "amount", Types.decimal(5, 2)),
      Field.optional(4, "at", Types.TIMESTAMP),
      Field.optional(5, "code", Types.fixed(2)),
      Field.optional(6, "n", Types.INT));

  @TempDir
  Path dir;
  Warehouse wh;
  Table table;

  @BeforeEach
  void setUp() {
    wh = Warehouse.local(dir);
    table = wh.createTable("t", SCHEMA);
    table.appendRecords(List.of(Map.of("id", 1L, "name", "existing")));
  }

  @AfterEach
  void tearDown() {
    wh.close();
  }

  static Stream<Arguments> badRecords() {
    Map<String, Object> nullRequired = new HashMap<>();
    nullRequired.put("id", 5L);
    nullRequired.put("name", null);
    return Stream.of(
        Arguments.of("unknown field", Map.of("id", 5L, "name", "x", "colour", "red"), "colour"),
        Arguments.of("missing required field", Map.of("id", 5L), "name"),
        Arguments.of("null required field", nullRequired, "name"),
        Arguments.of("string for long", Map.of("id", "5", "name", "x"), "id"),
        Arguments.of("long for int (narrowing)", Map.of("id", 5L, "name", "x", "n", 5L), "n"),
        Arguments.of("double for decimal", Map.of("id", 5L, "name", "x", "amount", 1.5d), "amount"),
        Arguments.of("decimal too precise", Map.of("id", 5L, "name", "x", "amount", new BigDecimal("1.234")), "amount"),
        Arguments.of("decimal too large", Map.of("id", 5L, "name", "x", "amount", new BigDecimal("12345.6")), "amount"),
        Arguments.of("instant for timestamp without zone", Map.of("id", 5L, "name", "x", "at", Instant.EPOCH), "at"),
        Arguments.of("fixed of wrong length", Map.of("id", 5L, "name", "x", "code", new byte[3]), "code"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRecords")
  void rejectedRecordNamesIndexAndFieldAndChangesNothing(String caseName, Map<String, Object> bad, String field) {
    TableState before = state();
    List<Map<String, Object>> batch = new ArrayList<>();
    batch.add(Map.of("id", 2L, "name", "fine"));
    batch.add(Map.of("id", 3L, "name", "also fine"));
    batch.add(bad);

    assertThatThrownBy(() -> table.appendRecords(batch))
        .isInstanceOfSatisfying(RecordValidationException.class, e -> {
          assertThat(e.recordIndex()).isEqualTo(2);
          assertThat(e.fieldName()).isEqualTo(field);
          assertThat(e.getMessage()).contains("record 2").contains(field);
        });

    assertThat(state()).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRecords")
  void streamingAppenderFailsTheSameWayAndCleansUp(String caseName, Map<String, Object> bad, String field) {
    TableState before = state();
    try (Appender a = table.newAppend()) {
      for (int i = 0; i < 1000; i++) {
        a.add(Map.of("id", (long) i, "name", "row " + i));
      }
      assertThatThrownBy(() -> a.add(bad)).isInstanceOf(RecordValidationException.class);
      assertThatThrownBy(a::commit).isInstanceOf(ValidationException.class);
    }
    assertThat(state()).isEqualTo(before);
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"..", "../escape", "a/b", "/abs", "C:\\x", "", " ",
      "tab\tname", "new\nline", ".hidden", "a..b"})
  void tableNamesThatCouldEscapeTheWarehouseAreRefused(String name) {
    assertThatThrownBy(() -> wh.createTable(name, SCHEMA)).isInstanceOf(ValidationException.class)
        .hasMessageContaining("invalid table name");
    assertThatThrownBy(() -> wh.loadTable(name)).isInstanceOf(ValidationException.class);
    assertThat(wh.listTables()).containsExactly("t");
  }

  @org.junit.jupiter.api.Test
  void appendingNonMapsIsRejected() {
    TableState before = state();
    @SuppressWarnings({"unchecked", "rawtypes"})
    List<Map<String, ?>> bad = (List) List.of(Map.of("id", 1L, "name", "ok"), "not a map");
    assertThatThrownBy(() -> table.appendRecords(bad)).isInstanceOf(RecordValidationException.class)
        .hasMessageContaining("record 1");
    assertThat(state()).isEqualTo(before);
  }

  private TableState state() {
    Table fresh = wh.loadTable("t");
    Set<String> files = wh.storage().list(fresh.location()).stream().map(FileInfo::location)
        .collect(Collectors.toSet());
    return new TableState(fresh.currentSnapshot().snapshotId(), fresh.snapshots().size(), fresh.scan().toList(),
        files);
  }

  record TableState(long snapshotId, int snapshots, List<Row> rows, Set<String> files) {
  }
}
