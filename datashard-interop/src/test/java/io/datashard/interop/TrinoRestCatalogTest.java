package io.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Table;
import io.datashard.Warehouse;
import io.datashard.s3.S3ProxyServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Trino (476, its Iceberg connector with {@code iceberg.catalog.type=rest}) on {@code datashard serve}: Trino creates,
 * inserts, deletes and reads; the DataShard library reads exactly Trino's rows and Trino reads the library's
 * appends. Trino runs as its own process on Java 25 (it needs 24 or newer), the server as its own process too, both
 * on 127.0.0.1; the tests talk to Trino through its JDBC driver. A second catalog goes to a second server whose
 * warehouse is on S3 (S3Proxy) with authentication on: Trino uses the OAuth2 client-credentials flow and its own S3
 * client. Runs where the {@code trino} profile of this module
 * is active (it switches itself on where the JDK 25 is), skipped elsewhere.
 */
@EnabledIfSystemProperty(named = "trino.tarball", matches = ".+")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrinoRestCatalogTest {
  private static final String ETL_SECRET = "trino-etl-secret-0123456789";

  private Path dir;
  private Path warehouse;
  private ServeProcess server;
  private S3ProxyProcess s3;
  private Map<String, String> s3Env;
  private ServeProcess secureServer;
  private Process trino;
  private Path trinoLog;
  private String jdbcUrl;

  @BeforeAll
  void start() throws Exception {
    Path tarball = Path.of(System.getProperty("trino.tarball"));
    Path java = Path.of(System.getProperty("trino.java"));
    assertThat(tarball).exists();
    assertThat(java).exists();
    dir = Files.createTempDirectory("interop-trino");
    warehouse = Files.createDirectories(dir.resolve("warehouse"));
    server = ServeProcess.start(dir, Map.of(), "--warehouse", warehouse.toString(), "--insecure-no-auth");
    // A second server with its warehouse on S3 (S3Proxy in its own JVM) and authentication on.
    s3 = S3ProxyProcess.start();
    s3Env = s3.environment();
    Path tokens = dir.resolve("tokens.txt");
    Files.writeString(tokens, "etl read-write " + ETL_SECRET + "\n");
    secureServer = ServeProcess.start(dir, s3Env, "--warehouse", "s3://" + s3.bucket() + "/secure", "--token-file",
        tokens.toString());

    Path home = unpack(tarball);
    int port = freePort();
    Path etc = Files.createDirectories(dir.resolve("etc/catalog"));
    Path data = Files.createDirectories(dir.resolve("data"));
    // Only the Iceberg plugin: Trino starts in seconds instead of loading all of its ~40 connectors.
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.createSymbolicLink(plugins.resolve("iceberg"), home.resolve("plugin/iceberg"));
    Files.writeString(dir.resolve("etc/node.properties"), "node.environment=test\nnode.id=datashard-interop\n"
        + "node.data-dir=" + data + "\n");
    Files.writeString(dir.resolve("etc/jvm.config"), "-Xmx1G\n-XX:+UseG1GC\n-XX:+ExitOnOutOfMemoryError\n"
        + "-Djdk.attach.allowAttachSelf=true\n");
    Files.writeString(dir.resolve("etc/config.properties"), "coordinator=true\n"
        + "node-scheduler.include-coordinator=true\nhttp-server.http.port=" + port + "\n"
        + "discovery.uri=http://127.0.0.1:" + port + "\nplugin.dir=" + plugins + "\n"
        + "query.max-memory=512MB\nquery.max-memory-per-node=512MB\n");
    Files.writeString(dir.resolve("etc/log.properties"), "io.trino=INFO\n");
    // Trino's Hadoop file system reads and writes the warehouse's file: locations.
    Files.writeString(etc.resolve("ds.properties"), "connector.name=iceberg\niceberg.catalog.type=rest\n"
        + "iceberg.rest-catalog.uri=" + server.uri() + "\nfs.hadoop.enabled=true\n");

    // Trino's own S3 client on the same S3Proxy, and the OAuth2 client-credentials flow against the server.
    Files.writeString(etc.resolve("secure.properties"), "connector.name=iceberg\niceberg.catalog.type=rest\n"
        + "iceberg.rest-catalog.uri=" + secureServer.uri() + "\niceberg.rest-catalog.security=OAUTH2\n"
        + "iceberg.rest-catalog.oauth2.credential=etl:" + ETL_SECRET + "\n"
        + "fs.native-s3.enabled=true\ns3.endpoint=" + s3.endpoint() + "\ns3.region=" + S3ProxyServer.REGION + "\n"
        + "s3.path-style-access=true\ns3.aws-access-key=" + S3ProxyServer.ACCESS_KEY + "\n"
        + "s3.aws-secret-key=" + S3ProxyServer.SECRET_KEY + "\n");

    trinoLog = dir.resolve("trino.log");
    ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/launcher").toString(), "run",
        "--etc-dir=" + dir.resolve("etc"), "--data-dir=" + data)
        .redirectErrorStream(true).redirectOutput(trinoLog.toFile());
    pb.environment().put("JAVA_HOME", java.getParent().getParent().toString());
    trino = pb.start();
    awaitStarted(port);
    jdbcUrl = "jdbc:trino://127.0.0.1:" + port;
    awaitActiveNode();
  }

  /**
   * Trino reports itself started before its own worker has announced itself to discovery; a query before that fails
   * with "No nodes available to run query". Waits until one runs.
   */
  private void awaitActiveNode() throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    while (true) {
      try {
        // A query with a stage to schedule, as an INSERT has (a bare listing of system tables may run without one).
        if (!query("SELECT node_id FROM system.runtime.nodes WHERE state = 'active'").isEmpty()
            && query("SELECT count(*) FROM (VALUES 1, 2, 3) AS t(x) WHERE x > 1").equals(List.of(List.of(2L)))) {
          return;
        }
      } catch (SQLException e) {
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
      }
      if (!trino.isAlive() || System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("Trino has no active node: " + Files.readString(trinoLog));
      }
      Thread.sleep(500);
    }
  }

  /** Unpacks Trino's server tarball once per build (GNU tar keeps its hard links). */
  private static Path unpack(Path tarball) throws Exception {
    Path target = tarball.getParent();
    String name = tarball.getFileName().toString().replace(".tar.gz", "");
    Path home = target.resolve(name);
    if (!Files.exists(home.resolve("plugin/iceberg"))) {
      Process tar = new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", target.toString()).inheritIO().start();
      assertThat(tar.waitFor(300, TimeUnit.SECONDS)).isTrue();
      assertThat(tar.exitValue()).isZero();
    }
    return home;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void awaitStarted(int port) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.currentTimeMillis() + 300_000;
    while (true) {
      try {
        HttpResponse<String> info = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/v1/info")).build(), HttpResponse.BodyHandlers.ofString());
        if (info.statusCode() == 200 && info.body().contains("\"starting\":false")) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (!trino.isAlive() || System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("Trino did not start: " + Files.readString(trinoLog));
      }
      Thread.sleep(500);
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (trino != null) {
      trino.descendants().forEach(ProcessHandle::destroy);
      trino.destroy();
      if (!trino.waitFor(30, TimeUnit.SECONDS)) {
        trino.destroyForcibly();
      }
    }
    if (server != null) {
      server.close();
    }
    if (secureServer != null) {
      secureServer.close();
    }
    if (s3 != null) {
      s3.close();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private Connection connect() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "datashard-test");
    return DriverManager.getConnection(jdbcUrl, p);
  }

  /** @return the rows of a query as lists of column values */
  private List<List<Object>> query(String sql) throws SQLException {
    return whileNoNodes(() -> {
      List<List<Object>> rows = new ArrayList<>();
      try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<Object> row = new ArrayList<>();
          for (int i = 1; i <= columns; i++) {
            row.add(rs.getObject(i));
          }
          rows.add(row);
        }
      }
      return rows;
    });
  }

  private void execute(String sql) throws SQLException {
    whileNoNodes(() -> {
      try (Connection c = connect(); Statement s = c.createStatement()) {
        s.execute(sql);
      }
      return null;
    });
  }

  /** One JDBC call. */
  private interface SqlCall<T> {
    T run() throws SQLException;
  }

  /**
   * Runs a statement again while Trino answers "No nodes available to run query". Its single node can drop out of
   * its own node list for a moment on a loaded machine (a gate failed so: an INSERT two seconds after
   * {@link #awaitActiveNode} had run a query). The message comes from scheduling a stage's splits, before any task
   * ran and long before an INSERT commits, so running the statement again cannot apply it twice.
   */
  private static <T> T whileNoNodes(SqlCall<T> call) throws SQLException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      try {
        return call.run();
      } catch (SQLException e) {
        if (!String.valueOf(e.getMessage()).contains("No nodes available to run query")
            || System.currentTimeMillis() > deadline) {
          throw e;
        }
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("interrupted while waiting for a Trino node", e);
      }
    }
  }

  @Test
  void trinoAndTheLibraryWriteEachOthersTablesThroughTheRestServer() throws Exception {
    execute("CREATE SCHEMA ds.sales");
    execute("CREATE TABLE ds.sales.orders (id BIGINT, item VARCHAR, qty INTEGER) "
        + "WITH (partitioning = ARRAY['item'])");
    execute("INSERT INTO ds.sales.orders VALUES (1, 'book', 2), (2, 'pen', 3), (3, 'book', 1)");

    try (Warehouse sales = Warehouse.local(warehouse.resolve("sales"))) {
      Table orders = sales.loadTable("orders");
      assertThat(orders.spec().fields()).hasSize(1);
      assertThat(Orders.libraryRows(orders)).containsExactly(List.of(1L, "book", 2), List.of(2L, "pen", 3),
          List.of(3L, "book", 1));
      long trinosSnapshot = orders.currentSnapshot().snapshotId();

      orders.appendRecords(List.of(Orders.order(4, "ink", 7)));
      assertThat(query("SELECT id, item, qty FROM ds.sales.orders ORDER BY id")).containsExactly(
          List.of(1L, "book", 2), List.of(2L, "pen", 3), List.of(3L, "book", 1), List.of(4L, "ink", 7));
      assertThat(query("SELECT id FROM ds.sales.orders FOR VERSION AS OF " + trinosSnapshot + " ORDER BY id"))
          .containsExactly(List.of(1L), List.of(2L), List.of(3L));

      // Trino's DELETE writes a position delete file (merge-on-read): the library applies it.
      execute("DELETE FROM ds.sales.orders WHERE id = 2");
      assertThat(Orders.libraryRows(orders)).containsExactly(List.of(1L, "book", 2), List.of(3L, "book", 1),
          List.of(4L, "ink", 7));
      execute("UPDATE ds.sales.orders SET qty = 9 WHERE id = 1");
      assertThat(Orders.libraryRows(orders)).containsExactly(List.of(1L, "book", 9), List.of(3L, "book", 1),
          List.of(4L, "ink", 7));

      // After the library appends on top of Trino's delete files, both read the same rows.
      orders.appendRecords(List.of(Orders.order(5, "pen", 1)));
      assertThat(query("SELECT id, item, qty FROM ds.sales.orders ORDER BY id")).isEqualTo(Orders.libraryRows(orders));
    }
  }

  @Test
  void trinoOnAnS3WarehouseWithAuthenticationOn() throws Exception {
    execute("CREATE SCHEMA secure.shop");
    execute("CREATE TABLE secure.shop.orders (id BIGINT, item VARCHAR, qty INTEGER)");
    execute("INSERT INTO secure.shop.orders VALUES (1, 'book', 2), (2, 'pen', 3)");

    // The namespace folder on S3 is a warehouse of its own for the library, configured by DATASHARD_* alone.
    Map<String, String> libraryEnv = new HashMap<>(s3Env);
    libraryEnv.put("DATASHARD_STORAGE_TYPE", "s3");
    libraryEnv.put("DATASHARD_S3_PREFIX", "secure/shop");
    try (Warehouse shop = Warehouse.fromEnvironment(libraryEnv)) {
      Table orders = shop.loadTable("orders");
      assertThat(orders.location()).startsWith("s3://" + s3.bucket() + "/secure/shop/orders");
      assertThat(Orders.libraryRows(orders)).containsExactly(List.of(1L, "book", 2), List.of(2L, "pen", 3));
      orders.appendRecords(List.of(Orders.order(3, "ink", 7)));
      execute("DELETE FROM secure.shop.orders WHERE id = 1");
      assertThat(query("SELECT id, item, qty FROM secure.shop.orders ORDER BY id")).containsExactly(
          List.of(2L, "pen", 3), List.of(3L, "ink", 7));
      assertThat(Orders.libraryRows(orders)).containsExactly(List.of(2L, "pen", 3), List.of(3L, "ink", 7));
    }
  }
}
