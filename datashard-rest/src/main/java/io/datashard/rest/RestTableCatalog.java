package io.datashard.rest;

import io.datashard.DataShardException;
import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.TableNotFoundException;
import io.datashard.ValidationException;
import io.datashard.catalog.TableCatalog;
import io.datashard.commit.TableOperations;
import io.datashard.storage.LocalStorageBackend;
import io.datashard.storage.StorageBackend;
import io.datashard.storage.StorageBackendProvider;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NotAuthorizedException;
import org.apache.iceberg.rest.RESTCatalog;

/**
 * A {@link TableCatalog} on any Iceberg REST catalog, through Apache Iceberg's own REST client
 * ({@link RESTCatalog}: the config handshake, prefixes, OAuth2 client credentials with token refresh, bearer
 * tokens, the request/response model and error mapping), so DataShard speaks the protocol exactly as Iceberg's
 * engines do. Iceberg's client does no file I/O here ({@link ConfigFileIO}): data files, manifests and manifest
 * lists go through DataShard's storage backends for each table's location, local or S3, with credentials from
 * the {@code DATASHARD_S3_*} environment or vended by the catalog in the load-table response.
 *
 * <p>Table names are {@code namespace.table} ({@code sales.orders}; nested namespaces {@code a.b.t}); a name
 * without a dot is in namespace {@code default}. Creating a table creates its namespace when missing.
 */
final class RestTableCatalog implements TableCatalog {
  /** The namespace of table names without one. */
  static final String DEFAULT_NAMESPACE = "default";

  private final String uri;
  private final RESTCatalog catalog;
  private final Map<String, String> environment;
  private final Map<String, StorageBackend> s3Backends = new ConcurrentHashMap<>();

  RestTableCatalog(String uri, Map<String, String> options, Map<String, String> environment) {
    this.uri = uri;
    this.environment = environment == null ? Map.of() : Map.copyOf(environment);
    Map<String, String> props = withDefaults(options);
    props.put(CatalogProperties.URI, uri);
    props.put(CatalogProperties.FILE_IO_IMPL, ConfigFileIO.class.getName());
    RESTCatalog c = new RESTCatalog();
    call(uri, "connect (GET /v1/config)", () -> {
      c.initialize("datashard", props);
      return null;
    });
    this.catalog = c;
  }

  /** Iceberg's REST client property for the TCP connect timeout, in milliseconds. */
  static final String CONNECT_TIMEOUT_MS = "rest.client.connection-timeout-ms";
  /** Iceberg's REST client property for the time to wait for a response, in milliseconds. */
  static final String SOCKET_TIMEOUT_MS = "rest.client.socket-timeout-ms";

  /**
   * The client options with bounded timeouts unless the caller set them: a catalog that does not accept the
   * connection within 10 s, or does not answer a request within 60 s, fails the call instead of hanging it.
   */
  static Map<String, String> withDefaults(Map<String, String> options) {
    Map<String, String> props = new HashMap<>(options == null ? Map.of() : options);
    props.putIfAbsent(CONNECT_TIMEOUT_MS, "10000");
    props.putIfAbsent(SOCKET_TIMEOUT_MS, "60000");
    return props;
  }

  /**
   * Runs one catalog request, turning refusals into errors that name the catalog and the operation (never a
   * secret: Iceberg's client keeps credentials out of its messages, and so do these).
   */
  static <T> T call(String uri, String operation, Supplier<T> request) {
    try {
      return request.get();
    } catch (NotAuthorizedException e) {
      throw new CatalogAccessException("REST catalog " + uri + " refused to " + operation + ": 401 Unauthorized, "
          + "the credentials are missing, wrong or expired (check DATASHARD_CATALOG_TOKEN or "
          + "DATASHARD_CATALOG_CREDENTIAL): " + e.getMessage(), e);
    } catch (ForbiddenException e) {
      throw new CatalogAccessException("REST catalog " + uri + " refused to " + operation + ": 403 Forbidden, "
          + "these credentials are not allowed to: " + e.getMessage(), e);
    } catch (UnsupportedOperationException e) {
      throw new CatalogAccessException("REST catalog " + uri + " cannot " + operation + ": " + e.getMessage(), e);
    } catch (org.apache.iceberg.exceptions.RESTException | java.io.UncheckedIOException e) {
      // no answer in time, a broken connection, a 5xx, or a body that is not the protocol's JSON
      throw new io.datashard.DataShardException("REST catalog " + uri + " failed to " + operation + ": "
          + e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause() + ")"), e);
    }
  }

  static TableIdentifier identifier(String name) {
    int dot = name.lastIndexOf('.');
    if (dot < 0) {
      return TableIdentifier.of(Namespace.of(DEFAULT_NAMESPACE), name);
    }
    if (dot == 0 || dot == name.length() - 1) {
      throw new ValidationException("invalid table name '" + name + "': use namespace.table");
    }
    return TableIdentifier.of(Namespace.of(name.substring(0, dot).split("\\.")), name.substring(dot + 1));
  }

  @Override
  public TableOperations create(String name, Schema schema, PartitionSpec spec, Map<String, String> properties) {
    TableIdentifier id = identifier(name);
    // DataShard's metadata for a new table, converted to Iceberg's: one source of truth for ids and transforms.
    io.datashard.metadata.TableMetadata initial = io.datashard.metadata.TableMetadata.newTable(
        "file:/datashard-rest-placeholder", schema, spec, properties, System.currentTimeMillis());
    org.apache.iceberg.TableMetadata ice = RestTableOperations.toIceberg(initial, null);
    Map<String, String> props = new HashMap<>(ice.properties());
    props.putIfAbsent("format-version", Integer.toString(ice.formatVersion()));
    call(uri, "create namespace " + id.namespace(), () -> {
      if (!catalog.namespaceExists(id.namespace())) {
        try {
          catalog.createNamespace(id.namespace());
        } catch (AlreadyExistsException e) {
          // created meanwhile
        }
      }
      return null;
    });
    Table table;
    try {
      table = call(uri, "create table " + name, () -> catalog.buildTable(id, ice.schema())
          .withPartitionSpec(ice.spec()).withSortOrder(ice.sortOrder()).withProperties(props).create());
    } catch (AlreadyExistsException e) {
      return null;
    }
    return operations(name, table);
  }

  @Override
  public TableOperations load(String name) {
    try {
      return operations(name, call(uri, "load table " + name, () -> catalog.loadTable(identifier(name))));
    } catch (NoSuchTableException e) {
      throw new TableNotFoundException(name, uri, "no table '" + name + "' in REST catalog " + uri);
    }
  }

  private TableOperations operations(String name, Table table) {
    org.apache.iceberg.TableOperations ops = ((HasTableOperations) table).operations();
    return new RestTableOperations(name, uri, ops, storageFor(name, ops.current().location(),
        table.io().properties()));
  }

  @Override
  public boolean exists(String name) {
    return call(uri, "check table " + name, () -> catalog.tableExists(identifier(name)));
  }

  @Override
  public List<String> list() {
    List<String> names = new ArrayList<>();
    call(uri, "list tables", () -> {
      collect(Namespace.empty(), names);
      return null;
    });
    names.sort(null);
    return names;
  }

  private void collect(Namespace parent, List<String> names) {
    for (Namespace ns : catalog.listNamespaces(parent)) {
      for (TableIdentifier t : catalog.listTables(ns)) {
        names.add(String.join(".", ns.levels()) + "." + t.name());
      }
      collect(ns, names);
    }
  }

  @Override
  public boolean drop(String name) {
    return call(uri, "drop table " + name, () -> catalog.dropTable(identifier(name), true));
  }

  @Override
  public String location() {
    return uri;
  }

  /**
   * The storage backend a table location needs: local disk for {@code file:} locations and paths, the S3 module
   * for {@code s3://} and {@code s3a://}, with the {@code DATASHARD_S3_*} environment overlaid by what the catalog
   * vended for the table ({@code s3.access-key-id}, {@code s3.secret-access-key}, {@code s3.session-token},
   * {@code s3.endpoint}, {@code s3.path-style-access}, {@code client.region}). Credentials are never logged.
   */
  private StorageBackend storageFor(String table, String location, Map<String, String> config) {
    if (location.startsWith("s3://") || location.startsWith("s3a://")) {
      Map<String, String> env = s3Environment(environment, location, config);
      String bucket = env.get("DATASHARD_S3_BUCKET");
      String key = bucket + "\n" + env.getOrDefault("DATASHARD_S3_ENDPOINT", "") + "\n"
          + env.getOrDefault("DATASHARD_S3_ACCESS_KEY", "") + "\n" + env.getOrDefault("DATASHARD_S3_SESSION_TOKEN", "");
      return s3Backends.computeIfAbsent(key, k -> {
        for (StorageBackendProvider p : ServiceLoader.load(StorageBackendProvider.class,
            RestTableCatalog.class.getClassLoader())) {
          if (p.storageType().equalsIgnoreCase("s3")) {
            return p.create(env);
          }
        }
        throw new ValidationException("table '" + table + "' is at " + location + " but the S3 backend "
            + "(io.datashard:datashard-s3) is not on the class path");
      });
    }
    if (location.startsWith("file:") || location.startsWith("/")) {
      Path dir = location.startsWith("file:")
          ? Path.of(URI.create(location.startsWith("file://") ? location : "file://" + location.substring(5)))
          : Path.of(location);
      return new LocalStorageBackend(dir);
    }
    throw new ValidationException("table '" + table + "' is at " + location + ": DataShard has no storage backend "
        + "for that location (supported: local paths, file:, s3://)");
  }

  /**
   * @param environment the {@code DATASHARD_*} settings
   * @param location an {@code s3://bucket/...} table location
   * @param config the table's configuration from the catalog (vended credentials win over the environment's)
   * @return the settings of the S3 backend for the table
   */
  static Map<String, String> s3Environment(Map<String, String> environment, String location,
      Map<String, String> config) {
    String rest = location.substring(location.indexOf("://") + 3);
    String bucket = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
    Map<String, String> env = new HashMap<>(environment);
    env.put("DATASHARD_STORAGE_TYPE", "s3");
    env.put("DATASHARD_S3_BUCKET", bucket);
    env.remove("DATASHARD_S3_PREFIX");
    vend(config, "s3.access-key-id", env, "DATASHARD_S3_ACCESS_KEY");
    vend(config, "s3.secret-access-key", env, "DATASHARD_S3_SECRET_KEY");
    vend(config, "s3.session-token", env, "DATASHARD_S3_SESSION_TOKEN");
    vend(config, "s3.endpoint", env, "DATASHARD_S3_ENDPOINT");
    vend(config, "s3.path-style-access", env, "DATASHARD_S3_PATH_STYLE");
    vend(config, "client.region", env, "DATASHARD_S3_REGION");
    return env;
  }

  private static void vend(Map<String, String> config, String key, Map<String, String> env, String envKey) {
    String v = config.get(key);
    if (v != null && !v.isBlank()) {
      env.put(envKey, v);
    }
  }

  @Override
  public void close() {
    try {
      catalog.close();
    } catch (java.io.IOException e) {
      throw new DataShardException("cannot close the client of REST catalog " + uri + ": " + e.getMessage(), e);
    } finally {
      s3Backends.values().forEach(StorageBackend::close);
    }
  }

  @Override
  public String toString() {
    return "RestTableCatalog{" + uri + "}";
  }
}
