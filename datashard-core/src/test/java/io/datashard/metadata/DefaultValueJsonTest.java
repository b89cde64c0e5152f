package io.datashard.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datashard.CorruptMetadataException;
import io.datashard.Field;
import io.datashard.ListType;
import io.datashard.MapType;
import io.datashard.Row;
import io.datashard.StructType;
import io.datashard.Type;
import io.datashard.Types;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DefaultValueJsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static Object parse(String json, Type type) throws Exception {
    return DefaultValueJson.parse(MAPPER.readTree(json), Field.optional(5, "f", type), true, "m.json");
  }

  private static String write(Object value, Type type) throws Exception {
    StringWriter out = new StringWriter();
    try (var g = MAPPER.getFactory().createGenerator(out)) {
      DefaultValueJson.write(g, value, type);
    }
    return out.toString();
  }

  @Test
  void everyTypeReadsInTheSpecsEncodingAndWritesItBack() throws Exception {
    Object[][] cases = {
        {"true", Types.BOOLEAN, true},
        {"34", Types.INT, 34},
        {"34", Types.LONG, 34L},
        {"1.5", Types.DOUBLE, 1.5d},
        {"\"14.20\"", Types.decimal(9, 2), new BigDecimal("14.20")},
        {"\"2017-11-16\"", Types.DATE, LocalDate.of(2017, 11, 16)},
        {"\"22:31:08.123456\"", Types.TIME, LocalTime.of(22, 31, 8, 123_456_000)},
        {"\"2017-11-16T22:31:08.123456\"", Types.TIMESTAMP, LocalDateTime.of(2017, 11, 16, 22, 31, 8, 123_456_000)},
        {"\"2017-11-16T22:31:08.123456Z\"", Types.TIMESTAMP_TZ,
            OffsetDateTime.of(2017, 11, 16, 22, 31, 8, 123_456_000, ZoneOffset.UTC)},
        {"\"iceberg\"", Types.STRING, "iceberg"},
        {"\"f79c3e09-677c-4bbd-a479-3f349cb785e7\"", Types.UUID, UUID.fromString("f79c3e09-677c-4bbd-a479-3f349cb785e7")},
        {"\"000102ff\"", Types.BINARY, ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 0xff})},
        {"\"0001\"", Types.fixed(2), ByteBuffer.wrap(new byte[] {0, 1})},
        {"[1,2,3]", ListType.of(6, Types.INT, true), List.of(1, 2, 3)},
        {"{\"keys\":[\"a\",\"b\"],\"values\":[1,2]}", MapType.of(7, Types.STRING, 8, Types.INT, true),
            Map.of("a", 1, "b", 2)},
    };
    for (Object[] c : cases) {
      Object v = parse((String) c[0], (Type) c[1]);
      assertThat(v).as("%s as %s", c[0], c[1]).isEqualTo(c[2]);
      assertThat(parse(write(v, (Type) c[1]), (Type) c[1])).as("written back: %s", c[1]).isEqualTo(c[2]);
    }
    // "{}" for a struct: its fields take their own defaults
    StructType point = StructType.of(Field.optional(10, "x", Types.INT).withDefaults(0, 0),
        Field.optional(11, "y", Types.INT).withDefaults(5, 6));
    Row p = (Row) parse("{}", point);
    assertThat(p.get("x")).isEqualTo(0);
    assertThat(p.get("y")).isEqualTo(5);
    assertThat(((Row) parse("{\"11\": -1}", point)).get("y")).isEqualTo(-1);
  }

  @Test
  void aDefaultThatIsNotOfItsTypeIsCorruptMetadata() throws Exception {
    JsonNode wrong = MAPPER.readTree("\"seven\"");
    assertThatThrownBy(() -> DefaultValueJson.parse(wrong, Field.optional(5, "level", Types.INT), true, "v3.json"))
        .isInstanceOf(CorruptMetadataException.class).hasMessageContaining("level").hasMessageContaining("v3.json");
    assertThatThrownBy(() -> parse("\"2017-13-45\"", Types.DATE)).isInstanceOf(CorruptMetadataException.class);
    assertThatThrownBy(() -> parse("\"00\"", Types.fixed(2))).isInstanceOf(CorruptMetadataException.class);
  }
}
