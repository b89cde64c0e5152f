package io.datashard.rest;

import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.rest.RESTCatalogAdapter;
import org.apache.iceberg.rest.RESTCatalogServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Apache Iceberg's reference REST catalog as iceberg-open-api's {@code RESTCatalogServer} assembles it (Iceberg's
 * {@link RESTCatalogAdapter} and {@link RESTCatalogServlet} over a {@link JdbcCatalog} on SQLite), but bound to
 * 127.0.0.1 and a free port. No DataShard code runs on the server side.
 */
final class ReferenceCatalogServer implements AutoCloseable {
  private final JdbcCatalog backend;
  private final Server jetty;
  private final String uri;

  private ReferenceCatalogServer(JdbcCatalog backend, Server jetty, String uri) {
    this.backend = backend;
    this.jetty = jetty;
    this.uri = uri;
  }

  /**
   * @param sqliteFile the catalog's database
   * @param properties the JdbcCatalog's other properties: {@code warehouse}, and its FileIO's ({@code io-impl},
   *     {@code s3.*})
   */
  static ReferenceCatalogServer start(java.nio.file.Path sqliteFile, Map<String, String> properties) throws Exception {
    JdbcCatalog backend = new JdbcCatalog();
    backend.setConf(new org.apache.hadoop.conf.Configuration());
    Map<String, String> props = new HashMap<>(properties);
    props.put("uri", "jdbc:sqlite:" + sqliteFile);
    props.put("jdbc.schema-version", "V1");
    backend.initialize("reference", props);
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
    context.addServlet(new ServletHolder(new RESTCatalogServlet(new RESTCatalogAdapter(backend))), "/*");
    jetty.setHandler(context);
    jetty.start();
    return new ReferenceCatalogServer(backend, jetty, "http://127.0.0.1:" + connector.getLocalPort());
  }

  String uri() {
    return uri;
  }

  JdbcCatalog backend() {
    return backend;
  }

  @Override
  public void close() throws Exception {
    jetty.stop();
    backend.close();
  }
}
