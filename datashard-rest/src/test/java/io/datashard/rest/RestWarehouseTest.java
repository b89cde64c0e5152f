package io.datashard.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.Warehouse;
import io.datashard.iceberg.DataShardCatalog;
import io.datashard.server.Credentials;
import io.datashard.server.DataShardServer;
import io.datashard.server.Role;
import io.datashard.server.TokenSigner;
import io.datashard.storage.CommitOutcomeUnknownException;
import io.datashard.storage.ForwardingStorageBackend;
import io.datashard.storage.LocalStorageBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DataShard library on a REST catalog: a {@link DataShardServer} started in-process on 127.0.0.1 runs
 * {@link RestCatalogScenarios} and what needs DataShard's own server (injected unknown outcomes, credentials).
 */
class RestWarehouseTest extends RestCatalogScenarios {
  @TempDir
  Path root;

  /** Server-side storage that can make the next commit's outcome unknown (landed or not) to the client. */
  static final class Injecting extends ForwardingStorageBackend {
    static final int NONE = 0;
    static final int LANDED = 1;
    static final int LOST = 2;
    final AtomicInteger next = new AtomicInteger(NONE);

    Injecting(Path root) {
      super(new LocalStorageBackend(root, false));
    }

    @Override
    public boolean createExclusive(String location, byte[] content) {
      if (location.endsWith(".metadata.json")) {
        int mode = next.getAndSet(NONE);
        if (mode == LANDED) {
          super.createExclusive(location, content);
          throw new CommitOutcomeUnknownException("injected: connection reset after creating " + location, null);
        }
        if (mode == LOST) {
          throw new CommitOutcomeUnknownException("injected: connection reset before creating " + location, null);
        }
      }
      return super.createExclusive(location, content);
    }
  }

  Injecting storage;
  DataShardCatalog catalog;
  DataShardServer server;

  @BeforeEach
  void start() throws Exception {
    storage = new Injecting(root);
    catalog = new DataShardCatalog("datashard", storage, Map.of());
    server = DataShardServer.builder().catalog(catalog).bind("127.0.0.1").port(0).insecureNoAuth().build().start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    catalog.close();
  }

  @Override
  Warehouse rest() {
    return Warehouse.rest(server.uri().toString(), Map.of(), Map.of());
  }

  @Override
  String catalogUri() {
    return server.uri().toString();
  }

  @Override
  org.apache.iceberg.catalog.Catalog backendCatalog() {
    return catalog;
  }

  @Test
  void theEnvironmentPicksTheCatalog() {
    try (Warehouse wh = Warehouse.fromEnvironment(Map.of(Warehouse.ENV_CATALOG_URI, server.uri().toString()))) {
      assertThat(wh.isCatalog()).isTrue();
      wh.createTable("events", ORDERS).appendRecords(List.of(order(1, "x")));
      assertThat(wh.listTables()).containsExactly("default.events");
      assertThat(wh.loadTable("default.events").rowCount()).isEqualTo(1);
    }
  }

  @Test
  void aLostRaceIsRebuiltOnTheNewBaseAndRetried() {
    try (Warehouse a = rest(); Warehouse b = rest()) {
      a.createTable("sales.orders", ORDERS);
      Table first = a.loadTable("sales.orders");
      Table stale = b.loadTable("sales.orders");
      first.appendRecords(List.of(order(1, "first")));
      // `stale` still holds the empty table: its commit asserts main is empty, gets 409, rebuilds and retries.
      Snapshot s = stale.appendRecords(List.of(order(2, "second")));
      assertThat(s.parentId()).isEqualTo(first.currentSnapshot().snapshotId());
      assertThat(ids(a.loadTable("sales.orders"))).containsExactly(1L, 2L);
    }
  }

  @Test
  void aVersion3AppendOnAnOldHeadIsMovedWithFreshRowIds() throws Exception {
    try (Warehouse a = rest(); Warehouse b = rest()) {
      a.createTable("v3.orders", ORDERS, io.datashard.PartitionSpec.unpartitioned(), Map.of("format-version", "3"));
      Table first = a.loadTable("v3.orders");
      Table stale = b.loadTable("v3.orders");
      first.appendRecords(List.of(order(1, "first"), order(2, "second")));
      first.appendRecords(List.of(order(3, "third")));
      // moved onto the head by the server: its rows get ids after the head's, never the ones its own base gave them
      Snapshot s = stale.appendRecords(List.of(order(4, "fourth"), order(5, "fifth")));
      assertThat(s.parentId()).isEqualTo(first.currentSnapshot().snapshotId());
      assertThat(server.metrics().appendsMoved()).isEqualTo(1);
      Table fresh = a.loadTable("v3.orders");
      assertThat(ids(fresh)).containsExactly(1L, 2L, 3L, 4L, 5L);
      List<Object> rowIds = new ArrayList<>();
      fresh.scan().select("_row_id").toList().forEach(r -> rowIds.add(r.get(0)));
      assertThat(rowIds).doesNotContainNull().doesNotHaveDuplicates().hasSize(5);
      org.apache.iceberg.TableMetadata ice = ((org.apache.iceberg.HasTableOperations) catalog.loadTable(
          org.apache.iceberg.catalog.TableIdentifier.of("v3", "orders"))).operations().current();
      assertThat(ice.nextRowId()).isEqualTo(5);
      assertThat(ice.currentSnapshot().firstRowId()).isEqualTo(3);
      assertThat(ice.currentSnapshot().addedRows()).isEqualTo(2);
    }
  }

  @Test
  void anAppendOnAnOldHeadIsMovedByTheServerAndItsOwnListDeleted() throws Exception {
    try (Warehouse a = rest(); Warehouse b = rest()) {
      a.createTable("sales.orders", ORDERS);
      Table first = a.loadTable("sales.orders");
      Table stale = b.loadTable("sales.orders");
      first.appendRecords(List.of(order(1, "first")));
      first.appendRecords(List.of(order(2, "second")));
      // The server's group commit moves stale's append onto the head: one attempt, the server's manifest list.
      Snapshot s = stale.appendRecords(List.of(order(3, "third")));
      assertThat(s.parentId()).isEqualTo(first.currentSnapshot().snapshotId());
      assertThat(server.metrics().appendsMoved()).isEqualTo(1);
      Table fresh = a.loadTable("sales.orders");
      assertThat(ids(fresh)).containsExactly(1L, 2L, 3L);
      Set<String> referenced = new HashSet<>();
      fresh.snapshots().forEach(snap -> referenced.add(Path.of(snap.manifestListLocation()).getFileName().toString()));
      List<String> lists = new ArrayList<>();
      try (var files = java.nio.file.Files.list(root.resolve("sales").resolve("orders").resolve("metadata"))) {
        files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("snap-")).forEach(lists::add);
      }
      assertThat(lists).as("manifest lists in the metadata folder").containsExactlyInAnyOrderElementsOf(referenced);
    }
  }

  @Test
  void aCommitWhoseOutcomeIsUnknownIsResolvedByCheckingNeverByGuessing() {
    try (Warehouse wh = rest()) {
      Table t = wh.createTable("sales.orders", ORDERS);
      storage.next.set(Injecting.LANDED); // the server answers 500 although the commit took effect
      t.appendRecords(List.of(order(1, "landed")));
      storage.next.set(Injecting.LOST); // the server answers 500 and the commit did not take effect
      t.appendRecords(List.of(order(2, "retried")));
      Table fresh = wh.loadTable("sales.orders");
      assertThat(ids(fresh)).containsExactly(1L, 2L); // each exactly once
      assertThat(fresh.snapshots()).hasSize(2);
    }
  }

  @Test
  void restWritersAndAFileSystemWriterShareOneTable() throws Exception {
    int restWriters = 3;
    int appends = 8;
    try (Warehouse setup = rest()) {
      setup.createTable("sales.orders", ORDERS);
    }
    List<Warehouse> warehouses = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(restWriters + 1);
    try {
      List<Future<List<Long>>> acked = new ArrayList<>();
      for (int w = 0; w <= restWriters; w++) {
        Warehouse wh = w < restWriters ? rest() : Warehouse.local(root.resolve("sales"));
        warehouses.add(wh);
        String name = w < restWriters ? "sales.orders" : "orders";
        long base = w * 1000L;
        acked.add(pool.submit(() -> {
          Table t = wh.loadTable(name);
          List<Long> done = new ArrayList<>();
          for (int i = 0; i < appends; i++) {
            t.appendRecords(List.of(order(base + i, "w" + base)));
            done.add(base + i);
          }
          return done;
        }));
      }
      Set<Long> expected = new HashSet<>();
      for (Future<List<Long>> f : acked) {
        expected.addAll(f.get());
      }
      try (Warehouse check = rest()) {
        List<Long> ids = ids(check.loadTable("sales.orders"));
        assertThat(ids).hasSize((restWriters + 1) * appends).doesNotHaveDuplicates();
        assertThat(new HashSet<>(ids)).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
      warehouses.forEach(Warehouse::close);
    }
  }

  @Test
  void refusalsNameTheCatalogAndTheOperationNeverTheSecret() throws Exception {
    String writerSecret = "writer-secret-0123456789";
    String readerSecret = "reader-secret-0123456789";
    try (DataShardCatalog secured = new DataShardCatalog("secured", new LocalStorageBackend(root.resolve("s"), false),
             Map.of());
         DataShardServer s = DataShardServer.builder().catalog(secured).bind("127.0.0.1").port(0)
             .credentials(Credentials.builder().add("writer", Role.READ_WRITE, writerSecret)
                 .add("reader", Role.READ_ONLY, readerSecret).build())
             .tokenSigner(new TokenSigner("test-signing-key-0123456789abcdef".getBytes(), java.time.Clock.systemUTC()))
             .build().start()) {
      String uri = s.uri().toString();
      assertThatThrownBy(() -> Warehouse.rest(uri, Map.of("token", "not-a-valid-token-42"), Map.of()))
          .isInstanceOf(CatalogAccessException.class)
          .hasMessageContaining(uri).hasMessageContaining("401").hasMessageContaining("connect")
          .hasMessageNotContaining("not-a-valid-token-42");
      assertThatThrownBy(() -> Warehouse.rest(uri, Map.of("credential", "writer:wrong-secret-987"), Map.of()))
          .isInstanceOf(CatalogAccessException.class)
          .hasMessageContaining(uri).hasMessageNotContaining("wrong-secret-987");

      try (Warehouse writer = Warehouse.fromEnvironment(Map.of(Warehouse.ENV_CATALOG_URI, uri,
          Warehouse.ENV_CATALOG_CREDENTIAL, "writer:" + writerSecret))) {
        writer.createTable("sales.orders", ORDERS).appendRecords(List.of(order(1, "a")));
      }
      try (Warehouse reader = Warehouse.rest(uri, Map.of("credential", "reader:" + readerSecret), Map.of())) {
        Table t = reader.loadTable("sales.orders");
        assertThat(ids(t)).containsExactly(1L);
        assertThatThrownBy(() -> t.appendRecords(List.of(order(2, "b"))))
            .isInstanceOf(CatalogAccessException.class)
            .hasMessageContaining(uri).hasMessageContaining("403").hasMessageContaining("commit to table sales.orders")
            .hasMessageNotContaining(readerSecret);
      }
    }
  }
}
