package io.datashard.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.DataShardException;
import io.datashard.Field;
import io.datashard.Row;
import io.datashard.RecordValidationException;
import io.datashard.Schema;
import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Types;
import io.datashard.ValidationException;
import io.datashard.Warehouse;
import io.datashard.metadata.Conversions;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.ManifestFile;
import io.datashard.storage.FileInfo;
import io.datashard.table.TableHandle;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table of hostile and careless inputs, in one place, each with the error it must raise, and each leaving
 * the table exactly as it was (same version, same files, same rows). Row-level validation details (record
 * index, field name) are covered case by case in core's BadInputTest; schema rules in WarehouseTest; this
 * table adds the cases they lack and checks them all end to end.
 */
class HostileInputTest {
  static final Schema SCHEMA = Schema.of(
      Field.required(1, "id", Types.LONG),
      Field.required(2, "event", Types.STRING),
      Field.optional(3, "value", Types.DOUBLE),
      Field.optional(4, "amount", Types.decimal(9, 2)),
      Field.optional(5, "n", Types.INT));

  @TempDir
  Path dir;
  Warehouse wh;
  Table table;

  @BeforeEach
  void setUp() {
    wh = Warehouse.local(dir);
    table = wh.createTable("t", SCHEMA);
    table.appendRecords(List.of(Map.of("id", 1L, "event", "seed")));
  }

  @AfterEach
  void tearDown() {
    wh.close();
  }

  private static Map<String, Object> row(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static Arguments bad(String name, Class<? extends Throwable> type, String fragment, Consumer<Table> action) {
    return Arguments.of(name, type, fragment, action);
  }

  private static Consumer<Table> append(Map<String, ?> record) {
    return t -> t.appendRecords(List.of(row("id", 2L, "event", "fine"), record));
  }

  static Stream<Arguments> hostileInputs() {
    Schema reordered = Schema.of(Field.optional(3, "value", Types.DOUBLE), Field.required(2, "event", Types.STRING),
        Field.required(1, "id", Types.LONG), Field.optional(4, "amount", Types.decimal(9, 2)),
        Field.optional(5, "n", Types.INT));
    Schema otherTypes = Schema.of(Field.required(1, "id", Types.STRING), Field.required(2, "event", Types.STRING));
    Schema extraField = Schema.of(Field.required(1, "id", Types.LONG), Field.required(2, "event", Types.STRING),
        Field.optional(9, "colour", Types.STRING));
    return Stream.of(
        bad("wrong type: int for string", RecordValidationException.class, "event", append(row("id", 3L, "event", 42))),
        bad("wrong type: string for long", RecordValidationException.class, "id", append(row("id", "3", "event", "x"))),
        bad("wrong type: long overflowing int", RecordValidationException.class, "n",
            append(row("id", 3L, "event", "x", "n", 1L << 40))),
        bad("null in required field", RecordValidationException.class, "event", append(row("id", 3L, "event", null))),
        bad("missing required field", RecordValidationException.class, "event", append(row("id", 3L))),
        bad("unknown field", RecordValidationException.class, "colour",
            append(row("id", 3L, "event", "x", "colour", "red"))),
        bad("decimal with too many digits after the point", RecordValidationException.class, "amount",
            append(row("id", 3L, "event", "x", "amount", new BigDecimal("1.234")))),
        bad("decimal beyond its precision", RecordValidationException.class, "amount",
            append(row("id", 3L, "event", "x", "amount", new BigDecimal("12345678.9")))),
        bad("double for decimal", RecordValidationException.class, "amount",
            append(row("id", 3L, "event", "x", "amount", 0.1d))),
        bad("non-string key", RecordValidationException.class, "record 1",
            t -> t.appendRecords(nonStringKey())),
        bad("null record", RecordValidationException.class, "record 1",
            t -> t.appendRecords(java.util.Arrays.asList(row("id", 2L, "event", "fine"), null))),
        bad("record of a schema with other types", RecordValidationException.class, "id",
            append(Row.wrap(otherTypes, new Object[] {"3", "x"}))),
        bad("record of a schema with an extra field", RecordValidationException.class, "colour",
            append(Row.wrap(extraField, new Object[] {3L, "x", "red"}))),
        bad("record of the same fields positionally misread", RecordValidationException.class, "id",
            // values in the table's order, but labelled by a reordered schema: read by name, they do not fit
            append(Row.wrap(reordered, new Object[] {3L, "x", 1.0, null, null}))),
        bad("table name '..'", ValidationException.class, "invalid table name", t -> wh(t).createTable("..", SCHEMA)),
        bad("table name with '/'", ValidationException.class, "invalid table name", t -> wh(t).createTable("a/b", SCHEMA)),
        bad("table name escaping the warehouse", ValidationException.class, "invalid table name",
            t -> wh(t).loadTable("../t")),
        bad("table name with a NUL", ValidationException.class, "\\u0000", t -> wh(t).createTable("a\u0000b", SCHEMA)),
        bad("table name with a right-to-left override", ValidationException.class, "invalid table name",
            t -> wh(t).createTable("abc\u202Etxt", SCHEMA)),
        bad("table name with a newline", ValidationException.class, "invalid table name",
            t -> wh(t).createTable("a\nb", SCHEMA)),
        bad("empty table name", ValidationException.class, "invalid table name", t -> wh(t).createTable("", SCHEMA)),
        bad("empty schema", io.datashard.ValidationException.class, "at least one", t -> wh(t).createTable("e", Schema.of())),
        bad("duplicate field ids", io.datashard.ValidationException.class, "duplicate field id",
            t -> wh(t).createTable("d", Schema.of(Field.required(1, "a", Types.INT), Field.required(1, "b", Types.INT)))),
        bad("duplicate field names", io.datashard.ValidationException.class, "duplicate field name",
            t -> wh(t).createTable("d", Schema.of(Field.required(1, "a", Types.INT), Field.required(2, "a", Types.INT)))),
        bad("creating an existing table", io.datashard.TableAlreadyExistsException.class, "t",
            t -> wh(t).createTable("t", TestSchemas.EVENTS)));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<Map<String, ?>> nonStringKey() {
    return (List) List.of(row("id", 2L, "event", "fine"), Map.of(7, "seven"));
  }

  private static Warehouse current;

  private static Warehouse wh(Table t) {
    return current;
  }

  record State(int version, Set<String> files, List<Row> rows, List<String> tables) {
  }

  private State state() {
    TableHandle t = (TableHandle) wh.loadTable("t");
    Set<String> files = wh.storage().list(wh.location()).stream().map(FileInfo::location).collect(Collectors.toSet());
    return new State(t.metadata().version(), files, t.scan().toList(), wh.listTables());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileInputs")
  void hostileInputIsRejectedAndChangesNothing(String name, Class<? extends Throwable> type, String fragment,
                                                Consumer<Table> action) {
    current = wh;
    State before = state();
    assertThatThrownBy(() -> action.accept(table)).isInstanceOf(type).hasMessageContaining(fragment);
    assertThat(state()).isEqualTo(before);
  }

  @Test
  void recordOfTheSameFieldsInAnotherOrderIsReadByName() {
    Schema reordered = Schema.of(Field.optional(3, "value", Types.DOUBLE), Field.required(2, "event", Types.STRING),
        Field.required(1, "id", Types.LONG));
    table.appendRecords(List.of(Row.wrap(reordered, new Object[] {2.5, "by name", 7L})));
    Row r = table.scan().toList().stream().filter(x -> x.get("id").equals(7L)).findFirst().orElseThrow();
    assertThat(r.get("event")).isEqualTo("by name");
    assertThat(r.get("value")).isEqualTo(2.5);
  }

  @Test
  void nanAndInfinitiesAreStoredButNeverBecomeBounds() {
    List<Map<String, Object>> rows = new ArrayList<>();
    double[] values = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.5, Double.NaN};
    for (int i = 0; i < values.length; i++) {
      rows.add(row("id", 100L + i, "event", "x", "value", values[i]));
    }
    table.appendRecords(rows);
    table.appendRecords(List.of(row("id", 200L, "event", "only nan", "value", Double.NaN)));
    TableHandle t = (TableHandle) wh.loadTable("t");
    List<DataFile> files = new ArrayList<>();
    for (ManifestFile m : t.files().manifests(t.currentSnapshot().manifestListLocation())) {
      t.files().entries(m).forEach(e -> files.add(e.file()));
    }
    DataFile mixed = files.stream().filter(f -> f.recordCount() == 5).findFirst().orElseThrow();
    assertThat(decode(mixed.lowerBounds().get(3))).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(decode(mixed.upperBounds().get(3))).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(mixed.nanValueCounts().get(3)).isEqualTo(2L);
    DataFile onlyNan = files.stream()
        .filter(f -> f.recordCount() == 1 && f.nanValueCounts().getOrDefault(3, 0L) == 1L).findFirst().orElseThrow();
    assertThat(onlyNan.lowerBounds().get(3)).as("no bound from NaN only").isNull();
    assertThat(onlyNan.upperBounds().get(3)).isNull();
    List<Row> back = t.scan().toList();
    assertThat(back.stream().filter(r -> r.get("value") instanceof Double d && d.isNaN())).hasSize(3);
  }

  private static double decode(ByteBuffer b) {
    return (Double) Conversions.fromByteBuffer(Types.DOUBLE, b);
  }

  @Test
  void hugeStringsRoundTripAndKeepBoundsSmall() {
    String huge = "x".repeat(4 << 20) + "\u00e9\uD83C\uDF89end";
    table.appendRecords(List.of(row("id", 9L, "event", huge)));
    TableHandle t = (TableHandle) wh.loadTable("t");
    Row r = t.scan().toList().stream().filter(x -> x.get("id").equals(9L)).findFirst().orElseThrow();
    assertThat(r.get("event")).isEqualTo(huge);
    for (ManifestFile m : t.files().manifests(t.currentSnapshot().manifestListLocation())) {
      t.files().entries(m).forEach(e -> {
        ByteBuffer lower = e.file().lowerBounds().get(2);
        ByteBuffer upper = e.file().upperBounds().get(2);
        if (lower != null) {
          assertThat(lower.remaining()).isLessThanOrEqualTo(64);
        }
        if (upper != null) {
          assertThat(upper.remaining()).isLessThanOrEqualTo(64);
        }
      });
    }
  }

  @Test
  void loneSurrogatesAreRejectedNotSilentlyReplaced() {
    State before = state();
    assertThatThrownBy(() -> table.appendRecords(List.of(row("id", 5L, "event", "broken \uD800 text"))))
        .isInstanceOf(DataShardException.class).hasMessageContaining("event");
    assertThat(state()).isEqualTo(before);
  }
}
