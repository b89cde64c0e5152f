package io.datashard;

import io.datashard.catalog.TableCatalog;
import io.datashard.catalog.TableCatalogProvider;
import io.datashard.commit.FileTableOperations;
import io.datashard.commit.VersionFiles;
import io.datashard.commit.TableOperations;
import io.datashard.metadata.TableMetadata;
import io.datashard.storage.LocalStorageBackend;
import io.datashard.storage.StorageBackend;
import io.datashard.storage.StorageBackendProvider;
import io.datashard.table.TableHandle;
import io.datashard.table.TableNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * A place holding tables by name: a local directory or an S3 bucket and prefix. Table {@code name} lives at
 * {@code <root>/<name>/} with the Iceberg layout ({@code metadata/}, {@code data/}). There is no catalog:
 * the files are the truth, so any number of processes may open the same warehouse.
 *
 * <p>Or an Iceberg REST catalog ({@link #rest(String, Map)}, or {@code DATASHARD_CATALOG_URI}): then the catalog
 * keeps the tables and commits them, and every table's data files are read and written through the storage its
 * location needs (module {@code datashard-rest}; see {@code docs/catalog.md}).
 *
 * <p>Closing a warehouse closes its storage backend; tables loaded from it become unusable.
 */
public final class Warehouse implements AutoCloseable {
  /** Environment variable choosing the backend: {@code local} (default) or {@code s3}. */
  public static final String ENV_STORAGE_TYPE = "DATASHARD_STORAGE_TYPE";
  /** Environment variable naming the local warehouse directory (default {@code ./warehouse}). */
  public static final String ENV_WAREHOUSE = "DATASHARD_WAREHOUSE";
  /** The local warehouse directory used when {@link #ENV_WAREHOUSE} is not set. */
  public static final String DEFAULT_LOCAL_WAREHOUSE = "warehouse";

  /** Environment variable naming an Iceberg REST catalog's URI: when set, tables live in that catalog. */
  public static final String ENV_CATALOG_URI = "DATASHARD_CATALOG_URI";
  /** Environment variable holding a bearer token for the REST catalog. */
  public static final String ENV_CATALOG_TOKEN = "DATASHARD_CATALOG_TOKEN";
  /** Environment variable holding OAuth2 client credentials ({@code client_id:client_secret}) for the catalog. */
  public static final String ENV_CATALOG_CREDENTIAL = "DATASHARD_CATALOG_CREDENTIAL";
  /** Environment variable naming the warehouse to ask the REST catalog for. */
  public static final String ENV_CATALOG_WAREHOUSE = "DATASHARD_CATALOG_WAREHOUSE";

  private final StorageBackend storage;
  private final TableCatalog catalog;
  /** Master keys of encrypted tables (docs/encryption.md), or null. */
  private final io.datashard.encryption.KeyManagementClient keyManagement;
  /** Whether {@link #close()} closes {@link #keyManagement} (it came from the environment). */
  private final boolean ownsKeyManagement;
  /** How long a sighting of a version lets a writer publish the next one ({@link #withBaseMaxAge}). */
  private final java.time.Duration baseMaxAge;

  /** Group commit per table location, shared by every handle this warehouse opens on the table. */
  private final java.util.concurrent.ConcurrentHashMap<String, io.datashard.table.GroupCommit> groupCommits =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Automatic upkeep per table location, run on this warehouse's daemon threads (closed with it). */
  private final java.util.concurrent.ConcurrentHashMap<String, io.datashard.maintenance.Upkeep> upkeeps =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final Object upkeepLock = new Object();
  private java.util.concurrent.ThreadPoolExecutor upkeepExecutor;
  private boolean closed;

  private Warehouse(StorageBackend storage) {
    this(storage, null, null, false, VersionFiles.DEFAULT_BASE_MAX_AGE);
  }

  private Warehouse(TableCatalog catalog) {
    this(null, catalog, null, false, VersionFiles.DEFAULT_BASE_MAX_AGE);
  }

  private Warehouse(StorageBackend storage, TableCatalog catalog,
      io.datashard.encryption.KeyManagementClient keyManagement, boolean ownsKeyManagement,
      java.time.Duration baseMaxAge) {
    this.storage = storage;
    this.catalog = catalog;
    this.keyManagement = keyManagement;
    this.ownsKeyManagement = ownsKeyManagement;
    this.baseMaxAge = baseMaxAge;
  }

  /**
   * Returns a warehouse on the same storage whose writers publish a version only within {@code baseMaxAge} of seeing
   * the version before it as table metadata, instead of {@value VersionFiles#BASE_MAX_AGE_MS} ms. For tests of the
   * commit protocol's timing, and for deployments where every process that writes the warehouse's tables uses the
   * same shorter bound: tombstone removal ({@link TableProperties#UPKEEP_REMOVE_TOMBSTONES_AFTER_MS}) waits for twice
   * the bound of the process that removes (plus the longest call to the store), and is safe only if no writer uses a
   * longer one
   * (docs/concurrency.md, "Removing old tombstones"). Use the returned warehouse in place of this one.
   *
   * @param baseMaxAge the bound, more than zero
   * @return the warehouse with that bound
   */
  public Warehouse withBaseMaxAge(java.time.Duration baseMaxAge) {
    requireFiles("a base age");
    if (baseMaxAge.isNegative() || baseMaxAge.isZero()) {
      throw new ValidationException("the base age must be more than zero, not " + baseMaxAge);
    }
    return new Warehouse(storage, catalog, keyManagement, false, baseMaxAge);
  }

  private FileTableOperations fileOps(String name, String location) {
    return new FileTableOperations(new VersionFiles(storage, name, location, baseMaxAge));
  }

  /**
   * Returns a warehouse on the same storage (or catalog) whose tables encrypt and decrypt their data files with
   * master keys from {@code client}: tables with the {@code datashard.encryption.key-id} property write encrypted
   * files, and encrypted files are read with the keys their manifests name (docs/encryption.md). Use the returned
   * warehouse in place of this one; closing either closes the shared storage, not the client.
   *
   * @param client the key-management client
   * @return the warehouse with key management
   */
  public Warehouse withKeyManagement(io.datashard.encryption.KeyManagementClient client) {
    return new Warehouse(storage, catalog, java.util.Objects.requireNonNull(client, "client"), false,
        baseMaxAge);
  }

  /** @return the key-management client of this warehouse's encrypted tables, or null */
  public io.datashard.encryption.KeyManagementClient keyManagement() {
    return keyManagement;
  }

  /**
   * A warehouse on an Iceberg REST catalog: the catalog creates, lists, drops and commits the tables; data files
   * go through the storage backend each table's location needs (local, or S3 with {@code datashard-s3}), with
   * credentials from the environment or vended by the catalog. Needs {@code io.datashard:datashard-rest} on the
   * class path.
   *
   * @param uri the catalog's base URI ({@code http://host:8181})
   * @param options {@code token} (a bearer token), or {@code credential} ({@code client_id:client_secret} for
   *     OAuth2 client credentials), {@code warehouse}, and any other Iceberg REST client property
   * @return the warehouse
   * @throws ValidationException when no REST catalog module is on the class path
   */
  public static Warehouse rest(String uri, Map<String, String> options) {
    return rest(uri, options, System.getenv());
  }

  /**
   * @param environment {@code DATASHARD_*} settings for the storage of the tables' data files (S3 endpoint and
   *     credentials, ...)
   * @see #rest(String, Map)
   */
  public static Warehouse rest(String uri, Map<String, String> options, Map<String, String> environment) {
    if (uri == null || uri.isBlank()) {
      throw new ValidationException("a REST catalog needs a URI");
    }
    for (TableCatalogProvider p : ServiceLoader.load(TableCatalogProvider.class, Warehouse.class.getClassLoader())) {
      if (p.catalogType().equalsIgnoreCase("rest")) {
        return new Warehouse(p.create(uri, options, environment));
      }
    }
    throw new ValidationException("REST catalog " + uri + " is not available: put the io.datashard:datashard-rest "
        + "module on the class path");
  }

  /** @return a warehouse in a local directory (created if missing) */
  public static Warehouse local(Path directory) {
    return new Warehouse(new LocalStorageBackend(directory));
  }

  /** @return a warehouse on any storage backend */
  public static Warehouse of(StorageBackend storage) {
    return new Warehouse(storage);
  }

  /**
   * @return the warehouse the process environment describes ({@code DATASHARD_*} variables; local
   *     {@code ./warehouse} when none is set)
   */
  public static Warehouse fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * @param env {@code DATASHARD_*} settings
   * @return the warehouse they describe
   * @throws ValidationException for an unknown storage type, or one whose module is not on the class path
   */
  public static Warehouse fromEnvironment(Map<String, String> env) {
    io.datashard.encryption.KeyManagementClient keys = io.datashard.encryption.KeyManagement.fromEnvironment(env);
    Warehouse w = storageFromEnvironment(env);
    return keys == null ? w : new Warehouse(w.storage, w.catalog, keys, true, w.baseMaxAge);
  }

  private static Warehouse storageFromEnvironment(Map<String, String> env) {
    String catalogUri = env.get(ENV_CATALOG_URI);
    if (catalogUri != null && !catalogUri.isBlank()) {
      Map<String, String> options = new java.util.HashMap<>();
      putIfSet(options, "token", env.get(ENV_CATALOG_TOKEN));
      putIfSet(options, "credential", env.get(ENV_CATALOG_CREDENTIAL));
      putIfSet(options, "warehouse", env.get(ENV_CATALOG_WAREHOUSE));
      return rest(catalogUri.trim(), options, env);
    }
    String type = env.getOrDefault(ENV_STORAGE_TYPE, "local").trim().toLowerCase(Locale.ROOT);
    if (type.isEmpty() || type.equals("local")) {
      String dir = env.get(ENV_WAREHOUSE);
      return local(Path.of(dir == null || dir.isBlank() ? DEFAULT_LOCAL_WAREHOUSE : dir));
    }
    for (StorageBackendProvider p : ServiceLoader.load(StorageBackendProvider.class, Warehouse.class.getClassLoader())) {
      if (p.storageType().equalsIgnoreCase(type)) {
        return new Warehouse(p.create(env));
      }
    }
    throw new ValidationException(ENV_STORAGE_TYPE + "=" + type + " is not available: use 'local', or 's3' with "
        + "the io.datashard:datashard-s3 module on the class path");
  }

  private static void putIfSet(Map<String, String> options, String key, String value) {
    if (value != null && !value.isBlank()) {
      options.put(key, value.trim());
    }
  }

  /** @return whether this warehouse is a catalog's (its tables each have their own storage) */
  public boolean isCatalog() {
    return catalog != null;
  }

  /**
   * Returns a warehouse on the same storage that keeps a local, size-bounded LRU copy of the data files it
   * reads, so repeated scans (notebook queries against S3) do not download the same files again. Off unless
   * asked for. Use the returned warehouse in place of this one; closing either closes the shared storage.
   *
   * @param directory local directory for the cached files (created if missing; used only by the cache)
   * @param maxBytes the most bytes kept
   * @return the caching warehouse
   * @see io.datashard.storage.CachingStorageBackend
   */
  public Warehouse withReadCache(Path directory, long maxBytes) {
    requireFiles("a read cache");
    return new Warehouse(new io.datashard.storage.CachingStorageBackend(storage, directory, maxBytes), null,
        keyManagement, false, baseMaxAge);
  }

  /**
   * @return the storage backend
   * @throws ValidationException for a catalog's warehouse, where each table has its own ({@code table.location()})
   */
  public StorageBackend storage() {
    requireFiles("one storage backend");
    return storage;
  }

  /** @return the warehouse root location (for a catalog's warehouse: the catalog's URI) */
  public String location() {
    return catalog != null ? catalog.location() : storage.root();
  }

  private void requireFiles(String what) {
    if (catalog != null) {
      throw new ValidationException("warehouse on REST catalog " + catalog.location() + " has no " + what
          + ": each table's files live at its own location");
    }
  }

  /** Creates an unpartitioned table. @see #createTable(String, Schema, PartitionSpec, Map) */
  public Table createTable(String name, Schema schema) {
    return createTable(name, schema, PartitionSpec.unpartitioned(), Map.of());
  }

  /** @see #createTable(String, Schema, PartitionSpec, Map) */
  public Table createTable(String name, Schema schema, PartitionSpec spec) {
    return createTable(name, schema, spec, Map.of());
  }

  /**
   * Creates a table. Atomic: of several processes creating the same name at once, exactly one succeeds.
   *
   * @param name letters, digits, {@code _ - .}; no path separators, no {@code ..}
   * @param schema the columns
   * @param spec the partitioning
   * @param properties table properties (see {@link TableProperties})
   * @return the new, empty table
   * @throws TableAlreadyExistsException when the name is taken (the existing table is not touched)
   */
  public Table createTable(String name, Schema schema, PartitionSpec spec, Map<String, String> properties) {
    TableNames.validate(name);
    try {
      if (!spec.isUnpartitioned()) {
        new io.datashard.partition.Partitioner(spec, schema); // every source column exists, every transform applies
      }
    } catch (IllegalArgumentException e) {
      throw new ValidationException("invalid partition spec for table '" + name + "': " + e.getMessage(), e);
    }
    if (catalog != null) {
      TableOperations created = catalog.create(name, schema, spec, properties);
      if (created == null) {
        throw new TableAlreadyExistsException(name, catalog.location());
      }
      return new TableHandle(name, created, groupCommit(created.tableLocation()), upkeep(created.tableLocation()),
          keyManagement);
    }
    String location = tableLocation(name);
    FileTableOperations ops = fileOps(name, location);
    TableMetadata created = ops.create(TableMetadata.newTable(location, schema, spec, properties,
        System.currentTimeMillis()));
    if (created == null) {
      throw new TableAlreadyExistsException(name, location);
    }
    return new TableHandle(name, ops, groupCommit(location), upkeep(location), keyManagement);
  }

  /** Creates an unpartitioned table unless one exists. @see #createTableIfAbsent(String, Schema, PartitionSpec) */
  public Table createTableIfAbsent(String name, Schema schema) {
    return createTableIfAbsent(name, schema, PartitionSpec.unpartitioned());
  }

  /**
   * Creates a table, or loads it when the name is already taken: the start of a program that may run again, or
   * on several machines at once. Safe under concurrency: of several processes calling this at once, one creates
   * the table and the others load it. An existing table is returned as it is; its schema and partitioning are
   * not compared with {@code schema} and {@code spec}.
   *
   * @param name letters, digits, {@code _ - .}; no path separators, no {@code ..}
   * @param schema the columns, for a new table
   * @param spec the partitioning, for a new table
   * @return the new table, or a handle on the existing table's latest version
   */
  public Table createTableIfAbsent(String name, Schema schema, PartitionSpec spec) {
    try {
      return createTable(name, schema, spec);
    } catch (TableAlreadyExistsException e) {
      return loadTable(name);
    }
  }

  /**
   * @param name the table's name
   * @return a handle on the table's latest version
   * @throws TableNotFoundException when there is no such table
   */
  public Table loadTable(String name) {
    TableNames.validate(name);
    if (catalog != null) {
      TableOperations loaded = catalog.load(name);
      return new TableHandle(name, loaded, groupCommit(loaded.tableLocation()), upkeep(loaded.tableLocation()),
          keyManagement);
    }
    TableOperations ops = fileOps(name, tableLocation(name));
    ops.refresh();
    return new TableHandle(name, ops, groupCommit(ops.tableLocation()), upkeep(ops.tableLocation()), keyManagement);
  }

  /** @return whether a table of that name exists */
  public boolean tableExists(String name) {
    TableNames.validate(name);
    if (catalog != null) {
      return catalog.exists(name);
    }
    return hasAnyVersion(tableLocation(name));
  }

  /** @return the names of the tables in this warehouse, sorted */
  public List<String> listTables() {
    if (catalog != null) {
      return catalog.list();
    }
    List<String> names = new ArrayList<>();
    for (String dir : storage.listDirectories(storage.root())) {
      String name = dir.substring(dir.lastIndexOf('/') + 1);
      if (TableNames.isValid(name) && hasAnyVersion(dir)) {
        names.add(name);
      }
    }
    names.sort(null);
    return names;
  }

  /**
   * Drops a table: its data and metadata files are deleted, and writers still holding it fail with
   * {@link TableNotFoundException}. The drop is itself a commit (ordered with every concurrent commit), and the
   * version names of the dropped table stay behind as tombstones of a few hundred bytes each, so that no writer
   * on a stale handle can ever publish into this location again; creating a table of the same name continues
   * the numbering. See {@code docs/concurrency.md}, "Dropping a table".
   *
   * @return true when the table existed
   */
  public boolean dropTable(String name) {
    TableNames.validate(name);
    if (catalog != null) {
      return catalog.drop(name);
    }
    return fileOps(name, tableLocation(name)).drop();
  }

  private boolean hasAnyVersion(String tableLocation) {
    return fileOps(tableLocation.substring(tableLocation.lastIndexOf('/') + 1), tableLocation).exists();
  }

  /** @return where table {@code name} lives */
  private io.datashard.table.GroupCommit groupCommit(String location) {
    return groupCommits.computeIfAbsent(location, l -> new io.datashard.table.GroupCommit());
  }

  /** The upkeep of the table at {@code location}, running on this warehouse's daemon threads. */
  private io.datashard.maintenance.Upkeep upkeep(String location) {
    return upkeeps.computeIfAbsent(location, l -> new io.datashard.maintenance.Upkeep(this::runUpkeep,
        groupCommit(l)));
  }

  /**
   * Runs an upkeep task on this warehouse's upkeep threads (two daemon threads, started on first use and ended after
   * 30 s idle: a table's run, and its snapshot expiry while that run is busy, or two tables' runs).
   */
  private void runUpkeep(Runnable task) {
    synchronized (upkeepLock) {
      if (closed) {
        throw new java.util.concurrent.RejectedExecutionException("warehouse closed");
      }
      if (upkeepExecutor == null) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        upkeepExecutor = new java.util.concurrent.ThreadPoolExecutor(2, 2, 30, java.util.concurrent.TimeUnit.SECONDS,
            new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
              Thread t = new Thread(r, io.datashard.maintenance.Upkeep.THREAD_PREFIX + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
        upkeepExecutor.allowCoreThreadTimeOut(true);
      }
      upkeepExecutor.execute(task);
    }
  }

  public String tableLocation(String name) {
    if (catalog != null) {
      return catalog.load(name).tableLocation();
    }
    return storage.resolve(storage.root(), name);
  }

  /**
   * Replication of a table of this warehouse to another warehouse (or another name in this one): see
   * {@link io.datashard.replication.Replication} and docs/operations.md ("Replication and failover").
   *
   * @param name the source table in this warehouse
   * @param target the warehouse of the replica
   * @param targetName the replica's name there
   * @return a replicator; nothing is copied until it is run
   * @throws TableNotFoundException when this warehouse has no table {@code name}
   */
  public io.datashard.replication.Replication replication(String name, Warehouse target, String targetName) {
    loadTable(name);
    target.tableExists(targetName); // validates the name
    String src = tableLocation(name);
    String dst = target.tableLocation(targetName);
    if (src.equals(dst) && storage == target.storage) {
      throw new ValidationException("the replica would be the table itself (" + src + ")");
    }
    return new io.datashard.replication.Replication(storage, src, target.storage, dst);
  }

  @Override
  public void close() {
    java.util.concurrent.ThreadPoolExecutor upkeepThreads;
    synchronized (upkeepLock) {
      closed = true;
      upkeepThreads = upkeepExecutor;
    }
    if (upkeepThreads != null) {
      // A run under way finishes its step (bounded); queued runs are dropped: the next writer schedules them again.
      upkeepThreads.getQueue().clear();
      upkeepThreads.shutdown();
      try {
        if (!upkeepThreads.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
          org.slf4j.LoggerFactory.getLogger(Warehouse.class).warn("upkeep still running after 30 s; interrupting it");
          upkeepThreads.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      if (catalog != null) {
        catalog.close();
      } else {
        storage.close();
      }
    } finally {
      if (ownsKeyManagement) {
        keyManagement.close();
      }
    }
  }

  @Override
  public String toString() {
    return "Warehouse{" + location() + "}";
  }
}
