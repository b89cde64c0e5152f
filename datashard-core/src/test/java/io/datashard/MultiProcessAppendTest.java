package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Separate JVMs append to one local table at once: no acknowledged commit lost, no row duplicated. */
class MultiProcessAppendTest {
  static final int PROCESSES = 4;
  static final int APPENDS = 20;

  @TempDir
  Path dir;

  @Test
  void fourJvmsAppendingConcurrentlyLoseNothing() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      // every append's own snapshot is checked below: no upkeep snapshots, no expiry
      wh.createTable("mp", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
          java.util.Map.of(TableProperties.UPKEEP_ENABLED, "false"));
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    List<Process> procs = new ArrayList<>();
    for (int w = 0; w < PROCESSES; w++) {
      procs.add(new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", cp,
          AppendWorker.class.getName(), dir.toString(), "mp", Integer.toString(w), Integer.toString(APPENDS))
          .redirectError(dir.resolve("worker-" + w + ".err").toFile())
          .start());
    }
    Set<Long> acked = new HashSet<>();
    Set<Long> ackedSnapshots = new HashSet<>();
    for (Process p : procs) {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          String[] parts = line.split(" ");
          if (parts[0].equals("ACK")) {
            acked.add(Long.parseLong(parts[1]) * 1_000_000L + Long.parseLong(parts[2]));
            ackedSnapshots.add(Long.parseLong(parts[3]));
          }
        }
      }
      assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
      assertThat(p.exitValue()).as("worker exit; stderr in %s", dir).isZero();
    }
    assertThat(acked).hasSize(PROCESSES * APPENDS);

    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.loadTable("mp");
      assertThat(t.snapshots()).extracting(Snapshot::snapshotId).containsExactlyInAnyOrderElementsOf(ackedSnapshots);
      List<Long> ids = new ArrayList<>();
      t.scan().select("id").toList().forEach(rec -> ids.add((Long) rec.get("id")));
      assertThat(ids).doesNotHaveDuplicates();
      assertThat(new HashSet<>(ids)).isEqualTo(acked);
    }
    // no stray temp files in metadata/
    assertThat(dir.resolve("mp/metadata").toFile().list((d, n) -> n.endsWith(".tmp"))).isEmpty();
    // every acknowledged append is its own snapshot and its own table version (v1 is the creation)
    assertThat(ackedSnapshots).hasSize(PROCESSES * APPENDS);
    assertThat(dir.resolve("mp/metadata").toFile().list((d, n) -> n.endsWith(".metadata.json")))
        .hasSize(PROCESSES * APPENDS + 1);
  }
}
