package io.datashard.examples;

import io.datashard.Appender;
import io.datashard.DataShard;
import io.datashard.Field;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.Types;
import io.datashard.Warehouse;
import io.datashard.storage.FileInfo;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * DataShard on S3 or any S3-compatible store (MinIO, Ceph RGW, Cloudflare R2, ...), configured by environment
 * variables only:
 *
 * <pre>
 * DATASHARD_STORAGE_TYPE=s3 DATASHARD_S3_ENDPOINT=http://localhost:9000 DATASHARD_S3_BUCKET=lake \
 * DATASHARD_S3_ACCESS_KEY=minioadmin DATASHARD_S3_SECRET_KEY=minioadmin \
 *   mvn -q -ntp -DskipTests -pl datashard-examples -am package exec:java -Dexec.mainClass=io.datashard.examples.S3Example
 * </pre>
 *
 * <p>Creates (or reuses) table {@code s3_example}, appends a streamed batch and a single row as two commits,
 * scans, time-travels, and prints the objects the table consists of. Nothing in the code is S3-specific: the
 * same program runs on local disk without the variables.
 */
public final class S3Example {
  private S3Example() {
  }

  public static void main(String[] args) {
    String type = System.getenv().getOrDefault(Warehouse.ENV_STORAGE_TYPE, "local");
    if (!"s3".equalsIgnoreCase(type.trim())) {
      System.err.println("S3Example writes to S3: set DATASHARD_STORAGE_TYPE=s3, DATASHARD_S3_BUCKET and, for stores"
          + " other than AWS S3, DATASHARD_S3_ENDPOINT (see docs/s3.md). DATASHARD_STORAGE_TYPE is '" + type + "'.");
      System.exit(2);
    }
    String name = args.length > 0 ? args[0] : "s3_example";
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;

    Warehouse wh = DataShard.warehouse();
    System.out.println("Warehouse " + wh.location() + " on " + wh.storage()); // secrets are redacted
    Schema schema = Schema.of(
        Field.required(1, "sensor_id", Types.LONG),
        Field.required(2, "reading", Types.DOUBLE),
        Field.optional(3, "at", Types.TIMESTAMP_TZ));
    boolean existed = DataShard.tableExists(name);
    Table table = existed ? DataShard.loadTable(name) : DataShard.createTable(name, schema);
    System.out.println((existed ? "Loaded" : "Created") + " table " + name + " at " + table.location()
        + " (" + table.rowCount() + " rows, " + table.snapshots().size() + " snapshots)");

    OffsetDateTime start = Instant.now().atOffset(ZoneOffset.UTC).withNano(0);
    long t0 = System.nanoTime();
    Snapshot batch;
    try (Appender a = table.newAppend()) { // streamed through S3A, bounded memory
      for (int i = 0; i < rows; i++) {
        a.add(Map.of("sensor_id", (long) (i % 100), "reading", i * 0.25, "at", start.plusSeconds(i)));
      }
      batch = a.commit();
    }
    System.out.printf("Appended %d rows in one commit (snapshot %d) in %d ms%n", rows, batch.snapshotId(),
        (System.nanoTime() - t0) / 1_000_000);

    t0 = System.nanoTime();
    Snapshot single = table.appendRecords(List.of(Map.of("sensor_id", 42L, "reading", -1.0)));
    System.out.printf("Appended 1 row (snapshot %d) in %d ms%n", single.snapshotId(), (System.nanoTime() - t0) / 1_000_000);

    long total = table.scan().count();
    System.out.println("Table now has " + total + " rows in " + table.snapshots().size() + " snapshots");
    double sum = 0;
    for (Row r : table.scan().select("reading").toList()) {
      sum += (Double) r.get("reading");
    }
    System.out.printf("Sum of readings: %.2f%n", sum);
    System.out.println("As of snapshot " + batch.snapshotId() + ": "
        + table.scan().useSnapshot(batch.snapshotId()).count() + " rows");

    Map<String, long[]> objects = new TreeMap<>();
    for (FileInfo f : wh.storage().list(table.location())) {
      String rel = f.location().substring(table.location().length() + 1);
      String kind = rel.startsWith("data/") ? "data files (Parquet)"
          : rel.matches("metadata/v\\d+\\.metadata\\.json") ? "metadata versions (JSON)"
          : rel.startsWith("metadata/snap-") ? "manifest lists (Avro)"
          : rel.endsWith(".avro") ? "manifests (Avro)" : rel;
      long[] c = objects.computeIfAbsent(kind, k -> new long[2]);
      c[0]++;
      c[1] += f.size();
    }
    System.out.println("Objects under " + table.location() + ":");
    objects.forEach((k, c) -> System.out.printf("  %-26s %5d objects %,12d bytes%n", k, c[0], c[1]));
    wh.close();
  }
}
