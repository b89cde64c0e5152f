package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Time values with nanoseconds (what {@code Instant.now()} gives) are stored as microseconds, as Iceberg does. */
class TimePrecisionTest {
  @TempDir
  Path dir;

  @Test
  void nanosecondValuesAreTruncatedToMicroseconds() {
    Schema schema = Schema.of(Field.required(1, "id", Types.LONG), Field.optional(2, "tstz", Types.TIMESTAMP_TZ),
        Field.optional(3, "ts", Types.TIMESTAMP), Field.optional(4, "t", Types.TIME));
    Instant nanos = Instant.parse("2024-05-01T10:00:00.123456789Z");
    try (Warehouse wh = Warehouse.local(dir)) {
      Table table = wh.createTable("times", schema);
      table.appendRecords(List.of(
          row(1, nanos, LocalDateTime.of(2024, 5, 1, 10, 0, 0, 999_999_999), LocalTime.of(23, 59, 59, 1_999)),
          row(2, OffsetDateTime.of(2024, 5, 1, 12, 0, 0, 123_456_789, ZoneOffset.ofHours(2)), null, null),
          row(3, ZonedDateTime.ofInstant(nanos, ZoneOffset.UTC), null, null),
          row(4, Instant.now(), null, null)));
      Map<Long, Row> byId = new HashMap<>();
      table.scan().toList().forEach(r -> byId.put((Long) r.get("id"), r));
      OffsetDateTime micros = OffsetDateTime.parse("2024-05-01T10:00:00.123456Z");
      assertThat(byId.get(1L).get("tstz")).isEqualTo(micros);
      assertThat(byId.get(1L).get("ts")).isEqualTo(LocalDateTime.of(2024, 5, 1, 10, 0, 0, 999_999_000));
      assertThat(byId.get(1L).get("t")).isEqualTo(LocalTime.of(23, 59, 59, 1_000));
      assertThat(byId.get(2L).get("tstz")).isEqualTo(micros);
      assertThat(byId.get(3L).get("tstz")).isEqualTo(micros);
      assertThat(((OffsetDateTime) byId.get(4L).get("tstz")).getNano() % 1000).isZero();
    }
  }

  static Map<String, Object> row(long id, Object tstz, Object ts, Object t) {
    Map<String, Object> m = new HashMap<>();
    m.put("id", id);
    m.put("tstz", tstz);
    m.put("ts", ts);
    m.put("t", t);
    return m;
  }
}
