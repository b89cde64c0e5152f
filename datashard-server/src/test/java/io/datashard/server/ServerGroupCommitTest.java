package io.datashard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.commit.MetadataFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's group commit, driven by Apache Iceberg's own REST client: appends of many clients to one table are
 * published in fewer versions than commits, each exactly once, readable by Iceberg; an append built on an old
 * snapshot is moved onto the head instead of answered 409, anything else that no longer applies still is.
 */
class ServerGroupCommitTest {
  private static final TableIdentifier ID = TableIdentifier.of("ns", "t");

  @TempDir
  Path warehouse;

  private Map<String, String> props;

  @BeforeEach
  void createTable() {
    props = Map.of(CatalogProperties.WAREHOUSE_LOCATION, warehouse.toString());
    try (Warehouse library = Warehouse.local(warehouse.resolve("ns"))) {
      library.createTable("t", TestSchemas.EVENTS, io.datashard.PartitionSpec.unpartitioned(),
          ConcurrentCommitScenarios.CONTENDED);
    }
  }

  private static void prepare(ServerFixture server) throws Exception {
    try (RESTCatalog admin = server.writerClient("admin", Map.of())) {
      if (!admin.namespaceExists(Namespace.of("ns"))) {
        admin.createNamespace(Namespace.of("ns"));
      }
    }
  }

  @Test
  void concurrentAppendsAreEachCommittedOnceInFewerVersions() throws Exception {
    try (ServerFixture server = ServerFixture.start(props)) {
      prepare(server);
      try (RESTCatalog admin = server.writerClient("admin", Map.of())) {
        admin.loadTable(ID).updateProperties().set(TableProperties.MANIFEST_MIN_MERGE_COUNT, "4").commit();
      }
      int writers = 8;
      int each = 8;
      List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
      List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        long base = w * 1000L;
        threads.add(new Thread(() -> {
          try (RESTCatalog client = server.writerClient("client-" + base, Map.of())) {
            for (int i = 0; i < each; i++) {
              Table t = client.loadTable(ID);
              DataFile f = ConcurrentCommitScenarios.writeWithIceberg(t, base + i);
              if (base % 2000 == 0) {
                t.newFastAppend().appendFile(f).commit();
              } else {
                t.newAppend().appendFile(f).commit(); // merges manifests (min-count-to-merge 4)
              }
              acknowledged.add(f.location());
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }, "rest-" + w));
      }
      threads.forEach(Thread::start);
      for (Thread t : threads) {
        t.join();
      }
      assertThat(failures).isEmpty();
      int total = writers * each;
      assertThat(acknowledged).hasSize(total);

      try (RESTCatalog reader = server.writerClient("reader", Map.of())) {
        Table t = reader.loadTable(ID);
        // Iceberg plans over the manifest lists the server wrote for moved appends: every file exactly once.
        List<String> planned = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
          tasks.forEach(task -> planned.add(task.file().location()));
        }
        assertThat(planned).containsExactlyInAnyOrderElementsOf(acknowledged);
        int chain = 0;
        for (Snapshot s = t.currentSnapshot(); s != null; s = s.parentId() == null ? null : t.snapshot(s.parentId())) {
          chain++;
        }
        assertThat(chain).as("one snapshot per append").isEqualTo(total);
        assertThat(t.currentSnapshot().summary()).containsEntry("total-data-files", String.valueOf(total))
            .containsEntry("total-records", String.valueOf(total));
        assertThat(t.currentSnapshot().sequenceNumber()).isEqualTo(total);
        // The clients delete the lists they wrote for moved appends, the server those of attempts it re-applied:
        // every manifest list left in the metadata folder belongs to a snapshot.
        Set<String> referenced = new HashSet<>();
        t.snapshots().forEach(s -> referenced.add(Path.of(java.net.URI.create(s.manifestListLocation()).getPath())
            .getFileName().toString()));
        List<String> lists = new ArrayList<>();
        try (var files = java.nio.file.Files.list(warehouse.resolve("ns").resolve("t").resolve("metadata"))) {
          files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("snap-")).forEach(lists::add);
        }
        assertThat(lists).containsExactlyInAnyOrderElementsOf(referenced);
      }
      try (Warehouse library = Warehouse.local(warehouse.resolve("ns"))) {
        assertThat(library.loadTable("t").scan().toList()).hasSize(total);
      }
      ServerMetrics m = server.server.metrics();
      assertThat(m.commits()).isEqualTo(total + 1);
      assertThat(m.appendsMoved()).isPositive();
      assertThat(m.versionsPublished()).isLessThan(total);
      try (RESTCatalog reader = server.writerClient("versions", Map.of())) {
        String location = ((HasTableOperations) reader.loadTable(ID)).operations().current().metadataFileLocation();
        assertThat(MetadataFiles.parseVersion(location)).as("versions after the create")
            .isEqualTo(1 + m.versionsPublished());
      }
    }
  }

  @Test
  void anAppendBuiltOnAnOldSnapshotIsMovedOntoTheHead() throws Exception {
    try (ServerFixture server = ServerFixture.start(props);
         RESTCatalog a = server.writerClient("a", Map.of());
         RESTCatalog b = server.writerClient("b", Map.of())) {
      prepare(server);
      Table first = b.loadTable(ID);
      DataFile zero = ConcurrentCommitScenarios.writeWithIceberg(first, 0);
      first.newFastAppend().appendFile(zero).commit();

      Table stale = a.loadTable(ID);
      TableOperations ops = ((HasTableOperations) stale).operations();
      TableMetadata base = ops.current();
      DataFile one = ConcurrentCommitScenarios.writeWithIceberg(stale, 1);
      Snapshot built = stale.newFastAppend().appendFile(one).apply(); // on snapshot 1, not committed

      Table other = b.loadTable(ID);
      DataFile two = ConcurrentCommitScenarios.writeWithIceberg(other, 2);
      other.newFastAppend().appendFile(two).commit(); // the branch moves on
      Snapshot head = other.currentSnapshot();

      // The request asserts main is still at the snapshot it built on: it is not, and no client retry happens.
      commitAsBuiltOn(ops, base, built);

      Table after = b.loadTable(ID);
      Snapshot moved = after.currentSnapshot();
      assertThat(moved.snapshotId()).isEqualTo(built.snapshotId());
      assertThat(moved.parentId()).isEqualTo(head.snapshotId());
      assertThat(moved.sequenceNumber()).isEqualTo(head.sequenceNumber() + 1);
      assertThat(moved.manifestListLocation()).isNotEqualTo(built.manifestListLocation());
      assertThat(moved.summary()).containsEntry("total-data-files", "3").containsEntry("total-records", "3")
          .containsEntry("added-data-files", "1");
      assertThat(plannedSequenceNumbers(after)).containsOnly(Map.entry(zero.location(), 1L),
          Map.entry(two.location(), head.sequenceNumber()), Map.entry(one.location(), moved.sequenceNumber()));
      assertThat(server.server.metrics().appendsMoved()).isEqualTo(1);
    }
  }

  @Test
  void aMergingAppendBuiltOnAnOldSnapshotIsMovedWithoutTheManifestsItFolded() throws Exception {
    try (ServerFixture server = ServerFixture.start(props);
         RESTCatalog a = server.writerClient("a", Map.of());
         RESTCatalog b = server.writerClient("b", Map.of())) {
      prepare(server);
      Table first = b.loadTable(ID);
      first.updateProperties().set(TableProperties.MANIFEST_MIN_MERGE_COUNT, "2").commit();
      DataFile zero = ConcurrentCommitScenarios.writeWithIceberg(first, 0);
      first.newFastAppend().appendFile(zero).commit();

      Table stale = a.loadTable(ID);
      TableOperations ops = ((HasTableOperations) stale).operations();
      TableMetadata base = ops.current();
      DataFile one = ConcurrentCommitScenarios.writeWithIceberg(stale, 1);
      Snapshot built = stale.newAppend().appendFile(one).apply(); // merges zero's manifest with its own
      assertThat(built.allManifests(stale.io())).hasSize(1);

      Table other = b.loadTable(ID);
      DataFile two = ConcurrentCommitScenarios.writeWithIceberg(other, 2);
      other.newFastAppend().appendFile(two).commit();
      Snapshot head = other.currentSnapshot();

      commitAsBuiltOn(ops, base, built);

      Table after = b.loadTable(ID);
      Snapshot moved = after.currentSnapshot();
      assertThat(moved.snapshotId()).isEqualTo(built.snapshotId());
      assertThat(moved.parentId()).isEqualTo(head.snapshotId());
      assertThat(moved.allManifests(after.io())).hasSize(2); // the merged one and two's
      assertThat(plannedSequenceNumbers(after)).containsOnly(Map.entry(zero.location(), 1L),
          Map.entry(two.location(), head.sequenceNumber()), Map.entry(one.location(), moved.sequenceNumber()));
      assertThat(moved.summary()).containsEntry("total-data-files", "3");
    }
  }

  @Test
  void anOverwriteBuiltOnAnOldSnapshotIsStillAConflict() throws Exception {
    try (ServerFixture server = ServerFixture.start(props);
         RESTCatalog a = server.writerClient("a", Map.of());
         RESTCatalog b = server.writerClient("b", Map.of())) {
      prepare(server);
      Table stale = a.loadTable(ID);
      TableOperations ops = ((HasTableOperations) stale).operations();
      DataFile zero = ConcurrentCommitScenarios.writeWithIceberg(stale, 0);
      stale.newFastAppend().appendFile(zero).commit();
      TableMetadata base = ops.refresh();
      DataFile one = ConcurrentCommitScenarios.writeWithIceberg(stale, 1);
      Snapshot built = stale.newOverwrite().deleteFile(zero).addFile(one).apply();

      Table other = b.loadTable(ID);
      other.newFastAppend().appendFile(ConcurrentCommitScenarios.writeWithIceberg(other, 2)).commit();
      long head = other.currentSnapshot().snapshotId();

      assertThatThrownBy(() -> commitAsBuiltOn(ops, base, built))
          .isInstanceOf(CommitFailedException.class).hasMessageContaining("main");
      assertThat(b.loadTable(ID).currentSnapshot().snapshotId()).isEqualTo(head);
      assertThat(server.server.metrics().appendsMoved()).isZero();
    }
  }

  @Test
  void anExpiryComputedBeforeATagOrARollbackDoesNotTakeTheReferenceWithIt() throws Exception {
    for (boolean groupCommit : new boolean[] {true, false}) {
      try (ServerFixture server = ServerFixture.start(props, groupCommit);
           RESTCatalog a = server.writerClient("a", Map.of());
           RESTCatalog b = server.writerClient("b", Map.of())) {
        prepare(server);
        Table t = a.loadTable(ID);
        t.newFastAppend().appendFile(ConcurrentCommitScenarios.writeWithIceberg(t, 0)).commit();
        long first = t.currentSnapshot().snapshotId();
        t.newFastAppend().appendFile(ConcurrentCommitScenarios.writeWithIceberg(t, 1)).commit();
        long second = t.currentSnapshot().snapshotId();
        TableOperations ops = ((HasTableOperations) t).operations();
        TableMetadata base = ops.refresh();

        // Another client tags the first snapshot: an expiry of it computed before must not delete the tag.
        b.loadTable(ID).manageSnapshots().createTag("keep", first).commit();
        assertThatThrownBy(() -> ops.commit(base, TableMetadata.buildFrom(base)
            .removeSnapshots(List.of(base.snapshot(first))).build()))
            .isInstanceOf(CommitFailedException.class).hasMessageContaining("tag 'keep'");
        Table seen = b.loadTable(ID);
        assertThat(seen.refs()).containsKey("keep");
        assertThat(seen.snapshot(first)).isNotNull();

        // Another client rolls main back to the first snapshot: the stale expiry must not leave the table without
        // its main branch.
        b.loadTable(ID).manageSnapshots().removeTag("keep").commit();
        TableMetadata untagged = ops.refresh();
        b.loadTable(ID).manageSnapshots().rollbackTo(first).commit();
        assertThatThrownBy(() -> ops.commit(untagged, TableMetadata.buildFrom(untagged)
            .removeSnapshots(List.of(untagged.snapshot(first))).build()))
            .isInstanceOf(CommitFailedException.class).hasMessageContaining("branch 'main'");
        Table after = b.loadTable(ID);
        assertThat(after.currentSnapshot().snapshotId()).isEqualTo(first);
        assertThat(after.snapshot(second)).isNotNull();

        // Expiring a snapshot no reference holds still works.
        TableMetadata fresh = ops.refresh();
        ops.commit(fresh, TableMetadata.buildFrom(fresh).removeSnapshots(List.of(fresh.snapshot(second))).build());
        assertThat(b.loadTable(ID).snapshot(second)).isNull();

        // A second expiry of the same snapshot, computed on the same load, is refused: it must recompute instead of
        // deleting the files of a snapshot another expiry already removed.
        assertThatThrownBy(() -> ops.commit(fresh, TableMetadata.buildFrom(fresh)
            .removeSnapshots(List.of(fresh.snapshot(second))).build()))
            .isInstanceOf(CommitFailedException.class).hasMessageContaining("already removed");
      }
    }
  }

  /**
   * Commits {@code built} as its client would have when it loaded {@code base}: the request asserts that main is still
   * at base's snapshot.
   */
  private static void commitAsBuiltOn(TableOperations ops, TableMetadata base, Snapshot built) {
    ops.commit(base, TableMetadata.buildFrom(base).addSnapshot(built).setBranchSnapshot(built.snapshotId(), "main")
        .build());
  }

  /** @return the data sequence number of every file Iceberg's own scan plans (each exactly once), by location */
  private static Map<String, Long> plannedSequenceNumbers(Table t) throws java.io.IOException {
    Map<String, Long> byLocation = new HashMap<>();
    try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
      tasks.forEach(task -> assertThat(byLocation.put(task.file().location(), task.file().dataSequenceNumber()))
          .as("planned twice: %s", task.file().location()).isNull());
    }
    return byLocation;
  }

  @Test
  void concurrentPropertyUpdatesAreAllKept() throws Exception {
    try (ServerFixture server = ServerFixture.start(props)) {
      prepare(server);
      int writers = 6;
      int each = 5;
      List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        threads.add(new Thread(() -> {
          try (RESTCatalog client = server.writerClient("client-" + writer, Map.of())) {
            for (int i = 0; i < each; i++) {
              client.loadTable(ID).updateProperties().set("k" + writer + "-" + i, "v" + i).commit();
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }));
      }
      threads.forEach(Thread::start);
      for (Thread t : threads) {
        t.join();
      }
      assertThat(failures).isEmpty();
      Map<String, String> expected = new HashMap<>();
      for (int w = 0; w < writers; w++) {
        for (int i = 0; i < each; i++) {
          expected.put("k" + w + "-" + i, "v" + i);
        }
      }
      try (RESTCatalog reader = server.writerClient("reader", Map.of())) {
        assertThat(reader.loadTable(ID).properties()).containsAllEntriesOf(expected);
      }
    }
  }
}
