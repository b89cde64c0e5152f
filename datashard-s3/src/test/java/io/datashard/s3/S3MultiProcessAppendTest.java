package io.datashard.s3;

import static org.assertj.core.api.Assertions.assertThat;
import io.datashard.update.TableInternals;

import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Separate JVMs, configured only through {@code DATASHARD_*} environment variables, append to one S3 table at
 * once: every acknowledged row is there exactly once. This is also the end-to-end test of storage selection by
 * environment: the children get no other configuration, and {@code DataShard.loadTable} must pick S3.
 */
class S3MultiProcessAppendTest {
  static final int PROCESSES = 4;
  static final int APPENDS = 15;

  @TempDir
  Path dir;

  @Test
  void fourJvmsAppendingToOneS3TableLoseAndDuplicateNothing() throws Exception {
    try (S3ProxyServer server = S3ProxyServer.start()) {
      Map<String, String> env = Map.of(
          "DATASHARD_STORAGE_TYPE", "s3",
          "DATASHARD_S3_ENDPOINT", server.endpoint().toString(),
          "DATASHARD_S3_BUCKET", server.bucket(),
          "DATASHARD_S3_PREFIX", "mp-warehouse",
          "DATASHARD_S3_ACCESS_KEY", S3ProxyServer.ACCESS_KEY,
          "DATASHARD_S3_SECRET_KEY", S3ProxyServer.SECRET_KEY);
      try (Warehouse wh = Warehouse.fromEnvironment(env)) {
        // every acknowledged snapshot is checked against the table's: no upkeep snapshots, no expiry
        wh.createTable("mp", TestSchemas.EVENTS, io.datashard.PartitionSpec.unpartitioned(),
            java.util.Map.of(io.datashard.TableProperties.UPKEEP_ENABLED, "false"));
      }

      List<Process> procs = new ArrayList<>();
      for (int w = 0; w < PROCESSES; w++) {
        procs.add(ChildJvm.builder(env, S3AppendWorker.class.getName(), "mp", Integer.toString(w), Integer.toString(APPENDS))
            .redirectError(dir.resolve("worker-" + w + ".err").toFile())
            .start());
      }
      Set<Long> acked = new HashSet<>();
      Set<Long> ackedSnapshots = new HashSet<>();
      for (int w = 0; w < PROCESSES; w++) {
        Process p = procs.get(w);
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            lines.add(line);
            String[] parts = line.split(" ");
            if (parts[0].equals("ACK")) {
              acked.add(Long.parseLong(parts[1]) * 1_000_000L + Long.parseLong(parts[2]));
              ackedSnapshots.add(Long.parseLong(parts[3]));
            }
          }
        }
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String stderr = Files.readString(dir.resolve("worker-" + w + ".err"));
        assertThat(p.exitValue()).as("worker %d exit; stderr:%n%s", w, stderr).isZero();
        assertThat(lines.get(0)).as("worker %d chose S3 from the environment", w)
            .isEqualTo("STORAGE " + S3StorageBackend.class.getName() + " s3://" + server.bucket() + "/mp-warehouse");
        assertThat(stderr).doesNotContain(S3ProxyServer.SECRET_KEY);
      }
      assertThat(acked).hasSize(PROCESSES * APPENDS);

      try (Warehouse wh = Warehouse.fromEnvironment(env)) {
        Table t = wh.loadTable("mp");
        assertThat(t.snapshots()).extracting(Snapshot::snapshotId).containsExactlyInAnyOrderElementsOf(ackedSnapshots);
        assertThat(TableInternals.of(t).metadata().version()).isEqualTo(1 + PROCESSES * APPENDS);
        List<Long> ids = new ArrayList<>();
        t.scan().select("id").toList().forEach(rec -> ids.add((Long) rec.get("id")));
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(new HashSet<>(ids)).isEqualTo(acked);
      }
    }
  }
}
