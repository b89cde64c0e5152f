package io.datashard.benchmarks;

import io.datashard.Field;
import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.Table;
import io.datashard.TableProperties;
import io.datashard.Types;
import io.datashard.Warehouse;
import io.datashard.expressions.Expressions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Row-level changes side by side in one run (docs/benchmarks.md, "Upserts and merge-on-read"): upserting
 * {@code keys} random existing keys into a table of {@code rows} rows (files of {@code fileRows} rows) by
 * copy-on-write (every file holding a key is rewritten) and by merge-on-read (an equality delete file of the keys
 * plus the new rows; nothing read); then a full scan of a table with 10% of its rows deleted by position deletes
 * against the scan of the same rows compacted, and against Apache Iceberg's generic reader on the table with the
 * deletes. Best of {@code rounds} after one warm-up round, wall clock (and thread CPU for the scans).
 */
final class UpsertBench {
  private static final Schema SCHEMA = Schema.of(Field.required(1, "id", Types.LONG),
      Field.required(2, "name", Types.STRING), Field.optional(3, "value", Types.DOUBLE));

  private UpsertBench() {
  }

  static void run(Map<String, String> opts) throws Exception {
    int rows = Integer.parseInt(opts.getOrDefault("rows", "2000000"));
    int fileRows = Integer.parseInt(opts.getOrDefault("fileRows", "100000"));
    int keys = Integer.parseInt(opts.getOrDefault("keys", "10000"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "2"));
    String format = opts.getOrDefault("format", "2"); // 3: deletes are deletion vectors
    Path dir = Bench.tempDir("ds-upsert");
    Bench.out("## Upserts and merge-on-read: %,d keys into %,d rows (%,d-row files), format version %s, %d rounds "
        + "(+1 warm-up); load %s", keys, rows, fileRows, format, rounds, Bench.loadAverage());
    try (Warehouse wh = Warehouse.local(dir)) {
      Map<String, List<Bench.Sample>> samples = new HashMap<>();
      for (int round = 0; round <= rounds; round++) {
        for (String mode : List.of(TableProperties.DELETE_MODE_COPY_ON_WRITE,
            TableProperties.DELETE_MODE_MERGE_ON_READ)) {
          Table t = table(wh, mode + round, mode, rows, fileRows, format);
          List<Map<String, Object>> batch = upsertBatch(new Random(round), rows, keys);
          Bench.Sample s = Bench.time(() -> t.upsert(batch));
          if (t.rowCount() != rows) {
            throw new IllegalStateException(mode + ": " + t.rowCount() + " rows after the upsert, expected " + rows);
          }
          if (round > 0) {
            samples.computeIfAbsent(mode, k -> new ArrayList<>()).add(s);
          }
        }
        // Apache Iceberg's Java library, the same upsert on the same kind of table (loaded from its folder).
        Table same = table(wh, "iceberg" + round, TableProperties.DELETE_MODE_MERGE_ON_READ, rows, fileRows, format);
        org.apache.iceberg.Table ice = new org.apache.iceberg.hadoop.HadoopTables(
            new org.apache.hadoop.conf.Configuration()).load(same.location());
        List<Map<String, Object>> batch = upsertBatch(new Random(round), rows, keys);
        Bench.Sample s = Bench.time(() -> icebergUpsert(ice, batch));
        long after = wh.loadTable("iceberg" + round).rowCount();
        if (after != rows) {
          throw new IllegalStateException("Iceberg: " + after + " rows after the upsert, expected " + rows);
        }
        if (round > 0) {
          samples.computeIfAbsent("iceberg", k -> new ArrayList<>()).add(s);
        }
      }
      Bench.Sample cow = Bench.best(samples.get(TableProperties.DELETE_MODE_COPY_ON_WRITE));
      Bench.Sample mor = Bench.best(samples.get(TableProperties.DELETE_MODE_MERGE_ON_READ));
      Bench.out("| upsert of %,d keys | wall ms |", keys);
      Bench.out("|---|---|");
      Bench.out("| DataShard copy-on-write | %,.0f |", cow.wallNanos() / 1e6);
      Bench.out("| DataShard merge-on-read (equality deletes) | %,.0f |", mor.wallNanos() / 1e6);
      Bench.Sample ice = Bench.best(samples.get("iceberg"));
      Bench.out("| Apache Iceberg's Java library (equality delete file + data file, one row delta) | %,.0f |",
          ice.wallNanos() / 1e6);
      Bench.out("merge-on-read is %.1fx faster than copy-on-write and %.2fx Iceberg's library",
          (double) cow.wallNanos() / mor.wallNanos(), (double) ice.wallNanos() / mor.wallNanos());

      // Scan with 10% of the rows deleted by position deletes vs the same rows compacted.
      Table deleted = table(wh, "scan-mor", TableProperties.DELETE_MODE_MERGE_ON_READ, rows, fileRows, format);
      deleted.deleteWhere(Expressions.equal("name", "n3")); // ids with id % 10 == 3: 10%
      Table compacted = table(wh, "scan-compacted", TableProperties.DELETE_MODE_MERGE_ON_READ, rows, fileRows, format);
      compacted.deleteWhere(Expressions.equal("name", "n3"));
      compacted.rewriteDataFiles().minFileSizeBytes(Long.MAX_VALUE).targetFileSizeBytes(64L << 20).execute();
      // The same ten files with no delete at all: what the file count costs, apart from the deletes.
      Table tenFiles = table(wh, "scan-ten-files", TableProperties.DELETE_MODE_MERGE_ON_READ, rows, fileRows, format);
      // Apache Iceberg's own generic reader on the very same table (its files, its position delete file).
      org.apache.iceberg.Table iceberg = new org.apache.iceberg.hadoop.HadoopTables(
          new org.apache.hadoop.conf.Configuration()).load(deleted.location());
      List<Bench.Sample> withDeletes = new ArrayList<>();
      List<Bench.Sample> plain = new ArrayList<>();
      List<Bench.Sample> icebergWithDeletes = new ArrayList<>();
      List<Bench.Sample> undeleted = new ArrayList<>();
      long[] counted = new long[4];
      for (int round = 0; round <= rounds; round++) {
        Bench.Sample a = Bench.time(() -> counted[0] = readAll(deleted));
        Bench.Sample b = Bench.time(() -> counted[1] = readAll(compacted));
        Bench.Sample i = Bench.time(() -> counted[2] = readAll(iceberg));
        Bench.Sample u = Bench.time(() -> counted[3] = readAll(tenFiles));
        if (counted[0] != counted[1] || counted[0] != counted[2] || counted[0] != rows - rows / 10) {
          throw new IllegalStateException("scans returned " + counted[0] + ", " + counted[1] + " and " + counted[2]
              + " rows");
        }
        if (round > 0) {
          withDeletes.add(a);
          plain.add(b);
          icebergWithDeletes.add(i);
          undeleted.add(u);
        }
      }
      Bench.Sample d = Bench.best(withDeletes);
      Bench.Sample c = Bench.best(plain);
      Bench.Sample iceScan = Bench.best(icebergWithDeletes);
      Bench.out("| full scan, %,d live rows | wall ms | rows/s | thread-CPU ms |", counted[0]);
      Bench.out("|---|---|---|---|");
      String deletes = format.equals("3") ? "deletion vectors" : "position deletes";
      Bench.out("| DataShard, 10%% deleted by " + deletes + " | %,.0f | %,.0f | %,.0f |", d.wallNanos() / 1e6,
          d.wallRate(counted[0]), d.cpuNanos() / 1e6);
      Bench.out("| DataShard, the same rows compacted | %,.0f | %,.0f | %,.0f |", c.wallNanos() / 1e6,
          c.wallRate(counted[1]), c.cpuNanos() / 1e6);
      Bench.Sample ten = Bench.best(undeleted);
      Bench.out("| DataShard, the ten files with no deletes (%,d rows) | %,.0f | %,.0f | %,.0f |", counted[3],
          ten.wallNanos() / 1e6, ten.wallRate(counted[3]), ten.cpuNanos() / 1e6);
      Bench.out("| Iceberg generics, the table with the " + deletes + " | %,.0f | %,.0f | %,.0f |",
          iceScan.wallNanos() / 1e6, iceScan.wallRate(counted[2]), iceScan.cpuNanos() / 1e6);
      Bench.out("with " + deletes + ": %.2fx the compacted scan; %.2fx Iceberg generics on the same table (wall; "
          + "%.2fx in thread CPU)", (double) c.wallNanos() / d.wallNanos(), (double) iceScan.wallNanos() / d.wallNanos(),
          (double) iceScan.cpuNanos() / d.cpuNanos());
    }
  }

  /** @return the rows a full scan returns, each materialized (count() alone may answer from metadata) */
  private static long readAll(Table t) {
    long n = 0;
    try (io.datashard.CloseableIterator<io.datashard.Row> it = t.scan().iterator()) {
      while (it.hasNext()) {
        if (it.next() != null) {
          n++;
        }
      }
    }
    return n;
  }

  /**
   * Apache Iceberg's Java library doing the upsert: an equality delete file of the keys and a data file of the new
   * rows, committed as one row delta (what Iceberg's own upsert writers produce).
   */
  private static void icebergUpsert(org.apache.iceberg.Table t, List<Map<String, Object>> batch) {
    org.apache.iceberg.Schema idOnly = t.schema().select("id");
    var factory = new org.apache.iceberg.data.GenericFileWriterFactory.Builder(t)
        .equalityFieldIds(new int[] {t.schema().findField("id").fieldId()}).equalityDeleteRowSchema(idOnly).build();
    var deletes = factory.newEqualityDeleteWriter(newFile(t), t.spec(), null);
    var data = factory.newDataWriter(newFile(t), t.spec(), null);
    try {
      try (deletes) {
        for (Map<String, Object> row : batch) {
          org.apache.iceberg.data.GenericRecord key = org.apache.iceberg.data.GenericRecord.create(idOnly);
          key.setField("id", row.get("id"));
          deletes.write(key);
        }
      }
      try (data) {
        for (Map<String, Object> row : batch) {
          org.apache.iceberg.data.GenericRecord r = org.apache.iceberg.data.GenericRecord.create(t.schema());
          r.setField("id", row.get("id"));
          r.setField("name", row.get("name"));
          r.setField("value", row.get("value"));
          data.write(r);
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    t.newRowDelta().addRows(data.toDataFile()).addDeletes(deletes.toDeleteFile()).commit();
  }

  private static org.apache.iceberg.encryption.EncryptedOutputFile newFile(org.apache.iceberg.Table t) {
    return org.apache.iceberg.encryption.EncryptedFiles.plainAsEncryptedOutput(t.io().newOutputFile(
        t.locationProvider().newDataLocation(java.util.UUID.randomUUID() + ".parquet")));
  }

  /** @return the rows Iceberg's generic reader returns, each read in full, position deletes applied */
  private static long readAll(org.apache.iceberg.Table t) {
    long n = 0;
    try (org.apache.iceberg.io.CloseableIterable<org.apache.iceberg.data.Record> rows =
        org.apache.iceberg.data.IcebergGenerics.read(t).build()) {
      for (org.apache.iceberg.data.Record r : rows) {
        if (r != null) {
          n++;
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return n;
  }

  private static Table table(Warehouse wh, String name, String mode, int rows, int fileRows, String format) {
    Table t = wh.createTable(name, SCHEMA, PartitionSpec.unpartitioned(),
        Map.of(TableProperties.DELETE_MODE, mode, TableProperties.PARQUET_COMPRESSION, "zstd",
            TableProperties.UPKEEP_ENABLED, "false", // no background compaction inside the timed operations
            "format-version", format));
    t.updateSchema().setIdentifierFields(List.of("id")).commit();
    for (int start = 0; start < rows; start += fileRows) {
      List<Map<String, Object>> batch = new ArrayList<>(fileRows);
      for (long id = start; id < Math.min(rows, start + fileRows); id++) {
        batch.add(Map.of("id", id, "name", "n" + (id % 10), "value", (double) id));
      }
      t.appendRecords(batch);
    }
    return t;
  }

  private static List<Map<String, Object>> upsertBatch(Random random, int rows, int keys) {
    Set<Long> chosen = new LinkedHashSet<>();
    while (chosen.size() < keys) {
      chosen.add((long) random.nextInt(rows));
    }
    List<Map<String, Object>> batch = new ArrayList<>(keys);
    for (long id : chosen) {
      batch.add(Map.of("id", id, "name", "updated", "value", -1.0));
    }
    return batch;
  }
}
