package io.datashard.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.datashard.Field;
import io.datashard.RecordValidationException;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.Types;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link RecordValidator} directly, with what a user can actually hand to an append: the wrong Java types, values
 * that do not fit, nulls where none may be, unknown names, and nesting at every level. Every refusal must name the
 * record index and the full path of the bad value.
 */
class RecordValidatorTest {
  private static final Schema SCHEMA = Schema.builder()
      .required("id", Types.LONG)
      .optional("count", Types.INT)
      .optional("price", Types.decimal(9, 2))
      .optional("ratio", Types.DOUBLE)
      .optional("name", Types.STRING)
      .optional("at", Types.TIMESTAMP_TZ)
      .optional("local", Types.TIMESTAMP)
      .optional("clock", Types.TIME)
      .optional("digest", Types.fixed(4))
      .optional("items", Types.list(Types.struct(
          Field.required("sku", Types.STRING), Field.optional("price", Types.decimal(9, 2)))))
      .optional("scores", Types.listOfRequired(Types.DOUBLE))
      .optional("attrs", Types.map(Types.LONG, Types.list(Types.struct(Field.optional("v", Types.INT)))))
      .optional("user", Types.struct(Field.required("uid", Types.LONG), Field.optional("tag", Types.STRING)))
      .build();

  private final RecordValidator validator = new RecordValidator(SCHEMA);

  private static Map<String, Object> record(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", 1L);
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private RecordValidationException refused(Object record, long index) {
    RecordValidationException e = catchThrowableOfType(() -> validator.toRow(record, index),
        RecordValidationException.class);
    assertThat(e).as("refused: " + record).isNotNull();
    assertThat(e.recordIndex()).isEqualTo(index);
    assertThat(e.getMessage()).startsWith("record " + index);
    return e;
  }

  @Test
  void aRecordThatIsNotAMapIsRefusedAsAWhole() {
    for (Object notAMap : Arrays.asList(null, "id=1", 42L, List.of(1L), new Object[] {1L})) {
      RecordValidationException e = refused(notAMap, 3);
      assertThat(e.fieldName()).isNull();
      assertThat(e.getMessage()).contains("expected a Map<String, ?>, a Row or a Java record");
    }
  }

  @Test
  void requiredFieldsMissingOrNullAreNamedAndDistinguished() {
    Map<String, Object> missing = new HashMap<>();
    assertThat(refused(missing, 0).getMessage()).contains("field 'id'").contains("missing required field");
    Map<String, Object> nullId = new HashMap<>();
    nullId.put("id", null);
    assertThat(refused(nullId, 0).getMessage()).contains("field 'id'").contains("null value for required field");
    Map<String, Object> user = new HashMap<>();
    user.put("tag", "x");
    assertThat(refused(record("user", user), 7).fieldName()).isEqualTo("user.uid");
  }

  @Test
  void unknownNamesAreRefusedWithTheColumnsThatExist() {
    RecordValidationException top = refused(record("Name", "typo of name"), 2);
    assertThat(top.fieldName()).isEqualTo("Name");
    assertThat(top.getMessage()).contains("unknown field").contains("name");
    Map<String, Object> user = new HashMap<>(Map.of("uid", 1L, "uuid", 2L));
    RecordValidationException nested = refused(record("user", user), 2);
    assertThat(nested.fieldName()).isEqualTo("user.uuid");
    assertThat(nested.getMessage()).contains("fields of 'user' are").contains("uid");
    Map<Object, Object> nonStringKey = new HashMap<>();
    nonStringKey.put("id", 1L);
    nonStringKey.put(7, "seven");
    assertThat(refused(nonStringKey, 0).fieldName()).isEqualTo("7");
  }

  @Test
  void wrongJavaTypesAreRefusedWithTheFullPathAndTheValue() {
    List<Object> items = new ArrayList<>();
    items.add(Map.of("sku", "a", "price", new BigDecimal("1.00")));
    items.add(Map.of("sku", "b", "price", "12,5"));
    RecordValidationException e = refused(record("items", items), 4);
    assertThat(e.fieldName()).isEqualTo("items[1].price");
    assertThat(e.getMessage()).contains("expected BigDecimal").contains("java.lang.String").contains("12,5");

    assertThat(refused(record("id", "1"), 0).getMessage()).contains("expected Long").contains("(1)");
    assertThat(refused(record("id", 1.0), 0).getMessage()).contains("expected Long");
    assertThat(refused(record("count", 3L), 0).getMessage())
        .as("no narrowing, even when the value would fit").contains("expected Integer");
    assertThat(refused(record("ratio", new BigDecimal("0.5")), 0).fieldName()).isEqualTo("ratio");
    assertThat(refused(record("at", LocalDateTime.of(2026, 1, 1, 0, 0)), 0).getMessage())
        .as("a timestamp without zone is not an instant").contains("OffsetDateTime");
    assertThat(refused(record("items", "not a list"), 0).getMessage()).contains("a List");
    assertThat(refused(record("user", List.of(1L)), 0).getMessage()).contains("a Map<String, ?> or Row");
  }

  @Test
  void valuesThatDoNotFitTheirColumnAreRefused() {
    assertThat(refused(record("price", new BigDecimal("1.005")), 0).getMessage())
        .contains("scale 3").contains("would lose digits");
    assertThat(refused(record("price", new BigDecimal("12345678.00")), 0).getMessage())
        .contains("needs precision 10");
    assertThat(refused(record("digest", new byte[] {1, 2, 3}), 0).getMessage())
        .contains("fixed[4] value has 3 bytes");
    assertThat(refused(record("name", "bad \uD800 surrogate"), 0).fieldName()).isEqualTo("name");
    assertThat(refused(record("name", "reversed \uDC00\uD800 pair"), 0).fieldName()).isEqualTo("name");
  }

  @Test
  void nullsInsideCollectionsFollowTheSchema() {
    List<Double> withNull = new ArrayList<>(Arrays.asList(1.0, null));
    RecordValidationException list = refused(record("scores", withNull), 5);
    assertThat(list.fieldName()).isEqualTo("scores[1]");
    assertThat(list.getMessage()).contains("null element in a list of required elements");

    Map<Object, Object> nullKey = new HashMap<>();
    nullKey.put(null, List.of());
    assertThat(refused(record("attrs", nullKey), 5).getMessage()).contains("null map key");

    Map<Object, Object> attrs = new LinkedHashMap<>();
    attrs.put(9L, List.of(Map.of("v", "nine")));
    assertThat(refused(record("attrs", attrs), 5).fieldName()).isEqualTo("attrs[9][0].v");

    Map<Object, Object> collide = new LinkedHashMap<>();
    collide.put(1, List.of());
    collide.put(1L, List.of());
    assertThat(refused(record("attrs", collide), 5).getMessage()).contains("two keys become the same");
  }

  @Test
  void documentedWideningsAndCanonicalFormsAreApplied() {
    Instant instant = Instant.parse("2026-12-03T10:15:30.123456789Z");
    Object[] row = validator.toRow(record(
        "id", 7, // Integer into long
        "count", (short) 3,
        "price", new BigDecimal("4.5"), // scale raised, not lost
        "ratio", 0.25f,
        "at", ZonedDateTime.ofInstant(instant, ZoneId.of("Europe/Paris")),
        "clock", LocalTime.of(1, 2, 3, 456_789_123),
        "digest", ByteBuffer.wrap(new byte[] {1, 2, 3, 4}),
        "scores", new Double[] {Double.NaN, -0.0},
        "attrs", Map.of(1, List.of(Map.of("v", (byte) 2)))), 0);
    assertThat(row[SCHEMA.positionOf("id")]).isEqualTo(7L);
    assertThat(row[SCHEMA.positionOf("count")]).isEqualTo(3);
    assertThat(row[SCHEMA.positionOf("price")]).isEqualTo(new BigDecimal("4.50"));
    assertThat(row[SCHEMA.positionOf("ratio")]).isEqualTo(0.25d);
    assertThat(row[SCHEMA.positionOf("at")]).as("UTC, microseconds")
        .isEqualTo(OffsetDateTime.of(2026, 12, 3, 10, 15, 30, 123_456_000, ZoneOffset.UTC));
    assertThat(row[SCHEMA.positionOf("clock")]).isEqualTo(LocalTime.of(1, 2, 3, 456_789_000));
    assertThat(((ByteBuffer) row[SCHEMA.positionOf("digest")]).remaining()).isEqualTo(4);
    assertThat(row[SCHEMA.positionOf("scores")]).isEqualTo(List.of(Double.NaN, -0.0));
    Map<?, ?> attrs = (Map<?, ?>) row[SCHEMA.positionOf("attrs")];
    assertThat(new ArrayList<Object>(attrs.keySet())).containsExactly(1L);
    Row element = (Row) ((List<?>) attrs.get(1L)).get(0);
    assertThat(element.get("v")).isEqualTo(2);
  }

  @Test
  void theCallersValuesAreNotChangedAndBytesAreCopied() {
    byte[] digest = {1, 2, 3, 4};
    List<Object> items = new ArrayList<>();
    items.add(new HashMap<>(Map.of("sku", "a", "price", new BigDecimal("1.5"))));
    Map<String, Object> input = record("digest", digest, "items", items);
    Object[] row = validator.toRow(input, 0);
    digest[0] = 99;
    assertThat(((ByteBuffer) row[SCHEMA.positionOf("digest")]).get(0)).as("later changes to the array").isEqualTo((byte) 1);
    assertThat(((Map<?, ?>) items.get(0)).get("price")).isEqualTo(new BigDecimal("1.5"));
    Row item = (Row) ((List<?>) row[SCHEMA.positionOf("items")]).get(0);
    assertThat(item.get("price")).isEqualTo(new BigDecimal("1.50"));
  }

  @Test
  void aRowOfTheSameSchemaIsCheckedPositionally() {
    Object[] values = new Object[SCHEMA.size()];
    values[SCHEMA.positionOf("id")] = 5; // Integer: widened positionally too
    assertThat(validator.toRow(Row.wrap(SCHEMA, values), 0)[SCHEMA.positionOf("id")]).isEqualTo(5L);
    Object[] noId = new Object[SCHEMA.size()];
    assertThat(refused(Row.wrap(SCHEMA, noId), 8).fieldName()).isEqualTo("id");
  }
}
