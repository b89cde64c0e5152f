package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.expressions.Expressions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scan().limit(n)}: at most n rows, in commit order, and reading stops there. */
class ScanLimitTest {
  @TempDir
  Path dir;

  static List<Long> ids(TableScan scan) {
    return TestSchemas.ids(scan);
  }

  @Test
  void limitReturnsTheFirstRowsAndStopsReading() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", TestSchemas.EVENTS);
      for (long i = 0; i < 5; i++) {
        t.appendRecords(List.of(TestSchemas.event(i * 10, "a", null), TestSchemas.event(i * 10 + 1, "b", null)));
      }
      assertThat(ids(t.scan().limit(3))).containsExactly(0L, 1L, 10L);
      assertThat(ids(t.scan().limit(0))).isEmpty();
      assertThat(ids(t.scan().limit(100))).hasSize(10);
      assertThat(ids(t.scan().filter(Expressions.equal("event", "b")).limit(2))).containsExactly(1L, 11L);
      assertThat(t.scan().limit(4).count()).isEqualTo(4);
      assertThat(t.scan().filter(Expressions.equal("event", "b")).limit(3).count()).isEqualTo(3);
      assertThat(ids(t.scan().limit(3).parallelism(2).select("id"))).hasSize(3);
      TableScan limited = t.scan().limit(1);
      assertThat(ids(limited)).containsExactly(0L);
      assertThat(limited.report().filesRead()).as("files opened for one row").isEqualTo(1);
      assertThatThrownBy(() -> t.scan().limit(-1)).isInstanceOf(ValidationException.class)
          .hasMessageContaining("limit must be 0 or more");
    }
  }
}
