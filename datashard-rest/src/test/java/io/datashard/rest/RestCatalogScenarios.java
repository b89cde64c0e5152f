package io.datashard.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.Field;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.Table;
import io.datashard.TableAlreadyExistsException;
import io.datashard.TableNotFoundException;
import io.datashard.Types;
import io.datashard.Warehouse;
import io.datashard.expressions.Expressions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every Table API operation through a REST catalog, whichever server implements the protocol: subclasses start one
 * ({@code datashard serve}, Apache Iceberg's reference catalog) and say how to reach it.
 */
abstract class RestCatalogScenarios {
  static final Schema ORDERS = Schema.of(Field.required("id", Types.LONG), Field.optional("item", Types.STRING));

  /** @return a DataShard warehouse on the catalog under test */
  abstract Warehouse rest();

  /** @return the catalog's URI, as errors name it */
  abstract String catalogUri();

  /** @return the catalog behind the server, to check what engines see */
  abstract org.apache.iceberg.catalog.Catalog backendCatalog();

  static Map<String, Object> order(long id, String item) {
    return Map.of("id", id, "item", item);
  }

  static List<Long> ids(Table t) {
    List<Long> ids = new ArrayList<>();
    for (Row r : t.scan().toList()) {
      ids.add(r.getLong("id"));
    }
    ids.sort(null);
    return ids;
  }

  @Test
  void formatVersion3TablesWithRowLineageAndDeletionVectorsThroughRest() {
    try (Warehouse a = rest(); Warehouse b = rest()) {
      Table t = a.createTable("v3.orders", ORDERS, io.datashard.PartitionSpec.unpartitioned(),
          Map.of("format-version", "3", "write.delete.mode", "merge-on-read"));
      t.appendRecords(List.of(order(1, "a"), order(2, "b"), order(3, "c")));
      Table stale = b.loadTable("v3.orders");
      t.appendRecords(List.of(order(4, "d")));
      stale.appendRecords(List.of(order(5, "e"))); // a lost race, rebuilt on the new head with fresh row ids
      Table reloaded = a.loadTable("v3.orders");
      reloaded.deleteWhere(Expressions.equal("id", 2L));
      reloaded.deleteWhere(Expressions.equal("id", 3L)); // merged into the file's one deletion vector
      Table last = b.loadTable("v3.orders");
      assertThat(ids(last)).containsExactly(1L, 4L, 5L);
      assertThat(last.scan().planFiles()).flatExtracting(io.datashard.FileScanTask::deletes)
          .extracting(io.datashard.ContentFile::fileFormat).containsExactly("PUFFIN");
      List<Object> rowIds = new ArrayList<>();
      last.scan().select("_row_id").toList().forEach(r -> rowIds.add(r.get(0)));
      assertThat(rowIds).doesNotContainNull().doesNotHaveDuplicates().hasSize(3);

      // the catalog's own (Iceberg) view: version 3, with the row ids DataShard assigned
      org.apache.iceberg.Table ice = backendCatalog().loadTable(
          org.apache.iceberg.catalog.TableIdentifier.of("v3", "orders"));
      assertThat(((org.apache.iceberg.HasTableOperations) ice).operations().current().formatVersion()).isEqualTo(3);
      assertThat(ice.currentSnapshot().firstRowId()).isNotNull();
      assertThat(((org.apache.iceberg.HasTableOperations) ice).operations().current().nextRowId())
          .isGreaterThanOrEqualTo(5);
    }
  }

  @Test
  void createAppendScanStreamSchemaUpdateDeleteAndExpireThroughRest() {
    try (Warehouse wh = rest()) {
      Table t = wh.createTable("sales.orders", ORDERS);
      assertThat(t.location()).endsWith("/sales/orders");
      assertThat(wh.listTables()).containsExactly("sales.orders");
      assertThatThrownBy(() -> wh.createTable("sales.orders", ORDERS)).isInstanceOf(TableAlreadyExistsException.class);

      t.appendRecords(List.of(order(1, "a"), order(2, "b")));
      try (io.datashard.Appender a = t.newAppend()) {
        for (long i = 3; i <= 100; i++) {
          a.add(order(i, "item-" + i));
        }
        a.commit();
      }
      t.updateSchema().addColumn("qty", Types.INT).commit();
      t.appendRecords(List.of(Map.of("id", 101L, "item", "c", "qty", 7)));
      t.updateProperties().set("owner", "sales").commit();

      Table again = wh.loadTable("sales.orders");
      assertThat(again.schema().columnNames()).containsExactly("id", "item", "qty");
      assertThat(again.properties()).containsEntry("owner", "sales");
      assertThat(again.snapshots()).hasSize(3);
      assertThat(again.rowCount()).isEqualTo(101);
      assertThat(ids(again)).hasSize(101).doesNotHaveDuplicates();

      again.deleteWhere(Expressions.lessThan("id", 51L));
      assertThat(ids(t.refresh())).hasSize(51).allMatch(id -> id >= 51);

      again.expireSnapshots().expireOlderThan(java.time.Instant.now().plusSeconds(1)).retainLast(1).commit();
      Table reloaded = wh.loadTable("sales.orders");
      assertThat(reloaded.snapshots()).hasSize(1);
      assertThat(ids(reloaded)).hasSize(51);

      // The catalog's own view (what Iceberg engines see) agrees.
      assertThat(backendCatalog().loadTable(org.apache.iceberg.catalog.TableIdentifier.of("sales", "orders"))
          .currentSnapshot().snapshotId()).isEqualTo(reloaded.currentSnapshot().snapshotId());

      assertThat(wh.dropTable("sales.orders")).isTrue();
      assertThat(wh.tableExists("sales.orders")).isFalse();
      assertThatThrownBy(() -> wh.loadTable("sales.orders")).isInstanceOf(TableNotFoundException.class)
          .hasMessageContaining(catalogUri());
    }
  }

  @Test
  void transactionsSpecsSortOrdersBranchesAndMaintenanceThroughRest() {
    try (Warehouse wh = rest()) {
      Table t = wh.createTable("sales.orders", ORDERS);
      for (long i = 0; i < 4; i++) {
        t.appendRecords(List.of(order(i * 10, "a"), order(i * 10 + 1, "b")));
      }
      try (io.datashard.Transaction tx = t.newTransaction()) {
        tx.deleteWhere(Expressions.equal("id", 0L)).appendRecords(List.of(order(99, "z"))).setProperty("k", "v")
            .commit();
      }
      t.updateSpec().addField("item", "identity").commit();
      t.appendRecords(List.of(order(100, "p")));
      t.replaceSortOrder().asc("id").commit();
      long main = t.refresh().currentSnapshot().snapshotId();
      t.manageSnapshots().createTag("v1", main).createBranch("audit", main).commit();
      try (io.datashard.Appender a = t.newAppend()) {
        a.add(order(500, "branch-only"));
        a.toBranch("audit").commit();
      }
      assertThat(t.rewriteDataFiles().execute()).isNotNull();
      t.rewriteManifests();

      Table fresh = wh.loadTable("sales.orders");
      assertThat(fresh.spec().isUnpartitioned()).isFalse();
      assertThat(fresh.sortOrder().isUnsorted()).isFalse();
      assertThat(fresh.refs()).containsKeys("main", "v1", "audit");
      assertThat(fresh.properties()).containsEntry("k", "v");
      assertThat(ids(fresh)).containsExactly(1L, 10L, 11L, 20L, 21L, 30L, 31L, 99L, 100L);
      assertThat(fresh.scan().useRef("audit").count()).isEqualTo(10);

      // Orphan-file removal keeps every version file the catalog wrote, whatever their names.
      io.datashard.RemoveOrphanFiles.Result r = fresh.removeOrphanFiles()
          .olderThan(java.time.Instant.now().plusSeconds(60)).execute();
      assertThat(r.orphanFiles()).noneMatch(f -> f.endsWith(".metadata.json"));
      assertThat(ids(wh.loadTable("sales.orders"))).hasSize(9);
    }
  }

}
