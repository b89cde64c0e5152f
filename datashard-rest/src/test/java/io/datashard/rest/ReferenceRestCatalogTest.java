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
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.rest.RESTCatalogAdapter;
import org.apache.iceberg.rest.RESTCatalogServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DataShard library on Apache Iceberg's reference REST catalog: the adapter and servlet of iceberg-open-api's
 * {@code RESTCatalogServer} (from Iceberg's own test artifacts) over a {@link JdbcCatalog} on SQLite, served by Jetty
 * on 127.0.0.1 and a free port, data files on local disk. Nothing DataShard wrote is on the server side: every
 * {@link RestCatalogScenarios} operation, and concurrent appenders, must work against a catalog that only speaks the
 * REST specification.
 */
class ReferenceRestCatalogTest extends RestCatalogScenarios {
  @TempDir
  Path dir;

  private JdbcCatalog backend;
  private Server jetty;
  private String uri;

  @BeforeEach
  void start() throws Exception {
    backend = new JdbcCatalog();
    backend.setConf(new org.apache.hadoop.conf.Configuration());
    backend.initialize("reference", Map.of(
        "uri", "jdbc:sqlite:" + dir.resolve("catalog.db"),
        "jdbc.schema-version", "V1",
        "warehouse", dir.resolve("warehouse").toUri().toString()));
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
    context.addServlet(new ServletHolder(new RESTCatalogServlet(new RESTCatalogAdapter(backend))), "/*");
    jetty.setHandler(context);
    jetty.start();
    uri = "http://127.0.0.1:" + connector.getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    jetty.stop();
    backend.close();
  }

  @Override
  Warehouse rest() {
    return Warehouse.rest(uri, Map.of(), Map.of());
  }

  @Override
  String catalogUri() {
    return uri;
  }

  @Override
  Catalog backendCatalog() {
    return backend;
  }

  /** Four writers, each with its own warehouse handle, append to one table: every acknowledged append once. */
  @Test
  void concurrentAppendersThroughTheReferenceCatalogLoseNothing() throws Exception {
    try (Warehouse wh = rest()) {
      wh.createTable("sales.orders", ORDERS);
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
