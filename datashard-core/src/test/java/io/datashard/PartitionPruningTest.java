package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.expressions.Expression;
import io.datashard.expressions.Expressions;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Partitioned tables: every filtered scan returns exactly the brute-force answer, and partitions are pruned. */
class PartitionPruningTest {
  static final Schema SCHEMA = Schema.of(
      Field.required(1, "id", Types.LONG),
      Field.optional(2, "region", Types.STRING),
      Field.required(3, "ts", Types.TIMESTAMP_TZ));
  static final OffsetDateTime BASE = OffsetDateTime.of(2024, 1, 30, 0, 0, 0, 0, ZoneOffset.UTC);

  @TempDir
  Path dir;
  Warehouse wh;
  Table table;
  List<Map<String, Object>> all = new ArrayList<>();

  @BeforeEach
  void fill() {
    wh = Warehouse.local(dir);
    PartitionSpec spec = PartitionSpec.builderFor(SCHEMA).day("ts").month("ts").truncate("id", 100)
        .identity("region").bucket("id", 3).build();
    table = wh.createTable("p", SCHEMA, spec);
    for (int batch = 0; batch < 3; batch++) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = batch * 400; i < (batch + 1) * 400; i++) {
        Map<String, Object> r = new HashMap<>();
        r.put("id", (long) i);
        r.put("region", i % 3 == 0 ? null : (i % 3 == 1 ? "eu" : "us"));
        r.put("ts", BASE.plusHours(i));
        rows.add(r);
      }
      table.appendRecords(rows);
      all.addAll(rows);
    }
  }

  @org.junit.jupiter.api.AfterEach
  void close() {
    wh.close();
  }

  private ScanReport check(Expression filter, Predicate<Map<String, Object>> expected) {
    TableScan scan = table.scan().filter(filter);
    List<Row> rows = scan.toList();
    ScanReport report = scan.report();
    List<Object> want = all.stream().filter(expected).map(r -> r.get("id")).sorted().toList();
    List<Object> got = rows.stream().map(r -> r.get("id")).sorted((a, b) -> Long.compare((Long) a, (Long) b)).toList();
    assertThat(got).as("rows for %s", filter).isEqualTo(want);
    return report;
  }

  private static OffsetDateTime ts(Map<String, Object> r) {
    return (OffsetDateTime) r.get("ts");
  }

  @Test
  void timeRangesPruneByDayAndMonthPartitions() {
    OffsetDateTime from = BASE.plusHours(100);
    OffsetDateTime to = BASE.plusHours(130);
    ScanReport r = check(Expressions.and(Expressions.greaterThanOrEqual("ts", from), Expressions.lessThan("ts", to)),
        row -> !ts(row).isBefore(from) && ts(row).isBefore(to));
    assertThat(r.filesPruned()).isGreaterThan(r.filesRead());
    // manifests can only be skipped by their partition summaries (column bounds live in the entries):
    // hours 100..130 lie in the first append's days, so the other two manifests are never opened
    assertThat(r.manifestsSkipped()).isEqualTo(2);
  }

  @Test
  void truncatedIdsPruneRanges() {
    ScanReport r = check(Expressions.and(Expressions.greaterThanOrEqual("id", 250L), Expressions.lessThanOrEqual("id", 260L)),
        row -> (Long) row.get("id") >= 250 && (Long) row.get("id") <= 260);
    assertThat(r.filesPruned()).isPositive();
    assertThat(r.manifestsSkipped()).isEqualTo(2); // ids 250..260 are in the first append's truncate[100] range
    assertThat(check(Expressions.lessThan("id", 0L), row -> false).filesRead()).isZero();
  }

  @Test
  void identityAndNullPartitionsFollowSqlSemantics() {
    check(Expressions.equal("region", "eu"), row -> "eu".equals(row.get("region")));
    ScanReport nulls = check(Expressions.isNull("region"), row -> row.get("region") == null);
    assertThat(nulls.filesPruned()).isPositive();
    check(Expressions.not(Expressions.equal("region", "us")), row -> row.get("region") != null
        && !"us".equals(row.get("region")));
    check(Expressions.notNull("region"), row -> row.get("region") != null);
    check(Expressions.or(Expressions.lessThan("id", 5L), Expressions.greaterThan("ts", BASE.plusHours(1190))),
        row -> (Long) row.get("id") < 5 || ts(row).isAfter(BASE.plusHours(1190)));
    check(Expressions.in("region", "eu", "zz"), row -> Objects.equals(row.get("region"), "eu"));
  }
}
