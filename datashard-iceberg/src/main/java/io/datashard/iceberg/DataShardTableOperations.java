package io.datashard.iceberg;

import static io.datashard.TableProperties.UPKEEP_ENABLED;
import static io.datashard.TableProperties.booleanValue;
import static io.datashard.TableProperties.withCreationDefaults;
import static io.datashard.TableProperties.UPKEEP_ENABLED_DEFAULT;

import io.datashard.commit.MetadataFiles;
import io.datashard.commit.VersionFiles;
import io.datashard.commit.VersionTombstone;
import io.datashard.storage.CommitOutcomeUnknownException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.iceberg.LocationProviders;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;

/**
 * Apache Iceberg's {@link TableOperations} for one DataShard table, committing through DataShard's own protocol
 * ({@link VersionFiles}, {@code docs/concurrency.md}), so Iceberg engines and the DataShard library are writers of
 * the same kind on the same table:
 * <ul>
 *   <li><b>refresh</b>: {@link VersionFiles#findLatest} (hint, then forward probe), then {@link VersionFiles#read}
 *       of that version, probing on past an {@code expired} tombstone; a {@code dropped} tombstone means the table
 *       does not exist;
 *   <li><b>commit</b>: Iceberg's own {@link TableMetadataParser#toJson} of the new metadata, published as
 *       {@code v<base+1>.metadata.json} by {@link VersionFiles#create} (exclusive create). Taken: a
 *       {@link CommitFailedException} (Iceberg refreshes and retries). Undecidable after the read-back: a
 *       {@link CommitStateUnknownException}. Then the hint;
 *   <li>versions that fell out of the metadata log are replaced by tombstones ({@link VersionFiles#retire}), never
 *       deleted, with {@code write.metadata.delete-after-commit.enabled} or automatic upkeep on (see
 *       {@link #retiresFallenOutVersions});
 *   <li>with automatic upkeep on, snapshots beyond its limits are expired, manifests merged and small data files
 *       compacted after the commit, on the catalog's background threads ({@link CatalogUpkeep}).
 * </ul>
 * A handle never moves from one table to another: after a drop and a create of the same name its refresh fails.
 */
public final class DataShardTableOperations implements TableOperations {
  private final VersionFiles versions;
  private final StorageFileIO io;
  private final String fullName;
  private final TableIdentifier identifier;
  private final CreationGuard guard;
  private volatile TableMetadata current;
  private volatile int currentVersion;
  private volatile boolean loaded;
  private final VersionCache cache;
  private boolean forCommit;
  private boolean unchecked;
  /** The bytes of the file {@link #current} was read from or written as. */
  private byte[] currentJson;
  private final HintPublisher hints;
  private final Executor background;
  private final TombstoneSweeper sweeper;
  private final CatalogUpkeep upkeep;

  /**
   * @param versions the table's version files
   * @param io the catalog's file IO
   * @param catalogName the catalog's name, for messages
   * @param identifier the table's name
   * @param guard what must hold around creating the table (its namespace exists, no namespace has its folder)
   * @param cache the catalog's versions of tables it has seen, or null
   * @param hints writes hints after the commit returns, or null to write them in the commit
   * @param background threads for the cached version's two checks (side by side) and for replacing versions that
   *     fell out of the metadata log by tombstones after the commit returned
   * @param sweeper removes old tombstones after commits, or null
   * @param upkeep expires snapshots, merges manifests and compacts small files after commits by the table's upkeep
   *     settings, or null
   */
  DataShardTableOperations(VersionFiles versions, StorageFileIO io, String catalogName, TableIdentifier identifier,
      CreationGuard guard, VersionCache cache, HintPublisher hints, Executor background, TombstoneSweeper sweeper,
      CatalogUpkeep upkeep) {
    this.cache = cache;
    this.sweeper = sweeper;
    this.upkeep = upkeep;
    this.hints = hints;
    this.background = java.util.Objects.requireNonNull(background);
    this.versions = versions;
    this.io = io;
    this.fullName = catalogName + "." + identifier;
    this.identifier = identifier;
    this.guard = guard;
  }

  /** @return the table's version files */
  public VersionFiles versionFiles() {
    return versions;
  }

  @Override
  public TableMetadata current() {
    return loaded ? current : refresh();
  }

  /**
   * Makes this handle's first load take a version the catalog cached and checked against the store recently
   * without checking it again ({@link VersionCache#trustedForCommit}): for a handle that commits at once, whose
   * exclusive create fails if the version is no longer the latest.
   *
   * @return this
   */
  DataShardTableOperations forCommit() {
    this.forCommit = true;
    return this;
  }

  /**
   * @return whether the current metadata was taken from the catalog's cache without a check against the store
   *     (see {@link #forCommit}): a requirement it fails may hold on the latest version, so refresh before refusing
   */
  public synchronized boolean currentUnchecked() {
    return unchecked;
  }

  /**
   * @return the bytes of the version file {@code metadata} was read from or written as (read-only), when it is this
   *     handle's current version (a REST answer carries them as they are instead of writing the metadata as JSON
   *     again); else null
   */
  public synchronized java.nio.ByteBuffer fileJson(TableMetadata metadata) {
    return metadata != null && metadata == current && currentJson != null
        ? java.nio.ByteBuffer.wrap(currentJson).asReadOnlyBuffer() : null;
  }

  @Override
  public synchronized TableMetadata refresh() {
    TableMetadata known = current;
    unchecked = false;
    if (known == null && cache != null) {
      VersionCache.Entry seen = cache.get(versions.tableLocation());
      if (seen != null && forCommit && cache.trustedForCommit(seen)) {
        versions.seen(seen.version(), seen.checkedAtNanos());
        setCurrent(seen.metadata(), seen.version(), seen.json());
        unchecked = true;
        return seen.metadata();
      }
      if (seen != null && stillCurrent(seen)) {
        cache.checked(versions.tableLocation(), seen);
        setCurrent(seen.metadata(), seen.version(), seen.json());
        return seen.metadata();
      }
    }
    VersionFiles.Latest found = versions.findLatest(known == null ? 0 : currentVersion);
    if (found == null) {
      forget();
      missingVersion();
      if (known != null) {
        throw new NoSuchTableException("Table %s was removed from storage", fullName);
      }
      loaded = true;
      return null;
    }
    if (known != null && found.version() == currentVersion && found.confirmed()) {
      return known;
    }
    VersionFiles.Current cur = versions.readCurrent(found.version());
    if (cur.dropped()) {
      forget();
      if (known != null) {
        throw new NoSuchTableException("Table %s was dropped after this handle loaded it", fullName);
      }
      loaded = true;
      return null;
    }
    int latest = cur.version();
    TableMetadata metadata = TableMetadataParser.fromJson(versions.file(latest),
        new String(cur.content().bytes(), StandardCharsets.UTF_8));
    if (known != null && !known.uuid().equals(metadata.uuid())) {
      throw new ValidationException("Table UUID does not match: current=%s != refreshed=%s (table %s was dropped "
          + "and created again since this handle loaded it; load it again)", known.uuid(), metadata.uuid(), fullName);
    }
    setCurrent(metadata, latest, cur.content().bytes());
    remember(latest, cur.content().bytes(), metadata, true);
    if (known == null && (found.hintStale() || latest != found.version())) {
      writeHint(latest); // heal a missing or stale hint, as the library does
    }
    return metadata;
  }

  /** A hint naming a version file that is gone means the file was removed by hand: say which. */
  private void missingVersion() {
    byte[] hint;
    try {
      hint = versions.storage().readAll(MetadataFiles.hintFile(versions.tableLocation()));
    } catch (RuntimeException e) {
      return;
    }
    try {
      int n = Integer.parseInt(new String(hint, StandardCharsets.UTF_8).trim());
      throw new NotFoundException("Failed to open input stream for file: %s (the version-hint names it, but it is "
          + "gone: version files must never be removed)", versions.file(n));
    } catch (NumberFormatException e) {
      // an unreadable hint and no version: no table here
    }
  }

  /**
   * A cached version is current when its file has the length it had and no next version exists. The two requests
   * go out together (one round trip, not two): a version file never changes while it is the latest, so the answers
   * need no order.
   */
  private boolean stillCurrent(VersionCache.Entry seen) {
    long asked = System.nanoTime();
    java.util.function.Supplier<Boolean> noNextVersion = () -> !versions.storage().exists(versions.file(
        seen.version() + 1));
    CompletableFuture<Boolean> noNext;
    try {
      noNext = CompletableFuture.supplyAsync(noNextVersion, background);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      noNext = CompletableFuture.completedFuture(noNextVersion.get()); // the catalog is closing: one after the other
    }
    try {
      boolean sameFile = versions.storage().newInputFile(versions.file(seen.version())).length() == seen.length();
      if (sameFile && noNext.join()) {
        versions.seen(seen.version(), asked); // its file still holds that metadata: the create need not look again
        return true;
      }
      return false;
    } catch (RuntimeException e) {
      return false; // gone or unreadable: the full refresh below says what is there
    }
  }

  private void writeHint(int version) {
    if (hints == null) {
      versions.writeHint(version);
    } else {
      hints.publish(versions, version);
    }
  }

  private void remember(int version, byte[] json, TableMetadata metadata, boolean checked) {
    if (cache != null) {
      cache.put(versions.tableLocation(), version, json, metadata, checked);
    }
  }

  private void forget() {
    if (cache != null) {
      cache.remove(versions.tableLocation());
    }
  }

  private void setCurrent(TableMetadata metadata, int version, byte[] json) {
    unchecked = false;
    current = metadata;
    currentJson = json;
    currentVersion = version;
    loaded = true;
  }

  @Override
  public synchronized void commit(TableMetadata base, TableMetadata metadata) {
    if (base == metadata) {
      return; // nothing changed
    }
    if (!stripSlash(metadata.location()).equals(versions.tableLocation())) {
      throw new ValidationException("Cannot commit %s: its location must stay %s (DataShardCatalog keeps each table at "
          + "the folder its name maps to; see docs/catalog.md), not %s", fullName, versions.tableLocation(),
          metadata.location());
    }
    if (base == null) {
      metadata = withDataShardDefaults(metadata);
    }
    int version = base == null ? firstVersion() : baseVersion(base) + 1;
    byte[] json = TableMetadataParser.toJson(metadata).getBytes(StandardCharsets.UTF_8);
    boolean created;
    try {
      created = versions.create(version, json);
    } catch (CommitOutcomeUnknownException e) {
      if (isCommitted(metadata, base)) {
        created = true;
      } else {
        throw new CommitStateUnknownException(e);
      }
    }
    if (!created) {
      if (base == null) {
        throw new AlreadyExistsException("Table already exists: %s", identifier);
      }
      throw new CommitFailedException("Cannot commit %s: version %s was published by another writer after base "
          + "version %s (refresh and retry)", fullName, version, version - 1);
    }
    if (base == null && guard.conflictsAfterCreate()) {
      // A namespace took this folder while we created the table: both sides check after writing, so at least one
      // sees the other. Withdraw by a dropped tombstone (nothing is deleted: the folder is the namespace's too).
      if (versions.create(version + 1, VersionTombstone.dropped(version + 1, metadata.uuid()).toJson())) {
        versions.writeHint(version + 1);
      }
      throw new AlreadyExistsException("Cannot create table %s: a namespace of that name was created at %s",
          identifier, versions.tableLocation());
    }
    // What was written, located at its file: the same metadata, without parsing the JSON back.
    TableMetadata committed = TableMetadata.buildFrom(metadata).discardChanges()
        .withMetadataLocation(versions.file(version)).build();
    setCurrent(committed, version, json);
    remember(version, json, committed, false);
    writeHint(version);
    if (base != null && retiresFallenOutVersions(committed)) {
      Set<String> removed = MetadataFiles.fallenOutOfLog(base.metadataFileLocation(),
          base.previousFiles().stream().map(TableMetadata.MetadataLogEntry::file).toList(), versions.file(version),
          committed.previousFiles().stream().map(TableMetadata.MetadataLogEntry::file).toList());
      if (!removed.isEmpty()) {
        retire(removed);
      }
      if (sweeper != null) {
        sweeper.committed(versions, committed.properties());
      }
    }
    if (base != null && upkeep != null) {
      upkeep.committed(identifier, versions.tableLocation(), committed);
    }
  }

  /**
   * Whether versions that fall out of the metadata log ({@code write.metadata.previous-versions-max}) become
   * tombstones: with {@code write.metadata.delete-after-commit.enabled=true}, as Iceberg defines it, and, as the
   * DataShard library's automatic upkeep does, on every table whose upkeep is on (the default) unless that property
   * says {@code false}. Without it, a table written through a catalog or the REST server kept every version it ever
   * had: 2.2 GB of version files after 100,000 single-row appends through the server (docs/benchmarks.md).
   */
  static boolean retiresFallenOutVersions(TableMetadata m) {
    return retiresFallenOutVersions(m.properties());
  }

  /**
   * @param properties a table's properties
   * @return whether versions that fall out of its metadata log become tombstones (see above)
   */
  static boolean retiresFallenOutVersions(Map<String, String> properties) {
    String deleteAfterCommit = TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED;
    return properties.containsKey(deleteAfterCommit)
        ? booleanValue(properties, deleteAfterCommit, false)
        : booleanValue(properties, UPKEEP_ENABLED, UPKEEP_ENABLED_DEFAULT);
  }

  /** A new table gets the properties the library gives a new table ({@code TableProperties.withCreationDefaults}). */
  private static TableMetadata withDataShardDefaults(TableMetadata created) {
    Map<String, String> added = new java.util.HashMap<>(withCreationDefaults(created.properties()));
    added.keySet().removeAll(created.properties().keySet());
    return added.isEmpty() ? created : TableMetadata.buildFrom(created).setProperties(added).build();
  }

  /** Tombstones, never deletions; off the committing thread (on it when the catalog is closing). */
  private void retire(Set<String> files) {
    try {
      background.execute(() -> versions.retire(files));
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      versions.retire(files);
    }
  }

  /** Create: version 1, or the version after a dropped table's tombstone (numbering never restarts). */
  private int firstVersion() {
    guard.beforeCreate();
    VersionFiles.Latest found = versions.findLatest(0);
    if (found == null) {
      return 1;
    }
    VersionFiles.Current cur = versions.readCurrent(found.version());
    // After a dropped table, the next name; for a live table a taken name, so that creating fails.
    return cur.dropped() ? cur.version() + 1 : cur.version();
  }

  private int baseVersion(TableMetadata base) {
    String file = base.metadataFileLocation();
    int n = file == null ? -1 : MetadataFiles.parseVersion(file);
    if (n <= 0 || !versions.file(n).equals(file)) {
      throw new CommitFailedException("Cannot commit %s: the base metadata %s is not a version of this table", fullName,
          file);
    }
    return n;
  }

  /** After an undecidable create: the change is in if its new snapshot is in the latest version. */
  private boolean isCommitted(TableMetadata metadata, TableMetadata base) {
    Snapshot added = metadata.currentSnapshot();
    if (added == null || (base != null && base.snapshot(added.snapshotId()) != null)) {
      return false;
    }
    try {
      loaded = false;
      TableMetadata latest = refresh();
      return latest != null && latest.snapshot(added.snapshotId()) != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** What must hold around the creation of a table, checked by the catalog that knows its namespaces. */
  interface CreationGuard {
    /** Throws when the table may not be created (its namespace is missing, a namespace holds its folder). */
    void beforeCreate();

    /** @return whether, after the table's first version was published, a namespace holds its folder */
    boolean conflictsAfterCreate();
  }

  @Override
  public FileIO io() {
    return io;
  }

  @Override
  public String metadataFileLocation(String fileName) {
    return metadataFileLocation(current(), fileName);
  }

  private static String metadataFileLocation(TableMetadata metadata, String fileName) {
    String dir = metadata.properties().get(TableProperties.WRITE_METADATA_LOCATION);
    if (dir != null) {
      return stripSlash(dir) + "/" + fileName;
    }
    return stripSlash(metadata.location()) + "/metadata/" + fileName;
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  @Override
  public LocationProvider locationProvider() {
    TableMetadata m = current();
    return LocationProviders.locationsFor(m.location(), m.properties());
  }

  @Override
  public TableOperations temp(TableMetadata uncommitted) {
    return new TableOperations() {
      @Override
      public TableMetadata current() {
        return uncommitted;
      }

      @Override
      public TableMetadata refresh() {
        throw new UnsupportedOperationException("Cannot call refresh on temporary table operations");
      }

      @Override
      public void commit(TableMetadata base, TableMetadata metadata) {
        throw new UnsupportedOperationException("Cannot call commit on temporary table operations");
      }

      @Override
      public FileIO io() {
        return io;
      }

      @Override
      public String metadataFileLocation(String fileName) {
        return DataShardTableOperations.metadataFileLocation(uncommitted, fileName);
      }

      @Override
      public LocationProvider locationProvider() {
        return LocationProviders.locationsFor(uncommitted.location(), uncommitted.properties());
      }

      @Override
      public long newSnapshotId() {
        return DataShardTableOperations.this.newSnapshotId();
      }
    };
  }
}
