package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.expressions.Expressions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * No version is published twice, whatever maintenance deleted: writers and readers on handles of every age,
 * against every operation that deletes metadata or data files. Each backend runs these scenarios through a
 * subclass ({@link LocalStaleHandleTest} here, an S3 one in datashard-s3). See docs/concurrency.md.
 */
public abstract class StaleHandleScenarios {
  /** Versions dropped out of the metadata log are cleaned up after every commit, keeping only two. */
  static final Map<String, String> AGGRESSIVE_CLEANUP = Map.of(
      TableProperties.METADATA_DELETE_AFTER_COMMIT, "true",
      TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "2");

  /** @return a fresh, empty warehouse (closed by the test) */
  protected abstract Warehouse newWarehouse();

  static List<Long> ids(Table t) {
    List<Long> ids = new ArrayList<>();
    for (Row r : t.refresh().scan().toList()) {
      ids.add((Long) r.get("id"));
    }
    ids.sort(null);
    return ids;
  }

  /** @return the ids the concurrent scenarios' writers append: writer w appends w * 1000 + 0 .. each - 1, in order */
  static List<Long> writerIds(int writers, int each) {
    List<Long> ids = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      for (int i = 0; i < each; i++) {
        ids.add(w * 1000L + i);
      }
    }
    return ids;
  }

  static Snapshot append(Table t, long id) {
    return t.appendRecords(List.of(TestSchemas.event(id, "e" + id, (double) id)));
  }

  /** The reproduction from the issue: both acknowledged appends of the stale handle were lost. */
  @Test
  void staleWriterAfterOldVersionsWereCleanedUpLosesNothing() {
    try (Warehouse wh = newWarehouse()) {
      wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), AGGRESSIVE_CLEANUP);
      Table a = wh.loadTable("t");
      Table b = wh.loadTable("t");
      for (long i = 0; i < 5; i++) {
        append(b, i);
      }
      assertThat(append(a, 99)).isNotNull();
      assertThat(append(a, 77)).isNotNull();
      assertThat(ids(wh.loadTable("t"))).containsExactly(0L, 1L, 2L, 3L, 4L, 77L, 99L);
      // Every version is built on the one before: the snapshot lineage is one chain of all seven appends.
      Table fresh = wh.loadTable("t");
      assertThat(fresh.snapshots()).hasSize(7);
      Snapshot s = fresh.currentSnapshot();
      int chain = 0;
      while (s != null) {
        chain++;
        s = s.parentId() == null ? null : fresh.snapshot(s.parentId());
      }
      assertThat(chain).isEqualTo(7);
    }
  }

  /** A reader on a handle whose version was replaced by a tombstone moves on to the latest version. */
  @Test
  void staleReaderFindsTheLatestVersion() {
    try (Warehouse wh = newWarehouse()) {
      wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), AGGRESSIVE_CLEANUP);
      Table reader = wh.loadTable("t");
      Table writer = wh.loadTable("t");
      for (long i = 0; i < 8; i++) {
        append(writer, i);
      }
      assertThat(reader.refresh().rowCount()).isEqualTo(8);
      assertThat(ids(reader)).hasSize(8);
    }
  }

  static List<Arguments> maintenanceByAge() {
    List<Arguments> out = new ArrayList<>();
    for (String op : List.of("expire", "orphans", "compact", "rewrite-manifests", "delete-where", "properties")) {
      for (int age : new int[] {0, 1, 3, 6}) {
        out.add(Arguments.of(op, age));
      }
    }
    return out;
  }

  /**
   * A handle loaded {@code age} commits before a maintenance operation appends afterwards: the append lands
   * exactly once on top of everything, nothing else is lost, and the table reads back in full.
   */
  @ParameterizedTest(name = "{0}, handle {1} commits old")
  @MethodSource("maintenanceByAge")
  void staleWriterAgainstMaintenance(String op, int age) {
    try (Warehouse wh = newWarehouse()) {
      wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), AGGRESSIVE_CLEANUP);
      Table other = wh.loadTable("t");
      append(other, 1000); // junk for delete-where
      List<Long> expected = new ArrayList<>();
      expected.add(1000L);
      Table stale = null;
      for (long i = 0; i < 6; i++) {
        if (i == 6 - age) {
          stale = wh.loadTable("t");
        }
        append(other, i);
        expected.add(i);
      }
      if (stale == null) {
        stale = wh.loadTable("t");
      }
      maintenance(op).accept(other);
      if (op.equals("delete-where")) {
        expected.remove(Long.valueOf(1000L));
      }
      append(stale, 4242);
      expected.add(4242L);
      expected.sort(null);
      assertThat(ids(wh.loadTable("t"))).containsExactlyElementsOf(expected);
      assertThat(ids(stale)).containsExactlyElementsOf(expected);
      // And the stale handle keeps working for the next commit.
      append(stale, 4343);
      assertThat(ids(wh.loadTable("t"))).contains(4242L, 4343L).hasSize(expected.size() + 1);
    }
  }

  static Consumer<Table> maintenance(String op) {
    return switch (op) {
      case "expire" -> t -> t.expireSnapshots().expireOlderThan(Instant.now().plusSeconds(1)).retainLast(1).commit();
      case "orphans" -> t -> t.removeOrphanFiles().olderThan(Duration.ZERO).execute();
      case "compact" -> t -> t.rewriteDataFiles().execute();
      case "rewrite-manifests" -> Table::rewriteManifests;
      case "delete-where" -> t -> t.deleteWhere(Expressions.equal("id", 1000L));
      case "properties" -> t -> {
        for (int i = 0; i < 4; i++) {
          t.updateProperties().set("round", Integer.toString(i)).commit();
        }
      };
      default -> throw new IllegalArgumentException(op);
    };
  }

  /** A writer or reader on a dropped table fails clearly, and never publishes into the location again. */
  @Test
  void staleHandlesOfADroppedTableFailAndCannotResurrectIt() {
    try (Warehouse wh = newWarehouse()) {
      wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), AGGRESSIVE_CLEANUP);
      Table old = wh.loadTable("t");
      Table writer = wh.loadTable("t");
      for (long i = 0; i < 4; i++) {
        append(writer, i);
      }
      assertThat(wh.dropTable("t")).isTrue();
      assertThat(wh.tableExists("t")).isFalse();
      assertThat(wh.listTables()).doesNotContain("t");
      assertThatThrownBy(() -> append(old, 99)).isInstanceOf(TableNotFoundException.class)
          .hasMessageContaining("dropped");
      assertThatThrownBy(() -> append(writer, 98)).isInstanceOf(TableNotFoundException.class)
          .hasMessageContaining("dropped");
      assertThatThrownBy(() -> wh.loadTable("t")).isInstanceOf(TableNotFoundException.class);
      assertThat(wh.dropTable("t")).isFalse();

      // Created again under the same name: a new table, numbered after the dropped one.
      Table fresh = wh.createTable("t", TestSchemas.EVENTS);
      append(fresh, 7);
      assertThatThrownBy(() -> append(old, 97)).isInstanceOf(TableNotFoundException.class)
          .hasMessageContaining("dropped");
      assertThatThrownBy(() -> ids(writer)).isInstanceOf(TableNotFoundException.class);
      assertThat(ids(wh.loadTable("t"))).containsExactly(7L);
      assertThat(wh.listTables()).contains("t");
      assertThatThrownBy(() -> wh.createTable("t", TestSchemas.EVENTS))
          .isInstanceOf(TableAlreadyExistsException.class);
    }
  }

  /** Concurrent writers on handles of different ages with cleanup after every commit: each append once. */
  @Test
  void concurrentWritersWithCleanupAndExpiryLoseNothing() throws Exception {
    try (Warehouse wh = newWarehouse()) {
      wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), AGGRESSIVE_CLEANUP);
      int writers = 4;
      int each = 12;
      List<Thread> threads = new ArrayList<>();
      List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      for (int w = 0; w < writers; w++) {
        long base = w * 1000L;
        threads.add(new Thread(() -> {
          try {
            Table t = wh.loadTable("t"); // one handle for all its appends: it goes stale between them
            for (int i = 0; i < each; i++) {
              append(t, base + i);
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }));
      }
      threads.add(new Thread(() -> {
        try {
          Table t = wh.loadTable("t");
          for (int i = 0; i < 6; i++) {
            t.expireSnapshots().expireOlderThan(Instant.now().plusSeconds(1)).retainLast(2).commit();
            Thread.sleep(20);
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      }));
      threads.forEach(Thread::start);
      for (Thread t : threads) {
        t.join();
      }
      assertThat(failures).isEmpty();
      List<Long> expected = writerIds(writers, each);
      assertThat(ids(wh.loadTable("t"))).containsExactlyElementsOf(expected);
    }
  }

  /** A short base age, so that tombstones may be removed within a test: 50 ms, removal after 150 ms. */
  static final Duration SHORT_BASE_AGE = Duration.ofMillis(50);
  static final Map<String, String> REMOVING_TOMBSTONES = Map.of(
      TableProperties.METADATA_DELETE_AFTER_COMMIT, "true",
      TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "2",
      TableProperties.UPKEEP_REMOVE_TOMBSTONES_AFTER_MS, "150");

  /** A warehouse of this backend whose writers use {@link #SHORT_BASE_AGE} and whose calls count as instant. */
  Warehouse removingWarehouse() {
    return Warehouse.of(new io.datashard.storage.InstantCallsStorage(newWarehouse().storage()))
        .withBaseMaxAge(SHORT_BASE_AGE);
  }

  static boolean versionNameExists(Warehouse wh, int version) {
    return wh.storage().exists(wh.tableLocation("t") + "/metadata/v" + version + ".metadata.json");
  }

  static boolean anyNameUpTo(Warehouse wh, int version) {
    for (int v = 1; v <= version; v++) {
      if (versionNameExists(wh, v)) {
        return true;
      }
    }
    return false;
  }

  /** Appends until the names up to {@code version} are removed (S3 stores times to the second: a few seconds). */
  public static void appendUntilRemoved(Warehouse wh, Table writer, List<Long> expected, int version)
      throws Exception {
    long id = 5000;
    for (int round = 0; round < 40 && anyNameUpTo(wh, version); round++) {
      Thread.sleep(200);
      append(writer, id);
      expected.add(id++);
      writer.maintain();
    }
    for (int v = 1; v <= version; v++) {
      assertThat(versionNameExists(wh, v)).as("v%d removed", v).isFalse();
    }
  }

  /**
   * A handle that saw its version long ago appends after old tombstones were removed, including the name after its
   * version: it looks again instead of publishing that name, and its append lands once on top. A reader on such a
   * handle finds the latest version.
   */
  @Test
  void staleWriterAfterOldTombstonesWereRemovedLosesNothing() throws Exception {
    try (Warehouse wh = removingWarehouse()) {
      wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), REMOVING_TOMBSTONES);
      Table stale = wh.loadTable("t");
      Table staleReader = wh.loadTable("t");
      Table writer = wh.loadTable("t");
      List<Long> expected = new ArrayList<>();
      for (long i = 0; i < 6; i++) {
        append(writer, i);
        expected.add(i);
      }
      appendUntilRemoved(wh, writer, expected, 2); // v2: the name after the stale handles' version

      assertThat(staleReader.refresh().rowCount()).isEqualTo(expected.size());
      append(stale, 4242);
      expected.add(4242L);
      expected.sort(null);
      assertThat(versionNameExists(wh, 2)).as("never published again").isFalse();
      assertThat(ids(wh.loadTable("t"))).containsExactlyElementsOf(expected);
      Table fresh = wh.loadTable("t");
      Snapshot s = fresh.currentSnapshot();
      assertThat(s.summary().get("total-records")).isEqualTo(Integer.toString(expected.size()));
    }
  }

  /**
   * Concurrent writers while tombstones are removed as fast as the protocol allows: each append exactly once. Group
   * commit is off, so that every handle publishes on its own and they race like separate processes.
   */
  @Test
  void concurrentWritersWithTombstoneRemovalLoseNothing() throws Exception {
    try (Warehouse wh = removingWarehouse()) {
      Map<String, String> props = new java.util.HashMap<>(REMOVING_TOMBSTONES);
      props.put(TableProperties.WRITE_GROUP_COMMIT, "false");
      wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), props);
      int writers = 4;
      int each = 15;
      List<Thread> threads = new ArrayList<>();
      List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
      for (int w = 0; w < writers; w++) {
        long base = w * 1000L;
        threads.add(new Thread(() -> {
          try {
            Table t = wh.loadTable("t"); // one handle: between its appends its sighting grows old
            java.util.Random random = new java.util.Random(base);
            for (int i = 0; i < each; i++) {
              Thread.sleep(random.nextInt(400)); // often longer than the removal age: sightings go stale
              append(t, base + i);
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }));
      }
      Thread remover = new Thread(() -> {
        try {
          Table t = wh.loadTable("t");
          while (!done.get()) {
            t.maintain();
            Thread.sleep(30);
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      threads.forEach(Thread::start);
      remover.start();
      for (Thread t : threads) {
        t.join();
      }
      done.set(true);
      remover.join();
      assertThat(failures).isEmpty();
      List<Long> expected = writerIds(writers, each);
      appendUntilRemoved(wh, wh.loadTable("t"), expected, 1);
      expected.sort(null);
      assertThat(ids(wh.loadTable("t"))).containsExactlyElementsOf(expected);
    }
  }
}
