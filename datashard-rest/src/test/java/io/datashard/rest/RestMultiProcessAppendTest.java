package io.datashard.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.testing.ChildJvm;
import io.datashard.s3.S3ProxyExtension;
import io.datashard.s3.S3ProxyServer;
import io.datashard.server.DataShardServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight JVMs append 25 times each to one table through one REST catalog server ({@code datashard serve}
 * in-process, warehouse on an in-process S3Proxy), configured only by {@code DATASHARD_CATALOG_URI} and
 * {@code DATASHARD_S3_*} variables, as a user's program would be: every acknowledged append is in the table exactly
 * once, with its own snapshot, and the server answered the lost races with 409s the clients retried.
 */
class RestMultiProcessAppendTest {
  static final int PROCESSES = 8;
  static final int APPENDS = 25;

  @RegisterExtension
  static final S3ProxyExtension s3 = new S3ProxyExtension();

  @TempDir
  Path dir;

  @Test
  void eightJvmsAppendingThroughOneCatalogServerLoseAndDuplicateNothing() throws Exception {
    String prefix = "rest-mp-" + UUID.randomUUID();
    Map<String, String> catalogProps = RestS3Test.catalogProperties(s3, prefix);
    try (DataShardServer server = DataShardServer.builder().catalogProperties(catalogProps).bind("127.0.0.1")
        .port(0).insecureNoAuth().build().start()) {
      Map<String, String> env = new HashMap<>(RestS3Test.clientEnvironment(s3));
      env.put(Warehouse.ENV_CATALOG_URI, server.uri().toString());
      try (Warehouse wh = Warehouse.fromEnvironment(env)) {
        // every acknowledged snapshot is matched against the table's: no upkeep snapshots, no expiry
        wh.createTable("sales.events", TestSchemas.EVENTS, io.datashard.PartitionSpec.unpartitioned(),
            java.util.Map.of(io.datashard.TableProperties.UPKEEP_ENABLED, "false"));
      }

      List<Process> procs = new ArrayList<>();
      for (int w = 0; w < PROCESSES; w++) {
        procs.add(ChildJvm.builder(env, RestAppendWorker.class.getName(), "sales.events", Integer.toString(w),
            Integer.toString(APPENDS)).redirectError(dir.resolve("worker-" + w + ".err").toFile()).start());
      }
      Set<Long> acked = new HashSet<>();
      Set<Long> ackedSnapshots = new HashSet<>();
      for (int w = 0; w < PROCESSES; w++) {
        Process p = procs.get(w);
        ChildJvm.readAcks(p, acked, ackedSnapshots);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        String stderr = Files.readString(dir.resolve("worker-" + w + ".err"));
        assertThat(p.exitValue()).as("worker %d exit; stderr:%n%s", w, stderr).isZero();
        assertThat(stderr).doesNotContain(S3ProxyServer.SECRET_KEY);
      }
      assertThat(acked).hasSize(PROCESSES * APPENDS);

      try (Warehouse wh = Warehouse.fromEnvironment(env)) {
        Table t = wh.loadTable("sales.events");
        assertThat(t.snapshots()).extracting(Snapshot::snapshotId).containsExactlyInAnyOrderElementsOf(ackedSnapshots);
        List<Long> ids = new ArrayList<>();
        t.scan().select("id").toList().forEach(rec -> ids.add((Long) rec.get("id")));
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(new HashSet<>(ids)).isEqualTo(acked);
      }
      assertThat(server.metrics().commits()).as("commits the server made").isGreaterThanOrEqualTo(PROCESSES * APPENDS);
      System.out.printf("REST multi-process: %d appends acknowledged, %d commits, %d answered 409%n", acked.size(),
          server.metrics().commits(), server.metrics().commitConflicts());
    }
  }
}
