package io.datashard.iceberg;

import io.datashard.Warehouse;
import io.datashard.commit.FileTableOperations;
import io.datashard.commit.MetadataFiles;
import io.datashard.commit.VersionFiles;
import io.datashard.commit.VersionTombstone;
import io.datashard.storage.StorageBackend;
import io.datashard.table.TableNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.iceberg.BaseMetastoreCatalog;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NamespaceNotEmptyException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Apache Iceberg catalog over a DataShard warehouse, with no database: the files are the catalog. Load it in
 * any engine with {@code catalog-impl=io.datashard.iceberg.DataShardCatalog} and a {@code warehouse} (a local
 * directory or {@code s3://bucket/prefix}); see {@code docs/catalog.md}.
 *
 * <p><b>Layout.</b> Namespace {@code a.b} is the folder {@code <warehouse>/a/b}; table {@code a.b.t} is
 * {@code <warehouse>/a/b/t}, with Iceberg's {@code metadata/} and {@code data/}. The tables of the DataShard library
 * ({@code Warehouse.createTable("t")}, at {@code <warehouse>/t}) are the tables of the root (empty) namespace:
 * {@code TableIdentifier.of("t")}, {@code catalog.t} in Spark SQL. Every level of a name follows the library's
 * table-name rule (letters, digits, {@code _ - .}, no {@code ..}, no {@code /}); anything else is refused, so no name
 * can reach outside the warehouse.
 *
 * <p><b>Commits</b> go through {@link DataShardTableOperations}: the exclusive create of the next
 * {@code v<N>.metadata.json}, the protocol of the DataShard library, so both kinds of writer work on one table at
 * once. <b>Namespaces</b> and their properties are versioned files with the same exclusive-create discipline
 * ({@link NamespaceFiles}). <b>Rename</b> is refused: nothing can move a table's files and version names atomically
 * on an object store. <b>Drop</b> is a commit of a {@code dropped} tombstone ({@link VersionFiles#drop}).
 */
public class DataShardCatalog extends BaseMetastoreCatalog implements SupportsNamespaces {
  private static final Logger LOG = LoggerFactory.getLogger(DataShardCatalog.class);

  private String name = "datashard";
  private Map<String, String> properties = Map.of();
  private StorageBackend storage;
  private StorageFileIO io;
  private VersionCache versionCache;
  private HintPublisher hints;
  /**
   * Threads for the two checks of a cached version and for turning versions that fell out of the metadata log into
   * tombstones after a commit; created as needed, idle ones end after a minute.
   */
  private final ExecutorService background = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "datashard-catalog-background");
    t.setDaemon(true);
    return t;
  });
  private final TombstoneSweeper sweeper = new TombstoneSweeper(background);
  private final CatalogUpkeep upkeep = new CatalogUpkeep(background, this::loadTable, this::compact);
  /**
   * Catalog property: how long a writer's sighting of a version lets it publish the next one without looking again, in
   * milliseconds (default 30,000: {@link VersionFiles#BASE_MAX_AGE_MS}). For tests, and for deployments where every
   * writer of the warehouse's tables uses the same shorter bound; see {@code Warehouse.withBaseMaxAge} and
   * docs/concurrency.md, "Removing old tombstones".
   */
  public static final String BASE_MAX_AGE_MS = "datashard.commit.base-max-age-ms";
  private java.time.Duration baseMaxAge = VersionFiles.DEFAULT_BASE_MAX_AGE;
  private boolean ownsStorage;

  /** For {@code catalog-impl}: call {@link #initialize(String, Map)} next. */
  public DataShardCatalog() {
  }

  /**
   * A catalog over an open backend (for embedding and tests); closing the catalog does not close the backend.
   *
   * @param name the catalog's name
   * @param storage the warehouse's storage
   * @param properties catalog properties (table defaults, metrics reporter ...)
   */
  public DataShardCatalog(String name, StorageBackend storage, Map<String, String> properties) {
    this.name = name;
    this.properties = Map.copyOf(properties);
    this.storage = storage;
    this.io = new StorageFileIO(storage, null); // no settings: cannot be reopened after serialization
    this.versionCache = VersionCache.fromProperties(this.properties);
    this.hints = HintPublisher.fromProperties(this.properties);
    this.baseMaxAge = baseMaxAge(this.properties);
  }

  private static java.time.Duration baseMaxAge(Map<String, String> props) {
    String what = "milliseconds, more than 0";
    long ms = VersionCache.nonNegative(props, BASE_MAX_AGE_MS, VersionFiles.BASE_MAX_AGE_MS, what);
    if (ms == 0) {
      throw new IllegalArgumentException(BASE_MAX_AGE_MS + " must be " + what + ", not 0");
    }
    return java.time.Duration.ofMillis(ms);
  }


  @Override
  public void initialize(String catalogName, Map<String, String> props) {
    this.name = catalogName;
    this.properties = Map.copyOf(props);
    this.versionCache = VersionCache.fromProperties(props);
    this.hints = HintPublisher.fromProperties(props);
    this.baseMaxAge = baseMaxAge(props);
    if (storage == null) {
      Map<String, String> env = WarehouseSettings.toEnvironment(props, System.getenv());
      this.storage = Warehouse.fromEnvironment(env).storage();
      this.io = new StorageFileIO(storage, env);
      this.ownsStorage = true;
    }
    LOG.info("catalog {} on warehouse {}", catalogName, storage.root());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  protected Map<String, String> properties() {
    return properties;
  }

  /** @return the warehouse's storage */
  public StorageBackend storage() {
    return storage;
  }

  // ---------------------------------------------------------------- names and locations

  /** Every level of a name is one folder: the library's table-name rule, as Iceberg's IllegalArgumentException. */
  private static void validateLevel(String kind, String level) {
    try {
      TableNames.validate(level);
    } catch (io.datashard.ValidationException e) {
      throw new IllegalArgumentException("Invalid " + kind + " name: " + e.getMessage()
          + " (names map to folders of the warehouse)", e);
    }
  }

  private static void validate(Namespace ns) {
    for (String level : ns.levels()) {
      validateLevel("namespace", level);
    }
  }

  private static void validate(TableIdentifier ident) {
    validate(ident.namespace());
    validateLevel("table", ident.name());
  }

  @Override
  protected boolean isValidIdentifier(TableIdentifier ident) {
    if (!TableNames.isValid(ident.name())) {
      return false;
    }
    for (String level : ident.namespace().levels()) {
      if (!TableNames.isValid(level)) {
        return false;
      }
    }
    return true;
  }

  private String folder(Namespace ns) {
    validate(ns);
    String loc = storage.root();
    for (String level : ns.levels()) {
      loc = storage.resolve(loc, level);
    }
    return loc;
  }

  private String tableLocation(TableIdentifier ident) {
    validate(ident);
    return storage.resolve(folder(ident.namespace()), ident.name());
  }

  @Override
  protected String defaultWarehouseLocation(TableIdentifier ident) {
    return tableLocation(ident);
  }

  private NamespaceFiles namespaceFiles(Namespace ns) {
    return new NamespaceFiles(storage, folder(ns), ns.toString());
  }

  private Namespace asNamespace(TableIdentifier ident) {
    String[] levels = Arrays.copyOf(ident.namespace().levels(), ident.namespace().length() + 1);
    levels[levels.length - 1] = ident.name();
    return Namespace.of(levels);
  }

  // ---------------------------------------------------------------- tables

  @Override
  protected DataShardTableOperations newTableOps(TableIdentifier ident) {
    String location = tableLocation(ident);
    String fullName = fullTableName(name, ident);
    Namespace sameFolder = asNamespace(ident);
    return new DataShardTableOperations(new VersionFiles(storage, fullName, location, baseMaxAge), io, name, ident,
        new DataShardTableOperations.CreationGuard() {
          @Override
          public void beforeCreate() {
            if (!namespaceExists(ident.namespace())) {
              throw new NoSuchNamespaceException("Namespace does not exist: %s", ident.namespace());
            }
            if (conflictsAfterCreate()) {
              throw new AlreadyExistsException("Cannot create table %s: namespace %s is at its location %s", ident,
                  sameFolder, location);
            }
          }

          @Override
          public boolean conflictsAfterCreate() {
            return namespaceFiles(sameFolder).live() != null;
          }
        }, versionCache, hints, background, sweeper, upkeep);
  }

  /**
   * Compacts a table's small data files with the library's compaction, committing by the same protocol on the same
   * version files; then, as a commit through the catalog would ({@link DataShardTableOperations#retiresFallenOutVersions}),
   * replaces the version its commit pushed out of the metadata log by a tombstone. Without that, each such commit left
   * one full version behind for good (28 after 90 s of engine appends, docs/benchmarks.md).
   */
  private io.datashard.RewriteDataFiles.Result compact(TableIdentifier ident, int minFiles, int maxFiles,
      int sizeRatio) {
    VersionFiles versions = new VersionFiles(storage, fullTableName(name, ident), tableLocation(ident), baseMaxAge);
    FileTableOperations ops = new FileTableOperations(versions);
    io.datashard.RewriteDataFiles.Result result = new io.datashard.maintenance.DataFileCompaction(ops,
        new io.datashard.manifest.TableFiles(storage, versions.tableLocation())).minFilesPerPartition(minFiles)
        .maxInputFiles(maxFiles).sizeRatio(sizeRatio).execute();
    io.datashard.metadata.TableMetadata committed = ops.current();
    if (result.rewrittenFiles() > 0 && committed != null && committed.version() > 1
        && DataShardTableOperations.retiresFallenOutVersions(committed.properties())) {
      io.datashard.metadata.TableMetadata before = ops.load(committed.version() - 1);
      versions.retire(FileTableOperations.fallenOutOfLog(before, committed));
    }
    return result;
  }

  /**
   * Loads a table to commit to at once (the REST server's commit path): the catalog's cached version of it is used
   * without a check against the store when one passed recently (catalog property
   * {@code datashard.metadata-cache.commit-check-interval-ms}, default 1000). Safe because the commit is an exclusive
   * create of the next version: if another writer published it meanwhile, the create fails and the caller applies
   * its change again to the refreshed table. A requirement that fails on such a version may hold on the latest:
   * {@link DataShardTableOperations#currentUnchecked()} says when to refresh before refusing.
   *
   * @param ident the table
   * @return the table, its operations a {@link DataShardTableOperations}
   * @throws NoSuchTableException when there is no such table
   */
  public Table loadTableForCommit(TableIdentifier ident) {
    if (!isValidIdentifier(ident)) {
      throw new NoSuchTableException("Invalid table identifier: %s", ident);
    }
    DataShardTableOperations ops = newTableOps(ident).forCommit();
    if (ops.current() == null) {
      throw new NoSuchTableException("Table does not exist: %s", ident);
    }
    return new org.apache.iceberg.BaseTable(ops, fullTableName(name, ident), metricsReporter());
  }

  @Override
  public TableBuilder buildTable(TableIdentifier ident, Schema schema) {
    return new LocationKeepingBuilder(super.buildTable(ident, schema), tableLocation(ident));
  }

  /**
   * Keeps every table at the folder its name maps to: a requested location other than that one is ignored (with a
   * warning), because the catalog finds a table only by its name's folder. Iceberg's conformance suite calls this
   * "overrides requested location".
   */
  private static final class LocationKeepingBuilder implements TableBuilder {
    private final TableBuilder delegate;
    private final String location;

    LocationKeepingBuilder(TableBuilder delegate, String location) {
      this.delegate = delegate.withLocation(location);
      this.location = location;
    }

    @Override
    public TableBuilder withPartitionSpec(PartitionSpec spec) {
      delegate.withPartitionSpec(spec);
      return this;
    }

    @Override
    public TableBuilder withSortOrder(SortOrder sortOrder) {
      delegate.withSortOrder(sortOrder);
      return this;
    }

    @Override
    public TableBuilder withLocation(String requested) {
      if (requested != null && !requested.equals(location) && !requested.equals(location + "/")) {
        LOG.warn("ignoring requested location {}: DataShardCatalog keeps this table at {}", requested, location);
      }
      return this;
    }

    @Override
    public TableBuilder withProperties(Map<String, String> props) {
      delegate.withProperties(props);
      return this;
    }

    @Override
    public TableBuilder withProperty(String key, String value) {
      delegate.withProperty(key, value);
      return this;
    }

    @Override
    public Table create() {
      return delegate.create();
    }

    @Override
    public Transaction createTransaction() {
      return delegate.createTransaction();
    }

    @Override
    public Transaction replaceTransaction() {
      return delegate.replaceTransaction();
    }

    @Override
    public Transaction createOrReplaceTransaction() {
      return delegate.createOrReplaceTransaction();
    }
  }

  @Override
  public List<TableIdentifier> listTables(Namespace ns) {
    requireNamespace(ns);
    return tablesIn(ns);
  }

  private List<TableIdentifier> tablesIn(Namespace ns) {
    List<TableIdentifier> tables = new ArrayList<>();
    for (String dir : storage.listDirectories(folder(ns))) {
      String child = dir.substring(dir.lastIndexOf('/') + 1);
      if (TableNames.isValid(child)) {
        TableIdentifier ident = TableIdentifier.of(ns, child);
        if (newTableOps(ident).current() != null) {
          tables.add(ident);
        }
      }
    }
    return tables;
  }

  /**
   * Drops a table by publishing a {@code dropped} tombstone as its next version (an ordinary exclusive create, so
   * it is ordered with every concurrent commit; writers still holding the table then fail).
   *
   * @param purge true: then every file under the table's folder is deleted and the version files become small
   *     tombstones ({@link VersionFiles#drop}). False: nothing else is touched, all data and metadata files stay
   *     (the table can be brought back with {@link #registerTable} of its last metadata file); the version names
   *     stay in both cases, so creating the table again continues the numbering
   */
  @Override
  public boolean dropTable(TableIdentifier ident, boolean purge) {
    if (!isValidIdentifier(ident)) {
      return false;
    }
    DataShardTableOperations ops = newTableOps(ident);
    for (;;) {
      TableMetadata base;
      try {
        base = ops.refresh();
      } catch (NoSuchTableException e) {
        return false;
      }
      if (base == null) {
        return false;
      }
      VersionFiles versions = ops.versionFiles();
      int next = MetadataFiles.parseVersion(base.metadataFileLocation()) + 1;
      boolean dropped;
      if (purge) {
        if (namespaceFiles(asNamespace(ident)).latest() != null) {
          throw new IllegalStateException("Cannot purge " + ident + ": its folder also holds namespace "
              + asNamespace(ident) + "; drop without purge");
        }
        dropped = versions.drop(next, base.uuid());
      } else {
        dropped = versions.create(next, VersionTombstone.dropped(next, base.uuid()).toJson());
        if (dropped) {
          versions.writeHint(next);
        }
      }
      if (dropped) {
        LOG.info("dropped table {} ({}purged)", ident, purge ? "" : "not ");
        return true;
      }
      // Another writer published that version first: refresh and decide again.
    }
  }

  /**
   * Refused: a rename would have to move the table's files and version names, or point one folder's versions at
   * another folder's files, and neither can be done atomically on an object store without a database. Create the
   * new table and copy, or keep the name.
   */
  @Override
  public void renameTable(TableIdentifier from, TableIdentifier to) {
    if (!tableExists(from)) {
      throw new NoSuchTableException("Table does not exist: %s", from);
    }
    if (!namespaceExists(to.namespace())) {
      throw new NoSuchNamespaceException("Namespace does not exist: %s", to.namespace());
    }
    if (tableExists(to)) {
      throw new AlreadyExistsException("Table already exists: %s", to);
    }
    throw new UnsupportedOperationException("DataShardCatalog cannot rename tables (" + from + " to " + to + "): a "
        + "table is the folder its name maps to, and moving its files and version names cannot be made atomic on an "
        + "object store; see docs/catalog.md");
  }

  @Override
  public Table registerTable(TableIdentifier ident, String metadataFileLocation) {
    validate(ident);
    return super.registerTable(ident, metadataFileLocation);
  }

  // ---------------------------------------------------------------- namespaces

  private void requireNamespace(Namespace ns) {
    if (!namespaceExists(ns)) {
      throw new NoSuchNamespaceException("Namespace does not exist: %s", ns);
    }
  }

  /** The root (empty) namespace is the warehouse itself: it always exists and holds the library's tables. */
  @Override
  public boolean namespaceExists(Namespace ns) {
    if (ns.isEmpty()) {
      return true;
    }
    for (String level : ns.levels()) {
      if (!TableNames.isValid(level)) {
        return false;
      }
    }
    return namespaceFiles(ns).live() != null;
  }

  @Override
  public void createNamespace(Namespace ns, Map<String, String> metadata) {
    if (ns.isEmpty()) {
      throw new AlreadyExistsException("Namespace already exists: the root namespace is the warehouse");
    }
    validate(ns);
    Namespace parent = Namespace.of(Arrays.copyOf(ns.levels(), ns.length() - 1));
    requireNamespace(parent);
    TableIdentifier sameFolder = TableIdentifier.of(parent, ns.level(ns.length() - 1));
    if (tableExists(sameFolder)) {
      throw new AlreadyExistsException("Cannot create namespace %s: table %s is at that location", ns, sameFolder);
    }
    NamespaceFiles files = namespaceFiles(ns);
    if (!files.create(metadata)) {
      throw new AlreadyExistsException("Namespace already exists: %s", ns);
    }
    // A table created at the same folder meanwhile: undo (both checks ran after both writes, so one side sees it).
    if (tableExists(sameFolder)) {
      NamespaceFiles.Version live = files.live();
      if (live != null) {
        files.drop(live);
      }
      throw new AlreadyExistsException("Cannot create namespace %s: table %s was created at that location", ns,
          sameFolder);
    }
  }

  @Override
  public List<Namespace> listNamespaces(Namespace ns) {
    requireNamespace(ns);
    return namespacesIn(ns);
  }

  private List<Namespace> namespacesIn(Namespace ns) {
    List<Namespace> out = new ArrayList<>();
    for (String dir : storage.listDirectories(folder(ns))) {
      String child = dir.substring(dir.lastIndexOf('/') + 1);
      if (TableNames.isValid(child)) {
        String[] levels = Arrays.copyOf(ns.levels(), ns.length() + 1);
        levels[ns.length()] = child;
        Namespace n = Namespace.of(levels);
        if (namespaceFiles(n).live() != null) {
          out.add(n);
        }
      }
    }
    return out;
  }

  @Override
  public Map<String, String> loadNamespaceMetadata(Namespace ns) {
    if (ns.isEmpty()) {
      return Map.of("location", storage.root());
    }
    validate(ns);
    NamespaceFiles.Version v = namespaceFiles(ns).live();
    if (v == null) {
      throw new NoSuchNamespaceException("Namespace does not exist: %s", ns);
    }
    Map<String, String> props = new HashMap<>(v.properties());
    props.putIfAbsent("location", folder(ns));
    return props;
  }

  @Override
  public boolean dropNamespace(Namespace ns) {
    if (ns.isEmpty()) {
      throw new UnsupportedOperationException("The root namespace is the warehouse and cannot be dropped");
    }
    if (!namespaceExists(ns)) {
      return false;
    }
    NamespaceFiles files = namespaceFiles(ns);
    for (;;) {
      NamespaceFiles.Version live = files.live();
      if (live == null) {
        return false;
      }
      requireEmpty(ns);
      if (files.drop(live)) {
        try {
          requireEmpty(ns); // a table or namespace created in it meanwhile: undo the drop
        } catch (NamespaceNotEmptyException e) {
          NamespaceFiles.Version dropped = files.latest();
          if (dropped != null && dropped.dropped()) {
            files.restore(dropped, live.properties());
          }
          throw e;
        }
        return true;
      }
    }
  }

  private void requireEmpty(Namespace ns) {
    if (!tablesIn(ns).isEmpty() || !namespacesIn(ns).isEmpty()) {
      throw new NamespaceNotEmptyException("Namespace %s is not empty", ns);
    }
  }

  @Override
  public boolean setProperties(Namespace ns, Map<String, String> updates) {
    return updateProperties(ns, props -> {
      props.putAll(updates);
      return props;
    });
  }

  @Override
  public boolean removeProperties(Namespace ns, Set<String> keys) {
    return updateProperties(ns, props -> {
      props.keySet().removeAll(keys);
      return props;
    });
  }

  private boolean updateProperties(Namespace ns, java.util.function.UnaryOperator<Map<String, String>> change) {
    if (ns.isEmpty()) {
      throw new UnsupportedOperationException("The root namespace is the warehouse and has no properties");
    }
    validate(ns);
    if (namespaceFiles(ns).update(change) == null) {
      throw new NoSuchNamespaceException("Namespace does not exist: %s", ns);
    }
    return true;
  }

  @Override
  public void close() throws java.io.IOException {
    super.close();
    if (hints != null) {
      hints.close(); // pending hints first, while the storage is open
    }
    if (!upkeep.awaitIdle(30_000)) { // runs due after the last commits finish first, while the storage is open
      LOG.warn("catalog {}: upkeep of its tables still running after 30 s", name);
    }
    background.shutdown(); // tombstones being written finish first, while the storage is open
    try {
      if (!background.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
        LOG.warn("catalog {}: old versions still being replaced by tombstones after 30 s", name);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (ownsStorage && storage != null) {
      storage.close();
    }
  }

  @Override
  public String toString() {
    return "DataShardCatalog{" + name + ", " + (storage == null ? "not initialized" : storage.root()) + "}";
  }
}
