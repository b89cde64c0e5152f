package io.datashard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.Row;
import io.datashard.Table;
import io.datashard.Warehouse;
import io.datashard.replication.TableMigration;
import io.datashard.s3.S3ProxyServer;
import io.datashard.storage.FileInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code datashard migrate} between local disk and S3 (in-process S3Proxy), with resume and verification. */
class MigrateTest {
  private static S3ProxyServer server;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    server = S3ProxyServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private Cli cli() {
    Map<String, String> env = new HashMap<>();
    env.put("DATASHARD_WAREHOUSE", dir.resolve("wh").toString());
    env.put("DATASHARD_S3_ENDPOINT", server.endpoint().toString());
    env.put("DATASHARD_S3_ACCESS_KEY", S3ProxyServer.ACCESS_KEY);
    env.put("DATASHARD_S3_SECRET_KEY", S3ProxyServer.SECRET_KEY);
    env.put("DATASHARD_S3_REGION", S3ProxyServer.REGION);
    return new Cli(env);
  }

  /** A table with several snapshots: appends, a schema change, a delete and a compaction. */
  private Table sourceTable(Warehouse wh) {
    Table t = wh.createTable("events", io.datashard.Schema.of(
        io.datashard.Field.required(1, "id", io.datashard.Types.LONG),
        io.datashard.Field.optional(2, "region", io.datashard.Types.STRING)),
        io.datashard.PartitionSpec.builderFor(io.datashard.Schema.of(
            io.datashard.Field.required(1, "id", io.datashard.Types.LONG),
            io.datashard.Field.optional(2, "region", io.datashard.Types.STRING))).identity("region").build());
    for (int batch = 0; batch < 4; batch++) {
      List<Map<String, ?>> rows = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        rows.add(Map.of("id", (long) batch * 1000 + i, "region", i % 2 == 0 ? "eu" : "us"));
      }
      t.appendRecords(rows);
    }
    t.updateSchema().addColumn("note", io.datashard.Types.STRING, null).commit();
    t.appendRecords(List.of(Map.of("id", 99_999L, "region", "ap", "note", "late")));
    t.deleteWhere(io.datashard.expressions.Expressions.lessThan("id", 10L));
    t.rewriteDataFiles().execute();
    return t;
  }

  /**
   * A table whose old versions are tombstones (metadata cleanup after every commit), dropped once and created
   * again: the copy keeps every version name, carries tombstones as tombstones, replays the live versions, and
   * verifies.
   */
  @Test
  void tombstonedVersionsAreCarriedAsNames() throws Exception {
    List<Row> expected;
    try (Warehouse wh = Warehouse.local(dir.resolve("wh"))) {
      Map<String, String> cleanup = Map.of("write.metadata.delete-after-commit.enabled", "true",
          "write.metadata.previous-versions-max", "2");
      io.datashard.Schema schema = io.datashard.Schema.of(
          io.datashard.Field.required(1, "id", io.datashard.Types.LONG));
      Table first = wh.createTable("events", schema, io.datashard.PartitionSpec.unpartitioned(), cleanup);
      first.appendRecords(List.of(Map.of("id", -1L)));
      assertThat(wh.dropTable("events")).isTrue();
      Table t = wh.createTable("events", schema, io.datashard.PartitionSpec.unpartitioned(), cleanup);
      for (long i = 0; i < 6; i++) {
        t.appendRecords(List.of(Map.of("id", i)));
      }
      expected = t.scan().toList();
      assertThat(Files.readString(dir.resolve("wh/events/metadata/v1.metadata.json")))
          .startsWith("{\"datashard-tombstone\"");
    }
    String bucket = "s3://" + server.bucket() + "/tombstones";
    Cli.Result r = cli().run("migrate", "events", "--to", bucket);
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains(": OK");
    Map<String, String> s3 = new HashMap<>(cli().env);
    s3.put("DATASHARD_STORAGE_TYPE", "s3");
    s3.put("DATASHARD_S3_BUCKET", server.bucket());
    s3.put("DATASHARD_S3_PREFIX", "tombstones");
    try (Warehouse wh = Warehouse.fromEnvironment(s3)) {
      Table copied = wh.loadTable("events");
      assertThat(copied.scan().toList()).containsExactlyInAnyOrderElementsOf(expected);
      copied.appendRecords(List.of(Map.of("id", 100L)));
      assertThat(wh.loadTable("events").rowCount()).isEqualTo(expected.size() + 1);
      // Every source version name exists at the destination: none is free for a stale writer.
      List<FileInfo> files = wh.storage().list(wh.tableLocation("events") + "/metadata");
      assertThat(files.stream().filter(f -> f.location().endsWith(".metadata.json")).count())
          .isEqualTo(2 + 1 + 7 + 1); // old table (v1, v2), its drop (v3), new table (v4..v10), the append (v11)
    }
  }

  @Test
  void localToS3AndBackWithAllSnapshotsVerified() throws Exception {
    long[] snapshotIds;
    List<Row> expected;
    try (Warehouse wh = Warehouse.local(dir.resolve("wh"))) {
      Table t = sourceTable(wh);
      snapshotIds = t.snapshots().stream().mapToLong(s -> s.snapshotId()).toArray();
      expected = t.scan().useSnapshot(snapshotIds[2]).toList();
    }
    String bucket = "s3://" + server.bucket() + "/lake";
    Cli.Result r = cli().run("migrate", "events", "--to", bucket);
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("Migrating events: file:" + dir.resolve("wh/events") + " -> " + bucket + "/events",
        "0 already present", "Verification: ", snapshotIds.length + " snapshot(s)", "compared by CRC32C",
        "1991 rows in the current snapshot", ": OK");

    Map<String, String> s3 = new HashMap<>(cli().env);
    s3.put("DATASHARD_STORAGE_TYPE", "s3");
    s3.put("DATASHARD_S3_BUCKET", server.bucket());
    s3.put("DATASHARD_S3_PREFIX", "lake");
    try (Warehouse wh = Warehouse.fromEnvironment(s3)) {
      Table copy = wh.loadTable("events");
      assertThat(copy.location()).isEqualTo(bucket + "/events");
      assertThat(copy.snapshots().stream().mapToLong(s -> s.snapshotId()).toArray()).isEqualTo(snapshotIds);
      assertThat(copy.scan().count()).isEqualTo(1991);
      assertThat(copy.scan().useSnapshot(snapshotIds[2]).toList()).isEqualTo(expected); // time travel on the copy
      assertThat(copy.schema().findField("note")).isNotNull();
      // The copy is a live table: it takes new commits.
      copy.appendRecords(List.of(Map.of("id", 1L, "region", "eu")));
      assertThat(copy.refresh().rowCount()).isEqualTo(1992);
      for (FileInfo f : wh.storage().list(copy.location())) {
        if (f.location().endsWith(".json")) {
          assertThat(new String(wh.storage().readAll(f.location()), java.nio.charset.StandardCharsets.UTF_8))
              .doesNotContain("file:");
        }
      }
    }

    // And back: S3 to local, through the CLI's --warehouse s3://... option.
    Cli.Result back = cli().run("--warehouse", bucket, "migrate", "events", "--to", dir.resolve("back").toString(),
        "--to-table", "events_copy");
    assertThat(back.code()).as(back.toString()).isZero();
    assertThat(back.out()).contains("Verification: ", ": OK", "1992 rows in the current snapshot");
    try (Warehouse wh = Warehouse.local(dir.resolve("back"))) {
      assertThat(wh.loadTable("events_copy").scan().count()).isEqualTo(1992);
    }
  }

  @Test
  void interruptedMigrationResumesAndCorruptionFailsVerification() throws Exception {
    try (Warehouse wh = Warehouse.local(dir.resolve("wh"))) {
      sourceTable(wh);
    }
    Path dest = dir.resolve("dest");
    try (Warehouse src = Warehouse.local(dir.resolve("wh")); Warehouse dst = Warehouse.local(dest)) {
      TableMigration m = new TableMigration(src.storage(), src.tableLocation("events"), dst.storage(),
          dst.tableLocation("events"));
      long[] copied = {0};
      assertThatThrownBy(() -> m.copy(n -> {
        copied[0] += n;
        if (copied[0] > 6000) {
          throw new IllegalStateException("interrupted");
        }
      })).hasMessage("interrupted");
    }
    List<Path> versionsBefore = listVersions(dest);
    assertThat(versionsBefore).isNotEmpty(); // some versions made it: the destination is a valid, older table
    try (Warehouse dst = Warehouse.local(dest)) {
      assertThat(dst.loadTable("events").snapshots()).isNotEmpty();
    }

    Cli.Result resumed = cli().run("migrate", "events", "--to", dest.toString());
    assertThat(resumed.code()).as(resumed.toString()).isZero();
    assertThat(resumed.out()).containsPattern("[1-9]\\d* already present")
        .containsPattern("\\(" + versionsBefore.size() + " already present\\)").contains(": OK");

    Cli.Result again = cli().run("migrate", "events", "--to", dest.toString());
    assertThat(again.out()).contains("Copied 0 data file(s)", "wrote 0 manifest(s), 0 manifest list(s), 0 metadata version(s)", ": OK");

    // A data file changed at the destination (same size, other bytes) is caught by the checksums: exit 8.
    Path data = Files.walk(dest.resolve("events/data")).filter(p -> p.toString().endsWith(".parquet"))
        .max(Comparator.comparing(Path::toString)).orElseThrow();
    byte[] bytes = Files.readAllBytes(data);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(data, bytes);
    Cli.Result corrupt = cli().run("migrate", "events", "--to", dest.toString());
    assertThat(corrupt.code()).isEqualTo(8);
    assertThat(corrupt.out()).contains("checksum differs for data/");
    assertThat(corrupt.err()).startsWith("datashard: error: verification failed: checksum differs for data/");

    // Another table at the destination is refused, not overwritten.
    try (Warehouse wh = Warehouse.local(dir.resolve("other"))) {
      wh.createTable("events", io.datashard.Schema.of(io.datashard.Field.required(1, "x", io.datashard.Types.INT)));
    }
    Cli.Result refused = cli().run("migrate", "events", "--to", dir.resolve("other").toString());
    assertThat(refused.code()).isEqualTo(5);
    assertThat(refused.err()).contains("already holds another table");
    assertThat(cli().run("migrate", "nope", "--to", dest.toString()).code()).isEqualTo(3);
  }

  private static List<Path> listVersions(Path dest) throws Exception {
    try (var s = Files.list(dest.resolve("events/metadata"))) {
      return s.filter(p -> p.getFileName().toString().matches("v\\d+\\.metadata\\.json")).toList();
    }
  }
}
