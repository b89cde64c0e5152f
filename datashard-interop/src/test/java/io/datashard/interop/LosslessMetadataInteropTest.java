package io.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datashard.Warehouse;
import io.datashard.expressions.Expressions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.GenericBlobMetadata;
import org.apache.iceberg.GenericStatisticsFile;
import org.apache.iceberg.ImmutableGenericPartitionStatisticsFile;
import org.apache.iceberg.NullOrder;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.StatisticsFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lossless metadata, proven with Apache Iceberg's own library: Iceberg writes refs (a tag and a branch with
 * retention settings), a sort order, identifier fields, a statistics file and a partition-statistics file, custom
 * properties, several schemas and specs, and keys it does not know itself; DataShard appends, sets a property,
 * deletes, compacts, expires and evolves the schema; Iceberg then reads the same metadata, field by field, and
 * the expected rows, and keeps committing. See docs/format.md, "What a commit carries forward".
 */
class LosslessMetadataInteropTest {
  @TempDir
  Path dir;

  static Set<Long> dataShardIds(io.datashard.Table table) {
    Set<Long> ids = new HashSet<>();
    table.scan().toList().forEach(r -> ids.add((Long) r.get("id")));
    return ids;
  }

  /** Everything Iceberg wrote that DataShard must carry, as Iceberg's API reports it. */
  record Carried(Map<String, SnapshotRef> refsOtherThanMain, List<SortOrder> sortOrders, int defaultSortOrderId,
                 Set<Integer> identifierFieldIds, List<String> statistics, List<String> partitionStatistics,
                 Map<Integer, String> schemas, Map<Integer, String> specs, Map<String, String> properties) {
    static Carried of(Table t) {
      Map<String, SnapshotRef> refs = new HashMap<>(t.refs());
      refs.remove("main");
      List<String> stats = new ArrayList<>();
      for (StatisticsFile f : t.statisticsFiles()) {
        stats.add(f.snapshotId() + " " + f.path() + " " + f.fileSizeInBytes() + " " + f.fileFooterSizeInBytes() + " "
            + f.blobMetadata());
      }
      List<String> partitionStats = new ArrayList<>();
      t.partitionStatisticsFiles().forEach(f -> partitionStats.add(f.snapshotId() + " " + f.path() + " "
          + f.fileSizeInBytes()));
      Map<Integer, String> schemas = new HashMap<>();
      t.schemas().forEach((id, s) -> schemas.put(id, s.asStruct() + " ids=" + s.identifierFieldIds()));
      Map<Integer, String> specs = new HashMap<>();
      t.specs().forEach((id, s) -> specs.put(id, s.toString()));
      return new Carried(refs, new ArrayList<>(t.sortOrders().values()), t.sortOrder().orderId(),
          t.schema().identifierFieldIds(), stats, partitionStats, schemas, specs, Map.copyOf(t.properties()));
    }
  }

  @Test
  void everythingIcebergWroteSurvivesDataShardCommits() throws Exception {
    Path warehouse = dir.resolve("wh");
    String location = warehouse.resolve("shared").toUri().toString();
    HadoopTables tables = new HadoopTables(new Configuration());
    Table ice = tables.create(IcebergEvents.SCHEMA, PartitionSpec.unpartitioned(),
        Map.of("owner", "iceberg", "write.metadata.delete-after-commit.enabled", "true",
            "write.metadata.previous-versions-max", "3"), location);
    ice.newAppend().appendFile(IcebergEvents.write(ice, 1, 2)).commit();
    long first = ice.currentSnapshot().snapshotId();
    ice.newAppend().appendFile(IcebergEvents.write(ice, 3)).commit();
    long second = ice.currentSnapshot().snapshotId();
    ice.updateSchema().addColumn("note", Types.StringType.get()).commit();        // a second schema
    ice.updateSpec().addField("event").commit();                                   // a second spec
    ice.updateSpec().removeField("event").commit();                                // and back to unpartitioned
    ice.replaceSortOrder().asc("event").desc("id", NullOrder.NULLS_LAST).commit();
    ice.manageSnapshots().createTag("v1", first).setMaxRefAgeMs("v1", 30L * 24 * 3600 * 1000).commit();
    ice.manageSnapshots().createBranch("audit", second).setMinSnapshotsToKeep("audit", 2)
        .setMaxSnapshotAgeMs("audit", 7L * 24 * 3600 * 1000).commit();
    Path statsFile = warehouse.resolve("shared/metadata/stats-" + UUID.randomUUID() + ".puffin");
    Files.write(statsFile, new byte[] {1, 2, 3});
    ice.updateStatistics().setStatistics(new GenericStatisticsFile(second, statsFile.toUri().toString(), 3, 1,
        List.of(new GenericBlobMetadata("apache-datasketches-theta-v1", second, 1, List.of(1), Map.of("ndv", "3")))))
        .commit();
    Path partitionStats = warehouse.resolve("shared/metadata/partition-stats-" + UUID.randomUUID() + ".parquet");
    Files.write(partitionStats, new byte[] {4, 5});
    ice.updatePartitionStatistics().setPartitionStatistics(ImmutableGenericPartitionStatisticsFile.builder()
        .snapshotId(second).path(partitionStats.toUri().toString()).fileSizeInBytes(2).build()).commit();
    ice.updateProperties().set("custom.team", "lake").commit();
    ice.refresh();
    Carried before = Carried.of(ice);
    assertThat(before.refsOtherThanMain()).containsOnlyKeys("v1", "audit");
    assertThat(before.identifierFieldIds()).containsExactly(1);
    assertThat(before.statistics()).hasSize(1);
    assertThat(before.schemas()).hasSize(2);
    assertThat(before.specs()).hasSizeGreaterThanOrEqualTo(2);

    // Keys Iceberg itself does not write, at the levels the spec allows: top level, a snapshot, a ref, a schema.
    Path metadataDir = warehouse.resolve("shared/metadata");
    int latest = Integer.parseInt(Files.readString(metadataDir.resolve("version-hint.text")).trim());
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = (ObjectNode) mapper.readTree(metadataDir.resolve("v" + latest + ".metadata.json").toFile());
    root.putObject("x-other-engine").put("feature", "kept");
    ((ObjectNode) root.withArray("snapshots").get(0)).put("x-snapshot-note", "kept");
    ((ObjectNode) root.get("refs").get("v1")).put("x-ref-note", "kept");
    ((ObjectNode) root.withArray("schemas").get(0)).put("x-schema-note", "kept");
    Files.write(metadataDir.resolve("v" + (latest + 1) + ".metadata.json"), mapper.writeValueAsBytes(root));
    Files.writeString(metadataDir.resolve("version-hint.text"), Integer.toString(latest + 1));

    // DataShard: append, property, schema change, copy-on-write delete, compaction, expiry.
    try (Warehouse wh = Warehouse.local(warehouse)) {
      io.datashard.Table ds = wh.loadTable("shared");
      assertThat(ds.refs()).containsOnlyKeys("main", "v1", "audit");
      assertThat(ds.schema().identifierFieldIds()).containsExactly(1);
      ds.appendRecords(List.of(Map.of("id", 10L, "event", "ds"), Map.of("id", 11L, "event", "ds")));
      ds.updateProperties().set("datashard.touched", "yes").commit();
      ds.updateSchema().addColumn("ds_col", io.datashard.Types.INT).commit();
      ds.deleteWhere(Expressions.equal("id", 2L));
      ds.rewriteDataFiles().execute();
      ds.expireSnapshots().expireOlderThan(Instant.now().plusSeconds(60)).retainLast(1).commit();
      assertThatThrownBy(() -> ds.updateSchema().deleteColumn("id").commit())
          .isInstanceOf(io.datashard.ValidationException.class);
      assertThat(dataShardIds(wh.loadTable("shared"))).containsExactlyInAnyOrder(1L, 3L, 10L, 11L);
    }

    ice.refresh();
    Carried after = Carried.of(ice);
    assertThat(after.refsOtherThanMain()).isEqualTo(before.refsOtherThanMain());
    assertThat(after.sortOrders()).isEqualTo(before.sortOrders());
    assertThat(after.defaultSortOrderId()).isEqualTo(before.defaultSortOrderId());
    assertThat(after.identifierFieldIds()).isEqualTo(before.identifierFieldIds());
    assertThat(after.statistics()).isEqualTo(before.statistics());
    assertThat(after.partitionStatistics()).isEqualTo(before.partitionStatistics());
    assertThat(after.schemas()).containsAllEntriesOf(before.schemas()).hasSize(before.schemas().size() + 1);
    assertThat(after.specs()).isEqualTo(before.specs());
    assertThat(after.properties()).containsAllEntriesOf(before.properties()).containsEntry("datashard.touched", "yes");
    // Tagged and branched snapshots were kept by DataShard's expiry; their rows are readable by Iceberg.
    assertThat(ice.snapshot(first)).isNotNull();
    assertThat(ice.snapshot(second)).isNotNull();
    assertThat(IcebergEvents.ids(ice)).containsExactlyInAnyOrder(1L, 3L, 10L, 11L);
    // The keys Iceberg does not know itself are still there for whoever wrote them.
    int now = Integer.parseInt(Files.readString(metadataDir.resolve("version-hint.text")).trim());
    String json = Files.readString(metadataDir.resolve("v" + now + ".metadata.json"));
    assertThat(json).contains("\"x-other-engine\":{\"feature\":\"kept\"}", "\"x-ref-note\":\"kept\"",
        "\"x-snapshot-note\":\"kept\"",
        "\"x-schema-note\":\"kept\"");
    // Files referenced only by statistics survive orphan removal.
    try (Warehouse wh = Warehouse.local(warehouse)) {
      wh.loadTable("shared").removeOrphanFiles().olderThan(java.time.Duration.ZERO).execute();
    }
    assertThat(statsFile).exists();
    assertThat(partitionStats).exists();

    // Once no reference keeps the branched snapshot, expiry removes it and its statistics (entries and files).
    try (Warehouse wh = Warehouse.local(warehouse)) {
      io.datashard.Table ds = wh.loadTable("shared");
      ds.manageSnapshots().removeBranch("audit").commit();
      ds.expireSnapshots().expireOlderThan(Instant.now().plusSeconds(60)).retainLast(1).commit();
    }
    ice.refresh();
    assertThat(ice.snapshot(second)).isNull();
    assertThat(ice.snapshot(first)).as("still tagged").isNotNull();
    assertThat(ice.statisticsFiles()).isEmpty();
    assertThat(ice.partitionStatisticsFiles()).isEmpty();
    assertThat(statsFile).doesNotExist();
    assertThat(partitionStats).doesNotExist();

    // Iceberg keeps committing on top of DataShard's versions, and DataShard reads what it wrote.
    ice.newAppend().appendFile(IcebergEvents.write(ice, 20)).commit();
    try (Warehouse wh = Warehouse.local(warehouse)) {
      assertThat(dataShardIds(wh.loadTable("shared"))).containsExactlyInAnyOrder(1L, 3L, 10L, 11L, 20L);
    }
    assertThat(IcebergEvents.ids(ice)).containsExactlyInAnyOrder(1L, 3L, 10L, 11L, 20L);
  }
}
