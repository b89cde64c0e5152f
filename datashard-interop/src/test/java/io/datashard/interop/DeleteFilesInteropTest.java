package io.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.Warehouse;
import io.datashard.expressions.Expressions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.io.CloseableIterable;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.hadoop.HadoopTables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Row-level deletes written by Apache Iceberg (merge-on-read: equality and position delete files) are applied by
 * DataShard's scans exactly as Iceberg's own reader applies them, snapshot by snapshot; DataShard's rewrites
 * (copy-on-write deletes, compaction, manifest rewrite) carry them out or keep them, and a rewrite that races with a
 * new delete file fails instead of resurrecting rows. Format version 3 tables, with their deletion vectors, are read
 * exactly as Iceberg reads them, and the deletion vectors DataShard writes are read and merged by Iceberg.
 */
class DeleteFilesInteropTest {
  @TempDir
  Path dir;

  static int version(Path table) throws IOException {
    return Integer.parseInt(Files.readString(table.resolve("metadata/version-hint.text")).trim());
  }

  static DeleteFile equalityDeletes(Table ice, long... ids) throws IOException {
    org.apache.iceberg.Schema idOnly = ice.schema().select("id");
    EqualityDeleteWriter<Record> eq = new GenericFileWriterFactory.Builder(ice).equalityFieldIds(new int[] {1})
        .equalityDeleteRowSchema(idOnly).build().newEqualityDeleteWriter(IcebergEvents.newFile(ice), ice.spec(), null);
    try (eq) {
      for (long id : ids) {
        GenericRecord key = GenericRecord.create(idOnly);
        key.setField("id", id);
        eq.write(key);
      }
    }
    return eq.toDeleteFile();
  }

  static DeleteFile positionDeletes(Table ice, Map<DataFile, long[]> positions) throws IOException {
    PositionDeleteWriter<Record> pos = new GenericFileWriterFactory.Builder(ice).build()
        .newPositionDeleteWriter(IcebergEvents.newFile(ice), ice.spec(), null);
    try (pos) {
      List<Map.Entry<DataFile, long[]>> sorted = new ArrayList<>(positions.entrySet());
      sorted.sort(Map.Entry.comparingByKey(java.util.Comparator.comparing(f -> f.location())));
      for (Map.Entry<DataFile, long[]> e : sorted) {
        long[] p = e.getValue().clone();
        java.util.Arrays.sort(p);
        for (long x : p) {
          PositionDelete<Record> d = PositionDelete.create();
          pos.write(d.set(e.getKey().location(), x));
        }
      }
    }
    return pos.toDeleteFile();
  }

  static Set<Long> dsIds(io.datashard.Table ds, Long snapshot) {
    Set<Long> out = new HashSet<>();
    (snapshot == null ? ds.scan() : ds.scan().useSnapshot(snapshot)).toList().forEach(r -> out.add(r.getLong("id")));
    return out;
  }

  @Test
  void icebergsDeletesAreAppliedAndCarriedOutByRewrites() throws Exception {
    Path warehouse = dir.resolve("wh");
    Table ice = new HadoopTables(new Configuration()).create(IcebergEvents.SCHEMA,
        PartitionSpec.unpartitioned(), Map.of("format-version", "2"), warehouse.resolve("t").toUri().toString());
    DataFile data = IcebergEvents.write(ice, 1, 2, 3);
    ice.newAppend().appendFile(data).commit();
    long beforeDeletes = ice.currentSnapshot().snapshotId();

    ice.newRowDelta().addDeletes(equalityDeletes(ice, 2)).commit();
    long withDeletes = ice.currentSnapshot().snapshotId();
    assertThat(IcebergEvents.ids(ice)).containsExactlyInAnyOrder(1L, 3L);

    Path table = warehouse.resolve("t");
    try (Warehouse wh = Warehouse.local(warehouse)) {
      io.datashard.Table ds = wh.loadTable("t");
      assertThat(dsIds(ds, null)).containsExactlyInAnyOrder(1L, 3L);
      assertThat(ds.rowCount()).isEqualTo(2);
      assertThat(ds.scan().filter(Expressions.equal("id", 2L)).count()).isZero();
      assertThat(ds.scan().count()).isEqualTo(2);
      assertThat(dsIds(ds, beforeDeletes)).containsExactlyInAnyOrder(1L, 2L, 3L);
      io.datashard.TableScan scan = ds.scan();
      scan.toList();
      assertThat(scan.report().deleteFiles()).isEqualTo(1);
      assertThat(scan.report().rowsDeleted()).isEqualTo(1);


      // Appending is safe: the delete manifest is carried as it is, and both engines still apply it.
      ds.appendRecords(List.of(Map.of("id", 4L, "event", "ds"), Map.of("id", 2L, "event", "again")));
      // Equality deletes apply to data with a lower sequence number only: the re-appended id 2 is live.
      assertThat(dsIds(ds.refresh(), null)).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
    }
    ice.refresh();
    assertThat(IcebergEvents.ids(ice)).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);

    // A position delete (Iceberg deletes row 2 of the first file: id 3).
    ice.newRowDelta().addDeletes(positionDeletes(ice, Map.of(data, new long[] {2}))).commit();
    assertThat(IcebergEvents.ids(ice)).containsExactlyInAnyOrder(1L, 2L, 4L);
    try (Warehouse wh = Warehouse.local(warehouse)) {
      io.datashard.Table ds = wh.loadTable("t");
      for (org.apache.iceberg.Snapshot s : ice.snapshots()) {
        assertThat(Rows.dataShard(ds, s.snapshotId())).as("snapshot %d", s.snapshotId())
            .isEqualTo(Rows.iceberg(ice, s.snapshotId()));
      }
      assertThat(ds.rowCount()).isEqualTo(3);

      // DataShard's rewrites carry Iceberg's deletes out: a manifest rewrite keeps the delete manifests, compaction
      // and copy-on-write deletes copy only live rows; Iceberg reads exactly what DataShard reads after each.
      ds.rewriteManifests();
      assertThat(dsIds(ds.refresh(), null)).containsExactlyInAnyOrder(1L, 2L, 4L);
      ice.refresh();
      assertThat(IcebergEvents.ids(ice)).containsExactlyInAnyOrder(1L, 2L, 4L);
      io.datashard.RewriteDataFiles.Result compacted = ds.rewriteDataFiles().minFileSizeBytes(Long.MAX_VALUE)
          .execute();
      assertThat(compacted.rewrittenRows()).as("deleted rows are not copied").isEqualTo(3);
      assertThat(dsIds(ds.refresh(), null)).containsExactlyInAnyOrder(1L, 2L, 4L);
      ice.refresh();
      assertThat(IcebergEvents.ids(ice)).containsExactlyInAnyOrder(1L, 2L, 4L);
      ice.newRowDelta().addDeletes(equalityDeletes(ice, 4)).commit();
      ds.refresh().deleteWhere(Expressions.equal("id", 1L));
      assertThat(dsIds(ds.refresh(), null)).containsExactlyInAnyOrder(2L);
      ice.refresh();
      assertThat(IcebergEvents.ids(ice)).containsExactlyInAnyOrder(2L);
      for (org.apache.iceberg.Snapshot s : ice.snapshots()) {
        assertThat(Rows.dataShard(ds, s.snapshotId())).as("snapshot %d", s.snapshotId())
            .isEqualTo(Rows.iceberg(ice, s.snapshotId()));
      }
    }
  }

  /**
   * Compaction reads the rows of the files it replaces with the deletes of the version it read; an equality delete
   * Iceberg commits meanwhile could delete rows of those files. Committing the copies would resurrect them, so the
   * compaction fails with a conflict and the table keeps Iceberg's delete.
   */
  @Test
  void compactionRacingAnIcebergDeleteFailsInsteadOfResurrectingRows() throws Exception {
    Path warehouse = dir.resolve("wh");
    Table ice = new HadoopTables(new Configuration()).create(IcebergEvents.SCHEMA,
        PartitionSpec.unpartitioned(), Map.of("format-version", "2"), warehouse.resolve("t").toUri().toString());
    ice.newAppend().appendFile(IcebergEvents.write(ice, 1, 2)).commit();
    ice.newAppend().appendFile(IcebergEvents.write(ice, 3, 4)).commit();
    java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean(true);
    io.datashard.storage.StorageBackend racing = new io.datashard.storage.ForwardingStorageBackend(
        new io.datashard.storage.LocalStorageBackend(warehouse)) {
      @Override
      public boolean createExclusive(String location, byte[] content) {
        if (location.endsWith(".metadata.json") && armed.getAndSet(false)) {
          try {
            ice.refresh();
            ice.newRowDelta().addDeletes(equalityDeletes(ice, 3)).commit(); // wins the version the compaction wanted
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
        return super.createExclusive(location, content);
      }
    };
    try (Warehouse wh = Warehouse.of(racing)) {
      io.datashard.Table ds = wh.loadTable("t");
      assertThatThrownBy(() -> ds.rewriteDataFiles().minFileSizeBytes(Long.MAX_VALUE).execute())
          .isInstanceOf(io.datashard.CommitConflictException.class)
          .hasMessageContaining("may delete rows of the files it rewrites");
      assertThat(armed).as("the race happened").isFalse();
      assertThat(dsIds(ds.refresh(), null)).containsExactlyInAnyOrder(1L, 2L, 4L);
    }
    ice.refresh();
    assertThat(IcebergEvents.ids(ice)).containsExactlyInAnyOrder(1L, 2L, 4L);
  }

  /**
   * DataShard's merge-on-read deletes ({@code write.delete.mode=merge-on-read}) are Iceberg position delete files:
   * Iceberg's own planner finds them and its generic reader returns exactly the rows DataShard returns, partitioned
   * and not, snapshot by snapshot; after DataShard compacts, Iceberg reads the same rows again.
   */
  @Test
  void icebergAppliesDataShardsPositionDeletes() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      io.datashard.Schema schema = io.datashard.Schema.of(
          io.datashard.Field.required(1, "id", io.datashard.Types.LONG),
          io.datashard.Field.required(2, "event", io.datashard.Types.STRING));
      for (boolean partitioned : List.of(false, true)) {
        String name = partitioned ? "mor_p" : "mor";
        io.datashard.Table ds = wh.createTable(name, schema, partitioned
                ? io.datashard.PartitionSpec.builderFor(schema).identity("event").build()
                : io.datashard.PartitionSpec.unpartitioned(),
            Map.of(io.datashard.TableProperties.DELETE_MODE, io.datashard.TableProperties.DELETE_MODE_MERGE_ON_READ));
        for (int f = 0; f < 3; f++) {
          List<Map<String, Object>> rows = new ArrayList<>();
          for (long i = 0; i < 20; i++) {
            rows.add(Map.of("id", f * 20 + i, "event", i % 3 == 0 ? "x" : i % 3 == 1 ? "y" : "z"));
          }
          ds.appendRecords(rows);
        }
        ds.deleteWhere(Expressions.equal("event", "y"));
        ds.deleteWhere(Expressions.lessThan("id", 10L));
        Table ice = new HadoopTables(new Configuration()).load(ds.location());
        try (CloseableIterable<FileScanTask> tasks = ice.newScan().planFiles()) {
          long withDeletes = 0;
          for (FileScanTask task : tasks) {
            withDeletes += task.deletes().isEmpty() ? 0 : 1;
            task.deletes().forEach(d -> assertThat(d.content()).isEqualTo(org.apache.iceberg.FileContent.POSITION_DELETES));
          }
          assertThat(withDeletes).as(name).isPositive();
        }
        for (org.apache.iceberg.Snapshot s : ice.snapshots()) {
          assertThat(Rows.iceberg(ice, s.snapshotId())).as("%s snapshot %d", name, s.snapshotId())
              .isEqualTo(Rows.dataShard(ds, s.snapshotId()));
        }
        assertThat(IcebergEvents.ids(ice)).as(name).isEqualTo(dsIds(ds, null));
        ds.rewriteDataFiles().minFileSizeBytes(Long.MAX_VALUE).execute();
        ice.refresh();
        assertThat(IcebergEvents.ids(ice)).as(name + " after compaction").isEqualTo(dsIds(ds.refresh(), null));
      }
    }
  }

  /** DataShard's merge-on-read upserts (equality delete files of the keys) read back in Iceberg exactly. */
  @Test
  void icebergAppliesDataShardsUpsertEqualityDeletes() throws Exception {
    io.datashard.Schema schema = io.datashard.Schema.of(
        io.datashard.Field.required(1, "id", io.datashard.Types.LONG),
        io.datashard.Field.required(2, "event", io.datashard.Types.STRING));
    // unpartitioned (global deletes), and partitioned by the key (one delete file per partition of the keys)
    for (io.datashard.PartitionSpec spec : List.of(io.datashard.PartitionSpec.unpartitioned(),
        io.datashard.PartitionSpec.builderFor(schema).bucket("id", 3).build())) {
      upsertWithEqualityDeletes(schema, spec);
    }
  }

  private void upsertWithEqualityDeletes(io.datashard.Schema schema, io.datashard.PartitionSpec spec)
      throws Exception {
    try (Warehouse wh = Warehouse.local(dir.resolve(spec.isUnpartitioned() ? "global" : "bucketed"))) {
      io.datashard.Table ds = wh.createTable("ups", schema, spec,
          Map.of(io.datashard.TableProperties.DELETE_MODE, io.datashard.TableProperties.DELETE_MODE_MERGE_ON_READ));
      ds.updateSchema().setIdentifierFields(List.of("id")).commit();
      List<Map<String, Object>> rows = new ArrayList<>();
      for (long i = 0; i < 50; i++) {
        rows.add(Map.of("id", i, "event", "v1"));
      }
      ds.appendRecords(rows);
      ds.upsert(List.of(Map.of("id", 3L, "event", "v2"), Map.of("id", 70L, "event", "new")));
      ds.upsert(List.of(Map.of("id", 3L, "event", "v3"), Map.of("id", 4L, "event", "v2")));
      Table ice = new HadoopTables(new Configuration()).load(ds.location());
      try (CloseableIterable<FileScanTask> tasks = ice.newScan().planFiles()) {
        boolean equality = false;
        for (FileScanTask task : tasks) {
          equality |= task.deletes().stream().anyMatch(d -> d.content() == org.apache.iceberg.FileContent.EQUALITY_DELETES);
        }
        assertThat(equality).as("Iceberg plans DataShard's equality deletes").isTrue();
      }
      for (org.apache.iceberg.Snapshot s : ice.snapshots()) {
        assertThat(Rows.iceberg(ice, s.snapshotId())).as("snapshot %d", s.snapshotId())
            .isEqualTo(Rows.dataShard(ds, s.snapshotId()));
      }
      assertThat(IcebergEvents.ids(ice)).hasSize(51).isEqualTo(dsIds(ds, null));
    }
  }

  /**
   * Random interleavings of appends (Iceberg's and DataShard's), equality deletes and position deletes, in a
   * partitioned table: DataShard returns exactly the rows Iceberg returns, for every snapshot, with and without a
   * filter. The seed is printed first and named in every assertion ({@code -Ddeletes.seed} reruns one).
   */
  @Test
  void randomInterleavingsReadExactlyAsIcebergReads() throws Exception {
    randomInterleavings(2);
  }

  /**
   * Format version 3: Iceberg deletes rows by deletion vectors (one Puffin blob per data file, merged with the file's
   * earlier vector on every new delete) and equality deletes; DataShard reads exactly what Iceberg reads.
   */
  @Test
  void randomInterleavingsWithDeletionVectorsReadExactlyAsIcebergReads() throws Exception {
    randomInterleavings(3);
  }

  private void randomInterleavings(int formatVersion) throws Exception {
    long base = Long.getLong("deletes.seed", System.nanoTime());
    int cases = Long.getLong("deletes.seed") != null ? 1 : 6;
    System.out.println("DeleteFilesInteropTest v" + formatVersion + " seed " + base);
    int deletionVectors = 0;
    for (int c = 0; c < cases; c++) {
      long seed = base + c;
      java.util.Random r = new java.util.Random(seed);
      Path warehouse = dir.resolve("rand" + formatVersion + "-" + c);
      PartitionSpec spec = r.nextBoolean() ? PartitionSpec.unpartitioned()
          : PartitionSpec.builderFor(IcebergEvents.SCHEMA).bucket("id", 3).build();
      Table ice = new HadoopTables(new Configuration()).create(IcebergEvents.SCHEMA, spec,
          Map.of("format-version", String.valueOf(formatVersion)), warehouse.resolve("t").toUri().toString());
      List<DataFile> written = new ArrayList<>();
      long nextId = 0;
      try (Warehouse wh = Warehouse.local(warehouse)) {
        for (int step = 0; step < 8; step++) {
          int op = r.nextInt(5);
          if (op == 0 || written.isEmpty()) {
            // Iceberg appends one file per partition of some new ids
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 5 + r.nextInt(20); i++) {
              ids.add(nextId++);
            }
            var append = ice.newAppend();
            for (DataFile f : IcebergEvents.writePartitioned(ice, ids)) {
              append.appendFile(f);
              written.add(f);
            }
            append.commit();
          } else if (op == 1 && formatVersion == 2) {
            // DataShard appends, sometimes re-using ids that were deleted
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < 1 + r.nextInt(10); i++) {
              long id = r.nextInt(4) == 0 && nextId > 0 ? r.nextInt((int) nextId) : nextId++;
              rows.add(Map.of("id", id, "event", "ds"));
            }
            wh.loadTable("t").appendRecords(rows);
            ice.refresh();
          } else if (op == 2 && nextId > 0) {
            long[] ids = new long[1 + r.nextInt(3)];
            for (int i = 0; i < ids.length; i++) {
              ids[i] = r.nextInt((int) nextId);
            }
            if (spec.isUnpartitioned()) {
              ice.newRowDelta().addDeletes(equalityDeletes(ice, ids)).commit();
            } else {
              // partitioned equality deletes apply within their partition: write one per partition of the ids
              var delta = ice.newRowDelta();
              for (DeleteFile d : IcebergEvents.equalityDeletesPartitioned(ice, ids)) {
                delta.addDeletes(d);
              }
              delta.commit();
            }
          } else if (op == 4 && nextId > 0) {
            // an upsert: one commit deletes a key by equality and adds a row with that key (same sequence number:
            // the equality delete must not apply to the new row)
            long k = r.nextInt((int) nextId);
            var delta = ice.newRowDelta();
            for (DeleteFile d : IcebergEvents.equalityDeletesPartitioned(ice, k)) {
              delta.addDeletes(d);
            }
            for (DataFile f : IcebergEvents.writePartitioned(ice, List.of(k))) {
              delta.addRows(f);
              written.add(f);
            }
            delta.commit();
          } else {
            DataFile f = written.get(r.nextInt(written.size()));
            long[] p = new long[1 + r.nextInt(3)];
            for (int i = 0; i < p.length; i++) {
              p[i] = r.nextInt((int) f.recordCount());
            }
            p = java.util.Arrays.stream(p).distinct().toArray();
            if (formatVersion == 2) {
              ice.newRowDelta().addDeletes(IcebergEvents.positionDeletes(ice, f, p)).commit();
            } else {
              IcebergEvents.commitDeletionVector(ice, f, p);
              deletionVectors++;
            }
          }
          ice.refresh();
          io.datashard.Table ds = wh.loadTable("t");
          String where = "seed " + seed + ", step " + step + ", spec " + spec;
          for (org.apache.iceberg.Snapshot s : ice.snapshots()) {
            assertThat(Rows.dataShard(ds, s.snapshotId())).as("%s, snapshot %d", where, s.snapshotId())
                .isEqualTo(Rows.iceberg(ice, s.snapshotId()));
          }
          assertThat(ds.rowCount()).as(where).isEqualTo(Rows.iceberg(ice, null).size());
          long limit = nextId / 2;
          List<Long> expected = new ArrayList<>(IcebergEvents.idList(ice));
          expected.removeIf(id -> id >= limit);
          assertThat(dsIdsWhere(ds, limit)).as(where).isEqualTo(expected);
        }
      }
    }
    if (formatVersion == 3 && cases > 1) {
      assertThat(deletionVectors).as("deletion vectors Iceberg committed in the random runs").isGreaterThan(3);
    }
  }

  @Test
  void deletionVectorsWrittenByIcebergAreAppliedSnapshotBySnapshot() throws Exception {
    Path warehouse = dir.resolve("dv");
    PartitionSpec spec = PartitionSpec.builderFor(IcebergEvents.SCHEMA).bucket("id", 2).build();
    Table ice = new HadoopTables(new Configuration()).create(IcebergEvents.SCHEMA, spec,
        Map.of("format-version", "3"), warehouse.resolve("t").toUri().toString());
    List<Long> ids = new ArrayList<>();
    for (long i = 0; i < 40; i++) {
      ids.add(i);
    }
    List<DataFile> files = IcebergEvents.writePartitioned(ice, ids);
    var append = ice.newAppend();
    files.forEach(append::appendFile);
    append.commit();
    DataFile first = files.get(0);
    IcebergEvents.commitDeletionVector(ice, first, 0, 3, 5);
    IcebergEvents.commitDeletionVector(ice, first, 7); // merged with the first vector, which it replaces
    IcebergEvents.commitDeletionVector(ice, files.get(1), 1);
    ice.refresh();
    try (Warehouse wh = Warehouse.local(warehouse)) {
      io.datashard.Table ds = wh.loadTable("t");
      for (org.apache.iceberg.Snapshot s : ice.snapshots()) {
        assertThat(Rows.dataShard(ds, s.snapshotId())).as("snapshot %d", s.snapshotId())
            .isEqualTo(Rows.iceberg(ice, s.snapshotId()));
      }
      assertThat(ds.rowCount()).isEqualTo(35);
      assertThat(ds.scan().count()).isEqualTo(35);
      io.datashard.TableScan scan = ds.scan();
      assertThat(scan.toList()).hasSize(35);
      assertThat(scan.report().deleteFiles()).as("one live vector per data file").isEqualTo(2);
      assertThat(scan.report().rowsDeleted()).isEqualTo(5);
      assertThat(ds.scan().planFiles().stream().flatMap(t -> t.deletes().stream())
          .map(d -> d.fileFormat()).distinct().toList()).containsExactly("PUFFIN");
      // a copy-on-write delete by DataShard copies only live rows (Iceberg's vectors applied) and drops the
      // rewritten files' vectors; Iceberg reads the same rows
      ds.deleteWhere(Expressions.equal("id", 10L));
      ice.refresh();
      assertThat(IcebergEvents.ids(ice)).isEqualTo(dsIds(ds.refresh(), null)).hasSize(34).doesNotContain(10L, 0L);
    }
  }

  static List<Long> dsIdsWhere(io.datashard.Table ds, long below) {
    List<Long> out = new ArrayList<>();
    ds.scan().filter(Expressions.lessThan("id", below)).toList().forEach(r -> out.add(r.getLong("id")));
    out.sort(null);
    return out;
  }

  @Test
  void aVersion3TableIcebergMadeIsReadAndAppendedTo() throws Exception {
    Path warehouse = dir.resolve("wh3");
    Table ice = new HadoopTables(new Configuration()).create(IcebergEvents.SCHEMA,
        PartitionSpec.unpartitioned(), Map.of("format-version", "3"), warehouse.resolve("v3").toUri().toString());
    ice.newAppend().appendFile(IcebergEvents.write(ice, 1, 2)).commit();
    try (Warehouse wh = Warehouse.local(warehouse)) {
      io.datashard.Table ds = wh.loadTable("v3");
      int v = version(warehouse.resolve("v3"));
      assertThat(dsIds(ds, null)).containsExactlyInAnyOrder(1L, 2L);
      assertThat(ds.rowCount()).isEqualTo(2);
      ds.appendRecords(List.of(Map.of("id", 3L, "event", "x")));
      assertThat(version(warehouse.resolve("v3"))).isEqualTo(v + 1);
    }
    ice.refresh();
    assertThat(IcebergEvents.ids(ice)).containsExactlyInAnyOrder(1L, 2L, 3L);
    assertThat(ice.currentSnapshot().firstRowId()).isNotNull();
  }

  @Test
  void icebergAppliesAndMergesDataShardsDeletionVectors() throws Exception {
    Path warehouse = dir.resolve("dsdv");
    try (Warehouse wh = Warehouse.local(warehouse)) {
      io.datashard.Table ds = wh.createTable("t", IcebergEvents.DATASHARD_SCHEMA,
          io.datashard.PartitionSpec.unpartitioned(), Map.of("format-version", "3",
              io.datashard.TableProperties.DELETE_MODE, io.datashard.TableProperties.DELETE_MODE_MERGE_ON_READ));
      List<Map<String, Object>> rows = new ArrayList<>();
      for (long i = 0; i < 20; i++) {
        rows.add(Map.of("id", i, "event", "e" + i));
      }
      ds.appendRecords(rows);
      ds.deleteWhere(Expressions.lessThan("id", 3L));
      ds.deleteWhere(Expressions.equal("id", 10L)); // merged into a new vector replacing the first

      Table ice = new HadoopTables(new Configuration()).load(warehouse.resolve("t").toUri().toString());
      for (org.apache.iceberg.Snapshot s : ice.snapshots()) {
        assertThat(Rows.iceberg(ice, s.snapshotId())).as("snapshot %d", s.snapshotId())
            .isEqualTo(Rows.dataShard(ds, s.snapshotId()));
      }
      try (CloseableIterable<FileScanTask> tasks = ice.newScan().planFiles()) {
        List<DeleteFile> deletes = new ArrayList<>();
        tasks.forEach(t -> deletes.addAll(t.deletes()));
        assertThat(deletes).singleElement().satisfies(d -> {
          assertThat(d.format()).isEqualTo(org.apache.iceberg.FileFormat.PUFFIN);
          assertThat(d.recordCount()).isEqualTo(4);
          assertThat(d.contentOffset()).isNotNull();
        });
      }
      // Iceberg's own DV writer loads DataShard's vector (through its reader), merges one more row and replaces it
      DataFile data;
      try (CloseableIterable<FileScanTask> tasks = ice.newScan().planFiles()) {
        data = tasks.iterator().next().file();
      }
      IcebergEvents.commitDeletionVector(ice, data, 15);
      assertThat(IcebergEvents.idList(ice)).doesNotContain(0L, 1L, 2L, 10L, 15L).hasSize(15);
      assertThat(dsIds(ds.refresh(), null)).isEqualTo(IcebergEvents.ids(ice));
      // and DataShard merges Iceberg's vector in turn
      ds.deleteWhere(Expressions.equal("id", 19L));
      ice.refresh();
      assertThat(IcebergEvents.idList(ice)).hasSize(14).doesNotContain(19L, 15L);
      assertThat(dsIds(ds.refresh(), null)).isEqualTo(IcebergEvents.ids(ice));
    }
  }

  @Test
  void icebergReadsPositionDeletesDataShardMergedAndFoldedIntoVectors() throws Exception {
    Path warehouse = dir.resolve("rewrite");
    try (Warehouse wh = Warehouse.local(warehouse)) {
      io.datashard.Table ds = wh.createTable("t", IcebergEvents.DATASHARD_SCHEMA,
          io.datashard.PartitionSpec.unpartitioned(), Map.of(io.datashard.TableProperties.DELETE_MODE,
              io.datashard.TableProperties.DELETE_MODE_MERGE_ON_READ));
      for (long f = 0; f < 3; f++) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (long i = f * 10; i < f * 10 + 10; i++) {
          rows.add(Map.of("id", i, "event", "e" + i));
        }
        ds.appendRecords(rows);
      }
      for (long id : new long[] {1, 12, 25, 26}) {
        ds.deleteWhere(Expressions.equal("id", id));
      }
      Table ice = new HadoopTables(new Configuration()).load(warehouse.resolve("t").toUri().toString());
      ds.rewritePositionDeletes();
      ice.refresh();
      assertThat(IcebergEvents.ids(ice)).isEqualTo(dsIds(ds.refresh(), null)).hasSize(26);
      ds.updateProperties().set("format-version", "3").commit();
      ds.rewritePositionDeletes();
      ice.refresh();
      assertThat(IcebergEvents.ids(ice)).isEqualTo(dsIds(ds.refresh(), null)).hasSize(26);
      try (CloseableIterable<FileScanTask> tasks = ice.newScan().planFiles()) {
        for (FileScanTask task : tasks) {
          assertThat(task.deletes()).as("Iceberg sees one deletion vector per data file, nothing else")
              .singleElement().satisfies(d -> assertThat(d.format()).isEqualTo(org.apache.iceberg.FileFormat.PUFFIN));
        }
      }
    }
  }
}
