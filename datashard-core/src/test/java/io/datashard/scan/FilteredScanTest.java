package io.datashard.scan;

import io.datashard.ScanReport;
import static io.datashard.expressions.Expressions.and;
import static io.datashard.expressions.Expressions.equal;
import static io.datashard.expressions.Expressions.greaterThan;
import static io.datashard.expressions.Expressions.in;
import static io.datashard.expressions.Expressions.isNaN;
import static io.datashard.expressions.Expressions.isNull;
import static io.datashard.expressions.Expressions.lessThan;
import static io.datashard.expressions.Expressions.not;
import static io.datashard.expressions.Expressions.notEqual;
import static io.datashard.expressions.Expressions.notIn;
import static io.datashard.expressions.Expressions.notNaN;
import static io.datashard.expressions.Expressions.or;
import static io.datashard.expressions.Expressions.startsWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.CloseableIterator;
import io.datashard.Field;
import io.datashard.PartitionSpec;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.TableScan;
import io.datashard.TestSchemas;
import io.datashard.Types;
import io.datashard.ValidationException;
import io.datashard.Warehouse;
import io.datashard.storage.CountingStorageBackend;
import io.datashard.storage.LocalStorageBackend;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilteredScanTest {
  @TempDir
  Path dir;

  private static Map<String, Object> row(long id, String event, Double value) {
    return TestSchemas.event(id, event, value);
  }

  @Test
  void onePrunedFileOfAHundredIsTheOnlyDataFileOpened() {
    CountingStorageBackend storage = new CountingStorageBackend(new LocalStorageBackend(dir, false));
    try (Warehouse wh = Warehouse.of(storage)) {
      // a hundred files, counted below: upkeep would compact them
      Table t = wh.createTable("events", TestSchemas.EVENTS, io.datashard.PartitionSpec.unpartitioned(),
          Map.of(io.datashard.TableProperties.UPKEEP_ENABLED, "false"));
      for (int f = 0; f < 100; f++) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          long id = f * 1000L + i;
          rows.add(row(id, String.format("file-%03d-%d", f, i), (double) f));
        }
        t.appendRecords(rows);
      }
      storage.reset();

      TableScan scan = t.scan().filter(equal("id", 42_007)).select("event");
      List<Row> rows = scan.toList();

      assertThat(rows).extracting(r -> r.get("event")).containsExactly("file-042-7");
      assertThat(rows.get(0).schema().columnNames()).containsExactly("event"); // filter column not returned
      ScanReport report = scan.report();
      assertThat(report.filesConsidered()).isEqualTo(100);
      assertThat(report.filesPruned()).isEqualTo(99);
      assertThat(report.filesRead()).isEqualTo(1);
      assertThat(report.rowsReturned()).isEqualTo(1);
      assertThat(report.complete()).isTrue();
      assertThat(storage.distinctDataFilesRead()).isEqualTo(1);
      assertThat(report.bytesRead()).isPositive();

      // string bounds prune too (truncated to 16 chars: "file-017-..." still separates files)
      storage.reset();
      TableScan byPrefix = t.scan().filter(startsWith("event", "file-017-"));
      assertThat(byPrefix.toList()).hasSize(50);
      assertThat(byPrefix.report().filesRead()).isEqualTo(1);
      assertThat(storage.distinctDataFilesRead()).isEqualTo(1);

      // count without filter comes from metadata: no data file is opened
      storage.reset();
      TableScan all = t.scan();
      assertThat(all.count()).isEqualTo(5000);
      assertThat(all.report().filesRead()).isZero();
      assertThat(all.report().recordsCountedFromMetadata()).isEqualTo(5000);
      assertThat(storage.distinctDataFilesRead()).isZero();

      // count with a filter reads only the files that might match
      TableScan some = t.scan().filter(and(greaterThan("value", 97.5), lessThan("id", 99_010)));
      assertThat(some.count()).isEqualTo(60);
      assertThat(some.report().filesRead()).isEqualTo(2);
    }
  }

  @Test
  void rowGroupsOutsideTheFilterAreNotRead() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("big", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
          Map.of("write.parquet.row-group-size-bytes", "16384", "write.parquet.page-size-bytes", "4096"));
      try (var a = t.newAppend()) {
        for (int i = 0; i < 40_000; i++) {
          a.add(row(i, "event-" + i, i * 0.5));
        }
        a.commit();
      }
      TableScan full = t.scan();
      assertThat(full.toList()).hasSize(40_000);
      ScanReport fullReport = full.report();
      assertThat(fullReport.rowGroupsConsidered()).isGreaterThan(4);

      TableScan one = t.scan().filter(equal("id", 31_337));
      assertThat(one.toList()).extracting(r -> r.get("event")).containsExactly("event-31337");
      ScanReport r = one.report();
      assertThat(r.filesRead()).isEqualTo(1);
      assertThat(r.rowGroupsSkipped()).isEqualTo(r.rowGroupsConsidered() - 1);
      assertThat(r.rowsRead()).isLessThan(40_000);
      assertThat(r.bytesRead()).isLessThan(fullReport.bytesRead() / 2);
    }
  }

  @Test
  void nullsNeverMatchComparisonsAndNotInExcludesThem() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", TestSchemas.EVENTS);
      t.appendRecords(List.of(row(1, "a", 1.0), row(2, "b", null), row(3, "c", Double.NaN), row(4, "d", 2.0)));

      assertThat(ids(t.scan().filter(notEqual("value", 1.0)))).containsExactly(3L, 4L);
      assertThat(ids(t.scan().filter(notIn("value", 1.0, 5.0)))).containsExactly(3L, 4L);
      assertThat(ids(t.scan().filter(not(equal("value", 1.0))))).containsExactly(3L, 4L);
      assertThat(ids(t.scan().filter(not(lessThan("value", 1.5))))).containsExactly(3L, 4L);
      assertThat(ids(t.scan().filter(isNull("value")))).containsExactly(2L);
      assertThat(ids(t.scan().filter(isNaN("value")))).containsExactly(3L);
      assertThat(ids(t.scan().filter(notNaN("value")))).containsExactly(1L, 2L, 4L);
      // NaN sorts above every number
      assertThat(ids(t.scan().filter(greaterThan("value", 1.5)))).containsExactly(3L, 4L);
      assertThat(ids(t.scan().filter(or(in("event", "a", "d"), isNull("value"))))).containsExactly(1L, 2L, 4L);
      assertThat(ids(t.scan().filter(in("id", 2, 4L, "3")))).containsExactly(2L, 3L, 4L); // literals converted
    }
  }

  @Test
  void badFiltersAreRejectedNamingTheColumn() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", TestSchemas.EVENTS);
      assertThatThrownBy(() -> t.scan().filter(equal("evnt", "login")))
          .isInstanceOf(ValidationException.class).hasMessageContaining("'evnt'").hasMessageContaining("event");
      assertThatThrownBy(() -> t.scan().filter(equal("id", "not a number")))
          .isInstanceOf(ValidationException.class).hasMessageContaining("'id'").hasMessageContaining("long");
      assertThatThrownBy(() -> t.scan().filter(equal("id", 1L << 40).negate()).filter(equal("event", 5)))
          .isInstanceOf(ValidationException.class).hasMessageContaining("'event'");
      assertThatThrownBy(() -> t.scan().filter(equal("value", null)))
          .isInstanceOf(ValidationException.class).hasMessageContaining("isNull");
      assertThatThrownBy(() -> t.scan().filter(lessThan("value", Double.NaN)))
          .isInstanceOf(ValidationException.class).hasMessageContaining("isNaN");
      assertThatThrownBy(() -> t.scan().filter(isNaN("id")))
          .isInstanceOf(ValidationException.class).hasMessageContaining("'id'");
      assertThatThrownBy(() -> t.scan().filter(startsWith("id", "1")))
          .isInstanceOf(ValidationException.class).hasMessageContaining("'id'");
    }
  }

  @Test
  void literalsConvertToTheColumnType() {
    Schema schema = Schema.of(Field.required(1, "id", Types.INT), Field.optional(2, "day", Types.DATE),
        Field.optional(3, "amount", Types.decimal(9, 2)));
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("typed", schema);
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        Map<String, Object> m = new HashMap<>();
        m.put("id", i);
        m.put("day", LocalDate.of(2024, 1, 1).plusDays(i));
        m.put("amount", new java.math.BigDecimal(i + ".50"));
        rows.add(m);
      }
      t.appendRecords(rows);
      assertThat(ids(t.scan().filter(lessThan("day", "2024-01-03")))).containsExactly(0, 1);
      assertThat(ids(t.scan().filter(equal("amount", "3.5")))).containsExactly(3);
      assertThat(ids(t.scan().filter(equal("amount", new java.math.BigDecimal("3.505"))))).isEmpty();
      assertThat(ids(t.scan().filter(greaterThan("amount", 8)))).containsExactly(8, 9);
      assertThatThrownBy(() -> t.scan().filter(equal("id", 3_000_000_000L)))
          .isInstanceOf(ValidationException.class).hasMessageContaining("'id'").hasMessageContaining("int");
    }
  }

  @Test
  void timeTravelReturnsEachSnapshotsRowsAfterLaterAppends() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", TestSchemas.EVENTS);
      List<Snapshot> snapshots = new ArrayList<>();
      List<List<Long>> expected = new ArrayList<>();
      List<Long> all = new ArrayList<>();
      for (int c = 0; c < 5; c++) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          long id = c * 10L + i;
          rows.add(row(id, "e" + id, null));
          all.add(id);
        }
        snapshots.add(t.appendRecords(rows));
        expected.add(List.copyOf(all));
      }
      for (int c = 0; c < 5; c++) {
        Snapshot s = snapshots.get(c);
        assertThat(ids(t.scan().useSnapshot(s.snapshotId()))).as("snapshot %d", c).isEqualTo(expected.get(c));
        assertThat(t.scan().useSnapshot(s.snapshotId()).count()).isEqualTo(expected.get(c).size());
        assertThat(ids(t.scan().asOfTime(Instant.ofEpochMilli(s.timestampMillis()))))
            .isEqualTo(expected.get(c));
        // filters compose with time travel
        assertThat(ids(t.scan().useSnapshot(s.snapshotId()).filter(greaterThan("id", 15))))
            .isEqualTo(expected.get(c).stream().filter(id -> id > 15).collect(Collectors.toList()));
      }
      assertThatThrownBy(() -> t.scan().useSnapshot(12345L))
          .isInstanceOf(ValidationException.class).hasMessageContaining("12345");
      assertThatThrownBy(() -> t.scan().asOfTime(Instant.ofEpochMilli(snapshots.get(0).timestampMillis() - 1)))
          .isInstanceOf(ValidationException.class).hasMessageContaining("no snapshot");

      // a snapshot whose files were removed (as expiry does) fails clearly rather than reading nothing
      Snapshot first = snapshots.get(0);
      wh.storage().delete(first.manifestListLocation());
      assertThatThrownBy(() -> wh.loadTable("events").scan().useSnapshot(first.snapshotId()).toList())
          .isInstanceOf(ValidationException.class).hasMessageContaining("expired");
    }
  }

  @Test
  void parallelBatchedAndStreamedReadsReturnTheSameRowsInTheSameOrder() {
    try (Warehouse wh = Warehouse.of(new LocalStorageBackend(dir, false))) {
      Table t = wh.createTable("events", TestSchemas.EVENTS);
      for (int f = 0; f < 7; f++) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 1100 + f * 100; i++) {
          rows.add(row(f * 10_000L + i, "e" + (i % 7), (double) i));
        }
        t.appendRecords(rows);
      }
      List<Row> sequential = t.scan().filter(notEqual("event", "e3")).toList();
      TableScan parallel = t.scan().filter(notEqual("event", "e3")).parallelism(4);
      assertThat(parallel.toList()).isEqualTo(sequential);
      assertThat(parallel.report().filesRead()).isEqualTo(7);
      assertThat(t.scan().parallelism(3).toList()).isEqualTo(t.scan().toList());
      assertThat(t.scan().filter(notEqual("event", "e3")).parallelism(4).count()).isEqualTo(sequential.size());

      List<Row> batched = new ArrayList<>();
      try (CloseableIterator<List<Row>> batches = t.scan().filter(notEqual("event", "e3")).batches(1000)) {
        while (batches.hasNext()) {
          List<Row> b = batches.next();
          assertThat(b.size()).isBetween(1, 1000);
          batched.addAll(b);
        }
      }
      assertThat(batched).isEqualTo(sequential);
      try (var stream = t.scan().filter(notEqual("event", "e3")).stream()) {
        assertThat(stream.collect(Collectors.toList())).isEqualTo(sequential);
      }

      // closing a parallel iterator early releases everything and stops
      TableScan early = t.scan().parallelism(4);
      try (CloseableIterator<Row> it = early.iterator()) {
        for (int i = 0; i < 10; i++) {
          it.next();
        }
      }
      assertThat(early.report().complete()).isTrue();
    }
  }

  private static List<Object> ids(TableScan scan) {
    return scan.toList().stream().map(r -> r.get("id")).collect(Collectors.toList());
  }
}
