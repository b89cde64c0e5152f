package io.datashard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commit path takes a server's cached version of a table without checking it against the store when the check
 * passed recently (docs/catalog.md, "Commits skip the check when it passed recently"). Two servers on one warehouse:
 * server A's cache is made stale by a commit through server B, and A's check interval is long enough that A trusts
 * it. Nothing may be lost and no request may be refused because of it.
 */
class CachedCommitTest {
  private static final Schema SCHEMA = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()));
  private static final TableIdentifier ID = TableIdentifier.of("ns", "t");

  @TempDir
  Path warehouse;
  private ServerFixture a;
  private ServerFixture b;

  @BeforeEach
  void start() throws Exception {
    Map<String, String> props = new HashMap<>(Map.of(CatalogProperties.WAREHOUSE_LOCATION, warehouse.toString()));
    props.put("datashard.metadata-cache.commit-check-interval-ms", "600000"); // A trusts its cache all test long
    a = ServerFixture.start(props);
    b = ServerFixture.start(Map.of(CatalogProperties.WAREHOUSE_LOCATION, warehouse.toString()));
  }

  @AfterEach
  void stop() throws Exception {
    a.close();
    b.close();
  }

  private static DataFile file(Table t, String name) {
    return DataFiles.builder(PartitionSpec.unpartitioned()).withPath(t.location() + "/data/" + name + ".parquet")
        .withFileSizeInBytes(10).withRecordCount(1).build();
  }

  private static Set<String> files(Table t) throws Exception {
    try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
      return StreamSupport.stream(tasks.spliterator(), false)
          .map(task -> Path.of(task.file().location()).getFileName().toString()).collect(Collectors.toSet());
    }
  }

  @Test
  void anAppendOnAStaleCachedVersionLosesNothing() throws Exception {
    try (RESTCatalog viaA = a.writerClient("a", Map.of()); RESTCatalog viaB = b.writerClient("b", Map.of())) {
      viaA.createNamespace(Namespace.of("ns"));
      Table onA = viaA.createTable(ID, SCHEMA);
      onA.newFastAppend().appendFile(file(onA, "f0")).commit(); // A caches this version
      Table onB = viaB.loadTable(ID);
      onB.newFastAppend().appendFile(file(onB, "f1")).commit(); // A's cache is now one version behind
      onA.newFastAppend().appendFile(file(onA, "f2")).commit(); // on A's stale version: its create must lose
      assertThat(files(viaB.loadTable(ID))).containsExactlyInAnyOrder("f0.parquet", "f1.parquet", "f2.parquet");
      assertThat(files(viaA.loadTable(ID))).containsExactlyInAnyOrder("f0.parquet", "f1.parquet", "f2.parquet");
    }
  }

  @Test
  void aRequirementThatFailsOnlyOnTheStaleCachedVersionIsNotRefused() throws Exception {
    long latest;
    try (RESTCatalog viaA = a.writerClient("a", Map.of()); RESTCatalog viaB = b.writerClient("b", Map.of())) {
      viaA.createNamespace(Namespace.of("ns"));
      Table onA = viaA.createTable(ID, SCHEMA);
      onA.newFastAppend().appendFile(file(onA, "f0")).commit(); // A caches this version
      Table onB = viaB.loadTable(ID);
      onB.newFastAppend().appendFile(file(onB, "f1")).commit();
      latest = onB.currentSnapshot().snapshotId();
    }
    // A client that loaded the table elsewhere asserts the latest head; A's cached version has the older one.
    String body = "{\"requirements\":[{\"type\":\"assert-ref-snapshot-id\",\"ref\":\"main\",\"snapshot-id\":" + latest
        + "}],\"updates\":[{\"action\":\"set-properties\",\"updates\":{\"owner\":\"etl\"}}]}";
    HttpResponse<String> r = Http.postJson(a.server.uri(), "/v1/namespaces/ns/tables/t", ServerFixture.WRITER_SECRET,
        body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(a.server.metrics().uncheckedRetries()).isEqualTo(1);
    try (RESTCatalog viaB = b.writerClient("b", Map.of())) {
      Table t = viaB.loadTable(ID);
      assertThat(t.properties()).containsEntry("owner", "etl");
      assertThat(t.currentSnapshot().snapshotId()).isEqualTo(latest);
    }
    // A requirement that fails on the latest version too is still refused.
    HttpResponse<String> stale = Http.postJson(a.server.uri(), "/v1/namespaces/ns/tables/t",
        ServerFixture.WRITER_SECRET, body.replace(Long.toString(latest), "1"));
    assertThat(stale.statusCode()).isEqualTo(409);
  }
}
