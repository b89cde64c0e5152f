package io.datashard.s3;

import static org.assertj.core.api.Assertions.assertThat;
import io.datashard.update.TableInternals;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.Appender;
import io.datashard.Field;
import io.datashard.HistoryEntry;
import io.datashard.Row;
import io.datashard.RecordValidationException;
import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.StorageException;
import io.datashard.Table;
import io.datashard.TableAlreadyExistsException;
import io.datashard.TableNotFoundException;
import io.datashard.TestSchemas;
import io.datashard.ValidationException;
import io.datashard.Warehouse;
import io.datashard.commit.MetadataFiles;
import io.datashard.commit.TableOperations;
import io.datashard.commit.FileTableOperations;
import io.datashard.metadata.TableMetadata;
import io.datashard.storage.FileInfo;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The table API on S3 (in-process S3Proxy, no Docker, no network): what works on local disk works the same on
 * an object store. Each test gets its own warehouse prefix in one shared server.
 */
class S3TableEndToEndTest {
  private static final Schema EVENTS = TestSchemas.EVENTS;

  private static S3ProxyServer server;
  private static CountingS3Proxy proxy;

  private String prefix;
  private Warehouse wh;

  @BeforeAll
  static void startServer() {
    server = S3ProxyServer.start();
    proxy = CountingS3Proxy.start(server.endpoint());
  }

  @AfterAll
  static void stopServer() {
    proxy.close();
    server.close();
  }

  @BeforeEach
  void openWarehouse() {
    prefix = "wh-" + UUID.randomUUID();
    wh = Warehouse.of(new S3StorageBackend(server.configBuilder(proxy.endpoint()).prefix(prefix).build()));
  }

  @AfterEach
  void closeWarehouse() {
    wh.close();
  }

  /** The variables a user sets to put the warehouse on this server. */
  static Map<String, String> env(String prefix) {
    return server.environment(server.endpoint(), prefix);
  }

  // -----------------------------------------------------------------------------------------------------------
  // Round trips

  @Test
  void createLoadAppendScanRoundTrip() {
    Table t = wh.createTable("events", EVENTS);
    assertThat(t.location()).isEqualTo("s3://" + server.bucket() + "/" + prefix + "/events");
    assertThat(t.currentSnapshot()).isNull();
    assertThat(t.scan().toList()).isEmpty();

    Snapshot s1 = t.appendRecords(List.of(TestSchemas.event(1, "login", 0.5), TestSchemas.event(2, "view", null)));
    Snapshot s2;
    try (Appender a = t.newAppend()) {
      for (int i = 3; i <= 1000; i++) {
        a.add(TestSchemas.event(i, "e" + i, i * 1.0));
      }
      s2 = a.commit();
    }
    assertThat(wh.listTables()).containsExactly("events");
    assertThatThrownBy(() -> wh.createTable("events", EVENTS)).isInstanceOf(TableAlreadyExistsException.class);
    assertThatThrownBy(() -> wh.loadTable("nope")).isInstanceOf(TableNotFoundException.class);

    Table loaded = wh.loadTable("events");
    assertThat(loaded.currentSnapshot()).isEqualTo(s2);
    assertThat(loaded.snapshots()).containsExactly(s1, s2);
    assertThat(loaded.history()).extracting(HistoryEntry::snapshotId).containsExactly(s1.snapshotId(), s2.snapshotId());
    assertThat(loaded.rowCount()).isEqualTo(1000);
    List<Row> rows = loaded.scan().toList();
    assertThat(rows).extracting(r -> (Long) r.get("id")).doesNotHaveDuplicates().hasSize(1000);
    assertThat(rows.stream().filter(r -> (Long) r.get("id") == 2L).findFirst().orElseThrow())
        .containsEntry("event", "view").containsEntry("value", null);
    assertThat(loaded.scan().select("event").toList().get(0).schema().columnNames()).containsExactly("event");
    assertThat(loaded.scan().useSnapshot(s1.snapshotId()).count()).isEqualTo(2);

    // Every object lives under the table's prefix, in the Iceberg layout.
    Set<String> names = wh.storage().list(t.location()).stream()
        .map(f -> f.location().substring(t.location().length() + 1)).collect(Collectors.toSet());
    assertThat(names).contains("metadata/v1.metadata.json", "metadata/v2.metadata.json", "metadata/v3.metadata.json",
        "metadata/version-hint.text");
    assertThat(names).allMatch(n -> n.startsWith("metadata/") || (n.startsWith("data/") && n.endsWith(".parquet")));
    assertThat(new String(wh.storage().readAll(t.location() + "/metadata/version-hint.text"), StandardCharsets.UTF_8))
        .isEqualTo("3");

    assertThat(wh.dropTable("events")).isTrue();
    assertThat(wh.listTables()).isEmpty();
    // Only the version names stay, as tombstones of a few hundred bytes (docs/concurrency.md, "Dropping a table").
    assertThat(wh.storage().list(t.location())).allSatisfy(f -> {
      assertThat(f.location()).matches(".*/metadata/(v\\d+\\.metadata\\.json|version-hint\\.text)");
      assertThat(f.size()).isLessThan(400);
    }).hasSize(5);
  }

  @Test
  void repeatedScansReadDataFilesFromMemoryNotS3() {
    Table t = wh.createTable("events", EVENTS);
    for (int f = 0; f < 3; f++) {
      List<Map<String, Object>> batch = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        batch.add(TestSchemas.event(f * 10_000L + i, "file-" + f, (double) i));
      }
      t.appendRecords(batch);
    }
    S3StorageBackend backend = (S3StorageBackend) wh.storage();
    assertThat(backend.readCache()).isPresent();
    proxy.reset();
    List<Row> first = t.scan().toList();
    assertThat(first).hasSize(6000);
    // small data files: one GET each, footer and column chunks together
    assertThat(dataFileGets()).isEqualTo(3);

    proxy.reset();
    assertThat(t.scan().toList()).containsExactlyInAnyOrderElementsOf(first);
    assertThat(t.scan().filter(io.datashard.expressions.Expressions.equal("event", "file-1")).count()).isEqualTo(2000);
    assertThat(dataFileGets()).isZero();
    assertThat(backend.readCache().orElseThrow().stats().hits()).isPositive();

    // the same table read with the cache turned off (DATASHARD_S3_READ_MEMORY_MB=0) goes to S3 every time
    Map<String, String> noCache = env(prefix);
    noCache.put("DATASHARD_S3_ENDPOINT", proxy.endpoint().toString());
    noCache.put("DATASHARD_S3_READ_MEMORY_MB", "0");
    try (Warehouse uncached = Warehouse.fromEnvironment(noCache)) {
      assertThat(((S3StorageBackend) uncached.storage()).readCache()).isEmpty();
      Table u = uncached.loadTable("events");
      proxy.reset();
      assertThat(u.scan().toList()).containsExactlyInAnyOrderElementsOf(first);
      assertThat(u.scan().toList()).hasSize(6000);
      assertThat(dataFileGets()).isGreaterThanOrEqualTo(6);
    }
  }

  private static long dataFileGets() {
    return proxy.requests().stream().filter(r -> r.type().equals("GET") && r.path().endsWith(".parquet")).count();
  }

  @Test
  void everyTypeRoundTripsExactly() {
    Table t = wh.createTable("all_types", TestSchemas.ALL_TYPES);
    List<Map<String, Object>> rows = TestSchemas.allTypesRows();
    t.appendRecords(rows);

    List<Row> read = wh.loadTable("all_types").scan().toList();
    read.sort(Comparator.comparing(r -> (Long) r.get("id")));
    assertThat(read).hasSize(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      Map<String, Object> expected = new HashMap<>(rows.get(i));
      for (Field f : TestSchemas.ALL_TYPES.fields()) {
        expected.putIfAbsent(f.name(), null);
      }
      assertThat(read.get(i)).as("row %d", i).isEqualTo(expected);
    }
  }

  @Test
  void environmentVariablesSelectS3InProcess() {
    try (Warehouse fromEnv = Warehouse.fromEnvironment(env(prefix))) {
      assertThat(fromEnv.storage()).isInstanceOf(S3StorageBackend.class);
      assertThat(fromEnv.location()).isEqualTo("s3://" + server.bucket() + "/" + prefix);
      fromEnv.createTable("from_env", EVENTS).appendRecords(List.of(TestSchemas.event(1, "x", null)));
    }
    assertThat(wh.loadTable("from_env").scan().count()).isEqualTo(1);
  }

  // -----------------------------------------------------------------------------------------------------------
  // Bad input leaves the table untouched

  static Stream<Arguments> badRecords() {
    Map<String, Object> nullRequired = new HashMap<>();
    nullRequired.put("id", 5L);
    nullRequired.put("event", null);
    return Stream.of(
        Arguments.of("unknown field", Map.of("id", 5L, "event", "x", "colour", "red"), "colour"),
        Arguments.of("missing required field", Map.of("id", 5L), "event"),
        Arguments.of("null required field", nullRequired, "event"),
        Arguments.of("string for long", Map.of("id", "5", "event", "x"), "id"),
        Arguments.of("string for double", Map.of("id", 5L, "event", "x", "value", "1.5"), "value"),
        Arguments.of("decimal for double", Map.of("id", 5L, "event", "x", "value", new BigDecimal("1.5")), "value"),
        Arguments.of("timestamp for string", Map.of("id", 5L, "event", LocalDateTime.of(2020, 1, 1, 0, 0)), "event"),
        Arguments.of("instant for long", Map.of("id", Instant.EPOCH, "event", "x"), "id"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRecords")
  void rejectedBatchNamesIndexAndFieldAndChangesNothingInTheBucket(String caseName, Map<String, Object> bad,
                                                                  String field) {
    Table t = wh.createTable("t", EVENTS);
    t.appendRecords(List.of(TestSchemas.event(1, "existing", null)));
    TableState before = state();
    List<Map<String, Object>> batch = new ArrayList<>();
    batch.add(TestSchemas.event(2, "fine", 1.0));
    batch.add(TestSchemas.event(3, "also fine", null));
    batch.add(bad);

    assertThatThrownBy(() -> t.appendRecords(batch))
        .isInstanceOfSatisfying(RecordValidationException.class, e -> {
          assertThat(e.recordIndex()).isEqualTo(2);
          assertThat(e.fieldName()).isEqualTo(field);
          assertThat(e.getMessage()).contains("record 2").contains(field);
        });
    assertThat(state()).isEqualTo(before);

    // The streaming appender has already uploaded a data file part-way: it must be removed again.
    try (Appender a = t.newAppend()) {
      for (int i = 0; i < 500; i++) {
        a.add(TestSchemas.event(100 + i, "row " + i, null));
      }
      assertThatThrownBy(() -> a.add(bad)).isInstanceOf(RecordValidationException.class)
          .hasMessageContaining(field);
      assertThatThrownBy(a::commit).isInstanceOf(ValidationException.class);
    }
    assertThat(state()).isEqualTo(before);
  }

  /** Current snapshot, snapshot count, rows, and every object under the warehouse prefix (the whole bucket part). */
  private TableState state() {
    Table fresh = wh.loadTable("t");
    Set<String> objects = wh.storage().list(wh.location()).stream().map(FileInfo::location).collect(Collectors.toSet());
    return new TableState(fresh.currentSnapshot().snapshotId(), fresh.snapshots().size(), fresh.scan().toList(),
        objects);
  }

  record TableState(long snapshotId, int snapshots, List<Row> rows, Set<String> objects) {
  }

  // -----------------------------------------------------------------------------------------------------------
  // version-hint.text is advisory

  @ParameterizedTest(name = "hint {0}")
  @ValueSource(strings = {"stale", "missing", "garbage", "past-the-end", "empty"})
  void latestVersionIsFoundWhateverTheHintSays(String hintCase) {
    Table t = wh.createTable("t", EVENTS);
    t.appendRecords(List.of(TestSchemas.event(1, "a", null)));
    t.appendRecords(List.of(TestSchemas.event(2, "b", null)));
    String hint = t.location() + "/metadata/version-hint.text";
    switch (hintCase) {
      case "stale" -> wh.storage().writeAll(hint, "1".getBytes(StandardCharsets.UTF_8));
      case "missing" -> wh.storage().delete(hint);
      case "garbage" -> wh.storage().writeAll(hint, "garbage\u0000!".getBytes(StandardCharsets.UTF_8));
      case "past-the-end" -> wh.storage().writeAll(hint, "99".getBytes(StandardCharsets.UTF_8));
      case "empty" -> wh.storage().writeAll(hint, new byte[0]);
      default -> throw new IllegalArgumentException(hintCase);
    }
    try (Warehouse other = Warehouse.fromEnvironment(env(prefix))) {
      Table loaded = other.loadTable("t");
      assertThat(TableInternals.of(loaded).metadata().version()).isEqualTo(3);
      assertThat(loaded.scan().count()).isEqualTo(2);
      assertThat(new String(other.storage().readAll(hint), StandardCharsets.UTF_8)).as("hint healed").isEqualTo("3");
      loaded.appendRecords(List.of(TestSchemas.event(3, "c", null)));
      assertThat(other.storage().exists(t.location() + "/metadata/v4.metadata.json")).isTrue();
      assertThat(new String(other.storage().readAll(hint), StandardCharsets.UTF_8)).isEqualTo("4");
    }
    // The old handle, built on v3, commits v5 after losing v4.
    t.appendRecords(List.of(TestSchemas.event(4, "d", null)));
    assertThat(TableInternals.of(wh.loadTable("t")).metadata().version()).isEqualTo(5);
    assertThat(wh.loadTable("t").scan().count()).isEqualTo(4);
  }

  // -----------------------------------------------------------------------------------------------------------
  // Concurrency

  @Test
  void eightThreadsTimesTwentyFiveAppendsThroughSeparateHandlesGiveExactlyTwoHundredSnapshots() throws Exception {
    int threads = 8;
    int appends = 25;
    // group commit off: this is about the exclusive-create protocol on S3, one version per append, each racing
    wh.createTable("shared", EVENTS, io.datashard.PartitionSpec.unpartitioned(),
        java.util.Map.of(io.datashard.TableProperties.WRITE_GROUP_COMMIT, "false",
            io.datashard.TableProperties.UPKEEP_ENABLED, "false"));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<Long>>> results = new ArrayList<>();
    try {
      for (int w = 0; w < threads; w++) {
        int worker = w;
        results.add(pool.submit(() -> {
          Table mine = wh.loadTable("shared");
          start.await();
          List<Long> snapshotIds = new ArrayList<>();
          for (int i = 0; i < appends; i++) {
            long id = worker * 1000L + i;
            snapshotIds.add(mine.appendRecords(List.of(TestSchemas.event(id, "w" + worker, (double) i),
                TestSchemas.event(id + 100_000, "second", null))).snapshotId());
          }
          return snapshotIds;
        }));
      }
      start.countDown();
      Set<Long> acknowledged = new HashSet<>();
      for (Future<List<Long>> f : results) {
        acknowledged.addAll(f.get());
      }
      assertThat(acknowledged).hasSize(threads * appends);

      Table t = wh.loadTable("shared");
      TableMetadata m = TableInternals.of(t).metadata();
      assertThat(m.version()).isEqualTo(1 + threads * appends);
      assertThat(t.snapshots()).hasSize(threads * appends);
      assertThat(t.snapshots()).extracting(Snapshot::snapshotId).containsExactlyInAnyOrderElementsOf(acknowledged);
      for (int i = 0; i < m.snapshots().size(); i++) {
        Snapshot s = m.snapshots().get(i);
        assertThat(s.sequenceNumber()).isEqualTo(i + 1);
        assertThat(s.parentId()).isEqualTo(i == 0 ? null : m.snapshots().get(i - 1).snapshotId());
      }
      List<Long> ids = t.scan().select("id").toList().stream().map(r -> (Long) r.get("id")).toList();
      assertThat(ids).doesNotHaveDuplicates().hasSize(threads * appends * 2);
      for (int w = 0; w < threads; w++) {
        for (int i = 0; i < appends; i++) {
          assertThat(ids).contains(w * 1000L + i, w * 1000L + i + 100_000);
        }
      }
      // Losing attempts cleaned up their manifest lists: one per snapshot remains.
      long lists = wh.storage().list(t.location() + "/metadata").stream()
          .filter(f -> f.location().contains("/snap-")).count();
      assertThat(lists).isEqualTo(threads * appends);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void handlesRacingOnTheSameBaseAllCommitOneVersionEach() throws Exception {
    int racers = 6;
    // group commit off: every racer must race for its own version
    Table t = wh.createTable("race", EVENTS, io.datashard.PartitionSpec.unpartitioned(),
        java.util.Map.of(io.datashard.TableProperties.WRITE_GROUP_COMMIT, "false"));
    Snapshot base = t.appendRecords(List.of(TestSchemas.event(0, "base", null)));
    List<Table> handles = new ArrayList<>();
    for (int i = 0; i < racers; i++) {
      handles.add(wh.loadTable("race")); // all built on v2
    }
    CyclicBarrier barrier = new CyclicBarrier(racers);
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      List<Future<Snapshot>> futures = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        Table h = handles.get(i);
        long id = i + 1;
        futures.add(pool.submit(() -> {
          barrier.await();
          return h.appendRecords(List.of(TestSchemas.event(id, "racer", null)));
        }));
      }
      List<Snapshot> committed = new ArrayList<>();
      for (Future<Snapshot> f : futures) {
        committed.add(f.get());
      }
      // Exactly one racer built on the shared base won v3; the others arrived in v4..v(racers+2).
      assertThat(committed).filteredOn(s -> base.snapshotId() == s.parentId()).hasSize(1);
      Table after = wh.loadTable("race");
      assertThat(TableInternals.of(after).metadata().version()).isEqualTo(2 + racers);
      assertThat(after.snapshots()).hasSize(1 + racers);
      for (int v = 1; v <= 2 + racers; v++) {
        assertThat(wh.storage().exists(MetadataFiles.versionFile(after.location(), v))).isTrue();
      }
      assertThat(after.scan().toList()).extracting(r -> (Long) r.get("id"))
          .containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentCommitsOfTheSameVersionHaveExactlyOneWinner() throws Exception {
    int racers = 8;
    Table t = wh.createTable("same_version", EVENTS);
    TableOperations probe = new FileTableOperations(wh.storage(), "same_version", t.location());
    TableMetadata base = probe.refresh();
    for (int round = 0; round < 5; round++) {
      TableMetadata roundBase = base;
      CyclicBarrier barrier = new CyclicBarrier(racers);
      ExecutorService pool = Executors.newFixedThreadPool(racers);
      List<Future<TableMetadata>> futures = new ArrayList<>();
      try {
        for (int i = 0; i < racers; i++) {
          long snapshotId = round * 100L + i + 1;
          futures.add(pool.submit(() -> {
            TableOperations ops = new FileTableOperations(wh.storage(), "same_version", t.location());
            Snapshot s = new Snapshot(snapshotId, null, roundBase.lastSequenceNumber() + 1, System.currentTimeMillis(),
                t.location() + "/metadata/snap-" + snapshotId + "-1-x.avro", Map.of("operation", "append"),
                roundBase.currentSchemaId());
            barrier.await();
            return ops.commit(roundBase, roundBase.withNewCurrentSnapshot(s));
          }));
        }
        List<TableMetadata> winners = new ArrayList<>();
        for (Future<TableMetadata> f : futures) {
          TableMetadata m = f.get();
          if (m != null) {
            winners.add(m);
          }
        }
        assertThat(winners).as("round %d", round).hasSize(1);
        TableMetadata current = probe.refresh();
        assertThat(current.version()).isEqualTo(roundBase.version() + 1);
        assertThat(current.currentSnapshotId()).isEqualTo(winners.get(0).currentSnapshotId());
        base = current;
      } finally {
        pool.shutdownNow();
      }
    }
  }

  // -----------------------------------------------------------------------------------------------------------
  // Failing loudly

  @Test
  void missingBucketFailsLoudlyOnCreateAndLoad() {
    try (Warehouse missing = Warehouse.of(new S3StorageBackend(server.configBuilder(proxy.endpoint())
        .bucket("no-such-bucket-" + UUID.randomUUID().toString().substring(0, 8)).build()))) {
      assertThatThrownBy(() -> missing.loadTable("t")).isInstanceOf(StorageException.class)
          .hasMessageContaining("does not exist").hasMessageContaining("DATASHARD_S3_BUCKET");
      assertThatThrownBy(() -> missing.createTable("t", EVENTS)).isInstanceOf(StorageException.class)
          .hasMessageContaining("does not exist").hasMessageContaining("DATASHARD_S3_BUCKET");
      assertThatThrownBy(() -> missing.tableExists("t")).isInstanceOf(StorageException.class)
          .hasMessageContaining("does not exist");
      // A HEAD of a key in a missing bucket is a bodiless 404, like a missing key: the backend must tell them apart.
      assertThatThrownBy(() -> missing.storage().exists(missing.location() + "/t/metadata/v1.metadata.json"))
          .isInstanceOf(StorageException.class).hasMessageContaining("does not exist");
    }
  }
}
