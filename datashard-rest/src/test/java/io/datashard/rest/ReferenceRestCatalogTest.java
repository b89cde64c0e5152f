package io.datashard.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Table;
import io.datashard.Warehouse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DataShard library on Apache Iceberg's reference REST catalog: the adapter and servlet of iceberg-open-api's
 * {@code RESTCatalogServer} (from Iceberg's own test artifacts) over a JdbcCatalog on SQLite, served by Jetty
 * on 127.0.0.1 and a free port, data files on local disk. Nothing DataShard wrote is on the server side: every
 * {@link RestCatalogScenarios} operation, and concurrent appenders, must work against a catalog that only speaks the
 * REST specification.
 */
class ReferenceRestCatalogTest extends RestCatalogScenarios {
  @TempDir
  Path dir;

  private ReferenceCatalogServer server;

  @BeforeEach
  void start() throws Exception {
    server = ReferenceCatalogServer.start(dir.resolve("catalog.db"),
        Map.of("warehouse", dir.resolve("warehouse").toUri().toString()));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Override
  Warehouse rest() {
    return Warehouse.rest(server.uri(), Map.of(), Map.of());
  }

  @Override
  String catalogUri() {
    return server.uri();
  }

  @Override
  Catalog backendCatalog() {
    return server.backend();
  }

  /** Four writers, each with its own warehouse handle, append to one table: every acknowledged append once. */
  @Test
  void concurrentAppendersThroughTheReferenceCatalogLoseNothing() throws Exception {
    try (Warehouse wh = rest()) {
      // one snapshot per append is counted below: no upkeep snapshots
      wh.createTable("sales.orders", ORDERS, io.datashard.PartitionSpec.unpartitioned(),
          java.util.Map.of(io.datashard.TableProperties.UPKEEP_ENABLED, "false"));
    }
    int writers = 4;
    int appends = 10;
    Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> done = new java.util.ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        done.add(pool.submit(() -> {
          try (Warehouse wh = rest()) {
            Table t = wh.loadTable("sales.orders");
            for (int i = 0; i < appends; i++) {
              long id = writer * 1000L + i;
              t.appendRecords(List.of(order(id, "w" + writer)));
              acknowledged.add(id);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    try (Warehouse wh = rest()) {
      Table t = wh.loadTable("sales.orders");
      assertThat(ids(t)).hasSize(writers * appends).doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(acknowledged);
      assertThat(t.snapshots()).hasSize(writers * appends);
    }
  }
}
